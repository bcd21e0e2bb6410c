package dev.patchbay.reliability.matrix;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.PatchbayException;
import dev.patchbay.internal.retry.Retrier;
import dev.patchbay.reliability.figures.Figures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operations of one repetition and their outcomes. Every operation must reach exactly one
 * terminal outcome: success, a typed failure ({@link PatchbayException}), or one the case
 * declared indeterminate. An untyped failure, a second terminal event, or a secret in an
 * exception message is a violation; an operation without an outcome at the end is lost.
 */
public final class Ledger {
  /** A terminal outcome. */
  public enum Outcome { SUCCEEDED, FAILED_TYPED, INDETERMINATE }

  private final String caseName;
  private final List<Op> ops = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();

  Ledger(String caseName) {
    this.caseName = caseName;
  }

  /** One operation. */
  public final class Op {
    private final String what;
    private final AtomicInteger outcomes = new AtomicInteger();
    private volatile Outcome outcome;

    private Op(String what) {
      this.what = what;
    }

    /** Records the outcome; a second one is a violation. */
    public void complete(Outcome o) {
      if (outcomes.incrementAndGet() == 1) {
        outcome = o;
      } else {
        violation(what + " reached a second terminal outcome (" + o + " after " + outcome + ")");
      }
    }

    public Outcome outcome() {
      return outcome;
    }

    @Override
    public String toString() {
      return what + " -> " + (outcome == null ? "no outcome" : outcome);
    }
  }

  public Op begin(String what) {
    Op op = new Op(what);
    synchronized (this) {
      ops.add(op);
    }
    return op;
  }

  /** Tracks a future: success, typed failure, or a violation for anything else. */
  public <T> CompletableFuture<T> track(String what, CompletableFuture<T> f) {
    Op op = begin(what);
    f.whenComplete((v, e) -> op.complete(classify(what, e)));
    return f;
  }

  /**
   * Tracks a call's lifecycle: its first terminal state is its outcome (ENDED ok, FAILED typed);
   * a second terminal state report is a violation.
   */
  public Call watch(Call call) {
    Op op = begin("call " + call.id() + " to " + call.remoteParty());
    call.onStateChange(s -> {
      if (s.isTerminal()) {
        if (s == CallState.FAILED && call.failure().isPresent()) {
          classify(op.what, call.failure().get());
        }
        op.complete(s == CallState.ENDED ? Outcome.SUCCEEDED : Outcome.FAILED_TYPED);
      }
    });
    return call;
  }

  Outcome classify(String what, Throwable e) {
    if (e == null) {
      return Outcome.SUCCEEDED;
    }
    Throwable cause = Retrier.unwrap(e);
    List<String> leaked = Secrets.foundIn(cause);
    if (!leaked.isEmpty()) {
      violation(what + " failed with an exception whose text holds " + leaked);
    }
    if (cause instanceof PatchbayException) {
      return Outcome.FAILED_TYPED;
    }
    violation(what + " failed untyped: " + cause);
    return Outcome.FAILED_TYPED;
  }

  public void violation(String description) {
    synchronized (violations) {
      violations.add(description);
    }
  }

  /** Waits up to {@code bound} for every operation; returns the ones still without an outcome. */
  List<Op> settle(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      List<Op> open = open();
      if (open.isEmpty() || System.nanoTime() >= deadline) {
        return open;
      }
      try {
        Thread.sleep(20); // polling with a deadline; the outcomes arrive on SDK threads
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return open;
      }
    }
  }

  private synchronized List<Op> open() {
    return ops.stream().filter(o -> o.outcome == null).toList();
  }

  synchronized void publish() {
    for (Op o : ops) {
      if (o.outcome == Outcome.SUCCEEDED) {
        Figures.add(Figures.Count.OPERATIONS_SUCCEEDED, 1);
      } else if (o.outcome == Outcome.FAILED_TYPED) {
        Figures.add(Figures.Count.OPERATIONS_FAILED_TYPED, 1);
      } else if (o.outcome == Outcome.INDETERMINATE) {
        Figures.add(Figures.Count.OPERATIONS_INDETERMINATE, 1);
      } else {
        Figures.add(Figures.Count.OPERATIONS_LOST, 1);
      }
    }
  }

  public synchronized int size() {
    return ops.size();
  }

  public synchronized long count(Outcome o) {
    return ops.stream().filter(x -> x.outcome == o).count();
  }

  List<String> violations() {
    synchronized (violations) {
      return List.copyOf(violations);
    }
  }

  @Override
  public String toString() {
    return "Ledger{" + caseName + ", " + size() + " operations}";
  }
}
