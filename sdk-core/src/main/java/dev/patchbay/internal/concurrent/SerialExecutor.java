package dev.patchbay.internal.concurrent;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a backing executor: the "actor" that owns
 * the state of one user agent (and, over the app's executor, keeps callbacks ordered). A task
 * that throws is logged and does not stop the ones after it.
 */
public final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor backing;
  private final String name;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running;
  private volatile Thread current;

  public SerialExecutor(Executor backing, String name) {
    this.backing = Objects.requireNonNull(backing, "backing");
    this.name = name;
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    schedule();
  }

  /** True when the calling thread is running one of this executor's tasks. */
  public boolean inExecutor() {
    return current == Thread.currentThread();
  }

  private void schedule() {
    try {
      backing.execute(this::drain);
    } catch (RejectedExecutionException e) {
      // The runtime is shutting down: run what is queued here so close paths still complete.
      LOG.debug("{}: backing executor rejected; draining on the caller", name);
      drain();
    }
  }

  private void drain() {
    current = Thread.currentThread();
    try {
      for (int i = 0; i < 64; i++) { // then yield the backing thread to others
        Runnable next;
        synchronized (tasks) {
          next = tasks.poll();
          if (next == null) {
            running = false;
            return;
          }
        }
        try {
          next.run();
        } catch (Throwable t) {
          LOG.error("{}: task failed", name, t);
        }
      }
    } finally {
      current = null;
    }
    schedule();
  }
}
