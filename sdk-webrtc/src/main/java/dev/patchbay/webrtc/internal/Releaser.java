package dev.patchbay.webrtc.internal;

import dev.patchbay.media.MediaState;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Closes one session and owns the release order verified on webrtc-java 0.14.0: stop timers and
 * audio, {@code removeTrack(sender)}, {@code close()} the peer connection (plus the leak
 * mitigation of {@link NativeHandles}), dispose the track, dispose the source (all in
 * {@link NativePeer#release}), drop the factory reference through {@link SharedFactory} and
 * let it make the engine's next warm spare peer.
 */
final class Releaser {
  private final SessionCore core;
  private final Trickle trickle;
  private final Recovery recovery;
  private final AudioPath audio;
  private final RealWebRtcMediaSession session;
  private final CompletableFuture<Void> released = new CompletableFuture<>();

  Releaser(SessionCore core, Trickle trickle, Recovery recovery, AudioPath audio,
      RealWebRtcMediaSession session) {
    this.core = core;
    this.trickle = trickle;
    this.recovery = recovery;
    this.audio = audio;
    this.session = session;
  }

  CompletableFuture<Void> close() {
    if (core.closed.compareAndSet(false, true)) {
      core.state = MediaState.CLOSED;
      for (CompletableFuture<?> f : core.pending) {
        f.completeExceptionally(core.closedException());
      }
      try {
        core.ctx.thread.execute(() -> {
          try {
            release();
          } finally {
            core.ctx.onSessionClosed.accept(session);
            released.complete(null);
          }
        });
      } catch (RejectedExecutionException e) {
        // The media thread is gone, and with it every native object (engine close).
        core.ctx.onSessionClosed.accept(session);
        released.complete(null);
      }
    }
    return released.copy();
  }

  /** The verified release order; media thread; runs once. */
  private void release() {
    trickle.cancelDeadline();
    recovery.cancelTimers();
    audio.stop();
    NativePeer.release("call " + core.callId, core.pc, core.appSource, core.track, core.sender,
        core.trackAttached, core.ctx.live);
    core.pc = null;
    core.track = null;
    core.appSource = null;
    if (core.factory != null) {
      core.factory = null;
      core.ctx.factory.release();
      // The next call's peer, made now that this one is over (not on a call's set-up path);
      // nothing when the factory went with this call or the engine is closing.
      core.ctx.factory.replenish(core.policy);
    }
  }
}
