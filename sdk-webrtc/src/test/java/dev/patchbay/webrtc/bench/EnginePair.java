package dev.patchbay.webrtc.bench;

import dev.patchbay.media.IceCandidate;
import dev.patchbay.IcePolicy;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import dev.patchbay.webrtc.WebRtcMediaEngine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** Two engine sessions wired directly (the same exchange as {@link RawPeerPair}). */
final class EnginePair {
  private final MediaSession a;
  private final MediaSession b;
  private final CompletableFuture<Void> aConnected = new CompletableFuture<>();
  private final CompletableFuture<Void> bConnected = new CompletableFuture<>();

  EnginePair(WebRtcMediaEngine ea, WebRtcMediaEngine eb, Executor signaling) {
    MediaSession[] peer = new MediaSession[2];
    a = ea.createSession("bench-a", IcePolicy.defaults(), listener(aConnected, () -> peer[1],
        signaling));
    b = eb.createSession("bench-b", IcePolicy.defaults(), listener(bConnected, () -> peer[0],
        signaling));
    peer[0] = a;
    peer[1] = b;
  }

  /** Nanos after connect() began: offer created, answer created, answer set, a connected. */
  final long[] milestones = new long[4];

  void connect() throws Exception {
    long t0 = System.nanoTime();
    a.createOffer(false)
        .thenApply(o -> mark(0, t0, o)).thenCompose(b::acceptOffer)
        .thenApply(o -> mark(1, t0, o)).thenCompose(a::acceptAnswer)
        .thenApply(o -> mark(2, t0, o))
        .get(15, TimeUnit.SECONDS);
    aConnected.get(15, TimeUnit.SECONDS);
    mark(3, t0, null);
    bConnected.get(15, TimeUnit.SECONDS);
  }

  private <T> T mark(int i, long t0, T value) {
    milestones[i] = System.nanoTime() - t0;
    return value;
  }

  void close() {
    a.close().join();
    b.close().join();
  }

  private static MediaSession.Listener listener(CompletableFuture<Void> connected,
      java.util.function.Supplier<MediaSession> peer, Executor signaling) {
    return new MediaSession.Listener() {
      @Override
      public void onLocalCandidate(IceCandidate candidate) {
        signaling.execute(() -> peer.get().addRemoteCandidate(candidate));
      }

      @Override
      public void onLocalCandidatesComplete() {}

      @Override
      public void onStateChange(MediaState state) {
        if (state == MediaState.CONNECTED) {
          connected.complete(null);
        }
      }

      @Override
      public void onNegotiationNeeded(boolean iceRestart) {}
    };
  }
}
