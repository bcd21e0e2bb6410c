package dev.patchbay.internal.call;

import dev.patchbay.CallFailedException;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.internal.admission.Permit;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.retry.RetryAfter;
import dev.patchbay.internal.retry.Retrier;
import dev.patchbay.internal.retry.RetryContext;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The set-up of an outbound call: connection and negotiation slot, the media offer, the invite,
 * and retries of the same call id on 503/504 within the invite budget. Actor-confined.
 */
final class OutboundInvite {
  private static final Logger LOG = LoggerFactory.getLogger(OutboundInvite.class);

  private final RealCall call;
  private final CallHost host;
  private String offerSdp; // resent on invite retries
  private int attempts;
  private RetryContext budget; // the invite's retry budget, from the first invite on
  private boolean retryPending;

  OutboundInvite(RealCall call, CallHost host) {
    this.call = call;
    this.host = host;
  }

  int attempts() {
    return attempts;
  }

  /** An error ended the last invite on the edge and the retry has not been sent yet. */
  boolean retryPending() {
    return retryPending;
  }

  /**
   * Waits for a connection and a negotiation slot, then offers media; on the actor. When the
   * agent is connected and a slot is free the offer starts in this same actor task (one hop
   * less on the way to the invite), otherwise in the task that admission completes.
   */
  void start() {
    call.startPhase(host.options().inviteTimeout(),
        "waiting for a connection and a negotiation slot");
    CompletableFuture<Permit> admitted =
        host.whenConnected().thenCompose(v -> host.acquireNegotiation());
    if (admitted.isDone()) {
      Permit permit = null;
      Throwable error = null;
      try {
        permit = admitted.join();
      } catch (CompletionException | CancellationException e) {
        error = e;
      }
      admitted(permit, error);
      return;
    }
    admitted.whenCompleteAsync((permit, error) -> call.inCall(() -> admitted(permit, error)),
        host.actor());
  }

  private void admitted(Permit permit, Throwable error) {
    if (error != null) {
      call.fail(EndReason.CLOSED, call.asPatchbay(Retrier.unwrap(error), "dial failed"), false);
      return;
    }
    if (call.releasing) {
      permit.release();
      return;
    }
    call.holdNegotiation(permit);
    createMediaAndOffer();
  }

  private void createMediaAndOffer() {
    if (!call.createMedia(false)) {
      return;
    }
    call.media.createOffer(false).whenCompleteAsync((offer, error) -> call.inCall(() -> {
      if (call.releasing) {
        return;
      }
      if (error != null) {
        call.fail(EndReason.MEDIA_FAILED,
            call.asPatchbay(Retrier.unwrap(error), "creating the offer failed"), false);
        return;
      }
      offerSdp = offer.sdp();
      budget = host.inviteBackoff().start();
      sendInvite();
    }), host.actor());
  }

  private void sendInvite() {
    attempts++;
    call.setState(CallState.DIALING);
    call.startPhase(host.options().inviteTimeout(), "waiting for the edge to answer the invite");
    retryPending = false;
    call.deliver(new Frames.Invite(call.id(), call.remoteParty(), offerSdp));
    // Local candidates wait for ringing/answer: the edge drops candidates of an invite that is
    // still queued for a media slot, and progress proves the slot.
  }

  /**
   * The edge answered the set-up with an error: retries the same call id on 503/504 while the
   * invite's {@link RetryContext} allows (the one backoff of the project decides the delay from
   * the cause). False when the call must fail.
   */
  boolean retryOrIgnore(Frames.Error error) {
    int status = error.status();
    if (retryPending) {
      LOG.debug("ignoring error {} while the invite waits for its retry", status);
      return true;
    }
    Optional<Duration> retryAfter = RetryAfter.ofMillis(error.retryAfterMs());
    CallFailedException cause = call.callFailed("invite answered with " + status, status,
        status == 503 || status == 504, retryAfter.orElse(null));
    Optional<Duration> next = budget == null ? Optional.empty() : budget.next(cause);
    if (next.isPresent()) {
      Duration delay = next.get();
      LOG.info("invite answered with {}; retrying the same call id in {} ms (attempt {})",
          status, delay.toMillis(), attempts + 1);
      host.events().retryScheduled(PatchbayEventListener.RetryKind.INVITE, attempts, delay, call, cause);
      call.edgeForgot(); // the error ended the call on the edge
      retryPending = true;
      call.phase.arm(delay, () -> {
        if (!call.releasing && call.state() == CallState.DIALING) {
          sendInvite();
        }
      });
      return true;
    }
    return false;
  }
}
