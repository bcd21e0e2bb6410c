package dev.patchbay.internal.retry;

import dev.patchbay.PatchbayException;
import dev.patchbay.internal.gate.Saturating;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an asynchronous operation under the project's {@link Backoff}: each failure asks the
 * operation's {@link RetryContext} for the next delay (a {@link PatchbayException#retryable()
 * retryable} {@link PatchbayException} is retried, honouring its {@code retryAfter}, until the
 * attempts or the deadline run out); anything else fails at once. Waits are timers on the scheduler, never sleeps.
 *
 * <p>Cancelling (or completing) the returned future cancels the pending timer, so a
 * {@code close()} during backoff leaves nothing scheduled.
 */
public final class Retrier {
  private static final Logger log = LoggerFactory.getLogger(Retrier.class);

  /** Told about each retry before it is scheduled; must be cheap and must not throw. */
  public interface Listener {
    Listener NONE = (what, retry, delay, cause) -> {};

    void onRetry(String what, int retry, Duration delay, PatchbayException cause);
  }

  private final Backoff backoff;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoTime;
  private final Listener listener;

  public Retrier(Backoff backoff, ScheduledExecutorService scheduler, Listener listener) {
    this(backoff, scheduler, listener, System::nanoTime);
  }

  Retrier(Backoff backoff, ScheduledExecutorService scheduler, Listener listener,
      LongSupplier nanoTime) {
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.nanoTime = nanoTime;
  }

  public Backoff backoff() {
    return backoff;
  }

  /**
   * @param what names the operation in logs and listener calls (never a secret)
   * @param attempt starts one attempt; called again for each retry
   */
  public <T> CompletableFuture<T> execute(String what, Supplier<CompletableFuture<T>> attempt) {
    return execute(what, Duration.ZERO, attempt);
  }

  /**
   * Like {@link #execute(String, Supplier)}, but the first attempt starts after
   * {@code firstDelay} (a pacing delay the owner chose from its own history, e.g. sockets that
   * keep dying right after they opened); the deadline counts from now.
   */
  public <T> CompletableFuture<T> execute(String what, Duration firstDelay,
      Supplier<CompletableFuture<T>> attempt) {
    CompletableFuture<T> result = new CompletableFuture<>();
    AtomicReference<ScheduledFuture<?>> timer = new AtomicReference<>();
    AtomicReference<CompletableFuture<T>> inFlight = new AtomicReference<>();
    result.whenComplete((r, e) -> {
      ScheduledFuture<?> t = timer.getAndSet(null);
      if (t != null) {
        t.cancel(false);
      }
      CompletableFuture<T> f = inFlight.getAndSet(null);
      if (f != null && e instanceof CancellationException) {
        f.cancel(false);
      }
    });
    RetryContext budget = backoff.start(nanoTime);
    if (firstDelay.isZero() || firstDelay.isNegative()) {
      run(what, attempt, result, timer, inFlight, budget);
      return result;
    }
    try {
      timer.set(scheduler.schedule(() -> run(what, attempt, result, timer, inFlight, budget),
          Saturating.toNanos(firstDelay), TimeUnit.NANOSECONDS));
    } catch (RuntimeException rejected) { // scheduler shut down: the owner is closing
      result.completeExceptionally(dev.patchbay.internal.Errors.closed("the SDK is closing"));
    }
    return result;
  }

  private <T> void run(String what, Supplier<CompletableFuture<T>> attempt,
      CompletableFuture<T> result, AtomicReference<ScheduledFuture<?>> timer,
      AtomicReference<CompletableFuture<T>> inFlight, RetryContext budget) {
    if (result.isDone()) {
      return;
    }
    CompletableFuture<T> f = start(attempt);
    inFlight.set(f);
    f.whenComplete((value, error) -> {
      inFlight.compareAndSet(f, null);
      if (error == null) {
        result.complete(value);
        return;
      }
      Throwable cause = unwrap(error);
      Optional<Duration> next = budget.next(cause);
      if (next.isEmpty()) {
        result.completeExceptionally(cause);
        return;
      }
      Duration delay = next.get();
      try {
        listener.onRetry(what, budget.retries(), delay, (PatchbayException) cause);
      } catch (RuntimeException listenerFailure) { // a broken listener must not hang the result
        log.warn("Retry listener {} threw for {}", listener.getClass().getName(), what,
            listenerFailure);
      }
      try {
        timer.set(scheduler.schedule(
            () -> run(what, attempt, result, timer, inFlight, budget),
            Saturating.toNanos(delay), TimeUnit.NANOSECONDS));
      } catch (RuntimeException rejected) { // scheduler shut down: the owner is closing
        result.completeExceptionally(cause);
        return;
      }
      if (result.isDone()) { // cancelled between the check and the schedule
        ScheduledFuture<?> t = timer.getAndSet(null);
        if (t != null) {
          t.cancel(false);
        }
      }
    });
  }

  private static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> attempt) {
    try {
      return Objects.requireNonNull(attempt.get(), "attempt returned null");
    } catch (RuntimeException e) { // a synchronous throw counts like a failed attempt
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Strips the wrappers {@link CompletableFuture} adds around a failure. */
  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
