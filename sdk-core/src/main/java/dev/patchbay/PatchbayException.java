package dev.patchbay;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Root of every error the SDK reports. Unchecked, so it travels through
 * {@link java.util.concurrent.CompletableFuture} chains unchanged.
 *
 * <p>Messages never contain a token, authorization code, PKCE verifier, client secret or
 * ICE password.
 */
public class PatchbayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;
  private final int status;
  private final Duration retryAfter;

  public PatchbayException(String message) {
    this(message, null, false, 0, null);
  }

  public PatchbayException(String message, Throwable cause) {
    this(message, cause, false, 0, null);
  }

  /**
   * @param status the edge's status code (HTTP or protocol {@code error.status}), or 0 if none
   * @param retryAfter the delay the edge asked for, or null if it did not say
   */
  public PatchbayException(
      String message, Throwable cause, boolean retryable, int status, Duration retryAfter) {
    super(message, cause);
    this.retryable = retryable;
    this.status = status;
    this.retryAfter = retryAfter;
  }

  /** True when repeating the same operation later may succeed. */
  public boolean retryable() {
    return retryable;
  }

  /** The status the edge answered with, when the edge said so. */
  public OptionalInt status() {
    return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /** The delay the edge asked for before a retry ({@code Retry-After} or {@code retryAfterMs}). */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
