package dev.patchbay.internal.media;

import dev.patchbay.MediaEngine;
import dev.patchbay.MediaEngines;
import dev.patchbay.testing.MediaEngineContract;

class SignalingOnlyMediaEngineContractTest extends MediaEngineContract {
  @Override
  protected MediaEngine createEngine() {
    return MediaEngines.signalingOnly();
  }
}
