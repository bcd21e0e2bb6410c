package dev.patchbay.webrtc.internal;

import dev.patchbay.internal.Errors;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread on which an engine makes every native call. Tasks run in submission order; an
 * exception in one is logged and does not stop the thread.
 */
public final class MediaThread implements Executor {
  private static final Logger log = LoggerFactory.getLogger(MediaThread.class);

  private final ScheduledThreadPoolExecutor executor;
  private volatile Thread thread;

  public MediaThread(String name) {
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      thread = t;
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
  }

  public boolean isCurrent() {
    return Thread.currentThread() == thread;
  }

  public boolean isShutdown() {
    return executor.isShutdown();
  }

  /**
   * Runs {@code task} on the media thread.
   *
   * @throws RejectedExecutionException when the thread has been shut down
   */
  @Override
  public void execute(Runnable task) {
    executor.execute(wrap(task));
  }

  /** Runs {@code task} on the media thread and completes with its result or failure. */
  public <T> CompletableFuture<T> call(Callable<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(wrap(() -> {
        try {
          result.complete(task.call());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      }));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(Errors.closed("media engine is closed"));
    }
    return result;
  }

  /** Runs {@code task} after {@code delay}; null (nothing scheduled) once shut down. */
  public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return executor.schedule(wrap(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** Runs {@code task} every {@code period}; null (nothing scheduled) once shut down. */
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
    long p = period.toNanos();
    try {
      return executor.scheduleAtFixedRate(wrap(task), p, p, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** Lets queued tasks finish, then stops the thread. */
  public void shutdown() {
    executor.shutdown();
  }

  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private Runnable wrap(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        log.warn("media task failed", t);
      }
    };
  }
}
