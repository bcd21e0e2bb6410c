package dev.patchbay.internal;

import dev.patchbay.AuthenticationException;
import dev.patchbay.CallFailedException;
import dev.patchbay.ClosedException;
import dev.patchbay.Credentials;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.PatchbayException;
import dev.patchbay.ProtocolException;
import java.time.Duration;

/**
 * The bridge through which internal code reaches what {@code dev.patchbay} keeps
 * package-private (OkHttp's {@code Internal} pattern): the parts of a {@link Credentials} and the
 * constructors of the SDK's exceptions. The one implementation lives in {@code dev.patchbay} and
 * installs itself from its static initializer; {@link #get()} loads it on first use.
 *
 * <p>Not API: apps must not use this class. Internal code calls {@link Errors} and
 * {@link CredentialParts#of(Credentials)} rather than this class directly.
 */
public abstract class ApiAccess {
  private static final String IMPLEMENTATION = "dev.patchbay.ApiBridge";
  private static volatile ApiAccess instance;

  /** Only the implementation in {@code dev.patchbay} extends this class. */
  protected ApiAccess() {
    if (!getClass().getName().equals(IMPLEMENTATION)
        || getClass().getClassLoader() != ApiAccess.class.getClassLoader()) {
      throw new IllegalStateException("ApiAccess is internal to Patchbay");
    }
  }

  /**
   * Installs the implementation; called once, by its static initializer.
   *
   * @param access the implementation
   */
  public static synchronized void install(ApiAccess access) {
    java.util.Objects.requireNonNull(access, "access must not be null");
    if (instance != null) {
      throw new IllegalStateException("ApiAccess is already installed");
    }
    instance = access;
  }

  /**
   * The implementation, loading {@code dev.patchbay}'s bridge class when nothing installed it yet.
   *
   * @return the bridge
   */
  public static ApiAccess get() {
    ApiAccess a = instance;
    if (a == null) {
      try {
        Class.forName(IMPLEMENTATION, true, ApiAccess.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("Patchbay's API bridge is missing", e);
      }
      a = instance;
    }
    return a;
  }

  /**
   * The parts of {@code credentials}.
   *
   * @param credentials the credentials
   * @return their parts
   */
  public abstract CredentialParts parts(Credentials credentials);

  /** See {@link PatchbayException}. */
  public abstract PatchbayException patchbay(
      String message, Throwable cause, boolean retryable, int status, Duration retryAfter);

  /** See {@link ProtocolException}. */
  public abstract ProtocolException protocol(String message, Throwable cause);

  /** See {@link AuthenticationException}. */
  public abstract AuthenticationException authentication(String message, String error,
      Throwable cause, boolean retryable, int status, Duration retryAfter);

  /** See {@link CallFailedException}. */
  public abstract CallFailedException callFailed(String callId, String message, int status,
      int attempts, boolean retryable, Duration retryAfter, Throwable cause);

  /** See {@link ClosedException}. */
  public abstract ClosedException closed(String message);

  /** See {@link EdgeRejectedException}. */
  public abstract EdgeRejectedException edgeRejected(
      String message, int status, boolean retryable, Duration retryAfter, Throwable cause);
}
