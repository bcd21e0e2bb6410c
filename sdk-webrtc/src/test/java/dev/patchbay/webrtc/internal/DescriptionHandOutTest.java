package dev.patchbay.webrtc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.IcePolicy;
import dev.patchbay.media.SessionDescription;
import dev.patchbay.webrtc.AudioInput;
import dev.patchbay.webrtc.fixtures.Netns;
import dev.patchbay.webrtc.fixtures.RecordingListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A created local description is handed out before it is set: the SDK can send it while the
 * media thread sets it (and gathering starts), instead of after the set and the hops around it.
 */
class DescriptionHandOutTest {
  private final MediaThread thread = new MediaThread("handout-media");
  private final LiveObjects live = new LiveObjects();
  private EngineContext ctx;
  private final CountDownLatch unblock = new CountDownLatch(1);

  @BeforeEach
  void context() {
    Netns.require();
    ctx = new EngineContext(thread, new SharedFactory(null, live, thread, Duration.ZERO), live,
        callId -> AudioInput.silence(), session -> { });
  }

  @AfterEach
  void release() throws InterruptedException {
    unblock.countDown();
    thread.execute(ctx::disposeFactoryIfUnused);
    thread.shutdown();
    assertThat(thread.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(live.count()).isZero();
  }

  @Test
  void theOfferIsHandedOutWhileTheMediaThreadIsBusyAndSetAfterwards() throws Exception {
    RecordingListener listener = new RecordingListener();
    RealWebRtcMediaSession session =
        new RealWebRtcMediaSession("handout", IcePolicy.defaults(), listener, ctx);
    thread.execute(session::init);
    CompletableFuture<SessionDescription> offer = session.createOffer(false);
    // Queued behind the offer's creation: the media thread is busy until the test lets go.
    thread.execute(() -> {
      try {
        unblock.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });

    SessionDescription handedOut = offer.get(5, TimeUnit.SECONDS);

    assertThat(handedOut.type()).isEqualTo(SessionDescription.Type.OFFER);
    assertThat(handedOut.sdp()).contains("a=ice-ufrag:");
    assertThat(listener.localCandidates).as("not set yet: nothing gathered").isEmpty();
    unblock.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> !listener.localCandidates.isEmpty());
    session.close().get(10, TimeUnit.SECONDS);
  }
}
