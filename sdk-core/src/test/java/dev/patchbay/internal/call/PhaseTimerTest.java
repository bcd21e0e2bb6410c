package dev.patchbay.internal.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PhaseTimerTest {
  /** Deadlines that fire when the test says so. */
  private final List<Runnable> armed = new ArrayList<>();
  private final List<Future<?>> futures = new ArrayList<>();
  private final List<Duration> delays = new ArrayList<>();
  private final PhaseTimer timer = new PhaseTimer(this::schedule, Runnable::run);
  private final AtomicInteger first = new AtomicInteger();
  private final AtomicInteger second = new AtomicInteger();

  private Future<?> schedule(Duration delay, Runnable task) {
    delays.add(delay);
    armed.add(task);
    CompletableFuture<Void> f = new CompletableFuture<>();
    futures.add(f);
    return f;
  }

  @Test
  void aDeadlineRunsItsTaskWhenNoNewerPhaseBegan() {
    timer.arm(Duration.ofSeconds(3), first::incrementAndGet);

    armed.get(0).run();

    assertThat(first.get()).isEqualTo(1);
    assertThat(delays).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void aNewPhaseCancelsTheOldDeadlineAndDisarmsItEvenIfItAlreadyFired() {
    timer.arm(Duration.ofSeconds(3), first::incrementAndGet);
    timer.arm(Duration.ofSeconds(5), second::incrementAndGet);

    assertThat(futures.get(0).isCancelled()).isTrue();
    armed.get(0).run(); // fired before the cancel reached it
    armed.get(1).run();

    assertThat(first.get()).isZero();
    assertThat(second.get()).isEqualTo(1);
  }

  @Test
  void invalidateDisarmsADeadlineThatAlreadyFired() {
    timer.arm(Duration.ofSeconds(3), first::incrementAndGet);

    timer.invalidate();
    armed.get(0).run();

    assertThat(futures.get(0).isCancelled()).isTrue();
    assertThat(first.get()).isZero();
  }
}
