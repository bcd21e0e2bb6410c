package dev.patchbay.testkit.internal;

/** A token bucket. Thread-safe. A rate of 0 or less never limits. */
final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private double tokens;
  private long lastNanos;

  RateLimiter(double perSecond, int burst) {
    this.perSecond = perSecond;
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.lastNanos = System.nanoTime();
  }

  /** Takes one permit; returns 0 if granted, else the millis until one is available. */
  synchronized long tryAcquire() {
    if (perSecond <= 0) {
      return 0;
    }
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
    lastNanos = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond * 1000));
  }
}
