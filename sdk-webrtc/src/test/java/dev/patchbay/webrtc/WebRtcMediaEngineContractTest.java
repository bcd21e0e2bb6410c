package dev.patchbay.webrtc;

import dev.patchbay.media.MediaEngine;
import dev.patchbay.testing.MediaEngineContract;
import dev.patchbay.webrtc.fixtures.Netns;
import java.time.Duration;

/** Core's MediaEngine contract, on real native media (inside the test network namespace). */
class WebRtcMediaEngineContractTest extends MediaEngineContract {
  @Override
  protected MediaEngine createEngine() {
    Netns.require();
    return WebRtcMediaEngine.builder().factoryLinger(Duration.ofMillis(200)).build();
  }
}
