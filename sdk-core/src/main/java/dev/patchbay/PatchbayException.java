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
 *
 * <p>The SDK creates its exceptions; their constructors are not API. Subclasses outside the SDK
 * are meant only for a media engine's own failures (a {@code MediaEngine} may fail with one).
 */
public class PatchbayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Whether repeating the operation may succeed. */
  private final boolean retryable;
  /** The edge's status, or 0 when there was none. */
  private final int status;
  /** The delay the edge asked for, or null. */
  private final Duration retryAfter;

  /**
   * A non-retryable error without status.
   *
   * @param message what failed (never a secret)
   */
  protected PatchbayException(String message) {
    this(message, null, false, 0, null);
  }

  /**
   * A non-retryable error without status, with its cause.
   *
   * @param message what failed (never a secret)
   * @param cause the underlying failure
   */
  protected PatchbayException(String message, Throwable cause) {
    this(message, cause, false, 0, null);
  }

  /**
   * @param status the edge's status code (HTTP or protocol {@code error.status}), or 0 if none
   * @param retryAfter the delay the edge asked for, or null if it did not say
   * @param message what failed (never a secret)
   * @param cause the underlying failure, or null
   * @param retryable whether repeating the same operation later may succeed
   */
  protected PatchbayException(
      String message, Throwable cause, boolean retryable, int status, Duration retryAfter) {
    super(message, cause);
    this.retryable = retryable;
    this.status = status;
    this.retryAfter = retryAfter;
  }

  /**
   * True when repeating the same operation later may succeed.
   *
   * @return whether a retry may succeed
   */
  public boolean retryable() {
    return retryable;
  }

  /**
   * The status the edge answered with, when the edge said so.
   *
   * @return the status, or empty when the edge gave none
   */
  public OptionalInt status() {
    return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /**
   * The delay the edge asked for before a retry ({@code Retry-After} or {@code retryAfterMs}).
   *
   * @return the requested delay, or empty
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
