package dev.patchbay.internal.auth;

import dev.patchbay.AccessToken;
import java.util.concurrent.CompletableFuture;

/**
 * The tokens of exactly one user (one per user agent; never shared, never static).
 *
 * <p>{@link #token()} returns a token valid for at least the refresh margin, refreshing ahead
 * of expiry; concurrent callers share one in-flight request (single flight).
 */
public interface TokenManager extends AutoCloseable {

  /** What a token manager tells its owner. Called on an SDK thread; must not block. */
  interface Listener {
    /** A new access token replaced the previous one (send {@code reauth} on the open socket). */
    default void onTokenRefreshed(AccessToken token) {}

    /** The grant is gone ({@code invalid_grant}); the app must authenticate the user again. */
    default void onReauthenticationRequired(dev.patchbay.AuthenticationException cause) {}
  }

  /** A valid token; completes exceptionally with a typed {@code PatchbayException}. */
  CompletableFuture<AccessToken> token();

  /**
   * The edge rejected {@code rejected} (401): forces one refresh and returns the new token. If
   * the token obtained by that forced refresh is rejected again, fails with
   * {@link dev.patchbay.AuthenticationException} instead of refreshing in a loop.
   */
  CompletableFuture<AccessToken> invalidate(AccessToken rejected);

  void addListener(Listener listener);

  /** Revokes the tokens (bounded retries on 503), then releases everything. Idempotent. */
  CompletableFuture<Void> closeAsync();

  @Override
  default void close() {
    closeAsync().join();
  }
}
