package dev.patchbay.testkit.internal;

import java.time.Duration;

/**
 * Run-time state of one tenant: its limits (as configured, then changed at run time by the
 * admin API or by tenant faults until they are cleared), sockets, media slots and rate
 * limiters. Guarded by the model's lock (limiters lock themselves).
 */
final class TenantRuntime {
  final String id;
  /** The limits as configured (builder, then {@code FakeEdge.tenantLimits}). */
  private TenantLimits configured;
  /** Set by a {@code MediaCapacity} fault until cleared, else null. */
  private Integer mediaCapacityFault;
  /** Set by a {@code NegotiationTimeout} fault until cleared, else null. */
  private Duration negotiationTimeoutFault;
  /** The limits in force: {@link #configured} with the faults' changes. */
  TenantLimits limits;
  final MediaAllocator media;
  volatile RateLimiter upgrades;
  volatile RateLimiter tokens;
  /** Live, non-draining sockets. */
  int activeSockets;

  TenantRuntime(String id, TenantLimits limits) {
    this.id = id;
    this.configured = limits;
    this.limits = limits;
    this.media = new MediaAllocator(limits.mediaCapacity(), limits.mediaQueueLimit());
    this.upgrades = new RateLimiter(limits.upgradesPerSecond(), limits.upgradeBurst());
    this.tokens = new RateLimiter(limits.tokensPerSecond(), limits.tokenBurst());
  }

  /** New configured limits; rate limiters restart full. Returns the calls to start. */
  java.util.List<EdgeCall> configure(TenantLimits l) {
    boolean rates = l.upgradesPerSecond() != configured.upgradesPerSecond()
        || l.upgradeBurst() != configured.upgradeBurst()
        || l.tokensPerSecond() != configured.tokensPerSecond()
        || l.tokenBurst() != configured.tokenBurst();
    configured = l;
    if (rates) {
      upgrades = new RateLimiter(l.upgradesPerSecond(), l.upgradeBurst());
      tokens = new RateLimiter(l.tokensPerSecond(), l.tokenBurst());
    }
    return recompute();
  }

  /** A fault's media capacity (null ends it). Returns the calls to start. */
  java.util.List<EdgeCall> mediaCapacityFault(Integer slots) {
    mediaCapacityFault = slots;
    return recompute();
  }

  /** A fault's negotiation timeout (null ends it). */
  void negotiationTimeoutFault(Duration timeout) {
    negotiationTimeoutFault = timeout;
    recompute();
  }

  TenantLimits configured() {
    return configured;
  }

  private java.util.List<EdgeCall> recompute() {
    TenantLimits c = configured;
    limits = new TenantLimits(c.socketCap(), c.userSocketLimit(),
        mediaCapacityFault != null ? mediaCapacityFault : c.mediaCapacity(), c.mediaQueueLimit(),
        negotiationTimeoutFault != null ? negotiationTimeoutFault : c.negotiationTimeout(),
        c.upgradesPerSecond(), c.upgradeBurst(), c.tokensPerSecond(), c.tokenBurst(),
        c.retryAfter());
    return media.resize(limits.mediaCapacity(), limits.mediaQueueLimit());
  }
}
