package dev.patchbay.internal.retry;

import dev.patchbay.RetryPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Computes retry delays for a {@link RetryPolicy}: full jitter, {@code random(0, min(cap,
 * base * 2^n))}, which stays random once the exponential has reached the cap (Resilience4j's
 * {@code IntervalFunction} clamps the jittered value to the cap and so loses the spread there).
 * A server-requested delay wins when it is longer than the client's.
 */
public final class Backoff {
  private final RetryPolicy policy;
  private final RandomGenerator random;

  public Backoff(RetryPolicy policy, RandomGenerator random) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.random = Objects.requireNonNull(random, "random");
  }

  public RetryPolicy policy() {
    return policy;
  }

  /** Starts the budget of one retried operation; its deadline counts from now. */
  public RetryContext start() {
    return new RetryContext(this, System::nanoTime);
  }

  /** Like {@link #start()}, on the given clock (tests). */
  public RetryContext start(java.util.function.LongSupplier nanoTime) {
    return new RetryContext(this, nanoTime);
  }

  /** Upper bound of the client's jitter window before retry {@code retry} (0-based). */
  public long ceilingMillis(int retry) {
    long base = dev.patchbay.internal.gate.Saturating.toMillis(policy.baseDelay());
    long cap = dev.patchbay.internal.gate.Saturating.toMillis(policy.maxDelay());
    int shift = Math.min(Math.max(retry, 0), 62);
    long exp = base > (cap >> shift) ? cap : base << shift; // no overflow: base<<shift <= cap
    return Math.max(1, Math.min(cap, exp));
  }

  /**
   * Delay before retry {@code retry} (0-based).
   *
   * @param serverDelay what the edge asked for ({@code Retry-After}), if anything
   */
  public Duration delay(int retry, Optional<Duration> serverDelay) {
    long client = random.nextLong(ceilingMillis(retry) + 1);
    long server = serverDelay.map(Duration::toMillis).orElse(0L);
    return Duration.ofMillis(Math.max(client, Math.max(0, server)));
  }
}
