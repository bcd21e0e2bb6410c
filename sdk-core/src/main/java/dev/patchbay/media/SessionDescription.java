package dev.patchbay.media;

import java.util.Objects;

/**
 * An SDP offer or answer, engine-neutral. {@link #toString()} omits the SDP body, which holds
 * ICE credentials ({@code a=ice-pwd}).
 */
public record SessionDescription(Type type, String sdp) {
  /** Offer or answer (RFC 3264). */
  public enum Type {
    /** The offer that opens a negotiation. */
    OFFER,
    /** The answer to an offer. */
    ANSWER
  }

  /**
   * Checks the description.
   *
   * @param type offer or answer
   * @param sdp the SDP body, not blank
   * @throws IllegalArgumentException when the SDP is blank
   */
  public SessionDescription {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(sdp, "sdp");
    if (sdp.isBlank()) {
      throw new IllegalArgumentException("sdp must not be blank");
    }
  }

  /**
   * An offer.
   *
   * @param sdp the SDP body
   * @return the description
   */
  public static SessionDescription offer(String sdp) {
    return new SessionDescription(Type.OFFER, sdp);
  }

  /**
   * An answer.
   *
   * @param sdp the SDP body
   * @return the description
   */
  public static SessionDescription answer(String sdp) {
    return new SessionDescription(Type.ANSWER, sdp);
  }

  @Override
  public String toString() {
    return "SessionDescription{" + type + ", " + sdp.length() + " chars}";
  }
}
