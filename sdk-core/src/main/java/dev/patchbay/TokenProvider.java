package dev.patchbay;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Access tokens the app obtains itself (from its own identity provider or token broker). The
 * SDK caches the token it gets, asks again ahead of its {@link AccessToken#expiresAt() expiry}
 * and once more, through {@link #refresh(AccessToken)}, when the edge rejects it.
 *
 * <p>Called on an SDK thread: return quickly (do the work asynchronously). A failed stage is
 * reported to the SDK's caller as an {@link AuthenticationException} (a
 * {@link PatchbayException} is passed through unchanged). {@link AccessToken#expiresAt()} must
 * be on the local clock; null means "unknown", and the token is then used until rejected.
 */
public interface TokenProvider {

  /**
   * A currently valid token for this user.
   *
   * @return a stage that completes with the token
   */
  CompletionStage<AccessToken> token();

  /**
   * The edge rejected {@code rejected} (401): return a different, fresh token. Returning the
   * same token again fails the caller with an {@link AuthenticationException}. Defaults to
   * {@link #token()}.
   *
   * @param rejected the token the edge rejected
   * @return a stage that completes with a fresh token
   */
  default CompletionStage<AccessToken> refresh(AccessToken rejected) {
    return token();
  }

  /**
   * Adapts a blocking token source (for example a synchronous HTTP client of the app's identity
   * provider): {@code fetch} runs on {@code executor}, never on an SDK thread. A rejected token
   * is answered by calling {@code fetch} again.
   *
   * @param fetch the blocking token source
   * @param executor where {@code fetch} runs
   * @return the provider
   */
  static TokenProvider fromBlocking(Callable<AccessToken> fetch, Executor executor) {
    Objects.requireNonNull(fetch, "fetch must not be null");
    Objects.requireNonNull(executor, "executor must not be null");
    return () -> CompletableFuture.supplyAsync(() -> {
      try {
        return fetch.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, executor);
  }
}
