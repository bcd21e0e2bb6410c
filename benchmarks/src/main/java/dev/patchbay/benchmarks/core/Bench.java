package dev.patchbay.benchmarks.core;

import ch.qos.logback.classic.Level;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Small helpers shared by the core benchmarks. */
final class Bench {
  private Bench() {}

  static void quietLogs() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.WARN);
  }

  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.min(sorted.length - 1, Math.round(p / 100.0 * (sorted.length - 1)));
    return sorted[i];
  }

  static long[] sorted(long[] values, int n) {
    long[] copy = Arrays.copyOf(values, n);
    Arrays.sort(copy);
    return copy;
  }

  static String micros(long nanos) {
    return String.format("%,.0f µs", nanos / 1_000.0);
  }

  static void out(String format, Object... args) {
    System.out.println(String.format(format, args)); // a benchmark's output is its product
  }
}
