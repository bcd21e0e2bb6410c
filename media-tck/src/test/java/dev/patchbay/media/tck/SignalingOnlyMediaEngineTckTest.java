package dev.patchbay.media.tck;

import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaEngines;

/** Core's signaling-only engine passes the media TCK. */
class SignalingOnlyMediaEngineTckTest extends MediaEngineTestSuite {
  @Override
  protected MediaEngine createEngine() {
    return MediaEngines.signalingOnly();
  }
}
