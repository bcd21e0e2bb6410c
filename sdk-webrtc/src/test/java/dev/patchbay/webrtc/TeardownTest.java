package dev.patchbay.webrtc;

import static dev.patchbay.webrtc.fixtures.SessionPair.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.IcePolicy;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import dev.patchbay.media.SessionDescription;
import dev.patchbay.webrtc.fixtures.Netns;
import dev.patchbay.webrtc.fixtures.RecordingListener;
import dev.patchbay.webrtc.fixtures.SessionPair;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Closing a session in every state (new, gathering, mid-negotiation, active, after failure)
 * releases every native object: with no factory linger the engine is back to zero.
 */
class TeardownTest {
  private WebRtcMediaEngine alice;
  private WebRtcMediaEngine bob;

  @BeforeEach
  void engines() {
    Netns.require();
    alice = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(440, 0.3))
        .factoryLinger(Duration.ZERO).build();
    bob = WebRtcMediaEngine.builder().factoryLinger(Duration.ZERO).build();
  }

  @AfterEach
  void closeEngines() {
    Netns.restorePath();
    alice.close();
    bob.close();
    assertThat(alice.liveNativeObjects()).isZero();
    assertThat(bob.liveNativeObjects()).isZero();
  }

  @Test
  void closeRightAfterCreateReleasesEverything() {
    MediaSession s = alice.createSession("new", IcePolicy.defaults(), new RecordingListener());
    join(s.close());
    assertReleased();
  }

  @Test
  void closeWhileGatheringReleasesEverything() {
    RecordingListener l = new RecordingListener();
    MediaSession s = alice.createSession("gathering", IcePolicy.defaults(), l);
    join(s.createOffer(false));
    assertThat(l.candidatesComplete).as("still gathering").isZero();
    join(s.close());
    assertReleased();
  }

  @Test
  void closeMidNegotiationReleasesEverything() {
    SessionPair pair = new SessionPair(alice, bob, IcePolicy.defaults(), "mid");
    SessionDescription offer = join(pair.caller.createOffer(false));
    join(pair.callee.acceptOffer(offer)); // the answer never reaches the caller
    assertThat(pair.caller.state()).isNotEqualTo(MediaState.CONNECTED);
    pair.close();
    assertReleased();
  }

  @Test
  void closeWhileActiveReleasesEverything() {
    SessionPair pair = new SessionPair(alice, bob, IcePolicy.defaults(), "active").connect();
    assertThat(alice.liveNativeObjects()).isEqualTo(5); // factory, audio module, pc, track, source
    pair.close();
    assertReleased();
  }

  @Test
  void closeAfterMediaFailureReleasesEverything() {
    IcePolicy noRestart = IcePolicy.builder().disconnectedGrace(Duration.ofMillis(300))
        .maxIceRestarts(0).build();
    SessionPair pair = new SessionPair(alice, bob, noRestart, "failed").connect();
    Netns.breakPath();
    await().atMost(Duration.ofSeconds(20)).until(() -> pair.caller.state() == MediaState.FAILED);
    assertThat(pair.caller.failureReason()).get().asString().contains("no ICE restart is left");
    pair.close();
    assertReleased();
  }

  @Test
  void engineCloseWithLiveCallsReleasesEverything() {
    new SessionPair(alice, bob, IcePolicy.defaults(), "engine-close").connect();
    alice.close();
    bob.close();
    assertThat(alice.openSessions()).isZero();
    assertThat(alice.liveNativeObjects()).isZero();
    assertThat(bob.liveNativeObjects()).isZero();
  }

  private void assertReleased() {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(alice.openSessions()).isZero();
      assertThat(alice.liveNativeObjects()).isZero();
      assertThat(bob.liveNativeObjects()).isZero();
    });
  }
}
