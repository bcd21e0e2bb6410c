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
 * local ICE generation. The bodies run on the media thread through {@link SessionCore#op}; a
 * created description is handed out before it is set ({@link #handOut}), and each step after a
 * libwebrtc callback is one media-thread task, not one per stage.
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
          .thenApply(desc -> handOut(desc, SessionDescription.offer(desc.sdp)));
    });
  }

  CompletableFuture<SessionDescription> acceptOffer(SessionDescription offer) {
    return core.op(() -> {
      boolean first = !negotiated;
      negotiated = true;
      CompletableFuture<Void> remoteSet;
      // Only an earlier offer of ours can collide (no native round trip for a first offer).
      if (!first && core.pc.getSignalingState() == RTCSignalingState.HAVE_LOCAL_OFFER) {
        // Glare: the remote offer wins; roll ours back.
        log.debug("call {}: offer collision, rolling back the local offer", core.callId);
        recovery.initialOfferer = false;
        remoteSet = applying(SdpOps::setLocal, new RTCSessionDescription(RTCSdpType.ROLLBACK, ""))
            .whenCompleteAsync((v, e) -> audio.descriptionApplied(), core.ctx.thread)
            .thenCompose(v -> setRemote(RTCSdpType.OFFER, offer.sdp()));
      } else {
        remoteSet = setRemote(RTCSdpType.OFFER, offer.sdp());
      }
      return remoteSet
          .thenCompose(v -> {
            core.checkOpen();
            controls.applyDirection();
            return SdpOps.createAnswer(core.pc);
          })
          .thenApply(desc -> handOut(desc, SessionDescription.answer(desc.sdp)));
    });
  }

  CompletableFuture<Void> acceptAnswer(SessionDescription answer) {
    return core.op(() -> setRemote(RTCSdpType.ANSWER, answer.sdp()));
  }

  /**
   * A local description was created (libwebrtc's signaling thread): it is handed out at once,
   * so the SDK can send it while it is being set, and set on the media thread right after the
   * task that created it. Setting it starts gathering, so it is the remote side's turn sooner
   * by the time the set takes. Anything the SDK does with the session after receiving the
   * description is queued behind the set (media thread, then libwebrtc's operations chain); a
   * failure to set it fails the session.
   */
  private SessionDescription handOut(RTCSessionDescription desc, SessionDescription result) {
    core.post(() -> setLocal(desc));
    return result;
  }

  /** Media thread: sets a created local description; see {@link #handOut}. */
  private void setLocal(RTCSessionDescription desc) {
    boolean newGeneration = trickle.newLocalGeneration(Sdp.iceUfrag(desc.sdp));
    CompletableFuture<Void> applied;
    try {
      applied = applying(SdpOps::setLocal, desc);
    } catch (RuntimeException e) {
      recovery.fail("the local " + desc.sdpType.name().toLowerCase(java.util.Locale.ROOT)
          + " could not be set: " + e.getMessage());
      return;
    }
    applied.whenCompleteAsync((v, e) -> {
      audio.descriptionApplied();
      if (core.closed.get()) {
        return;
      }
      if (e != null) {
        recovery.fail("the local " + desc.sdpType.name().toLowerCase(java.util.Locale.ROOT)
            + " could not be set: " + SessionCore.unwrap(e).getMessage());
      } else if (newGeneration) {
        trickle.startGathering();
      }
    }, core.ctx.thread);
  }

  /**
   * Media thread: sets a remote description; the future completes on the media thread once
   * the buffered remote candidates of its generation were applied.
   */
  private CompletableFuture<Void> setRemote(RTCSdpType type, String sdp) {
    core.checkOpen();
    trickle.remoteReady = false;
    String ufrag = Sdp.iceUfrag(sdp);
    CompletableFuture<Void> done = new CompletableFuture<>();
    applying(SdpOps::setRemote, new RTCSessionDescription(type, sdp))
        .whenCompleteAsync((v, e) -> {
          audio.descriptionApplied();
          if (!core.closed.get()) {
            trickle.remoteApplied(e == null, ufrag);
          }
          if (e != null) {
            done.completeExceptionally(SessionCore.unwrap(e));
          } else {
            done.complete(null);
          }
        }, core.ctx.thread);
    return done;
  }

  /**
   * Applies a description with the send stream stopped meanwhile (see
   * {@link AudioPath#descriptionApplying()}); the future completes on libwebrtc's signaling
   * thread, and the caller's next stage, on the media thread, must call
   * {@link AudioPath#descriptionApplied()} first.
   */
  private CompletableFuture<Void> applying(
      BiFunction<RTCPeerConnection, RTCSessionDescription, CompletableFuture<Void>> apply,
      RTCSessionDescription desc) {
    audio.descriptionApplying();
    try {
      return apply.apply(core.pc, desc);
    } catch (RuntimeException e) {
      audio.descriptionApplied();
      throw e;
    }
  }
}
