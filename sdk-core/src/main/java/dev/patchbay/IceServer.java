package dev.patchbay;

import java.util.List;
import java.util.Objects;

/** A STUN or TURN server. The credential never appears in {@link #toString()}. */
public record IceServer(List<String> urls, String username, String credential) {
  /**
   * Checks the server.
   *
   * @param urls one or more {@code stun:}, {@code stuns:}, {@code turn:} or {@code turns:} URIs
   * @param username the TURN user name, or null
   * @param credential the TURN credential (never log it), or null
   * @throws IllegalArgumentException when there is no URL or one has another scheme
   */
  public IceServer {
    urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("urls must not be empty");
    }
    for (String u : urls) {
      if (!(u.startsWith("stun:") || u.startsWith("stuns:") || u.startsWith("turn:")
          || u.startsWith("turns:"))) {
        throw new IllegalArgumentException(
            "urls must be stun:, stuns:, turn: or turns: URIs, but was " + u);
      }
    }
  }

  /**
   * A STUN server without credentials.
   *
   * @param url a {@code stun:} or {@code stuns:} URI
   * @return the server
   */
  public static IceServer stun(String url) {
    return new IceServer(List.of(url), null, null);
  }

  /**
   * A TURN server.
   *
   * @param url a {@code turn:} or {@code turns:} URI
   * @param username the TURN user name
   * @param credential the TURN credential (never log it)
   * @return the server
   */
  public static IceServer turn(String url, String username, String credential) {
    return new IceServer(List.of(url), username, credential);
  }

  @Override
  public String toString() {
    return "IceServer{urls=" + urls + ", username=" + username
        + (credential == null ? "" : ", credential=██") + '}';
  }
}
