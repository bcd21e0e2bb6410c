package dev.patchbay.internal.retry;

import dev.patchbay.PatchbayException;
import dev.patchbay.internal.gate.Saturating;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The budget of one retried operation under a {@link Backoff}: counts its retries, remembers
 * when it started, and decides from each failure's cause whether and after which delay the
 * next attempt runs. The one retry decision of the project: the {@link Retrier} (futures) and
 * the invite re-send (answers arriving as frames) both ask it. Not thread-safe: its owner
 * confines it (the Retrier's completion chain, the call's actor).
 */
public final class RetryContext {
  private final Backoff backoff;
  private final LongSupplier nanoTime;
  private final long deadlineNanos;
  private int retries;

  RetryContext(Backoff backoff, LongSupplier nanoTime) {
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.deadlineNanos = Saturating.add(nanoTime.getAsLong(), // a huge deadline must not wrap
        Saturating.toNanos(backoff.policy().deadline()));
  }

  /** Retries granted so far (attempts made = retries + 1 once the first attempt ran). */
  public int retries() {
    return retries;
  }

  /**
   * Decides the delay before the next attempt after a failed one. Empty when the cause is not
   * a {@link PatchbayException#retryable() retryable} {@link PatchbayException}, when the
   * policy's attempts are spent, or when waiting the delay would pass the policy's deadline
   * (counted from this context's creation); otherwise the backoff's jittered delay, at least
   * the cause's {@code retryAfter}, and the retry is counted.
   */
  public Optional<Duration> next(Throwable cause) {
    if (!(cause instanceof PatchbayException pe) || !pe.retryable()
        || retries + 1 >= backoff.policy().maxAttempts()) {
      return Optional.empty();
    }
    Duration delay = backoff.delay(retries, pe.retryAfter());
    if (Saturating.add(nanoTime.getAsLong(), Saturating.toNanos(delay)) > deadlineNanos) {
      return Optional.empty();
    }
    retries++;
    return Optional.of(delay);
  }
}
