package dev.patchbay.testkit.internal;

import java.time.Duration;

/**
 * Resolved limits of one tenant (immutable). A rate of 0 means "unlimited".
 *
 * @param socketCap live (non-draining) sockets of the tenant; more upgrades get 503
 * @param userSocketLimit live sockets of one user; more upgrades get 429
 * @param mediaCapacity concurrent negotiating or active calls
 * @param mediaQueueLimit invites allowed to wait for a slot; more get error 503
 * @param negotiationTimeout longest wait for a media slot before error 504
 * @param upgradesPerSecond sustained upgrade rate (token bucket), 0 = unlimited
 * @param upgradeBurst bucket size for upgrades
 * @param tokensPerSecond sustained token-endpoint rate, 0 = unlimited
 * @param tokenBurst bucket size for token requests
 * @param retryAfter Retry-After sent with 503 refusals (429s send the bucket's refill time)
 */
public record TenantLimits(int socketCap, int userSocketLimit, int mediaCapacity,
    int mediaQueueLimit, Duration negotiationTimeout, double upgradesPerSecond, int upgradeBurst,
    double tokensPerSecond, int tokenBurst, Duration retryAfter) {}
