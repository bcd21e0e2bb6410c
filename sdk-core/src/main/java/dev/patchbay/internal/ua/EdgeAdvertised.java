package dev.patchbay.internal.ua;

import dev.patchbay.IceServer;
import dev.patchbay.internal.admission.TenantAdmission;
import dev.patchbay.internal.protocol.Frames;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what the edge advertised in a {@code hello}: the heartbeat for later sockets, the
 * tenant's limits for admission, and the ICE servers for new calls (read from any thread).
 */
final class EdgeAdvertised {
  /** Log lines keep the agent's logger name. */
  private static final Logger LOG = LoggerFactory.getLogger(RealUserAgent.class);

  private final SdkRuntime rt;
  private final TenantAdmission admission;
  private volatile List<IceServer> iceServers = List.of();

  EdgeAdvertised(SdkRuntime rt, TenantAdmission admission) {
    this.rt = rt;
    this.admission = admission;
  }

  List<IceServer> iceServers() {
    return iceServers;
  }

  void learn(Frames.Hello h) {
    rt.learnHeartbeat(h.heartbeatMs());
    if (h.limits() != null) {
      admission.advertised(h.limits().tenantSockets(), h.limits().tenantNegotiations());
    }
    List<IceServer> out = new ArrayList<>();
    for (Frames.IceServer s : h.iceServers()) {
      try {
        out.add(new IceServer(s.urls(), s.username(), s.credential()));
      } catch (IllegalArgumentException e) {
        LOG.warn("ignoring an ICE server the edge advertised: {}", e.getMessage());
      }
    }
    iceServers = List.copyOf(out);
  }
}
