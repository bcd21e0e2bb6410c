package dev.patchbay.internal.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AppFutureTest {
  private final ExecutorService app = Executors.newSingleThreadExecutor(r -> new Thread(r, "app"));

  @AfterEach
  void stop() {
    app.shutdownNow();
  }

  @Test
  void dependentStagesNeverRunOnTheCompletingThread() throws Exception {
    AppFuture<String> f = new AppFuture<>(app);
    List<String> threads = new CopyOnWriteArrayList<>();
    CompletableFuture<?> chain = f.thenApply(s -> {
      threads.add(Thread.currentThread().getName());
      return s + "!";
    }).thenAccept(s -> threads.add(Thread.currentThread().getName()))
        .whenComplete((v, e) -> threads.add(Thread.currentThread().getName()));
    CompletableFuture<?> handled = f.handle((v, e) -> threads.add(Thread.currentThread().getName()));

    Thread sdk = new Thread(() -> f.complete("ok"), "sdk");
    sdk.start();
    sdk.join();
    chain.get(5, TimeUnit.SECONDS);
    handled.get(5, TimeUnit.SECONDS);

    assertThat(threads).hasSize(4).allSatisfy(t -> assertThat(t).isEqualTo("app"));
  }

  @Test
  void aBlockedGetIsWokenByTheCompletion() throws Exception {
    AppFuture<String> f = new AppFuture<>(app);
    new Thread(() -> f.complete("done"), "sdk").start();
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("done");
  }

  @Test
  void cancelHookRunsOnceOnTheCancellingThreadAndNeverOnNormalCompletion() throws Exception {
    AppFuture<String> cancelled = new AppFuture<>(app);
    List<String> ran = new CopyOnWriteArrayList<>();
    cancelled.onCancel(() -> ran.add(Thread.currentThread().getName()));
    AppFuture<String> completed = new AppFuture<>(app);
    completed.onCancel(() -> ran.add("completed"));

    Thread appThread = new Thread(() -> {
      cancelled.cancel(false);
      cancelled.cancel(false);
    }, "canceller");
    appThread.start();
    appThread.join();
    completed.complete("ok");
    completed.cancel(false); // too late: already complete

    assertThat(ran).containsExactly("canceller");
  }

  @Test
  void cancelHookAddedAfterTheCancelRunsAtOnce() {
    AppFuture<String> f = new AppFuture<>(app);
    f.cancel(false);
    List<String> ran = new CopyOnWriteArrayList<>();

    f.onCancel(() -> ran.add("hook"));

    assertThat(ran).containsExactly("hook");
  }

  @Test
  void cancelHookRunsForACancellationExceptionOnlyNotForOtherFailures() {
    AppFuture<String> cancelledByException = new AppFuture<>(app);
    AppFuture<String> failed = new AppFuture<>(app);
    List<String> ran = new CopyOnWriteArrayList<>();
    cancelledByException.onCancel(() -> ran.add("cancelled"));
    failed.onCancel(() -> ran.add("failed"));

    cancelledByException.completeExceptionally(new java.util.concurrent.CancellationException());
    failed.completeExceptionally(new IllegalStateException("boom"));

    assertThat(ran).containsExactly("cancelled");
  }
}
