package dev.patchbay.reliability.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Adds up the figures of every JVM of one build and renders the table. */
final class Table {
  private final Map<String, Long> cases = new TreeMap<>();
  private final Map<String, Long> counts = new TreeMap<>();
  private final Map<String, Long> fuzz = new TreeMap<>();
  private final List<String> notes = new ArrayList<>();

  void add(Map<String, String> figures) {
    figures.forEach((k, v) -> {
      if (k.startsWith("case.")) {
        cases.merge(k.substring(5), Long.parseLong(v), Long::sum);
      } else if (k.startsWith("count.")) {
        counts.merge(k.substring(6), Long.parseLong(v), Long::sum);
      } else if (k.startsWith("fuzz.")) {
        fuzz.merge(k.substring(5), Long.parseLong(v), Long::sum);
      } else if (k.startsWith("note.")) {
        notes.add(v);
      }
    });
  }

  private long count(Figures.Count c) {
    return counts.getOrDefault(c.name(), 0L);
  }

  String render(boolean full) {
    long reps = cases.values().stream().mapToLong(Long::longValue).sum();
    long succeeded = count(Figures.Count.OPERATIONS_SUCCEEDED);
    long typed = count(Figures.Count.OPERATIONS_FAILED_TYPED);
    long indeterminate = count(Figures.Count.OPERATIONS_INDETERMINATE);
    long fuzzTotal = fuzz.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder b = new StringBuilder();
    String rule = "+--------------------------------------+------------------------------------+\n";
    b.append('\n').append("Patchbay reliability suite (").append(full ? "full run" : "CI run")
        .append(")\n").append(rule);
    row(b, "cases x repetitions run", cases.size() + " cases, " + reps + " repetitions");
    row(b, "faults injected", Long.toString(count(Figures.Count.FAULTS_INJECTED)));
    row(b, "operations completed", (succeeded + typed + indeterminate) + " (" + succeeded
        + " ok, " + typed + " typed failure, " + indeterminate + " indeterminate)");
    row(b, "operations lost (must be 0)", Long.toString(count(Figures.Count.OPERATIONS_LOST)));
    row(b, "leaked resources (must be 0)", Long.toString(count(Figures.Count.LEAKED_RESOURCES)));
    row(b, "violations (must be 0)", Long.toString(count(Figures.Count.VIOLATIONS)));
    row(b, "fuzz inputs executed", fuzzTotal + fuzzDetail());
    b.append(rule);
    for (Map.Entry<String, Long> e : cases.entrySet()) {
      b.append(String.format("  %-64s x%d%n", e.getKey(), e.getValue()));
    }
    for (String n : notes) {
      b.append("  ").append(n).append('\n');
    }
    return b.toString();
  }

  private String fuzzDetail() {
    if (fuzz.isEmpty()) {
      return " (no fuzz JVM ran)";
    }
    StringBuilder b = new StringBuilder(" (");
    fuzz.forEach((k, v) -> b.append(b.length() > 2 ? ", " : "").append(k).append(' ').append(v));
    return b.append(')').toString();
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append(String.format("| %-36s | %-34s |%n", name, value));
  }
}
