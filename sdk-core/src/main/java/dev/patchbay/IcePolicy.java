package dev.patchbay;

import static dev.patchbay.internal.Checks.positive;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a media engine gathers and uses ICE candidates. The edge's {@code hello} adds its ICE
 * servers in front of {@link #iceServers()} for every call. Immutable.
 */
public final class IcePolicy {
  /** Which candidates may be used (RTCIceTransportPolicy plus "no host"). */
  public enum TransportPolicy { ALL, RELAY, NO_HOST }

  /** RTCBundlePolicy. */
  public enum BundlePolicy { MAX_BUNDLE, BALANCED, MAX_COMPAT }

  public static final Duration DEFAULT_GATHERING_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_DISCONNECTED_GRACE = Duration.ofSeconds(3);
  public static final int DEFAULT_MAX_ICE_RESTARTS = 2;

  private static final IcePolicy DEFAULTS = builder().build();

  private final TransportPolicy transportPolicy;
  private final BundlePolicy bundlePolicy;
  private final List<IceServer> iceServers;
  private final int minPort;
  private final int maxPort;
  private final Duration gatheringTimeout;
  private final Duration disconnectedGrace;
  private final int maxIceRestarts;

  private IcePolicy(Builder b) {
    this.transportPolicy = b.transportPolicy;
    this.bundlePolicy = b.bundlePolicy;
    this.iceServers = List.copyOf(b.iceServers);
    this.minPort = b.minPort;
    this.maxPort = b.maxPort;
    this.gatheringTimeout = b.gatheringTimeout;
    this.disconnectedGrace = b.disconnectedGrace;
    this.maxIceRestarts = b.maxIceRestarts;
  }

  public static IcePolicy defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.transportPolicy = transportPolicy;
    b.bundlePolicy = bundlePolicy;
    b.iceServers.addAll(iceServers);
    b.minPort = minPort;
    b.maxPort = maxPort;
    b.gatheringTimeout = gatheringTimeout;
    b.disconnectedGrace = disconnectedGrace;
    b.maxIceRestarts = maxIceRestarts;
    return b;
  }

  /** A copy with {@code servers} placed in front of this policy's own servers. */
  public IcePolicy withLeadingServers(List<IceServer> servers) {
    if (servers.isEmpty()) {
      return this;
    }
    Builder b = toBuilder();
    b.iceServers.clear();
    b.iceServers.addAll(servers);
    b.iceServers.addAll(iceServers);
    return b.build();
  }

  public TransportPolicy transportPolicy() {
    return transportPolicy;
  }

  public BundlePolicy bundlePolicy() {
    return bundlePolicy;
  }

  public List<IceServer> iceServers() {
    return iceServers;
  }

  /** Lowest local UDP port, or 0 for "any". */
  public int minPort() {
    return minPort;
  }

  /** Highest local UDP port, or 0 for "any". */
  public int maxPort() {
    return maxPort;
  }

  public Duration gatheringTimeout() {
    return gatheringTimeout;
  }

  /** How long ICE may stay "disconnected" before an ICE restart is attempted. */
  public Duration disconnectedGrace() {
    return disconnectedGrace;
  }

  /** ICE restarts per call before the call ends with a media failure. */
  public int maxIceRestarts() {
    return maxIceRestarts;
  }

  @Override
  public String toString() {
    return "IcePolicy{transport=" + transportPolicy + ", bundle=" + bundlePolicy + ", servers="
        + iceServers + ", ports=" + minPort + "-" + maxPort + ", gathering=" + gatheringTimeout
        + '}';
  }

  /** Validating builder. */
  public static final class Builder {
    private TransportPolicy transportPolicy = TransportPolicy.ALL;
    private BundlePolicy bundlePolicy = BundlePolicy.MAX_BUNDLE;
    private final List<IceServer> iceServers = new ArrayList<>();
    private int minPort;
    private int maxPort;
    private Duration gatheringTimeout = DEFAULT_GATHERING_TIMEOUT;
    private Duration disconnectedGrace = DEFAULT_DISCONNECTED_GRACE;
    private int maxIceRestarts = DEFAULT_MAX_ICE_RESTARTS;

    private Builder() {}

    public Builder transportPolicy(TransportPolicy policy) {
      this.transportPolicy = Objects.requireNonNull(policy, "transportPolicy");
      return this;
    }

    public Builder bundlePolicy(BundlePolicy policy) {
      this.bundlePolicy = Objects.requireNonNull(policy, "bundlePolicy");
      return this;
    }

    public Builder addIceServer(IceServer server) {
      iceServers.add(Objects.requireNonNull(server, "server"));
      return this;
    }

    public Builder portRange(int minPort, int maxPort) {
      if (minPort < 1 || maxPort > 65535 || minPort > maxPort) {
        throw new IllegalArgumentException(
            "port range must satisfy 1 <= min <= max <= 65535, but was " + minPort + "-" + maxPort);
      }
      this.minPort = minPort;
      this.maxPort = maxPort;
      return this;
    }

    public Builder gatheringTimeout(Duration timeout) {
      this.gatheringTimeout = positive("gatheringTimeout", timeout);
      return this;
    }

    public Builder disconnectedGrace(Duration grace) {
      this.disconnectedGrace = positive("disconnectedGrace", grace);
      return this;
    }

    public Builder maxIceRestarts(int restarts) {
      if (restarts < 0) {
        throw new IllegalArgumentException("maxIceRestarts must be >= 0, but was " + restarts);
      }
      this.maxIceRestarts = restarts;
      return this;
    }

    public IcePolicy build() {
      return new IcePolicy(this);
    }

  }
}
