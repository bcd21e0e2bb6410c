package dev.patchbay.testkit.internal;

/** Run-time state of one tenant. Guarded by the model's lock (limiters lock themselves). */
final class TenantRuntime {
  final String id;
  final TenantLimits limits;
  final MediaAllocator media;
  final RateLimiter upgrades;
  final RateLimiter tokens;
  /** Live, non-draining sockets. */
  int activeSockets;

  TenantRuntime(String id, TenantLimits limits) {
    this.id = id;
    this.limits = limits;
    this.media = new MediaAllocator(limits.mediaCapacity(), limits.mediaQueueLimit());
    this.upgrades = new RateLimiter(limits.upgradesPerSecond(), limits.upgradeBurst());
    this.tokens = new RateLimiter(limits.tokensPerSecond(), limits.tokenBurst());
  }
}
