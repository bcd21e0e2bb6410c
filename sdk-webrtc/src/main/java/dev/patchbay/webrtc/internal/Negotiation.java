package dev.patchbay.webrtc.internal;

import static dev.patchbay.webrtc.internal.SessionCore.log;

import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCSignalingState;
import dev.patchbay.media.SessionDescription;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Offer/answer of one session, including glare (the remote offer wins) and the start of a new
 * local ICE generation. The bodies run on the media thread through {@link SessionCore#op}.
 */
final class Negotiation {
  private final SessionCore core;
  private final Trickle trickle;
  private final Recovery recovery;
  private final Controls controls;
  private final AudioPath audio;
  private boolean negotiated; // media thread only

  Negotiation(SessionCore core, Trickle trickle, Recovery recovery, Controls controls,
      AudioPath audio) {
    this.core = core;
    this.trickle = trickle;
    this.recovery = recovery;
    this.controls = controls;
    this.audio = audio;
  }

  CompletableFuture<SessionDescription> createOffer(boolean iceRestart) {
    return core.op(() -> {
      if (!negotiated && !trickle.remoteReady) {
        recovery.initialOfferer = true;
      }
      negotiated = true;
      if (iceRestart) {
        trickle.remoteCandidates.clear();
        recovery.restartOffered();
      }
      controls.applyDirection();
      return SdpOps.createOffer(core.pc, iceRestart)
          .thenComposeAsync(desc -> setLocal(desc), core.ctx.thread)
          .thenApply(desc -> SessionDescription.offer(desc.sdp));
    });
  }

  CompletableFuture<SessionDescription> acceptOffer(SessionDescription offer) {
    return core.op(() -> {
      negotiated = true;
      CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);
      if (core.pc.getSignalingState() == RTCSignalingState.HAVE_LOCAL_OFFER) {
        // Glare: the remote offer wins; roll ours back.
        log.debug("call {}: offer collision, rolling back the local offer", core.callId);
        recovery.initialOfferer = false;
        ready = applying(SdpOps::setLocal,
            new RTCSessionDescription(RTCSdpType.ROLLBACK, ""));
      }
      return ready
          .thenComposeAsync(v -> setRemote(RTCSdpType.OFFER, offer.sdp()), core.ctx.thread)
          .thenComposeAsync(v -> {
            core.checkOpen();
            controls.applyDirection();
            return SdpOps.createAnswer(core.pc);
          }, core.ctx.thread)
          .thenComposeAsync(desc -> setLocal(desc), core.ctx.thread)
          .thenApply(desc -> SessionDescription.answer(desc.sdp));
    });
  }

  CompletableFuture<Void> acceptAnswer(SessionDescription answer) {
    return core.op(() -> setRemote(RTCSdpType.ANSWER, answer.sdp()));
  }

  private CompletableFuture<RTCSessionDescription> setLocal(RTCSessionDescription desc) {
    core.checkOpen();
    boolean newGeneration = trickle.newLocalGeneration(Sdp.iceUfrag(desc.sdp));
    return applying(SdpOps::setLocal, desc).thenApplyAsync(v -> {
      core.checkOpen();
      if (newGeneration) {
        trickle.startGathering();
      }
      return desc;
    }, core.ctx.thread);
  }

  private CompletableFuture<Void> setRemote(RTCSdpType type, String sdp) {
    core.checkOpen();
    trickle.remoteReady = false;
    String ufrag = Sdp.iceUfrag(sdp);
    return applying(SdpOps::setRemote, new RTCSessionDescription(type, sdp))
        .whenCompleteAsync((v, e) -> {
          if (core.closed.get()) {
            return;
          }
          trickle.remoteApplied(e == null, ufrag);
        }, core.ctx.thread);
  }

  /**
   * Applies a description with the send stream stopped meanwhile (see
   * {@link AudioPath#descriptionApplying()}); completes on the media thread once the stream is
   * started again.
   */
  private CompletableFuture<Void> applying(
      BiFunction<RTCPeerConnection, RTCSessionDescription, CompletableFuture<Void>> apply,
      RTCSessionDescription desc) {
    audio.descriptionApplying();
    CompletableFuture<Void> applied;
    try {
      applied = apply.apply(core.pc, desc);
    } catch (RuntimeException e) {
      audio.descriptionApplied();
      throw e;
    }
    return applied.whenCompleteAsync((v, e) -> audio.descriptionApplied(), core.ctx.thread);
  }
}
