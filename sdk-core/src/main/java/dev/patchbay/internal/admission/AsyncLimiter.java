package dev.patchbay.internal.admission;

import dev.patchbay.internal.Errors;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A counting limiter that queues waiters (FIFO) instead of blocking threads. The limit can be
 * lowered at runtime (when the edge advertises a smaller cap). A waiter whose future is
 * cancelled leaves the queue; a permit is released at most once.
 */
public final class AsyncLimiter {
  private final String name;
  private final ArrayDeque<CompletableFuture<Permit>> waiters = new ArrayDeque<>();
  private int limit;
  private int inUse;
  private boolean closed;

  /** @param limit maximum permits in use; {@link Integer#MAX_VALUE} for "unlimited" */
  public AsyncLimiter(String name, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException(name + " limit must be >= 1, but was " + limit);
    }
    this.name = name;
    this.limit = limit;
  }

  /** A future permit; completes at once when one is free, else when one is released. */
  public CompletableFuture<Permit> acquire() {
    CompletableFuture<Permit> f = new CompletableFuture<>();
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(Errors.closed(name + " is closed"));
      }
      if (inUse < limit && waiters.isEmpty()) {
        inUse++;
        f.complete(newPermit());
        return f;
      }
      waiters.add(f);
    }
    f.whenComplete((p, e) -> {
      if (e != null) {
        synchronized (this) {
          waiters.remove(f);
        }
      }
    });
    return f;
  }

  /** A permit granted even above the limit (make-before-break: the old socket is draining). */
  public synchronized Permit acquireOverdraft() {
    inUse++;
    return newPermit();
  }

  /** Lowers (or raises) the limit; never below 1. */
  public void limit(int newLimit) {
    synchronized (this) {
      limit = Math.max(1, newLimit);
    }
    grantWaiting();
  }

  public synchronized int limit() {
    return limit;
  }

  public synchronized int inUse() {
    return inUse;
  }

  public synchronized int waiting() {
    return waiters.size();
  }

  /** Fails every waiter; later acquires fail too. */
  public void close() {
    ArrayDeque<CompletableFuture<Permit>> failed;
    synchronized (this) {
      closed = true;
      failed = new ArrayDeque<>(waiters);
      waiters.clear();
    }
    for (CompletableFuture<Permit> w : failed) {
      w.completeExceptionally(Errors.closed(name + " is closed"));
    }
  }

  private Permit newPermit() {
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        synchronized (this) {
          inUse--;
        }
        grantWaiting();
      }
    };
  }

  private void grantWaiting() {
    while (true) {
      CompletableFuture<Permit> next;
      Permit permit;
      synchronized (this) {
        if (inUse >= limit || waiters.isEmpty()) {
          return;
        }
        next = waiters.poll();
        inUse++;
        permit = newPermit();
      }
      if (!next.complete(permit)) {
        permit.release(); // the waiter was cancelled meanwhile
      }
    }
  }

  @Override
  public synchronized String toString() {
    return name + "{inUse=" + inUse + ", limit=" + limit + ", waiting=" + waiters.size() + '}';
  }
}
