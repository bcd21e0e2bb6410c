package dev.patchbay.internal.auth;

import java.net.URI;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * Where the authorization server lives. For the Patchbay edge they all derive from the edge's
 * base URI: {@code {edge}/oauth/token}, {@code {edge}/oauth/revoke},
 * {@code {edge}/oauth/authorize}. One per SDK: the token and revocation URLs are parsed here
 * once, not on every request (10,000 agents revoking at close parsed the same URL 10,000
 * times).
 */
public final class OAuthEndpoints {
  private final URI token;
  private final URI revoke;
  private final URI authorize;
  private final Target tokenTarget;
  private final Target revokeTarget;

  /**
   * @param token the token endpoint
   * @param revoke null when the server has no revocation endpoint (close then only forgets
   *     tokens)
   * @param authorize the authorization endpoint, or null
   */
  public OAuthEndpoints(URI token, URI revoke, URI authorize) {
    this.token = Objects.requireNonNull(token, "token endpoint must not be null");
    this.revoke = revoke;
    this.authorize = authorize;
    this.tokenTarget = Target.of(token);
    this.revokeTarget = revoke == null ? null : Target.of(revoke);
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

  public URI token() {
    return token;
  }

  /** The revocation endpoint, or null when the server has none. */
  public URI revoke() {
    return revoke;
  }

  public URI authorize() {
    return authorize;
  }

  Target tokenTarget() {
    return tokenTarget;
  }

  Target revokeTarget() {
    return revokeTarget;
  }

  @Override
  public String toString() {
    return "OAuthEndpoints[token=" + tokenTarget.where() + ", revoke="
        + (revokeTarget == null ? null : revokeTarget.where()) + ']';
  }

  /**
   * An endpoint parsed for OkHttp, and how logs and messages name it (no user info, query or
   * fragment).
   */
  record Target(HttpUrl url, String where) {
    static Target of(URI uri) {
      HttpUrl url = HttpUrl.get(uri.toString());
      return new Target(url, url.newBuilder().username("").password("").query(null)
          .fragment(null).build().toString());
    }
  }
}
