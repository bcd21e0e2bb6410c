package dev.patchbay.internal.call;

import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.media.IceCandidate;
import dev.patchbay.IncomingCall;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import dev.patchbay.media.SessionDescription;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.retry.RetryAfter;
import dev.patchbay.internal.retry.Retrier;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the edge says about one call: progress, answers, remote candidates, renegotiation
 * offers, errors and the end of the call. Runs on the actor.
 */
final class RemoteSignals {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteSignals.class);

  private final RealCall call;
  private final CallHost host;

  RemoteSignals(RealCall call, CallHost host) {
    this.call = call;
    this.host = host;
  }

  void onFrame(Frame frame) {
    if (call.releasing) {
      LOG.debug("ignoring {} for a call being released", frame.type());
      return;
    }
    CallState state = call.state();
    if (frame instanceof Frames.Ringing) {
      if (state == CallState.DIALING && !call.retryPending()) {
        call.candidates.open();
        call.setState(CallState.RINGING);
        call.startPhase(host.options().ringTimeout(), "waiting for the callee to answer");
      }
    } else if (frame instanceof Frames.Answer a) {
      onAnswer(a);
    } else if (frame instanceof Frames.Candidate c) {
      onRemoteCandidate(c);
    } else if (frame instanceof Frames.Offer o) {
      onRemoteOffer(o);
    } else if (frame instanceof Frames.Error e) {
      onEdgeError(e);
    } else if (frame instanceof Frames.Bye) {
      call.edgeForgot();
      call.release(CallState.ENDED, EndReason.REMOTE_HANGUP, null);
    } else if (frame instanceof Frames.Ended) {
      call.edgeForgot();
      call.release(CallState.ENDED,
          state == CallState.ENDING ? EndReason.LOCAL_HANGUP : EndReason.REMOTE_HANGUP, null);
    } else if (frame instanceof Frames.Cancel) {
      call.edgeForgot();
      call.release(CallState.ENDED, state == CallState.RINGING
          && call.direction() == IncomingCall.Direction.INBOUND
          ? EndReason.CANCELLED : EndReason.REMOTE_HANGUP, null);
    } else {
      LOG.debug("ignoring unexpected {} frame", frame.type());
    }
  }

  private void onAnswer(Frames.Answer a) {
    if (call.direction() != IncomingCall.Direction.OUTBOUND && !call.renegotiating()) {
      return;
    }
    CallState state = call.state();
    if ((state == CallState.DIALING && !call.retryPending()) || state == CallState.RINGING) {
      call.candidates.open();
      call.releaseNegotiation();
      call.setState(CallState.CONNECTING);
      call.startPhase(host.options().mediaTimeout(), "waiting for media to connect");
      call.media.acceptAnswer(SessionDescription.answer(a.sdp())).whenCompleteAsync((v, error) ->
          call.inCall(() -> {
            if (call.releasing) {
              return;
            }
            if (error != null) {
              call.fail(EndReason.MEDIA_FAILED, call.asPatchbay(Retrier.unwrap(error),
                  "the callee's answer could not be applied"), true);
            } else if (call.media.state() == MediaState.CONNECTED) {
              call.becomeActive();
            }
          }), host.actor());
    } else if (call.renegotiating()
        && (state == CallState.ACTIVE || state == CallState.CONNECTING)) {
      call.renegotiating(false);
      call.media.acceptAnswer(SessionDescription.answer(a.sdp())).exceptionally(e -> {
        LOG.warn("renegotiation answer could not be applied: {}", Retrier.unwrap(e).toString());
        return null;
      });
    } else {
      LOG.debug("ignoring duplicate answer in state {}", state);
    }
  }

  private void onRemoteCandidate(Frames.Candidate c) {
    if (call.heldWhileRinging(c)) {
      return;
    }
    MediaSession media = call.media;
    if (media == null) {
      LOG.debug("candidate before the media session exists; dropped");
      return;
    }
    if (c.isEndOfCandidates()) {
      media.endOfRemoteCandidates();
      return;
    }
    try {
      media.addRemoteCandidate(new IceCandidate(c.sdpMid(),
          c.sdpMLineIndex() == null ? 0 : c.sdpMLineIndex(), c.candidate()));
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring an invalid remote candidate: {}", e.getMessage());
    }
  }

  private void onRemoteOffer(Frames.Offer o) {
    CallState state = call.state();
    if (call.media == null || !(state == CallState.ACTIVE || state == CallState.CONNECTING)) {
      LOG.debug("ignoring a renegotiation offer in state {}", state);
      return;
    }
    call.media.acceptOffer(SessionDescription.offer(o.sdp())).whenCompleteAsync((answer, error) ->
        call.inCall(() -> {
          if (call.releasing) {
            return;
          }
          if (error != null) {
            LOG.warn("renegotiation offer could not be accepted: {}",
                Retrier.unwrap(error).toString());
            return;
          }
          host.send(new Frames.Answer(call.id(), answer.sdp()));
        }), host.actor());
  }

  private void onEdgeError(Frames.Error error) {
    int status = error.status();
    CallState state = call.state();
    boolean setupPhase = state == CallState.DIALING || state == CallState.RINGING
        || state == CallState.NEW;
    if (!setupPhase) {
      LOG.warn("edge reported {} for call in state {}: {}", status, state,
          CallFailures.safe(error.message()));
      if (status == 404 && (state == CallState.CONNECTING || state == CallState.ACTIVE)) {
        call.edgeForgot(); // the edge no longer has this call: it is over
        call.fail(EndReason.EDGE_ERROR, call.callFailed("the edge no longer knows call "
            + call.id() + " (404)", status, false, null), false);
      }
      return;
    }
    if (call.invite == null || !call.invite.retryOrIgnore(error)) {
      failSetup(status, RetryAfter.ofMillis(error.retryAfterMs()));
    }
  }

  /** The edge refused the set-up with {@code status}: the call fails with the mapped reason. */
  private void failSetup(int status, Optional<Duration> retryAfter) {
    EndReason reason = CallFailures.reasonFor(status);
    boolean retryable = status == 503 || status == 504 || status == 480;
    int attempts = call.attempts();
    String message = "call to " + call.remoteParty() + " failed with " + status + " " + reason
        + " after " + attempts + " attempt" + (attempts == 1 ? "" : "s");
    call.edgeForgot(); // an error ends the call on the edge
    call.fail(reason, call.callFailed(message, status, retryable, retryAfter.orElse(null)), false);
  }
}
