package dev.patchbay.internal.call;

import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.media.IceCandidate;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the events of a call's media session (any engine thread) into tasks on the agent's
 * actor, and handles them there: local candidates, media connected or failed, renegotiation.
 */
final class CallMediaBridge implements MediaSession.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(CallMediaBridge.class);

  private final RealCall call;
  private final CallHost host;

  CallMediaBridge(RealCall call, CallHost host) {
    this.call = call;
    this.host = host;
  }

  @Override
  public void onLocalCandidate(IceCandidate c) {
    host.actor().execute(() -> call.inCall(() -> sendCandidate(new Frames.Candidate(call.id(),
        c.candidate(), c.sdpMid(), c.sdpMLineIndex(), null))));
  }

  @Override
  public void onLocalCandidatesComplete() {
    host.actor().execute(() -> call.inCall(() -> sendCandidate(
        new Frames.Candidate(call.id(), null, null, null, true))));
  }

  @Override
  public void onStateChange(MediaState s) {
    host.actor().execute(() -> call.inCall(() -> onMediaState(s)));
  }

  @Override
  public void onNegotiationNeeded(boolean iceRestart) {
    host.actor().execute(() -> call.inCall(() -> renegotiate(iceRestart)));
  }

  private void sendCandidate(Frame f) {
    if (call.releasing) {
      return;
    }
    call.candidates.send(f);
  }

  private void onMediaState(MediaState s) {
    if (call.releasing) {
      return;
    }
    switch (s) {
      case CONNECTED -> {
        if (call.state() == CallState.CONNECTING && call.candidates.isOpen()) {
          call.becomeActive();
        }
      }
      case FAILED -> call.fail(EndReason.MEDIA_FAILED, call.callFailed("media of call "
          + call.id() + " failed" + reasonOf(call.media), 0, false, null), true);
      default -> LOG.debug("media state {}", s);
    }
  }

  private static String reasonOf(MediaSession media) {
    return media == null ? "" : media.failureReason().map(r -> ": " + r).orElse("");
  }

  private void renegotiate(boolean iceRestart) {
    MediaSession media = call.media;
    if (call.releasing || media == null || call.state() != CallState.ACTIVE) {
      return;
    }
    media.createOffer(iceRestart).whenCompleteAsync((offer, error) -> call.inCall(() -> {
      if (call.releasing || error != null) {
        return;
      }
      call.renegotiating(true);
      host.send(new Frames.Offer(call.id(), offer.sdp(), iceRestart ? Boolean.TRUE : null));
    }), host.actor());
  }
}
