package dev.patchbay;

import java.util.List;
import java.util.Objects;

/** A STUN or TURN server. The credential never appears in {@link #toString()}. */
public record IceServer(List<String> urls, String username, String credential) {
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

  public static IceServer stun(String url) {
    return new IceServer(List.of(url), null, null);
  }

  public static IceServer turn(String url, String username, String credential) {
    return new IceServer(List.of(url), username, credential);
  }

  @Override
  public String toString() {
    return "IceServer{urls=" + urls + ", username=" + username
        + (credential == null ? "" : ", credential=██") + '}';
  }
}
