package dev.patchbay;

/**
 * Where a {@link Call} is. Outbound: NEW → DIALING → RINGING → CONNECTING → ACTIVE → ENDING →
 * ENDED. Inbound: RINGING (offered to the app) → CONNECTING → ACTIVE → ENDING → ENDED. Any
 * non-terminal state may go to FAILED. ENDED and FAILED are terminal; {@link Call#endReason()}
 * says why.
 */
public enum CallState {
  /** Created; waiting for admission (a free negotiation slot) and a local offer. */
  NEW,
  /** The invite is out; the edge has not reported progress yet. */
  DIALING,
  /** The callee is alerted (outbound), or the call is offered to this user (inbound). */
  RINGING,
  /** Offer and answer are exchanged; media is connecting. */
  CONNECTING,
  /** Media is connected. */
  ACTIVE,
  /** Hanging up: waiting for the edge to confirm, then releasing media. */
  ENDING,
  /** Terminal: ended normally (hang-up on either side, rejection, retraction). */
  ENDED,
  /** Terminal: could not be set up, or broke (busy, timeout, media failure, connection lost). */
  FAILED;

  /**
   * True for ENDED and FAILED.
   *
   * @return true when no further state follows
   */
  public boolean isTerminal() {
    return this == ENDED || this == FAILED;
  }
}
