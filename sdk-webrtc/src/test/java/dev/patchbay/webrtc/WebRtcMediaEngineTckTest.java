package dev.patchbay.webrtc;

import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.tck.MediaEngineTestSuite;
import dev.patchbay.webrtc.fixtures.Netns;
import java.time.Duration;

/** The media TCK (patchbay-media-tck), on real native media (inside the test network namespace). */
class WebRtcMediaEngineTckTest extends MediaEngineTestSuite {
  @Override
  protected MediaEngine createEngine() {
    Netns.require();
    return WebRtcMediaEngine.builder().factoryLinger(Duration.ofMillis(200)).build();
  }
}
