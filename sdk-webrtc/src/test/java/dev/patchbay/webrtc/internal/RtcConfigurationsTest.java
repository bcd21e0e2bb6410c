package dev.patchbay.webrtc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCRtcpMuxPolicy;
import dev.patchbay.IcePolicy;
import dev.patchbay.IceServer;
import org.junit.jupiter.api.Test;

class RtcConfigurationsTest {
  @Test
  void defaultsAreMaxBundleRtcpMuxRequireAndAllCandidates() {
    RTCConfiguration c = RtcConfigurations.from(IcePolicy.defaults());
    assertThat(c.bundlePolicy).isEqualTo(RTCBundlePolicy.MAX_BUNDLE);
    assertThat(c.rtcpMuxPolicy).isEqualTo(RTCRtcpMuxPolicy.REQUIRE);
    assertThat(c.iceTransportPolicy).isEqualTo(RTCIceTransportPolicy.ALL);
    assertThat(c.iceServers).isEmpty();
    assertThat(c.portAllocatorConfig.minPort).isZero();
  }

  @Test
  void edgeServersComeFirstThenTheAppsAndPoliciesMapOneToOne() {
    IcePolicy app = IcePolicy.builder()
        .transportPolicy(IcePolicy.TransportPolicy.RELAY)
        .bundlePolicy(IcePolicy.BundlePolicy.BALANCED)
        .addIceServer(IceServer.stun("stun:app.example:3478"))
        .portRange(40000, 40100)
        .build();
    IcePolicy withEdge = app.withLeadingServers(java.util.List.of(
        IceServer.turn("turn:edge.example:3478", "u", "p")));

    RTCConfiguration c = RtcConfigurations.from(withEdge);

    assertThat(c.iceServers).hasSize(2);
    assertThat(c.iceServers.get(0).urls).containsExactly("turn:edge.example:3478");
    assertThat(c.iceServers.get(0).username).isEqualTo("u");
    assertThat(c.iceServers.get(0).password).isEqualTo("p");
    assertThat(c.iceServers.get(1).urls).containsExactly("stun:app.example:3478");
    assertThat(c.iceTransportPolicy).isEqualTo(RTCIceTransportPolicy.RELAY);
    assertThat(c.bundlePolicy).isEqualTo(RTCBundlePolicy.BALANCED);
    assertThat(c.portAllocatorConfig.minPort).isEqualTo(40000);
    assertThat(c.portAllocatorConfig.maxPort).isEqualTo(40100);
  }

  @Test
  void noHostMapsToNoHost() {
    IcePolicy p = IcePolicy.builder().transportPolicy(IcePolicy.TransportPolicy.NO_HOST).build();
    assertThat(RtcConfigurations.from(p).iceTransportPolicy)
        .isEqualTo(RTCIceTransportPolicy.NO_HOST);
  }
}
