package dev.patchbay.internal.auth;

import java.net.URI;
import java.util.Objects;

/**
 * Where the authorization server lives. For the Patchbay edge they all derive from the edge's
 * base URI: {@code {edge}/oauth/token}, {@code {edge}/oauth/revoke}, {@code {edge}/oauth/authorize}.
 *
 * @param revoke null when the server has no revocation endpoint (close then only forgets tokens)
 */
public record OAuthEndpoints(URI token, URI revoke, URI authorize) {
  public OAuthEndpoints {
    Objects.requireNonNull(token, "token endpoint must not be null");
  }

  /**
   * The edge's endpoints below {@code edge} (a trailing slash is tolerated; {@code ws(s)} maps to
   * {@code http(s)}).
   */
  public static OAuthEndpoints forEdge(URI edge) {
    Objects.requireNonNull(edge, "edge must not be null");
    String base = edge.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    if (base.startsWith("ws://") || base.startsWith("wss://")) {
      base = "http" + base.substring(2);
    }
    if (!base.startsWith("http://") && !base.startsWith("https://")) {
      throw new IllegalArgumentException("edge must be an http(s) URI, but was " + edge);
    }
    return new OAuthEndpoints(URI.create(base + "/oauth/token"),
        URI.create(base + "/oauth/revoke"), URI.create(base + "/oauth/authorize"));
  }
}
