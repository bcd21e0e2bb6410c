package dev.patchbay;

import java.util.Objects;

/**
 * One trickled ICE candidate: the {@code candidate:} attribute line and the media section it
 * belongs to ({@code sdpMid} and/or {@code sdpMLineIndex}).
 */
public record IceCandidate(String sdpMid, int sdpMLineIndex, String candidate) {
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
