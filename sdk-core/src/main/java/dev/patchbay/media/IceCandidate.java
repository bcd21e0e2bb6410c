package dev.patchbay.media;

import java.util.Objects;

/**
 * One trickled ICE candidate: the {@code candidate:} attribute line and the media section it
 * belongs to ({@code sdpMid} and/or {@code sdpMLineIndex}).
 */
public record IceCandidate(String sdpMid, int sdpMLineIndex, String candidate) {
  /**
   * Checks the candidate.
   *
   * @param sdpMid the media section's identification tag, or null
   * @param sdpMLineIndex the index of the media section, 0 or more
   * @param candidate the {@code candidate:} attribute line
   * @throws IllegalArgumentException when the candidate is blank or the index negative
   */
  public IceCandidate {
    Objects.requireNonNull(candidate, "candidate");
    if (candidate.isBlank()) {
      throw new IllegalArgumentException("candidate must not be blank");
    }
    if (sdpMLineIndex < 0) {
      throw new IllegalArgumentException("sdpMLineIndex must be >= 0, but was " + sdpMLineIndex);
    }
  }
}
