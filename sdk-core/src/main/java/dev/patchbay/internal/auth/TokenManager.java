package dev.patchbay.internal.auth;

import dev.patchbay.AccessToken;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The tokens of exactly one user (one per user agent; never shared, never static). Make one with
 * {@link RealTokenManager#create}.
 *
 * <p>{@link #token()} returns a token valid for at least the refresh margin, refreshing ahead
 * of expiry; concurrent callers share one in-flight request (single flight). Every method is
 * thread-safe and non-blocking except {@link #close()}; every future fails with a typed
 * {@link dev.patchbay.PatchbayException}: {@link dev.patchbay.AuthenticationException} (OAuth
 * error, grant gone, token rejected twice), {@link dev.patchbay.EdgeRejectedException} (a status
 * that outlived the retries), {@link dev.patchbay.ProtocolException} (unreadable answer),
 * {@link dev.patchbay.ClosedException} (after {@link #closeAsync()}).
 */
public interface TokenManager extends AutoCloseable {

  /**
   * What a token manager tells its owner. Called on an SDK thread (an OkHttp or scheduler
   * thread), outside the manager's lock, before the waiting futures complete; must not block.
   * An exception thrown here is logged and ignored.
   */
  interface Listener {
    /**
     * A new access token replaced the previous one (send {@code reauth} on the open socket).
     * Not called for the first token.
     */
    default void onTokenRefreshed(AccessToken token) {}

    /**
     * The grant is gone ({@code invalid_grant}, or a used authorization code without refresh
     * token); the app must authenticate the user again. Called exactly once per manager; every
     * later {@link #token()} fails at once with the same exception.
     */
    default void onReauthenticationRequired(dev.patchbay.AuthenticationException cause) {}

    /** A token request (with its retries) starts; {@code refresh}: a token was issued before. */
    default void onRequestStart(boolean refresh) {}

    /** The token request ended: {@code failure} null when a token was issued. */
    default void onRequestEnd(dev.patchbay.PatchbayException failure, java.time.Duration took) {}

    /** A token request or revocation ({@code what} names which) is retried after {@code delay}. */
    default void onRetry(String what, int retry, java.time.Duration delay,
        dev.patchbay.PatchbayException cause) {}
  }

  /** A valid token; completes exceptionally with a typed {@code PatchbayException}. */
  CompletableFuture<AccessToken> token();

  /**
   * The edge rejected {@code rejected} (401): forces one refresh and returns the new token. If
   * the token obtained by that forced refresh is rejected again, fails with
   * {@link dev.patchbay.AuthenticationException} instead of refreshing in a loop (and that token
   * is never handed out again: a later {@link #token()} fetches a new one). A token that was
   * already replaced returns the current one without a request, so many callers failing with
   * the same token cause one refresh.
   */
  CompletableFuture<AccessToken> invalidate(AccessToken rejected);

  /**
   * The socket that carried {@code stale} was lost without a close from the edge, which may
   * still bind it to that dead connection: returns a different, fresh token. Unlike
   * {@link #invalidate} nothing is marked rejected, so any number of network losses lead to
   * fresh tokens, never to an authentication failure. {@code stale} stays known as superseded
   * ({@link #revokeSuperseded}, {@link #closeAsync}); a token already replaced returns the
   * current one without a request.
   */
  CompletableFuture<AccessToken> renew(AccessToken stale);

  /**
   * The edge accepted {@code token} (a socket opened with it got its {@code hello}). A later
   * rejection of it (e.g. the edge expired it early) is then a new rejection with its own forced
   * refresh, not the failure of the forced refresh that obtained it.
   */
  default void accepted(AccessToken token) {}

  /**
   * Revokes, in the background and bounded by the revoke policy, every access token this
   * manager obtained except the current one (call it once nothing uses them any more, e.g.
   * after a new socket connected: not during a reconnect storm). Never fails.
   */
  default void revokeSuperseded() {}

  /**
   * The tokens the agent's last frame ({@code logout}, protocol 3.7) names so that the edge
   * revokes them as it closes the socket: the refresh token (its family with it) and each live
   * access token outside that family, at most {@code max}. Empty when closing revokes nothing
   * (app-provided tokens, revocation off) or this manager is closed. Secrets: never log them.
   */
  default List<String> logoutTokens(int max) {
    return List.of();
  }

  /**
   * The edge confirmed that it revoked {@code tokens} (a {@code logout} answered with
   * {@code logged-out}): {@link #closeAsync} revokes only what is left.
   */
  default void revokedByEdge(List<String> tokens) {}

  void addListener(Listener listener);

  /**
   * Fails waiting callers with {@link dev.patchbay.ClosedException}, cancels HTTP calls and
   * timers, revokes the refresh token and every access token it obtained that is not yet
   * revoked or expired (RFC 7009, bounded retries on 503), then
   * completes, normally even when revocation failed (logged). Idempotent.
   */
  CompletableFuture<Void> closeAsync();

  /** Blocking {@link #closeAsync()}; bounded by the revocation deadline plus one request timeout. */
  @Override
  default void close() {
    closeAsync().join();
  }
}
