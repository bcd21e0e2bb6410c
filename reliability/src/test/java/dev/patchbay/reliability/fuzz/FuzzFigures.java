package dev.patchbay.reliability.fuzz;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the inputs each fuzz target executed, for the suite's figures table. */
public final class FuzzFigures {
  private static final Map<String, LongAdder> EXECUTIONS = new ConcurrentHashMap<>();

  private FuzzFigures() {}

  static void count(String target) {
    EXECUTIONS.computeIfAbsent(target, t -> new LongAdder()).increment();
  }

  public static Map<String, Long> snapshot() {
    Map<String, Long> out = new java.util.TreeMap<>();
    EXECUTIONS.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
