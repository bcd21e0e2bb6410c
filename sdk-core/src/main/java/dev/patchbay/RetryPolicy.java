package dev.patchbay;

import static dev.patchbay.internal.Checks.positive;

import java.time.Duration;
import java.util.Objects;

/**
 * The one backoff policy of the SDK: exponential growth with full jitter that stays random at
 * the cap, {@code Retry-After} honoured, a bounded number of attempts and an overall deadline.
 *
 * <p>The delay before retry {@code n} (0-based) is {@code max(serverDelay, random(0, min(maxDelay,
 * baseDelay * 2^n)))}. Immutable; build with {@link #builder()} or take {@link #defaults()}.
 */
public final class RetryPolicy {
  /** Default of {@link #baseDelay()}: 250 ms. */
  public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(250);
  /** Default of {@link #maxDelay()}: 30 s. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
  /** Default of {@link #maxAttempts()}: 6. */
  public static final int DEFAULT_MAX_ATTEMPTS = 6;
  /** Default of {@link #deadline()}: 60 s. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);

  private static final RetryPolicy DEFAULTS = builder().build();

  private final Duration baseDelay;
  private final Duration maxDelay;
  private final int maxAttempts;
  private final Duration deadline;

  private RetryPolicy(Builder b) {
    this.baseDelay = b.baseDelay;
    this.maxDelay = b.maxDelay;
    this.maxAttempts = b.maxAttempts;
    this.deadline = b.deadline;
  }

  /**
   * The default policy: 6 attempts within 60 s, 250 ms doubling to 30 s, full jitter.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
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
    return new Builder()
        .baseDelay(baseDelay)
        .maxDelay(maxDelay)
        .maxAttempts(maxAttempts)
        .deadline(deadline);
  }

  /**
   * First retry's upper bound; doubles per attempt until {@link #maxDelay()}.
   *
   * @return the base delay
   */
  public Duration baseDelay() {
    return baseDelay;
  }

  /**
   * Upper bound (the cap) of the client-chosen delay; jitter stays random below it.
   *
   * @return the maximum delay
   */
  public Duration maxDelay() {
    return maxDelay;
  }

  /**
   * Total attempts including the first one; 1 means no retry.
   *
   * @return the maximum number of attempts
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * No retry is scheduled that would start later than this after the first attempt.
   *
   * @return the deadline
   */
  public Duration deadline() {
    return deadline;
  }

  @Override
  public String toString() {
    return "RetryPolicy{base=" + baseDelay + ", cap=" + maxDelay + ", maxAttempts=" + maxAttempts
        + ", deadline=" + deadline + '}';
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicy p
        && baseDelay.equals(p.baseDelay)
        && maxDelay.equals(p.maxDelay)
        && maxAttempts == p.maxAttempts
        && deadline.equals(p.deadline);
  }

  @Override
  public int hashCode() {
    return Objects.hash(baseDelay, maxDelay, maxAttempts, deadline);
  }

  /** Validating builder; every setter rejects a bad value with a message naming it. */
  public static final class Builder {
    private Duration baseDelay = DEFAULT_BASE_DELAY;
    private Duration maxDelay = DEFAULT_MAX_DELAY;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration deadline = DEFAULT_DEADLINE;

    private Builder() {}

    /**
     * The first retry's upper bound.
     *
     * @param baseDelay a positive duration
     * @return this builder
     */
    public Builder baseDelay(Duration baseDelay) {
      this.baseDelay = positive("baseDelay", baseDelay);
      return this;
    }

    /**
     * The cap of the client-chosen delay.
     *
     * @param maxDelay a positive duration
     * @return this builder
     */
    public Builder maxDelay(Duration maxDelay) {
      this.maxDelay = positive("maxDelay", maxDelay);
      return this;
    }

    /**
     * Total attempts including the first one.
     *
     * @param maxAttempts 1 or more
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The time after the first attempt past which no retry starts.
     *
     * @param deadline a positive duration
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      this.deadline = positive("deadline", deadline);
      return this;
    }

    /**
     * Creates the policy.
     *
     * @return the policy
     * @throws IllegalArgumentException when the base delay exceeds the maximum delay
     */
    public RetryPolicy build() {
      if (maxDelay.compareTo(baseDelay) < 0) {
        throw new IllegalArgumentException(
            "maxDelay must be >= baseDelay (" + baseDelay + "), but was " + maxDelay);
      }
      return new RetryPolicy(this);
    }

  }
}
