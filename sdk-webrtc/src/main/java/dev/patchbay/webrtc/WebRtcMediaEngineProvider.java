package dev.patchbay.webrtc;

import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaEngineProvider;

/** Registers {@link WebRtcMediaEngine} with {@link java.util.ServiceLoader}. */
public final class WebRtcMediaEngineProvider implements MediaEngineProvider {
  @Override
  public String name() {
    return "webrtc";
  }

  @Override
  public MediaEngine create() {
    return WebRtcMediaEngine.create();
  }
}
