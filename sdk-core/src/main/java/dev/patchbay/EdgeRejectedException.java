package dev.patchbay;

import java.time.Duration;

/**
 * The edge refused a request with a status: an upgrade refusal (401, 403, 409, 429, 503), a
 * token-endpoint 429/503 that outlived its retry budget, or any other non-success answer.
 * {@link #status()} is always present.
 */
public final class EdgeRejectedException extends PatchbayException {
  private static final long serialVersionUID = 1L;

  /**
   * A refusal by the edge.
   *
   * @param message what was refused (never a secret)
   * @param status the edge's status
   * @param retryable whether the same request may succeed later
   * @param retryAfter the delay the edge asked for, or null
   * @param cause the underlying failure, or null
   */
  EdgeRejectedException(
      String message, int status, boolean retryable, Duration retryAfter, Throwable cause) {
    super(message, cause, retryable, status, retryAfter);
  }
}
