package dev.patchbay.internal.gate;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which edges and token endpoints the SDK talks to in plaintext: {@code https}/{@code wss}
 * always; {@code http}/{@code ws} only on a loopback host ({@code 127.0.0.0/8}, {@code ::1},
 * {@code localhost}) unless the application explicitly allowed plaintext. Host names other than
 * {@code localhost} are not resolved: a name is not loopback, whatever DNS says today.
 */
public final class TransportPolicy {
  private TransportPolicy() {}

  /** Whether {@code uri} is plaintext ({@code http} or {@code ws}). */
  public static boolean plaintext(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("http") || scheme.equals("ws");
  }

  /** Whether {@code host} is a loopback literal or {@code localhost}. */
  public static boolean loopback(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (h.matches("127(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}")) {
      return true;
    }
    if (!h.contains(":")) {
      return false; // another IPv4 literal, or a name: names are never resolved here
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // an IPv6 literal: no lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Refuses a plaintext {@code uri} on a non-loopback host unless {@code allowPlaintext}.
   *
   * @return true when {@code uri} is plaintext on a non-loopback host (and allowed)
   * @throws IllegalArgumentException naming the fix
   */
  public static boolean check(String what, URI uri, boolean allowPlaintext) {
    if (!plaintext(uri) || loopback(uri.getHost())) {
      return false;
    }
    if (!allowPlaintext) {
      throw new IllegalArgumentException(what + " " + withoutUserInfo(uri) + " is plaintext ("
          + uri.getScheme() + ") on a host that is not loopback: client secrets and tokens would"
          + " travel in clear. Use https, or call Patchbay.builder().allowPlaintext() to accept"
          + " this on purpose");
    }
    return true;
  }

  /** {@code uri} without user info, query or fragment (fit for a message). */
  public static String withoutUserInfo(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
