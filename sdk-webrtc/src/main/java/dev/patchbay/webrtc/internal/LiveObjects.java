package dev.patchbay.webrtc.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the native objects an engine holds (factory, audio device module, peer connections,
 * tracks, sources), so tests and diagnostics can prove that teardown released them all.
 */
public final class LiveObjects {
  private final AtomicLong live = new AtomicLong();

  public void created() {
    live.incrementAndGet();
  }

  public void released() {
    live.decrementAndGet();
  }

  public long count() {
    return live.get();
  }
}
