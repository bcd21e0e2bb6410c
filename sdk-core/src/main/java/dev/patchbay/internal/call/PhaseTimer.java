package dev.patchbay.internal.call;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

/**
 * The one deadline of a call's current phase. Arming a new phase, or {@link #invalidate()},
 * turns an older deadline into a no-op even when it already fired and waits on the actor.
 * Actor-confined.
 */
final class PhaseTimer {
  /** Arms a deadline that runs its task on the actor ({@link CallHost#schedule}). */
  @FunctionalInterface
  interface Deadlines {
    Future<?> schedule(Duration delay, Runnable task);
  }

  private final Deadlines deadlines;
  private final Executor inCall;
  private Future<?> timer;
  private int generation;

  /** @param inCall runs a task with the call's id in the MDC */
  PhaseTimer(Deadlines deadlines, Executor inCall) {
    this.deadlines = deadlines;
    this.inCall = inCall;
  }

  /** Runs {@code onExpiry} on the actor after {@code delay} unless a newer phase began. */
  void arm(Duration delay, Runnable onExpiry) {
    int gen = ++generation;
    cancel();
    timer = deadlines.schedule(delay, () -> inCall.execute(() -> {
      if (gen == generation) {
        onExpiry.run();
      }
    }));
  }

  private void cancel() {
    Future<?> t = timer;
    timer = null;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** Stops the pending deadline and disarms one that already fired. */
  void invalidate() {
    generation++;
    cancel();
  }
}
