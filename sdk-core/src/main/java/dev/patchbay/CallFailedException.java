package dev.patchbay;

import java.time.Duration;

/**
 * A call could not be set up or ended abnormally: busy (486), no answer (480), media
 * negotiation timeout (504), capacity (503), ICE failure, a phase deadline. Names the call,
 * the status when the edge gave one and how many attempts were made.
 */
public class CallFailedException extends PatchbayException {
  private static final long serialVersionUID = 1L;

  private final String callId;
  private final int attempts;

  public CallFailedException(
      String callId, String message, int status, int attempts, boolean retryable,
      Duration retryAfter, Throwable cause) {
    super(message, cause, retryable, status, retryAfter);
    this.callId = callId;
    this.attempts = attempts;
  }

  /** The client-made call id (the idempotency key of the invite). */
  public String callId() {
    return callId;
  }

  /** How many invites were sent for this call before giving up. */
  public int attempts() {
    return attempts;
  }
}
