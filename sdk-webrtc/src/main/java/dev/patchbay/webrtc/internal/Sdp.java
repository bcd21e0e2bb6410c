package dev.patchbay.webrtc.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The few SDP facts the session needs. */
public final class Sdp {
  private static final Pattern SESSION_UFRAG = Pattern.compile("(?m)^a=ice-ufrag:(\\S+)\\s*$");
  private static final Pattern CANDIDATE_UFRAG = Pattern.compile("\\bufrag (\\S+)");

  private Sdp() {}

  /** The first {@code a=ice-ufrag} of a description, or null. */
  public static String iceUfrag(String sdp) {
    Matcher m = SESSION_UFRAG.matcher(sdp);
    return m.find() ? m.group(1) : null;
  }

  /** The {@code ufrag} extension of a candidate line, or null when it has none. */
  public static String candidateUfrag(String candidate) {
    Matcher m = CANDIDATE_UFRAG.matcher(candidate);
    return m.find() ? m.group(1) : null;
  }

  /** The candidate type ({@code host}, {@code srflx}, {@code relay}, ...), or null. */
  public static String candidateType(String candidate) {
    String[] parts = candidate.split(" ");
    for (int i = 0; i + 1 < parts.length; i++) {
      if (parts[i].equals("typ")) {
        return parts[i + 1];
      }
    }
    return null;
  }

  /** Candidate lines without the {@code a=} prefix, as libwebrtc trickles them. */
  public static String stripAttributePrefix(String candidate) {
    return candidate.startsWith("a=") ? candidate.substring(2) : candidate;
  }
}
