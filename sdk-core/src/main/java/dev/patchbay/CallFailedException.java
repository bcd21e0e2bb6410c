package dev.patchbay;

import java.time.Duration;

/**
 * A call could not be set up or ended abnormally: busy (486), no answer (480), media
 * negotiation timeout (504), capacity (503), ICE failure, a phase deadline. Names the call,
 * the status when the edge gave one and how many attempts were made.
 */
public final class CallFailedException extends PatchbayException {
  private static final long serialVersionUID = 1L;

  /** The client-made call id. */
  private final String callId;
  /** The number of invites sent. */
  private final int attempts;

  /**
   * A failed call.
   *
   * @param callId the client-made call id
   * @param message what failed (never a secret)
   * @param status the edge's status, or 0 if none
   * @param attempts how many invites were sent
   * @param retryable whether dialling again later may succeed
   * @param retryAfter the delay the edge asked for, or null
   * @param cause the underlying failure, or null
   */
  CallFailedException(
      String callId, String message, int status, int attempts, boolean retryable,
      Duration retryAfter, Throwable cause) {
    super(message, cause, retryable, status, retryAfter);
    this.callId = callId;
    this.attempts = attempts;
  }

  /**
   * The client-made call id (the idempotency key of the invite).
   *
   * @return the call id
   */
  public String callId() {
    return callId;
  }

  /**
   * How many invites were sent for this call before giving up.
   *
   * @return the number of invites sent
   */
  public int attempts() {
    return attempts;
  }
}
