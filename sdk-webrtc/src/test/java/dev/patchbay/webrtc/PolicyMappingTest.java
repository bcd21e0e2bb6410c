package dev.patchbay.webrtc;

import static dev.patchbay.webrtc.fixtures.SessionPair.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.media.IceCandidate;
import dev.patchbay.IcePolicy;
import dev.patchbay.media.SessionDescription;
import dev.patchbay.webrtc.fixtures.Netns;
import dev.patchbay.webrtc.fixtures.SessionPair;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IcePolicy reaches libwebrtc: bundle, rtcp-mux, port range, NO_HOST. */
class PolicyMappingTest {
  private WebRtcMediaEngine engine;

  @BeforeEach
  void engine() {
    Netns.require();
    engine = WebRtcMediaEngine.builder().factoryLinger(Duration.ZERO).build();
  }

  @AfterEach
  void close() {
    engine.close();
    assertThat(engine.liveNativeObjects()).isZero();
  }

  @Test
  void maxBundleAndRtcpMuxGiveOneTransportInTheSdp() {
    SessionPair pair = new SessionPair(engine, engine, IcePolicy.defaults(), "bundle").connect();
    SessionDescription offer = join(pair.caller.createOffer(false));

    assertThat(offer.sdp()).contains("a=group:BUNDLE 0").contains("a=rtcp-mux");
    assertThat(offer.sdp().lines().filter(l -> l.startsWith("m="))).hasSize(1);
    assertThat(offer.sdp().lines().filter(l -> l.startsWith("a=ice-ufrag:"))).hasSize(1);
    assertThat(pair.callerListener.localCandidates).isNotEmpty().allSatisfy(c -> {
      assertThat(c.sdpMid()).isEqualTo("0");
      assertThat(component(c)).as("RTP component only (no separate RTCP transport)")
          .isEqualTo("1");
    });
    pair.close();
  }

  @Test
  void portRangeBoundsTheLocalCandidates() {
    IcePolicy ports = IcePolicy.builder().portRange(41000, 41019).build();
    SessionPair pair = new SessionPair(engine, engine, ports, "ports").connect();
    assertThat(pair.callerListener.localCandidates).isNotEmpty().allSatisfy(c ->
        assertThat(port(c)).isBetween(41000, 41019));
    pair.close();
  }

  @Test
  void noHostPolicyGathersNoHostCandidates() {
    IcePolicy noHost = IcePolicy.builder().transportPolicy(IcePolicy.TransportPolicy.NO_HOST)
        .gatheringTimeout(Duration.ofSeconds(2)).build();
    SessionPair pair = new SessionPair(engine, engine, noHost, "nohost");
    join(pair.caller.createOffer(false));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> pair.callerListener.candidatesComplete > 0);
    assertThat(pair.callerListener.localCandidates)
        .noneSatisfy(c -> assertThat(c.candidate()).contains("typ host"));
    pair.close();
  }

  private static String component(IceCandidate c) {
    return c.candidate().split(" ")[1];
  }

  private static int port(IceCandidate c) {
    return Integer.parseInt(c.candidate().split(" ")[5]);
  }
}
