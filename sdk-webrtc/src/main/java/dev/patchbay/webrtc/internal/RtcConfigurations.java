package dev.patchbay.webrtc.internal;

import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCRtcpMuxPolicy;
import dev.patchbay.IcePolicy;
import dev.patchbay.IceServer;
import java.util.ArrayList;

/** Maps the SDK's {@link IcePolicy} onto libwebrtc's {@link RTCConfiguration}. */
public final class RtcConfigurations {
  private RtcConfigurations() {}

  public static RTCConfiguration from(IcePolicy policy) {
    RTCConfiguration c = new RTCConfiguration();
    c.iceServers = new ArrayList<>();
    for (IceServer server : policy.iceServers()) {
      RTCIceServer s = new RTCIceServer();
      s.urls = new ArrayList<>(server.urls());
      s.username = server.username();
      s.password = server.credential();
      c.iceServers.add(s);
    }
    c.iceTransportPolicy = switch (policy.transportPolicy()) {
      case ALL -> RTCIceTransportPolicy.ALL;
      case RELAY -> RTCIceTransportPolicy.RELAY;
      case NO_HOST -> RTCIceTransportPolicy.NO_HOST;
    };
    c.bundlePolicy = switch (policy.bundlePolicy()) {
      case MAX_BUNDLE -> RTCBundlePolicy.MAX_BUNDLE;
      case BALANCED -> RTCBundlePolicy.BALANCED;
      case MAX_COMPAT -> RTCBundlePolicy.MAX_COMPAT;
    };
    c.rtcpMuxPolicy = RTCRtcpMuxPolicy.REQUIRE;
    c.portAllocatorConfig = new PortAllocatorConfig(policy.minPort(), policy.maxPort(), 0);
    return c;
  }
}
