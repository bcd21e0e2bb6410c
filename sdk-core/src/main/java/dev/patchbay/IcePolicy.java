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
  public enum TransportPolicy {
    /** Host, server-reflexive and relay candidates. */
    ALL,
    /** Relay (TURN) candidates only: hides the local and public addresses. */
    RELAY,
    /** Server-reflexive and relay candidates, no local host addresses. */
    NO_HOST
  }

  /** RTCBundlePolicy. */
  public enum BundlePolicy {
    /** All media on one transport. */
    MAX_BUNDLE,
    /** One transport per media type. */
    BALANCED,
    /** One transport per media section. */
    MAX_COMPAT
  }

  /** Default of {@link #gatheringTimeout()}: 5 s. */
  public static final Duration DEFAULT_GATHERING_TIMEOUT = Duration.ofSeconds(5);
  /** Default of {@link #disconnectedGrace()}: 3 s. */
  public static final Duration DEFAULT_DISCONNECTED_GRACE = Duration.ofSeconds(3);
  /** Default of {@link #maxIceRestarts()}: 2. */
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

  /**
   * All candidates, max-bundle, no servers of its own, any port, default timeouts.
   *
   * @return the default policy
   */
  public static IcePolicy defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from {@link #defaults()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this policy.
   *
   * @return a new builder
   */
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

  /**
   * A copy with {@code servers} placed in front of this policy's own servers.
   *
   * @param servers the servers to put first
   * @return the copy
   */
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

  /**
   * Which candidates may be used.
   *
   * @return the transport policy
   */
  public TransportPolicy transportPolicy() {
    return transportPolicy;
  }

  /**
   * How media is bundled on transports.
   *
   * @return the bundle policy
   */
  public BundlePolicy bundlePolicy() {
    return bundlePolicy;
  }

  /**
   * This policy's own STUN/TURN servers (the edge's come in front of them per call).
   *
   * @return the servers, unmodifiable
   */
  public List<IceServer> iceServers() {
    return iceServers;
  }

  /**
   * Lowest local UDP port, or 0 for "any".
   *
   * @return the lowest port, or 0
   */
  public int minPort() {
    return minPort;
  }

  /**
   * Highest local UDP port, or 0 for "any".
   *
   * @return the highest port, or 0
   */
  public int maxPort() {
    return maxPort;
  }

  /**
   * How long candidate gathering may take before the description is sent with what was found.
   *
   * @return the gathering timeout
   */
  public Duration gatheringTimeout() {
    return gatheringTimeout;
  }

  /**
   * How long ICE may stay "disconnected" before an ICE restart is attempted.
   *
   * @return the grace period
   */
  public Duration disconnectedGrace() {
    return disconnectedGrace;
  }

  /**
   * ICE restarts per call before the call ends with a media failure.
   *
   * @return the maximum number of ICE restarts
   */
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

    /**
     * Which candidates may be used; default {@link TransportPolicy#ALL}.
     *
     * @param policy the transport policy
     * @return this builder
     */
    public Builder transportPolicy(TransportPolicy policy) {
      this.transportPolicy = Objects.requireNonNull(policy, "transportPolicy");
      return this;
    }

    /**
     * How media is bundled; default {@link BundlePolicy#MAX_BUNDLE}.
     *
     * @param policy the bundle policy
     * @return this builder
     */
    public Builder bundlePolicy(BundlePolicy policy) {
      this.bundlePolicy = Objects.requireNonNull(policy, "bundlePolicy");
      return this;
    }

    /**
     * Adds a STUN or TURN server of the app's own.
     *
     * @param server the server
     * @return this builder
     */
    public Builder addIceServer(IceServer server) {
      iceServers.add(Objects.requireNonNull(server, "server"));
      return this;
    }

    /**
     * Restricts local UDP ports to {@code [minPort, maxPort]}.
     *
     * @param minPort the lowest port, at least 1
     * @param maxPort the highest port, at most 65535
     * @return this builder
     * @throws IllegalArgumentException when the range is not within 1..65535 or empty
     */
    public Builder portRange(int minPort, int maxPort) {
      if (minPort < 1 || maxPort > 65535 || minPort > maxPort) {
        throw new IllegalArgumentException(
            "port range must satisfy 1 <= min <= max <= 65535, but was " + minPort + "-" + maxPort);
      }
      this.minPort = minPort;
      this.maxPort = maxPort;
      return this;
    }

    /**
     * The candidate gathering deadline.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder gatheringTimeout(Duration timeout) {
      this.gatheringTimeout = positive("gatheringTimeout", timeout);
      return this;
    }

    /**
     * How long ICE may stay "disconnected" before an ICE restart.
     *
     * @param grace a positive duration
     * @return this builder
     */
    public Builder disconnectedGrace(Duration grace) {
      this.disconnectedGrace = positive("disconnectedGrace", grace);
      return this;
    }

    /**
     * ICE restarts per call before the call ends with a media failure.
     *
     * @param restarts 0 or more
     * @return this builder
     */
    public Builder maxIceRestarts(int restarts) {
      if (restarts < 0) {
        throw new IllegalArgumentException("maxIceRestarts must be >= 0, but was " + restarts);
      }
      this.maxIceRestarts = restarts;
      return this;
    }

    /**
     * Creates the policy.
     *
     * @return the policy
     */
    public IcePolicy build() {
      return new IcePolicy(this);
    }

  }
}
