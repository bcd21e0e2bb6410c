package dev.patchbay.reliability.matrix;

import dev.patchbay.IcePolicy;
import dev.patchbay.media.IceCandidate;
import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import dev.patchbay.media.SessionDescription;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The signaling-only engine with offers padded to {@code padChars} (an SDP attribute line), so a
 * few invites fill a WebSocket's 16 MiB send queue when the edge stops reading.
 */
final class PaddedOffers implements MediaEngine {
  private final MediaEngine delegate = MediaEngines.signalingOnly();
  private final String pad;

  PaddedOffers(int padChars) {
    this.pad = "a=x-pad:" + "p".repeat(padChars) + "\r\n";
  }

  @Override
  public String name() {
    return "padded-offers";
  }

  @Override
  public MediaSession createSession(String callId, IcePolicy policy,
      MediaSession.Listener listener) {
    MediaSession s = delegate.createSession(callId, policy, listener);
    return new MediaSession() {
      @Override
      public String callId() {
        return s.callId();
      }

      @Override
      public CompletableFuture<SessionDescription> createOffer(boolean iceRestart) {
        return s.createOffer(iceRestart).thenApply(o -> SessionDescription.offer(o.sdp() + pad));
      }

      @Override
      public CompletableFuture<SessionDescription> acceptOffer(SessionDescription offer) {
        return s.acceptOffer(offer);
      }

      @Override
      public CompletableFuture<Void> acceptAnswer(SessionDescription answer) {
        return s.acceptAnswer(answer);
      }

      @Override
      public void addRemoteCandidate(IceCandidate candidate) {
        s.addRemoteCandidate(candidate);
      }

      @Override
      public void endOfRemoteCandidates() {
        s.endOfRemoteCandidates();
      }

      @Override
      public MediaState state() {
        return s.state();
      }

      @Override
      public CompletableFuture<Void> close() {
        return s.close();
      }

      @Override
      public <T> Optional<T> unwrap(Class<T> type) {
        return s.unwrap(type);
      }
    };
  }

  @Override
  public int openSessions() {
    return delegate.openSessions();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
