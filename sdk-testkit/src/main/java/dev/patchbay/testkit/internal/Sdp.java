package dev.patchbay.testkit.internal;

import java.util.Random;

/** Valid minimal audio SDP (offer or answer) and host candidates for the built-in parties. */
final class Sdp {
  private Sdp() {}

  static String offer(Random random) {
    return build(random, "actpass", "0");
  }

  static String answerTo(String offer, Random random) {
    return build(random, "active", midOf(offer));
  }

  static String midOf(String sdp) {
    if (sdp != null) {
      for (String line : sdp.split("\r?\n")) {
        if (line.startsWith("a=mid:")) {
          String mid = line.substring(6).trim();
          if (!mid.isEmpty() && mid.length() <= 32 && mid.matches("[A-Za-z0-9_\\-]+")) {
            return mid;
          }
        }
      }
    }
    return "0";
  }

  static String hostCandidate(Random random) {
    int port = 10000 + random.nextInt(50000);
    return "candidate:1 1 udp 2122260223 127.0.0.1 " + port + " typ host generation 0";
  }

  private static String build(Random random, String setup, String mid) {
    long sessionId = Math.abs(random.nextLong() % 1_000_000_000_000L) + 1;
    StringBuilder fp = new StringBuilder();
    for (int i = 0; i < 32; i++) {
      fp.append(i == 0 ? "" : ":").append(String.format("%02X", random.nextInt(256)));
    }
    return "v=0\r\n"
        + "o=- " + sessionId + " 2 IN IP4 127.0.0.1\r\n"
        + "s=-\r\n"
        + "t=0 0\r\n"
        + "a=group:BUNDLE " + mid + "\r\n"
        + "a=msid-semantic: WMS\r\n"
        + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
        + "c=IN IP4 0.0.0.0\r\n"
        + "a=rtcp:9 IN IP4 0.0.0.0\r\n"
        + "a=ice-ufrag:" + token(random, 8) + "\r\n"
        + "a=ice-pwd:" + token(random, 24) + "\r\n"
        + "a=ice-options:trickle\r\n"
        + "a=fingerprint:sha-256 " + fp + "\r\n"
        + "a=setup:" + setup + "\r\n"
        + "a=mid:" + mid + "\r\n"
        + "a=sendrecv\r\n"
        + "a=rtcp-mux\r\n"
        + "a=rtpmap:111 opus/48000/2\r\n"
        + "a=fmtp:111 minptime=10;useinbandfec=1\r\n";
  }

  private static String token(Random random, int len) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
