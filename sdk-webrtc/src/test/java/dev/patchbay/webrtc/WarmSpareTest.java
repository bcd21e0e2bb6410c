package dev.patchbay.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.IcePolicy;
import dev.patchbay.media.IceCandidate;
import dev.patchbay.webrtc.fixtures.Netns;
import dev.patchbay.webrtc.fixtures.SessionPair;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's warm spare peer: made when a call is released while the factory stays, adopted
 * by the next call with the same ICE configuration (so its peer connection, track and source
 * are not made on the call's set-up path), released with the factory, at engine close, or when
 * the next call needs another configuration.
 */
class WarmSpareTest {
  /** Factory and audio module of an engine. */
  private static final int FACTORY = 2;
  /** A peer: peer connection, track, app-fed source. */
  private static final int PEER = 3;

  private WebRtcMediaEngine alice;
  private WebRtcMediaEngine bob;

  @BeforeEach
  void engines() {
    Netns.require();
    alice = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(440, 0.3))
        .factoryLinger(Duration.ofMinutes(5)).build();
    bob = WebRtcMediaEngine.builder().factoryLinger(Duration.ofMinutes(5)).build();
  }

  @AfterEach
  void closeEngines() {
    alice.close();
    bob.close();
    assertThat(alice.liveNativeObjects()).as("the spare goes with the engine").isZero();
    assertThat(bob.liveNativeObjects()).isZero();
  }

  @Test
  void aReleasedCallLeavesOneSparePeerThatTheNextCallAdopts() {
    try (SessionPair first = new SessionPair(alice, bob, IcePolicy.defaults(), "first")) {
      first.connect();
      assertThat(alice.liveNativeObjects()).as("no spare before a call ended")
          .isEqualTo(FACTORY + PEER);
    }
    assertThat(alice.liveNativeObjects()).as("factory and the spare made at the release")
        .isEqualTo(FACTORY + PEER);
    assertThat(bob.liveNativeObjects()).isEqualTo(FACTORY + PEER);

    try (SessionPair second = new SessionPair(alice, bob, IcePolicy.defaults(), "second")) {
      second.connect();
      assertThat(alice.liveNativeObjects()).as("the call adopted the spare: no second peer")
          .isEqualTo(FACTORY + PEER);
      assertThat(bob.liveNativeObjects()).isEqualTo(FACTORY + PEER);
    }
    assertThat(alice.liveNativeObjects()).as("one spare again, never two")
        .isEqualTo(FACTORY + PEER);
    assertThat(alice.openSessions()).isZero();
  }

  @Test
  void aSpareMadeForAnotherIceConfigurationIsReleasedNotUsed() {
    new SessionPair(alice, bob, IcePolicy.defaults(), "defaults").connect().close();
    assertThat(alice.liveNativeObjects()).isEqualTo(FACTORY + PEER);

    IcePolicy ports = IcePolicy.builder().portRange(42000, 42019).build();
    try (SessionPair pair = new SessionPair(alice, bob, ports, "ports")) {
      pair.connect();
      assertThat(pair.callerListener.localCandidates).as("the call's own port range")
          .isNotEmpty().allSatisfy(c -> assertThat(port(c)).isBetween(42000, 42019));
      assertThat(pair.calleeListener.localCandidates)
          .isNotEmpty().allSatisfy(c -> assertThat(port(c)).isBetween(42000, 42019));
      assertThat(alice.liveNativeObjects()).as("the unfit spare was released, not kept")
          .isEqualTo(FACTORY + PEER);
    }
  }

  @Test
  void engineCloseReleasesTheSpareAndAClosingEngineMakesNone() {
    new SessionPair(alice, bob, IcePolicy.defaults(), "before-close").connect().close();
    assertThat(alice.liveNativeObjects()).isEqualTo(FACTORY + PEER);
    new SessionPair(alice, bob, IcePolicy.defaults(), "live-at-close").connect();

    alice.close();
    bob.close();

    assertThat(alice.liveNativeObjects()).isZero();
    assertThat(bob.liveNativeObjects()).isZero();
  }

  @Test
  void noSpareOutlivesAFactoryThatGoesWithItsLastCall() {
    WebRtcMediaEngine noLinger = WebRtcMediaEngine.builder().factoryLinger(Duration.ZERO)
        .build();
    try {
      new SessionPair(noLinger, bob, IcePolicy.defaults(), "no-linger").connect().close();
      assertThat(noLinger.liveNativeObjects()).isZero();
    } finally {
      noLinger.close();
    }
  }

  private static int port(IceCandidate c) {
    return Integer.parseInt(c.candidate().split(" ")[5]);
  }
}
