package dev.patchbay;

import java.time.Duration;

/**
 * The edge or the authorization server refused the credentials or the token: a bad client
 * secret, an {@code invalid_grant}, a token rejected twice in a row, a failed PKCE/state/iss
 * check. The app must re-authenticate the user; retrying the same call will not help unless
 * {@link #retryable()} says so.
 */
public final class AuthenticationException extends PatchbayException {
  private static final long serialVersionUID = 1L;

  /** The RFC 6749 {@code error} code, or null. */
  private final String error;

  /**
   * An authentication failure that is not retryable and carries no status.
   *
   * @param message what failed (never a secret)
   */
  AuthenticationException(String message) {
    this(message, null, null, false, 0, null);
  }

  /**
   * @param error the RFC 6749 {@code error} code (for example {@code invalid_grant}), or null
   * @param message what failed (never a secret)
   * @param cause the underlying failure, or null
   * @param retryable whether the same request may succeed later (a 429/503 from the token endpoint,
   *     say)
   * @param status the HTTP status of the refusal, or 0 if none
   * @param retryAfter the delay the server asked for before a retry, or null
   */
  AuthenticationException(
      String message, String error, Throwable cause, boolean retryable, int status,
      Duration retryAfter) {
    super(message, cause, retryable, status, retryAfter);
    this.error = error;
  }

  /**
   * The RFC 6749 {@code error} code, or null when the failure was not an OAuth error body.
   *
   * @return the error code, or null
   */
  public String error() {
    return error;
  }
}
