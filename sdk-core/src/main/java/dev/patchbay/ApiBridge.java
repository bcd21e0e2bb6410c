package dev.patchbay;

import dev.patchbay.internal.ApiAccess;
import dev.patchbay.internal.CredentialParts;
import java.time.Duration;

/** The one {@link ApiAccess}: internal code's way to package-private parts of the API. */
final class ApiBridge extends ApiAccess {
  static {
    ApiAccess.install(new ApiBridge());
  }

  private ApiBridge() {}

  @Override
  public CredentialParts parts(Credentials credentials) {
    return credentials.parts();
  }

  @Override
  public PatchbayException patchbay(
      String message, Throwable cause, boolean retryable, int status, Duration retryAfter) {
    return new PatchbayException(message, cause, retryable, status, retryAfter);
  }

  @Override
  public ProtocolException protocol(String message, Throwable cause) {
    return new ProtocolException(message, cause);
  }

  @Override
  public AuthenticationException authentication(String message, String error, Throwable cause,
      boolean retryable, int status, Duration retryAfter) {
    return new AuthenticationException(message, error, cause, retryable, status, retryAfter);
  }

  @Override
  public CallFailedException callFailed(String callId, String message, int status, int attempts,
      boolean retryable, Duration retryAfter, Throwable cause) {
    return new CallFailedException(
        callId, message, status, attempts, retryable, retryAfter, cause);
  }

  @Override
  public ClosedException closed(String message) {
    return new ClosedException(message);
  }

  @Override
  public EdgeRejectedException edgeRejected(
      String message, int status, boolean retryable, Duration retryAfter, Throwable cause) {
    return new EdgeRejectedException(message, status, retryable, retryAfter, cause);
  }
}
