package dev.patchbay.internal.ua;

import dev.patchbay.internal.concurrent.SerialExecutor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A user agent's actor: its serial executor (with the agent's ids in the MDC), the timers that
 * enqueue onto it, and the ordered lane of app callbacks over the app's executor.
 */
final class AgentActor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(AgentActor.class);

  private final SdkRuntime rt;
  private final String tenant;
  private final Supplier<String> userId;
  private final Supplier<String> connectionId;
  private final SerialExecutor serial;
  private final SerialExecutor appCallbacks;

  AgentActor(SdkRuntime rt, String tenant, Supplier<String> userId,
      Supplier<String> connectionId) {
    this.rt = rt;
    this.tenant = tenant;
    this.userId = userId;
    this.connectionId = connectionId;
    String name = tenant + "/" + userId.get();
    this.serial = new SerialExecutor(rt.workers, "agent " + name);
    this.appCallbacks = new SerialExecutor(rt.callbacks, "callbacks " + name);
  }

  /** Runs {@code task} on the actor with tenant, user and connection id in the MDC. */
  @Override
  public void execute(Runnable task) {
    serial.execute(() -> {
      MDC.put("tenant", tenant);
      String user = userId.get();
      if (user != null) {
        MDC.put("user", user);
      }
      String connection = connectionId.get();
      if (connection != null) {
        MDC.put("connectionId", connection);
      }
      try {
        task.run();
      } finally {
        MDC.remove("tenant");
        MDC.remove("user");
        MDC.remove("connectionId");
      }
    });
  }

  /** Whether the calling thread is running this actor's task right now. */
  boolean onActor() {
    return serial.inExecutor();
  }

  /**
   * Runs {@code query} on the actor and waits up to 5 s for its answer; {@code fallback} when
   * called on the actor itself (it cannot wait on itself), on a timeout or an interrupt.
   */
  <T> T ask(Supplier<T> query, T fallback) {
    CompletableFuture<T> f = new CompletableFuture<>();
    execute(() -> f.complete(query.get()));
    if (serial.inExecutor()) {
      return fallback; // never happens from app threads
    }
    try {
      return f.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fallback;
    } catch (ExecutionException | TimeoutException e) {
      return fallback;
    }
  }

  /** A deadline (call phase, upgrade, hello, close): cheap to arm and cancel, ≤ 50 ms late. */
  Future<?> schedule(Duration delay, Runnable task) {
    try {
      return rt.deadlines.schedule(delay, () -> execute(task));
    } catch (RuntimeException rejected) { // SDK closing: run now so release paths complete
      execute(task);
      return CompletableFuture.completedFuture(null);
    }
  }

  /** A precise timer on the scheduler (token refresh ahead of expiry). */
  Future<?> scheduleExact(Duration delay, Runnable task) {
    try {
      return rt.scheduler.schedule(() -> execute(task), Math.max(0, delay.toNanos()),
          TimeUnit.NANOSECONDS);
    } catch (RuntimeException rejected) {
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Runs an app callback on the app's executor, in order; a throwing callback is logged. */
  void toApp(Runnable callback) {
    appCallbacks.execute(() -> {
      try {
        callback.run();
      } catch (Throwable t) {
        LOG.warn("an application callback threw; ignored", t);
      }
    });
  }

  static void cancel(Future<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
