package dev.patchbay.testkit.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe named counters; {@link #snapshot()} gives an immutable copy. */
public final class CounterSet {
  private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, LongAdder> refusals = new ConcurrentHashMap<>();

  public void inc(String name) {
    counters.computeIfAbsent(name, n -> new LongAdder()).increment();
  }

  public void add(String name, long n) {
    counters.computeIfAbsent(name, k -> new LongAdder()).add(n);
  }

  public void refusal(int status) {
    refusals.computeIfAbsent(status, n -> new LongAdder()).increment();
    inc("refusals");
  }

  public long get(String name) {
    LongAdder a = counters.get(name);
    return a == null ? 0 : a.sum();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    counters.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  public Map<Integer, Long> refusalSnapshot() {
    Map<Integer, Long> m = new TreeMap<>();
    refusals.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  public void reset() {
    counters.clear();
    refusals.clear();
  }
}
