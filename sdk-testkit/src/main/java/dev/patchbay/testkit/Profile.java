package dev.patchbay.testkit;

import dev.patchbay.testkit.internal.TenantLimits;
import java.time.Duration;

/** Default settings of a {@link FakeEdge}; explicit builder settings always win. */
public enum Profile {
  /**
   * Lenient defaults for functional tests: generous caps (1,000 sockets and media slots per
   * tenant, 10 sockets per user), no rate limits, no handshake delay, 15 s negotiation timeout.
   */
  LENIENT(new TenantLimits(1000, 10, 1000, 1000, Duration.ofSeconds(15), 0.0, 40, 0.0, 40,
      Duration.ofSeconds(1)),
      Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(1),
      Duration.ZERO, Duration.ZERO),
  /**
   * Field-like defaults modelled on the production edge: 200 sockets and 50 media slots per
   * tenant (queue of 200), 2 sockets per user, 20 upgrades/s and 20 token requests/s per
   * tenant (bursts of 40), Retry-After 2 s, 15 s negotiation timeout (504), and slow handshakes
   * (each upgrade is delayed by a seeded random 50–500 ms).
   */
  FIELD(new TenantLimits(200, 2, 50, 200, Duration.ofSeconds(15), 20.0, 40, 20.0, 40,
      Duration.ofSeconds(2)),
      Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30),
      Duration.ofSeconds(8), Duration.ofMillis(50), Duration.ofMillis(500));

  private final TenantLimits tenantLimits;
  private final Duration resumeWindow;
  private final Duration incomingTimeout;
  private final Duration noAnswerTimeout;
  private final Duration slowAnswerDelay;
  private final Duration handshakeDelayMin;
  private final Duration handshakeDelayMax;

  Profile(TenantLimits tenantLimits, Duration resumeWindow, Duration incomingTimeout,
      Duration noAnswerTimeout, Duration slowAnswerDelay, Duration handshakeDelayMin,
      Duration handshakeDelayMax) {
    this.tenantLimits = tenantLimits;
    this.resumeWindow = resumeWindow;
    this.incomingTimeout = incomingTimeout;
    this.noAnswerTimeout = noAnswerTimeout;
    this.slowAnswerDelay = slowAnswerDelay;
    this.handshakeDelayMin = handshakeDelayMin;
    this.handshakeDelayMax = handshakeDelayMax;
  }

  TenantLimits tenantLimits() {
    return tenantLimits;
  }

  Duration resumeWindow() {
    return resumeWindow;
  }

  Duration incomingTimeout() {
    return incomingTimeout;
  }

  Duration noAnswerTimeout() {
    return noAnswerTimeout;
  }

  Duration slowAnswerDelay() {
    return slowAnswerDelay;
  }

  Duration handshakeDelayMin() {
    return handshakeDelayMin;
  }

  Duration handshakeDelayMax() {
    return handshakeDelayMax;
  }
}
