package dev.patchbay.testkit.internal;

import dev.patchbay.internal.protocol.Frames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolved, immutable settings of one fake edge (built by {@code FakeEdge.Builder}).
 *
 * @param tenantLimits resolves limits for a tenant id (configured or created at run time)
 * @param logout whether {@code hello} offers {@code logout} (protocol 3.7)
 */
public record EdgeSettings(
    String host, int port,
    Duration tokenTtl, Duration heartbeat, Duration resumeWindow,
    Duration incomingTimeout, Duration noAnswerTimeout, Duration slowAnswerDelay,
    Duration handshakeDelayMin, Duration handshakeDelayMax,
    long seed, int maxFrameChars, int frameLogCapacity, Duration leakGrace,
    List<Frames.IceServer> iceServers,
    Map<String, TenantLimits> tenants, Function<String, TenantLimits> tenantLimits,
    List<Client> clients, boolean logout) {

  /** An OAuth client: a user (client id = user id) or a tenant's backend service. */
  public record Client(String tenant, String clientId, String secret, boolean backend) {
    @Override
    public String toString() {
      return "Client{" + clientId + "@" + tenant + (backend ? ", backend" : "") + '}';
    }
  }
}
