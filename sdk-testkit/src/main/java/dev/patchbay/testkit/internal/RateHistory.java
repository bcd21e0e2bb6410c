package dev.patchbay.testkit.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-second rates of a few named totals (counters that only grow, except on an edge reset):
 * {@link #sample} is called once a second with the totals and keeps how much each grew since
 * the previous sample, for the last {@link #SECONDS} samples. A total smaller than the previous
 * one means the counters were reset; it then counts as grown from zero. Thread-safe.
 */
final class RateHistory {
  static final int SECONDS = 60;

  private final List<String> names;
  private final long[] previous;
  private final long[][] deltas; // [name][slot], a ring of SECONDS slots
  private int next;
  private int filled;

  RateHistory(List<String> names) {
    this.names = List.copyOf(names);
    this.previous = new long[names.size()];
    this.deltas = new long[names.size()][SECONDS];
  }

  List<String> names() {
    return names;
  }

  synchronized void sample(long[] totals) {
    if (totals.length != names.size()) {
      throw new IllegalArgumentException("totals must have " + names.size()
          + " values, but had " + totals.length);
    }
    for (int i = 0; i < totals.length; i++) {
      deltas[i][next] = totals[i] >= previous[i] ? totals[i] - previous[i] : totals[i];
      previous[i] = totals[i];
    }
    next = (next + 1) % SECONDS;
    filled = Math.min(SECONDS, filled + 1);
  }

  /** Each name's per-second growth over the kept samples, oldest first (newest last). */
  synchronized Map<String, long[]> series() {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      long[] s = new long[filled];
      for (int k = 0; k < filled; k++) {
        s[k] = deltas[i][Math.floorMod(next - filled + k, SECONDS)];
      }
      out.put(names.get(i), s);
    }
    return out;
  }
}
