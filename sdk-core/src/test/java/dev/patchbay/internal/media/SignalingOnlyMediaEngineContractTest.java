package dev.patchbay.internal.media;

import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.testing.MediaEngineContract;

class SignalingOnlyMediaEngineContractTest extends MediaEngineContract {
  @Override
  protected MediaEngine createEngine() {
    return MediaEngines.signalingOnly();
  }
}
