package dev.patchbay.testkit;

import dev.patchbay.testkit.internal.TenantLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits of one tenant, set in {@code FakeEdge.builder().tenant("acme", t -> t.socketCap(5))}
 * or at run time with {@link FakeEdge#tenantLimits(String, java.util.function.Consumer)}. Unset
 * values come from the edge's {@link Profile} (at run time: stay as they are).
 */
public final class TenantSpec {
  private Integer socketCap;
  private Integer userSocketLimit;
  private Integer mediaCapacity;
  private Integer mediaQueueLimit;
  private Duration negotiationTimeout;
  private Double upgradesPerSecond;
  private Integer upgradeBurst;
  private Double tokensPerSecond;
  private Integer tokenBurst;
  private Duration retryAfter;

  TenantSpec() {}

  /**
   * Live sockets of the tenant; further upgrades get 503 with Retry-After.
   *
   * @param cap the most live sockets
   * @return this spec
   */
  public TenantSpec socketCap(int cap) {
    this.socketCap = positive("socketCap", cap);
    return this;
  }

  /**
   * Live sockets of one user; further upgrades get 429 with Retry-After.
   *
   * @param limit the most live sockets per user
   * @return this spec
   */
  public TenantSpec userSocketLimit(int limit) {
    this.userSocketLimit = positive("userSocketLimit", limit);
    return this;
  }

  /**
   * Concurrent negotiating or active calls (media slots) of the tenant.
   *
   * @param slots the number of media slots
   * @return this spec
   */
  public TenantSpec mediaCapacity(int slots) {
    this.mediaCapacity = positive("mediaCapacity", slots);
    return this;
  }

  /**
   * Invites allowed to wait for a media slot; a full queue answers error 503 at once.
   *
   * @param limit the most waiting invites
   * @return this spec
   */
  public TenantSpec mediaQueueLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("mediaQueueLimit must be >= 0, but was " + limit);
    }
    this.mediaQueueLimit = limit;
    return this;
  }

  /**
   * Longest wait for a media slot before the invite fails with error 504.
   *
   * @param timeout the longest wait
   * @return this spec
   */
  public TenantSpec negotiationTimeout(Duration timeout) {
    this.negotiationTimeout = positive("negotiationTimeout", timeout);
    return this;
  }

  /**
   * Token-bucket rate limit of upgrades (429 with Retry-After); 0 disables.
   *
   * @param perSecond the sustained rate, or 0 for none
   * @param burst the bucket size
   * @return this spec
   */
  public TenantSpec upgradeRateLimit(double perSecond, int burst) {
    this.upgradesPerSecond = rate("upgradeRateLimit", perSecond);
    this.upgradeBurst = positive("burst", burst);
    return this;
  }

  /**
   * Token-bucket rate limit of {@code /oauth/token} requests (429 with Retry-After); 0 disables.
   *
   * @param perSecond the sustained rate, or 0 for none
   * @param burst the bucket size
   * @return this spec
   */
  public TenantSpec tokenRateLimit(double perSecond, int burst) {
    this.tokensPerSecond = rate("tokenRateLimit", perSecond);
    this.tokenBurst = positive("burst", burst);
    return this;
  }

  /**
   * Retry-After sent with 503 (socket cap) refusals and media-queue errors.
   *
   * @param retryAfter the Retry-After delay
   * @return this spec
   */
  public TenantSpec retryAfter(Duration retryAfter) {
    this.retryAfter = positive("retryAfter", retryAfter);
    return this;
  }

  /** These settings over {@code base}: unset values keep the base's. */
  TenantLimits resolve(TenantLimits base) {
    return new TenantLimits(
        or(socketCap, base.socketCap()),
        or(userSocketLimit, base.userSocketLimit()),
        or(mediaCapacity, base.mediaCapacity()),
        or(mediaQueueLimit, base.mediaQueueLimit()),
        or(negotiationTimeout, base.negotiationTimeout()),
        or(upgradesPerSecond, base.upgradesPerSecond()),
        or(upgradeBurst, base.upgradeBurst()),
        or(tokensPerSecond, base.tokensPerSecond()),
        or(tokenBurst, base.tokenBurst()),
        or(retryAfter, base.retryAfter()));
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private static int positive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, but was " + v);
    }
    return v;
  }

  private static double rate(String name, double v) {
    if (v < 0 || Double.isNaN(v)) {
      throw new IllegalArgumentException(name + " must be >= 0, but was " + v);
    }
    return v;
  }

  static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, but was " + d);
    }
    return d;
  }
}
