package dev.patchbay.internal.auth;

import dev.patchbay.AccessToken;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Where a {@link RealTokenManager} gets tokens from: one OAuth grant or an app provider. */
interface TokenSource {

  /**
   * One attempt at a new token (the manager retries and serialises calls: at most one runs at
   * a time). Fails with a typed {@link dev.patchbay.PatchbayException}; an
   * {@link dev.patchbay.AuthenticationException} with error {@code invalid_grant} means the
   * grant is gone for good.
   *
   * @param rejected the token the edge refused (forced refresh), or null
   */
  CompletableFuture<Issued> fetch(AccessToken rejected);

  /** Forgets every grant secret (after {@code invalid_grant}). */
  void clear();

  /**
   * Revokes the grant and every token of {@code live} (best effort, bounded); never fails.
   * Tokens the grant's revocation revokes with it need no request of their own.
   */
  CompletableFuture<Void> revoke(List<AccessToken> live);

  /**
   * Revokes one superseded access token (best effort, bounded): completes with false when the
   * revocation failed (then the token stays live and may be revoked again), never
   * exceptionally.
   */
  default CompletableFuture<Boolean> revokeAccess(AccessToken superseded) {
    return CompletableFuture.completedFuture(true);
  }

  /**
   * What a revocation of {@code live} names, refresh token first: the grant and the tokens of
   * {@code live} its revocation does not cover. Empty when nothing is revoked (app tokens).
   */
  default List<String> revocationPlan(List<AccessToken> live) {
    return List.of();
  }

  /**
   * The edge revoked {@code values} by other means (a {@code logout}): forgets a named grant and
   * returns the access tokens revoked with it (its family), so no request revokes them again.
   */
  default Set<AccessToken> revokedByEdge(Collection<String> values) {
    return Set.of();
  }

  /** Cancels HTTP calls still in flight. */
  void cancel();

  /**
   * Releases the secrets this source registered with the redactor (after the last revocation:
   * its answer may still echo them). Idempotent.
   */
  void release();
}
