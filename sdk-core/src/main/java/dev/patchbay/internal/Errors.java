package dev.patchbay.internal;

import dev.patchbay.AuthenticationException;
import dev.patchbay.CallFailedException;
import dev.patchbay.ClosedException;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.PatchbayException;
import dev.patchbay.ProtocolException;
import java.time.Duration;

/**
 * Creates the SDK's exceptions for internal code (and the SDK's other modules): their
 * constructors are not public API. Arguments mean what the exceptions' accessors say.
 */
public final class Errors {
  private Errors() {}

  /** A non-retryable {@link PatchbayException} without status. */
  public static PatchbayException patchbay(String message) {
    return patchbay(message, null, false, 0, null);
  }

  /** A non-retryable {@link PatchbayException} without status, with its cause. */
  public static PatchbayException patchbay(String message, Throwable cause) {
    return patchbay(message, cause, false, 0, null);
  }

  /** A {@link PatchbayException}; {@code status} 0 means none, {@code retryAfter} may be null. */
  public static PatchbayException patchbay(
      String message, Throwable cause, boolean retryable, int status, Duration retryAfter) {
    return ApiAccess.get().patchbay(message, cause, retryable, status, retryAfter);
  }

  /** A {@link ProtocolException}. */
  public static ProtocolException protocol(String message) {
    return protocol(message, null);
  }

  /** A {@link ProtocolException} with its cause. */
  public static ProtocolException protocol(String message, Throwable cause) {
    return ApiAccess.get().protocol(message, cause);
  }

  /** A non-retryable {@link AuthenticationException} without status or error code. */
  public static AuthenticationException authentication(String message) {
    return authentication(message, null, null, false, 0, null);
  }

  /** An {@link AuthenticationException}; {@code error} is the RFC 6749 code or null. */
  public static AuthenticationException authentication(String message, String error,
      Throwable cause, boolean retryable, int status, Duration retryAfter) {
    return ApiAccess.get().authentication(message, error, cause, retryable, status, retryAfter);
  }

  /** A {@link CallFailedException}. */
  public static CallFailedException callFailed(String callId, String message, int status,
      int attempts, boolean retryable, Duration retryAfter, Throwable cause) {
    return ApiAccess.get().callFailed(
        callId, message, status, attempts, retryable, retryAfter, cause);
  }

  /** A {@link ClosedException}. */
  public static ClosedException closed(String message) {
    return ApiAccess.get().closed(message);
  }

  /** An {@link EdgeRejectedException}. */
  public static EdgeRejectedException edgeRejected(
      String message, int status, boolean retryable, Duration retryAfter, Throwable cause) {
    return ApiAccess.get().edgeRejected(message, status, retryable, retryAfter, cause);
  }
}
