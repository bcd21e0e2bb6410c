package dev.patchbay;

import java.util.concurrent.CompletableFuture;

/**
 * A call offered to this user, in state {@link CallState#RINGING} until it is accepted,
 * rejected, or retracted by the edge (then it ends with {@link EndReason#CANCELLED}).
 */
public interface IncomingCall extends Call {
  /** The caller, as the edge names it. */
  default String from() {
    return remoteParty();
  }

  /**
   * Answers the call. Completes with this call once media is connected, or exceptionally with a
   * {@link CallFailedException} (for example when the edge retracted the call first).
   */
  CompletableFuture<Call> accept();

  /** Declines the call with status 603; completes once the call is released. Idempotent. */
  default CompletableFuture<Void> reject() {
    return reject(603, "declined");
  }

  /**
   * Declines the call with {@code status} (for example 486 busy, 603 decline); completes once the
   * call is released.
   *
   * @param reason a short reason for the caller; never put secrets in it
   */
  CompletableFuture<Void> reject(int status, String reason);
}
