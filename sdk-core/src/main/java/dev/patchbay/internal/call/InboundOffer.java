package dev.patchbay.internal.call;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.IncomingCall;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import dev.patchbay.PatchbayException;
import dev.patchbay.media.SessionDescription;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.retry.Retrier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The set-up of an incoming call: the ringing deadline, the app's handler, and on accept the
 * answer to the caller's offer. Actor-confined.
 *
 * <p>Early media set-up: the media session is created and the caller's offer answered locally
 * as soon as the call is offered, before the app accepts, so gathering (and the caller's
 * trickled candidates, which would otherwise be dropped) overlap the ringing. Nothing leaves
 * the agent before accept: the answer and the local candidates are held until then, so the
 * caller cannot complete DTLS and no audio flows; the caller's candidates are held here too (no
 * connectivity checks before accept) and handed to the session on accept. A call rejected, cancelled or timed out
 * while ringing releases the session through the call's one release path.
 */
final class InboundOffer {
  private static final Logger LOG = LoggerFactory.getLogger(InboundOffer.class);

  private static final int MAX_HELD_CANDIDATES = 64;

  private final RealCall call;
  private final CallHost host;
  private final String remoteOffer;
  /** The local answer, created while ringing; null until the session exists. */
  private CompletableFuture<SessionDescription> earlyAnswer;
  /** The caller's candidates while ringing; null once accepted. */
  private List<Frames.Candidate> heldCandidates = new ArrayList<>();

  InboundOffer(RealCall call, CallHost host, String remoteOffer) {
    this.call = call;
    this.host = host;
    this.remoteOffer = remoteOffer;
  }

  /** Starts the ringing deadline and tells the app (or rejects without a handler). */
  void offered(Consumer<IncomingCall> handler) {
    host.events().callStart(call);
    call.startPhase(host.options().ringTimeout(), "waiting for the app to accept the call");
    if (handler == null) {
      LOG.info("no incoming-call handler: rejecting with 480");
      call.doReject(480, "no handler");
      return;
    }
    startEarlyMedia();
    host.toApp(() -> handler.accept(call));
  }

  /**
   * Holds a remote candidate that arrives before the app accepted.
   *
   * @return true when held (the call has not been accepted yet)
   */
  boolean holdRemoteCandidate(Frames.Candidate c) {
    if (heldCandidates == null) {
      return false;
    }
    if (heldCandidates.size() < MAX_HELD_CANDIDATES) {
      heldCandidates.add(c);
    } else {
      LOG.debug("more than {} remote candidates while ringing; dropped", MAX_HELD_CANDIDATES);
    }
    return true;
  }

  /**
   * Creates the session and the local answer now; an engine that refuses is asked again on
   * accept (where a refusal fails the call as before).
   */
  private void startEarlyMedia() {
    MediaSession session;
    try {
      session = call.openMedia();
    } catch (PatchbayException e) {
      LOG.debug("early media session refused ({}); created on accept", e.getMessage());
      return;
    }
    earlyAnswer = session.acceptOffer(SessionDescription.offer(remoteOffer));
  }

  /** Answers the caller's offer; {@code f} completes when media is connected. */
  void accept(CompletableFuture<Call> f) {
    CallState state = call.state();
    if (state != CallState.RINGING || call.releasing) {
      f.completeExceptionally(call.callFailed("call " + call.id() + " cannot be accepted in state "
          + state + call.endReason().map(r -> " (" + r + ")").orElse(""), 0, false, null));
      return;
    }
    call.awaitSetup(f);
    CompletableFuture<SessionDescription> answered = earlyAnswer;
    earlyAnswer = null;
    if (answered == null) {
      if (call.media == null && !call.createMedia(true)) {
        return;
      }
      answered = call.media.acceptOffer(SessionDescription.offer(remoteOffer));
    }
    call.setState(CallState.CONNECTING);
    call.startPhase(host.options().mediaTimeout(), "waiting for media to connect");
    List<Frames.Candidate> held = heldCandidates;
    heldCandidates = null;
    held.forEach(call::onFrame);
    answered.whenCompleteAsync(
        (answer, error) -> call.inCall(() -> {
          if (call.releasing) {
            return;
          }
          if (error != null) {
            call.fail(EndReason.MEDIA_FAILED, call.asPatchbay(Retrier.unwrap(error),
                "the caller's offer could not be accepted"), true);
            return;
          }
          call.deliver(new Frames.Answer(call.id(), answer.sdp()));
          call.candidates.open();
          if (call.media.state() == MediaState.CONNECTED) {
            call.becomeActive();
          }
        }), host.actor());
  }
}
