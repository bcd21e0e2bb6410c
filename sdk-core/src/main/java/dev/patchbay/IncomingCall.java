package dev.patchbay;

import java.util.concurrent.CompletableFuture;

/**
 * A call offered to this user, in state {@link CallState#RINGING} until it is accepted,
 * rejected, or retracted by the edge (then it ends with {@link EndReason#CANCELLED}).
 */
public interface IncomingCall extends Call {
  /**
   * The caller, as the edge names it.
   *
   * @return the caller
   */
  default String from() {
    return remoteParty();
  }

  /**
   * Answers the call. Completes with this call once media is connected, or exceptionally with a
   * {@link CallFailedException} (for example when the edge retracted the call first).
   *
   * @return a future that completes with the call once media is connected
   */
  CompletableFuture<Call> accept();

  /**
   * Declines the call with status 603; completes once the call is released. Idempotent.
   *
   * @return a future that completes once the call is released
   */
  default CompletableFuture<Void> reject() {
    return reject(RejectStatus.DECLINED);
  }

  /**
   * Declines the call with {@code status} (for example {@link RejectStatus#BUSY}); completes once
   * the call is released.
   *
   * @param status the status and reason sent to the caller
   * @return a future that completes once the call is released
   */
  CompletableFuture<Void> reject(RejectStatus status);
}
