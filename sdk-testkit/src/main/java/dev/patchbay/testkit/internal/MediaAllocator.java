package dev.patchbay.testkit.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The field failure model: a tenant's media slots (concurrent negotiating or active calls)
 * with a FIFO queue of invites waiting for one. Guarded by the model's lock.
 */
final class MediaAllocator {
  enum Outcome { GRANTED, QUEUED, FULL }

  private int capacity;
  private int queueLimit;
  private final Deque<EdgeCall> queue = new ArrayDeque<>();
  private int held;

  MediaAllocator(int capacity, int queueLimit) {
    this.capacity = capacity;
    this.queueLimit = queueLimit;
  }

  Outcome request(EdgeCall call) {
    if (held < capacity && queue.isEmpty()) {
      held++;
      call.holdsSlot = true;
      return Outcome.GRANTED;
    }
    if (queue.size() < queueLimit) {
      queue.addLast(call);
      return Outcome.QUEUED;
    }
    return Outcome.FULL;
  }

  /** Releases the call's slot or queue place; returns the next queued call granted, or null. */
  EdgeCall release(EdgeCall call) {
    if (call.holdsSlot) {
      call.holdsSlot = false;
      held--;
    } else {
      queue.remove(call);
    }
    return grantNext();
  }

  EdgeCall grantNext() {
    if (held < capacity && !queue.isEmpty()) {
      EdgeCall next = queue.pollFirst();
      held++;
      next.holdsSlot = true;
      return next;
    }
    return null;
  }

  /**
   * New limits at run time: calls holding a slot keep it (held may exceed a smaller capacity
   * until they end); queued invites keep their place. Returns the queued calls a larger
   * capacity grants now, in queue order.
   */
  java.util.List<EdgeCall> resize(int capacity, int queueLimit) {
    this.capacity = capacity;
    this.queueLimit = queueLimit;
    java.util.List<EdgeCall> granted = new java.util.ArrayList<>();
    for (EdgeCall next = grantNext(); next != null; next = grantNext()) {
      granted.add(next);
    }
    return granted;
  }

  int capacity() {
    return capacity;
  }

  int held() {
    return held;
  }

  int queued() {
    return queue.size();
  }
}
