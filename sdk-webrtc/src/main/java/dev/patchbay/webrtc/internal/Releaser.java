package dev.patchbay.webrtc.internal;

import dev.patchbay.media.MediaState;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Closes one session and owns the release order verified on webrtc-java 0.14.0: stop timers and
 * audio, {@code removeTrack(sender)}, {@code close()} the peer connection (plus the leak
 * mitigation of {@link NativeHandles}), dispose the track, dispose the source, drop the factory
 * reference through {@link SharedFactory}.
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
    if (core.pc != null) {
      if (core.sender != null && core.trackAttached && core.appSource != null) {
        // The source stops feeding the send stream before the stream goes away with close().
        core.quietly("detach track", () -> core.sender.replaceTrack(null));
      }
      if (core.sender != null) {
        core.quietly("removeTrack", () -> core.pc.removeTrack(core.sender));
      }
      long handle = NativeHandles.handleOf(core.pc);
      core.quietly("close peer connection", core.pc::close);
      NativeHandles.releaseReference(handle);
      core.pc = null;
      core.ctx.live.released();
    }
    if (core.track != null) {
      core.quietly("dispose track", core.track::dispose);
      core.track = null;
      core.ctx.live.released();
    }
    if (core.appSource != null) {
      core.quietly("dispose source", core.appSource::dispose);
      core.appSource = null;
      core.ctx.live.released();
    }
    if (core.factory != null) {
      core.factory = null;
      core.ctx.factory.release();
    }
  }
}
