package dev.patchbay.webrtc.internal;

import static dev.patchbay.webrtc.internal.SessionCore.log;

import dev.patchbay.media.IceCandidate;
import java.util.concurrent.ScheduledFuture;

/**
 * Trickle ICE of one session: remote candidates buffered until their generation's description
 * is applied, local candidates filtered to the current generation, and the gathering deadline.
 * Media thread only.
 */
final class Trickle {
  private final SessionCore core;
  final RemoteCandidates remoteCandidates = new RemoteCandidates();
  boolean remoteReady;
  private String localUfrag;
  private boolean localComplete = true;
  private ScheduledFuture<?> gatheringDeadline;

  Trickle(SessionCore core) {
    this.core = core;
  }

  /** Records the ufrag of a local description; true when it starts a new ICE generation. */
  boolean newLocalGeneration(String ufrag) {
    boolean newGeneration = ufrag != null && !ufrag.equals(localUfrag);
    if (newGeneration) {
      localUfrag = ufrag;
    }
    return newGeneration;
  }

  /** After a remote description was set (or failed to be): applies what was buffered. */
  void remoteApplied(boolean succeeded, String ufrag) {
    if (succeeded) {
      remoteCandidates.generation(ufrag);
    }
    // Even after a failed set the previous remote description is still in force (asked only
    // then: the answer is a native round trip carrying the whole description).
    remoteReady = succeeded || core.pc.getRemoteDescription() != null;
    if (remoteReady) {
      for (IceCandidate c : remoteCandidates.drain()) {
        applyCandidate(c);
      }
    }
  }

  void addRemote(IceCandidate candidate) {
    if (!core.initialized) {
      return;
    }
    switch (remoteReady ? remoteCandidates.classify(candidate) : RemoteCandidates.Kind.FUTURE) {
      case STALE -> log.debug("call {}: dropping a candidate of an earlier ICE generation",
          core.callId);
      case CURRENT -> applyCandidate(candidate);
      case FUTURE -> remoteCandidates.buffer(candidate);
    }
  }

  private void applyCandidate(IceCandidate c) {
    try {
      core.pc.addIceCandidate(new dev.onvoid.webrtc.RTCIceCandidate(
          c.sdpMid(), c.sdpMLineIndex(), Sdp.stripAttributePrefix(c.candidate())));
    } catch (Throwable t) {
      log.warn("call {}: remote candidate rejected: {}", core.callId, t.toString());
    }
  }

  /** A local candidate from libwebrtc, already re-posted to the media thread. */
  void onLocalCandidate(dev.onvoid.webrtc.RTCIceCandidate c) {
    String ufrag = Sdp.candidateUfrag(c.sdp);
    if (ufrag != null && localUfrag != null && !ufrag.equals(localUfrag)) {
      return; // a late candidate of the previous generation
    }
    IceCandidate candidate = new IceCandidate(c.sdpMid, Math.max(0, c.sdpMLineIndex), c.sdp);
    core.notifyListener(() -> core.listener.onLocalCandidate(candidate));
  }

  void startGathering() {
    localComplete = false;
    SessionCore.cancel(gatheringDeadline);
    gatheringDeadline = core.ctx.thread.schedule(() -> {
      if (!core.closed.get() && !localComplete) {
        log.info("call {}: ICE gathering deadline of {} reached, ending candidates",
            core.callId, SessionCore.text(core.policy.gatheringTimeout()));
        completeLocalCandidates();
      }
    }, core.policy.gatheringTimeout());
  }

  void completeLocalCandidates() {
    if (localComplete) {
      return;
    }
    localComplete = true;
    SessionCore.cancel(gatheringDeadline);
    core.notifyListener(core.listener::onLocalCandidatesComplete);
  }

  void cancelDeadline() {
    SessionCore.cancel(gatheringDeadline);
  }
}
