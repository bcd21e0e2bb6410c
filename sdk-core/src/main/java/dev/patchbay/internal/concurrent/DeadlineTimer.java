package dev.patchbay.internal.concurrent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines that are nearly always cancelled (call phases), kept off the scheduler's queue: a
 * ticker checks them every {@code tick} while any is pending (and for a short while after), so
 * arming and cancelling a deadline wakes no thread. A deadline fires at most one tick late.
 */
public final class DeadlineTimer {
  private static final Logger LOG = LoggerFactory.getLogger(DeadlineTimer.class);
  private static final int IDLE_TICKS_BEFORE_STOP = 20;

  private final ScheduledExecutorService scheduler;
  private final long tickNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong seq = new AtomicLong();
  private final TreeSet<Entry> pending = new TreeSet<>(
      (a, b) -> a.at != b.at ? Long.compare(a.at - b.at, 0) : Long.compare(a.id, b.id));
  private ScheduledFuture<?> ticker;
  private int idleTicks;
  private boolean closed;

  public DeadlineTimer(ScheduledExecutorService scheduler, Duration tick) {
    this(scheduler, tick, System::nanoTime);
  }

  DeadlineTimer(ScheduledExecutorService scheduler, Duration tick, LongSupplier nanoTime) {
    this.scheduler = scheduler;
    this.tickNanos = tick.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Runs {@code task} (on the scheduler thread; hand off quickly) once {@code delay} passed. */
  public ScheduledFuture<?> schedule(Duration delay, Runnable task) {
    Entry e = new Entry(nanoTime.getAsLong() + Math.max(0, delay.toNanos()),
        seq.incrementAndGet(), task);
    synchronized (this) {
      if (closed) {
        throw new java.util.concurrent.RejectedExecutionException("deadline timer is closed");
      }
      pending.add(e);
      idleTicks = 0;
      if (ticker == null) {
        ticker = scheduler.scheduleAtFixedRate(this::tick, tickNanos, tickNanos,
            TimeUnit.NANOSECONDS);
      }
    }
    return e;
  }

  /** True while the ticker is scheduled (it is not a deadline of its own). */
  public synchronized boolean tickerActive() {
    return ticker != null;
  }

  /**
   * The tasks of the scheduler's {@code queue} other than this timer's ticker, counted from the
   * queue's size and whether the ticker is in it — never by iterating: a scheduler's queue copies
   * itself under its lock to be iterated (30,000 timers per diagnostics call with 10,000
   * agents). While the ticker runs it is not in the queue, so "size minus one while active"
   * would miss a real task in those moments; the size is read on both sides of the membership
   * test and the pair retried when the queue changed in between.
   */
  public int queuedBesidesTicker(java.util.Collection<? extends Runnable> queue) {
    Object t;
    synchronized (this) {
      t = ticker;
    }
    int size = queue.size();
    for (int attempt = 0; attempt < 8; attempt++) {
      boolean tickerQueued = t != null && queue.contains(t);
      int after = queue.size();
      if (after == size) {
        return tickerQueued ? size - 1 : size;
      }
      size = after;
    }
    return t != null && queue.contains(t) ? Math.max(0, size - 1) : size;
  }

  /** Deadlines armed and not yet fired or cancelled. */
  public synchronized int pending() {
    return pending.size();
  }

  /** Drops every deadline and stops the ticker. */
  public void close() {
    synchronized (this) {
      closed = true;
      pending.clear();
      stopTicker();
    }
  }

  private void tick() {
    List<Entry> due = new ArrayList<>();
    long now = nanoTime.getAsLong();
    synchronized (this) {
      while (!pending.isEmpty() && pending.first().at - now <= 0) {
        due.add(pending.pollFirst());
      }
      if (pending.isEmpty() && ++idleTicks >= IDLE_TICKS_BEFORE_STOP) {
        stopTicker();
      }
    }
    for (Entry e : due) {
      if (e.fire()) {
        try {
          e.task.run();
        } catch (RuntimeException ex) {
          LOG.error("deadline task failed", ex);
        }
      }
    }
  }

  private void stopTicker() {
    if (ticker != null) {
      ticker.cancel(false);
      ticker = null;
    }
  }

  private synchronized boolean remove(Entry e) {
    return pending.remove(e);
  }

  private final class Entry implements ScheduledFuture<Object> {
    final long at;
    final long id;
    final Runnable task;
    private volatile int state; // 0 armed, 1 fired, 2 cancelled

    Entry(long at, long id, Runnable task) {
      this.at = at;
      this.id = id;
      this.task = task;
    }

    synchronized boolean fire() {
      if (state != 0) {
        return false;
      }
      state = 1;
      return true;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      synchronized (this) {
        if (state != 0) {
          return false;
        }
        state = 2;
      }
      remove(this);
      return true;
    }

    @Override
    public boolean isCancelled() {
      return state == 2;
    }

    @Override
    public boolean isDone() {
      return state != 0;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException("a deadline has no result");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("a deadline has no result");
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(at - nanoTime.getAsLong(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }
  }
}
