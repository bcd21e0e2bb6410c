package dev.patchbay;

import java.util.concurrent.CompletionStage;

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

  /** A currently valid token for this user. */
  CompletionStage<AccessToken> token();

  /**
   * The edge rejected {@code rejected} (401): return a different, fresh token. Returning the
   * same token again fails the caller with an {@link AuthenticationException}. Defaults to
   * {@link #token()}.
   */
  default CompletionStage<AccessToken> refresh(AccessToken rejected) {
    return token();
  }
}
