package dev.patchbay.internal.media;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/** Builds a minimal but valid WebRTC audio SDP (RFC 8866 / JSEP shape) without any media stack. */
final class SignalingOnlySdp {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong SESSION_IDS = new AtomicLong(System.nanoTime() & 0xffffffffL);
  private static final String ICE_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  private SignalingOnlySdp() {}

  /** ICE credentials of one ICE generation. */
  record IceCredentials(String ufrag, String pwd) {
    static IceCredentials random() {
      return new IceCredentials(randomIce(8), randomIce(24));
    }

    @Override
    public String toString() {
      return "IceCredentials{ufrag=" + ufrag + ", pwd=██}";
    }
  }

  static String fingerprint() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(b);
  }

  /**
   * @param setup {@code actpass} for an offer, {@code active} for an answer
   */
  static String build(long sessionId, long version, IceCredentials ice, String fingerprint,
      String setup) {
    return "v=0\r\n"
        + "o=- " + sessionId + ' ' + version + " IN IP4 127.0.0.1\r\n"
        + "s=-\r\n"
        + "t=0 0\r\n"
        + "a=group:BUNDLE 0\r\n"
        + "a=msid-semantic: WMS\r\n"
        + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
        + "c=IN IP4 0.0.0.0\r\n"
        + "a=rtcp:9 IN IP4 0.0.0.0\r\n"
        + "a=ice-ufrag:" + ice.ufrag() + "\r\n"
        + "a=ice-pwd:" + ice.pwd() + "\r\n"
        + "a=ice-options:trickle\r\n"
        + "a=fingerprint:sha-256 " + fingerprint + "\r\n"
        + "a=setup:" + setup + "\r\n"
        + "a=mid:0\r\n"
        + "a=sendrecv\r\n"
        + "a=rtcp-mux\r\n"
        + "a=rtpmap:111 opus/48000/2\r\n"
        + "a=fmtp:111 minptime=10;useinbandfec=1\r\n";
  }

  static long newSessionId() {
    return SESSION_IDS.incrementAndGet();
  }

  /** True when {@code sdp} looks like a session description with at least one media section. */
  static boolean looksValid(String sdp) {
    return sdp != null && sdp.startsWith("v=0") && sdp.contains("\nm=");
  }

  /** True when the SDP carries ICE credentials (every JSEP offer/answer does). */
  static boolean hasIceCredentials(String sdp) {
    return sdp.contains("a=ice-ufrag:") && sdp.contains("a=ice-pwd:");
  }

  private static String randomIce(int length) {
    byte[] b = new byte[length];
    RANDOM.nextBytes(b); // one call: per-call SecureRandom.nextInt is slow on NativePRNG
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ICE_CHARS.charAt((b[i] & 0xff) % ICE_CHARS.length())); // 64 chars: no bias
    }
    return sb.toString();
  }
}
