package dev.patchbay.webrtc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.IcePolicy;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import dev.patchbay.media.SessionDescription;
import dev.patchbay.webrtc.AudioInput;
import dev.patchbay.webrtc.WebRtcMediaEngine;
import dev.patchbay.webrtc.fixtures.Netns;
import dev.patchbay.webrtc.fixtures.RecordingListener;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session's first CONNECTED reaches its listener as libwebrtc reports it, not behind the
 * media thread's queue; the media thread still handles the event afterwards (the audio starts).
 */
class ConnectedEarlyTest {
  private final MediaThread thread = new MediaThread("early-media");
  private final LiveObjects live = new LiveObjects();
  private final CountDownLatch unblock = new CountDownLatch(1);
  private EngineContext ctx;
  private WebRtcMediaEngine bob;

  @BeforeEach
  void engines() {
    Netns.require();
    ctx = new EngineContext(thread, new SharedFactory(null, live, thread, Duration.ZERO), live,
        callId -> AudioInput.tone(440, 0.3), session -> { });
    bob = WebRtcMediaEngine.builder().factoryLinger(Duration.ZERO).build();
  }

  @AfterEach
  void release() throws InterruptedException {
    unblock.countDown();
    thread.execute(ctx::disposeFactoryIfUnused);
    thread.shutdown();
    assertThat(thread.awaitTermination(Duration.ofSeconds(10))).isTrue();
    bob.close();
    assertThat(live.count()).isZero();
    assertThat(bob.liveNativeObjects()).isZero();
  }

  @Test
  void theFirstConnectedIsReportedWhileTheMediaThreadIsBusy() throws Exception {
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    RealWebRtcMediaSession alice =
        new RealWebRtcMediaSession("early-a", IcePolicy.defaults(), aliceEvents, ctx);
    thread.execute(alice::init);
    MediaSession bobSession = bob.createSession("early-b", IcePolicy.defaults(), bobEvents);
    aliceEvents.trickleTo(bobSession);
    bobEvents.trickleTo(alice);

    SessionDescription offer = alice.createOffer(false).get(10, TimeUnit.SECONDS);
    // Alice's candidates reach Bob through her media thread: all of them before it is held.
    await().atMost(Duration.ofSeconds(10)).until(() -> aliceEvents.candidatesComplete > 0);
    SessionDescription answer = bobSession.acceptOffer(offer).get(10, TimeUnit.SECONDS);
    alice.acceptAnswer(answer);
    // Queued right behind the answer's set: libwebrtc reports the connection after that set,
    // so its event lands behind this task on the media thread.
    thread.execute(() -> {
      try {
        unblock.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });

    await().atMost(Duration.ofSeconds(10))
        .until(() -> aliceEvents.states.contains(MediaState.CONNECTED));
    assertThat(alice.state()).isEqualTo(MediaState.CONNECTED);
    assertThat(aliceEvents.states).as("reported once, in order")
        .containsOnlyOnce(MediaState.CONNECTED).doesNotContain(MediaState.FAILED);
    unblock.countDown();

    await().atMost(Duration.ofSeconds(10)).until(() -> alice.stats()
        .get(5, TimeUnit.SECONDS).packetsSent() > 0);
    assertThat(aliceEvents.states).containsOnlyOnce(MediaState.CONNECTED);
    alice.close().get(10, TimeUnit.SECONDS);
    bobSession.close().get(10, TimeUnit.SECONDS);
  }
}
