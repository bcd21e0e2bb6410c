package dev.patchbay.media;

import dev.patchbay.Patchbay;
import dev.patchbay.internal.media.SignalingOnlyMediaEngine;

/**
 * Media engines that ship with core.
 *
 * <p>How {@link Patchbay} picks its engine: the instance given to
 * {@link Patchbay.Builder#mediaEngine(MediaEngine)} first; otherwise exactly one
 * {@link MediaEngineProvider} found by {@link java.util.ServiceLoader} (for example
 * {@code patchbay-webrtc} on the classpath). Zero or several providers fail the build with a
 * message naming the fix. The signaling-only engine is never picked implicitly: ask for it.
 */
public final class MediaEngines {
  private MediaEngines() {}

  /**
   * A new engine that exchanges valid SDP and one trickled host candidate per description but
   * opens no media (no audio device, no native code): for backends and load tests. Media counts
   * as connected as soon as both descriptions are set.
   *
   * @return the new engine
   */
  public static MediaEngine signalingOnly() {
    return new SignalingOnlyMediaEngine();
  }
}
