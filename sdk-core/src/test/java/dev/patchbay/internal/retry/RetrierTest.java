package dev.patchbay.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchbay.PatchbayException;
import dev.patchbay.RetryPolicy;
import dev.patchbay.internal.Errors;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetrierTest {
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  private final List<Duration> delays = new CopyOnWriteArrayList<>();
  private final Retrier.Listener recording = (what, retry, delay, cause) -> delays.add(delay);

  RetrierTest() {
    scheduler.setRemoveOnCancelPolicy(true);
  }

  @AfterEach
  void tearDown() throws Exception {
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  private static RetryPolicy policy(int attempts, Duration deadline) {
    return RetryPolicy.builder().baseDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(20))
        .maxAttempts(attempts).deadline(deadline).build();
  }

  private Retrier retrier(RetryPolicy p) {
    return new Retrier(new Backoff(p, new Random(1)), scheduler, recording);
  }

  private static PatchbayException retryable(Duration retryAfter) {
    return Errors.patchbay("busy", null, true, 503, retryAfter);
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void retriesRetryableFailuresUntilSuccess() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> r = retrier(policy(5, Duration.ofSeconds(5))).execute("op", () ->
        calls.incrementAndGet() < 3 ? CompletableFuture.failedFuture(retryable(null))
            : CompletableFuture.completedFuture("ok"));
    assertThat(get(r)).isEqualTo("ok");
    assertThat(calls).hasValue(3);
    assertThat(delays).hasSize(2);
  }

  @Test
  void stopsAfterMaxAttemptsWithTheLastCause() {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> r = retrier(policy(4, Duration.ofSeconds(5))).execute("op", () -> {
      calls.incrementAndGet();
      return CompletableFuture.failedFuture(retryable(null));
    });
    assertThatThrownBy(() -> get(r)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(PatchbayException.class).hasMessage("busy");
    assertThat(calls).hasValue(4);
  }

  @Test
  void neverRetriesANonRetryableFailure() {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> r = retrier(policy(5, Duration.ofSeconds(5))).execute("op", () -> {
      calls.incrementAndGet();
      return CompletableFuture.failedFuture(Errors.patchbay("bad request"));
    });
    assertThatThrownBy(() -> get(r)).cause().hasMessage("bad request");
    assertThat(calls).hasValue(1);
  }

  @Test
  void neverRetriesAForeignException() {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> r = retrier(policy(5, Duration.ofSeconds(5))).execute("op", () -> {
      calls.incrementAndGet();
      return CompletableFuture.failedFuture(new IllegalStateException("bug"));
    });
    assertThatThrownBy(() -> get(r)).cause().isInstanceOf(IllegalStateException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void aSynchronousThrowCountsAsAFailedAttempt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> r = retrier(policy(5, Duration.ofSeconds(5))).execute("op", () -> {
      if (calls.incrementAndGet() == 1) {
        throw retryable(null);
      }
      return CompletableFuture.completedFuture("ok");
    });
    assertThat(get(r)).isEqualTo("ok");
  }

  @Test
  void honoursRetryAfterWhenLongerThanTheBackoff() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AtomicLong secondAttemptAt = new AtomicLong();
    long start = System.nanoTime();
    CompletableFuture<String> r = retrier(policy(3, Duration.ofSeconds(5))).execute("op", () -> {
      if (calls.incrementAndGet() == 1) {
        return CompletableFuture.failedFuture(retryable(Duration.ofMillis(300)));
      }
      secondAttemptAt.set(System.nanoTime());
      return CompletableFuture.completedFuture("ok");
    });
    assertThat(get(r)).isEqualTo("ok");
    assertThat(delays).containsExactly(Duration.ofMillis(300));
    assertThat(Duration.ofNanos(secondAttemptAt.get() - start)).isGreaterThanOrEqualTo(
        Duration.ofMillis(300));
  }

  @Test
  void giveUpWhenTheNextRetryWouldPassTheDeadline() {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> r = retrier(policy(10, Duration.ofSeconds(1))).execute("op", () -> {
      calls.incrementAndGet();
      return CompletableFuture.failedFuture(retryable(Duration.ofSeconds(30)));
    });
    assertThatThrownBy(() -> get(r)).cause().hasMessage("busy");
    assertThat(calls).hasValue(1);
    assertThat(delays).isEmpty();
  }

  @Test
  void cancellingDuringBackoffLeavesNoTimerAndNoFurtherAttempt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> r = retrier(policy(5, Duration.ofSeconds(60))).execute("op", () -> {
      calls.incrementAndGet();
      return CompletableFuture.failedFuture(retryable(Duration.ofSeconds(20)));
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.getQueue().size() == 1);
    r.cancel(false);
    assertThat(scheduler.getQueue()).isEmpty();
    assertThat(calls).hasValue(1);
  }

  @Test
  void cancellingCancelsTheAttemptInFlight() {
    CompletableFuture<String> attempt = new CompletableFuture<>();
    CompletableFuture<String> r =
        retrier(policy(5, Duration.ofSeconds(5))).execute("op", () -> attempt);
    r.cancel(false);
    assertThat(attempt).isCancelled();
  }

  @Test
  void aThrowingListenerDoesNotHangTheRetry() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Retrier r = new Retrier(new Backoff(policy(3, Duration.ofSeconds(5)), new Random(1)),
        scheduler, (what, retry, delay, cause) -> {
          throw new IllegalStateException("listener bug");
        });
    CompletableFuture<String> f = r.execute("op", () -> calls.incrementAndGet() == 1
        ? CompletableFuture.failedFuture(retryable(null))
        : CompletableFuture.completedFuture("ok"));
    assertThat(get(f)).isEqualTo("ok");
  }

  @Test
  void aShutDownSchedulerFailsWithTheCauseInsteadOfHanging() {
    scheduler.shutdown();
    CompletableFuture<String> f = retrier(policy(3, Duration.ofSeconds(5))).execute("op",
        () -> CompletableFuture.failedFuture(retryable(null)));
    assertThatThrownBy(() -> get(f)).cause().hasMessage("busy");
  }

  @Test
  void unwrapStripsCompletionWrappers() {
    IllegalStateException root = new IllegalStateException("root");
    assertThat(Retrier.unwrap(new java.util.concurrent.CompletionException(
        new ExecutionException(root)))).isSameAs(root);
  }
}
