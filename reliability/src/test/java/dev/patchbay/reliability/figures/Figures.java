package dev.patchbay.reliability.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The figures of one test JVM: what the fault matrix, the security checks, the soak and the fuzz
 * targets ran and found. {@link FiguresListener} writes them to a file per JVM at the end and
 * the matrix JVM adds every file of the build into one table.
 */
public final class Figures {
  /** The kinds of count the table shows. */
  public enum Count {
    FAULTS_INJECTED, OPERATIONS_SUCCEEDED, OPERATIONS_FAILED_TYPED, OPERATIONS_INDETERMINATE,
    OPERATIONS_LOST, LEAKED_RESOURCES, VIOLATIONS
  }

  private static final Map<String, LongAdder> REPETITIONS = new ConcurrentHashMap<>();
  private static final Map<Count, LongAdder> COUNTS = new ConcurrentHashMap<>();
  private static final Map<String, LongAdder> FUZZ = new ConcurrentHashMap<>();
  private static final List<String> NOTES = new ArrayList<>();

  private Figures() {}

  /** One repetition of a matrix case (or security check) started. */
  public static void repetition(String caseName) {
    REPETITIONS.computeIfAbsent(caseName, c -> new LongAdder()).increment();
  }

  public static void add(Count what, long n) {
    if (n != 0) {
      COUNTS.computeIfAbsent(what, c -> new LongAdder()).add(n);
    }
  }

  public static void fuzzInput(String target) {
    FUZZ.computeIfAbsent(target, t -> new LongAdder()).increment();
  }

  /** A free-form line for the report (soak figures, spreads), printed under the table. */
  public static void note(String line) {
    synchronized (NOTES) {
      NOTES.add(line);
    }
  }

  public static long get(Count what) {
    LongAdder a = COUNTS.get(what);
    return a == null ? 0 : a.sum();
  }

  /** This JVM's figures as flat key/value pairs (see {@link Table#parse}). */
  static Map<String, String> snapshot() {
    Map<String, String> out = new TreeMap<>();
    REPETITIONS.forEach((k, v) -> out.put("case." + k, Long.toString(v.sum())));
    COUNTS.forEach((k, v) -> out.put("count." + k.name(), Long.toString(v.sum())));
    FUZZ.forEach((k, v) -> out.put("fuzz." + k, Long.toString(v.sum())));
    synchronized (NOTES) {
      for (int i = 0; i < NOTES.size(); i++) {
        out.put(String.format("note.%04d", i), NOTES.get(i));
      }
    }
    return out;
  }
}
