package dev.patchbay.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.PatchbayException;
import dev.patchbay.RetryPolicy;
import dev.patchbay.internal.Errors;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The one retry decision that the Retrier and the invite re-send share. */
class RetryContextTest {
  private final AtomicLong now = new AtomicLong(1_000);

  private RetryContext context(int attempts, Duration deadline) {
    RetryPolicy p = RetryPolicy.builder().baseDelay(Duration.ofMillis(100))
        .maxDelay(Duration.ofMillis(400)).maxAttempts(attempts).deadline(deadline).build();
    return new Backoff(p, new Random(7)).start(now::get);
  }

  private static PatchbayException busy(Duration retryAfter) {
    return Errors.patchbay("busy", null, true, 503, retryAfter);
  }

  @Test
  void grantsRetriesUntilTheAttemptsAreSpent() {
    RetryContext c = context(3, Duration.ofSeconds(60));
    assertThat(c.next(busy(null))).isPresent();
    assertThat(c.next(busy(null))).isPresent();
    assertThat(c.next(busy(null))).isEmpty(); // 3 attempts made
    assertThat(c.retries()).isEqualTo(2);
  }

  @Test
  void theCauseDecides() {
    RetryContext c = context(5, Duration.ofSeconds(60));
    assertThat(c.next(Errors.patchbay("bad", null, false, 400, null))).isEmpty();
    assertThat(c.next(new IllegalStateException("bug"))).isEmpty();
    assertThat(c.retries()).isZero();
    Optional<Duration> d = c.next(busy(Duration.ofSeconds(7)));
    assertThat(d).contains(Duration.ofSeconds(7)); // the edge's Retry-After wins
  }

  @Test
  void aDelayPastTheDeadlineEndsTheRetries() {
    RetryContext c = context(10, Duration.ofSeconds(10));
    assertThat(c.next(busy(Duration.ofSeconds(4)))).contains(Duration.ofSeconds(4));
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(c.next(busy(Duration.ofSeconds(6)))).isEmpty(); // 5 s + 6 s > 10 s
    assertThat(c.next(busy(Duration.ofSeconds(5)))).contains(Duration.ofSeconds(5)); // exactly 10
  }

  @Test
  void delaysStayWithinTheBackoffCeiling() {
    RetryContext c = context(6, Duration.ofSeconds(60));
    long[] ceilings = {100, 200, 400, 400, 400};
    for (long ceiling : ceilings) {
      assertThat(c.next(busy(null)).orElseThrow().toMillis()).isBetween(0L, ceiling);
    }
    assertThat(c.next(busy(null))).isEmpty();
  }
}
