package dev.patchbay.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.IcePolicy;
import dev.patchbay.media.MediaState;
import dev.patchbay.webrtc.fixtures.Netns;
import dev.patchbay.webrtc.fixtures.SessionPair;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Breaks the media path mid-call by taking both veth ends of the test namespace down (and their
 * addresses away), then maybe back: the call
 * either recovers through a bounded ICE restart or ends with a reason, within its deadline.
 */
class IceRestartTest {
  private static final IcePolicy FAST_RECOVERY = IcePolicy.builder()
      .disconnectedGrace(Duration.ofMillis(500))
      .gatheringTimeout(Duration.ofSeconds(2))
      .maxIceRestarts(3)
      .build();

  private WebRtcMediaEngine alice;
  private WebRtcMediaEngine bob;
  private SessionPair pair;

  @BeforeEach
  void engines() {
    Netns.require();
    alice = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(440, 0.3))
        .factoryLinger(Duration.ZERO).build();
    bob = WebRtcMediaEngine.builder().factoryLinger(Duration.ZERO).build();
  }

  @AfterEach
  void restoreLinksAndRelease() {
    Netns.restorePath();
    if (pair != null) {
      pair.close();
    }
    alice.close();
    bob.close();
    assertThat(alice.liveNativeObjects()).isZero();
    assertThat(bob.liveNativeObjects()).isZero();
  }

  @Test
  void callRecoversThroughAnIceRestartWhenThePathComesBack() throws Exception {
    pair = new SessionPair(alice, bob, FAST_RECOVERY, "restart").autoRenegotiate();
    ToneDetector bobHears440 = new ToneDetector(440);
    pair.callee.addAudioSink(bobHears440);
    pair.connect();

    Netns.breakPath();
    await().atMost(Duration.ofSeconds(15)).until(() -> pair.caller.iceRestarts() >= 1);
    Netns.restorePath();

    // Deadline: the remaining restarts, each bounded by gathering timeout + grace.
    await().atMost(Duration.ofSeconds(20)).until(() ->
        pair.caller.state() == MediaState.CONNECTED && pair.callee.state() == MediaState.CONNECTED);
    bobHears440.reset();
    await().atMost(Duration.ofSeconds(5)).until(() -> bobHears440.frames() >= 100);
    assertThat(bobHears440.hears()).as("%s", bobHears440).isTrue();
    assertThat(pair.caller.iceRestarts()).isBetween(1, FAST_RECOVERY.maxIceRestarts());
    assertThat(pair.callerListener.negotiationNeeded).contains(true);
  }

  @Test
  void callEndsWithAReasonWhenThePathNeverComesBack() {
    IcePolicy oneRestart = FAST_RECOVERY.toBuilder().maxIceRestarts(1).build();
    pair = new SessionPair(alice, bob, oneRestart, "gone").autoRenegotiate();
    pair.connect();
    long start = System.nanoTime();

    Netns.breakPath();

    await().atMost(Duration.ofSeconds(30)).until(() -> pair.caller.state() == MediaState.FAILED);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(pair.caller.failureReason()).get().asString()
        .contains("ICE").contains("did not recover")
        .contains("ICE restart 1 did not reconnect within 2.5 s")
        .doesNotContain("PT");
    assertThat(pair.caller.iceRestarts()).isEqualTo(1);
    assertThat(pair.callerListener.states).endsWith(MediaState.FAILED);
    System.out.println("media failed after " + took.toMillis() + " ms: "
        + pair.caller.failureReason().orElseThrow());
  }

  @Test
  void failureReasonDoesNotClaimARestartFailedWhenNoRestartOfferWasMade() {
    IcePolicy oneRestart = FAST_RECOVERY.toBuilder().maxIceRestarts(1).build();
    // No autoRenegotiate(): the request for an ICE restart is never acted upon.
    pair = new SessionPair(alice, bob, oneRestart, "unanswered");
    pair.connect();

    Netns.breakPath();

    await().atMost(Duration.ofSeconds(30)).until(() -> pair.caller.state() == MediaState.FAILED);
    assertThat(pair.callerListener.negotiationNeeded).containsExactly(true);
    // Through the core SPI, as the SDK reads it.
    dev.patchbay.media.MediaSession media = pair.caller;
    assertThat(media.failureReason()).get().asString()
        .matches("^ICE (disconnected for longer than 500 ms|failed); .*")
        .contains("ICE restart 1 was requested but no restart offer was created within 2.5 s")
        .contains("no ICE restart is left (max 1)")
        .doesNotContain("did not reconnect")
        .doesNotContain("PT");
  }
}
