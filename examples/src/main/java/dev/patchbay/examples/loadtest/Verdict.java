package dev.patchbay.examples.loadtest;

import dev.patchbay.benchmarks.compare.RunReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The load test's two verdicts on the Patchbay run, and the exit code they make: "SDK clean" (no
 * leak, no lost call, no token reuse — a bug in the client if not) and "load met thresholds"
 * (the edge served the load well enough — a capacity finding if not).
 *
 * @param sdkClean nothing leaked, no call was lost, no token was reused
 * @param results every threshold checked against the run
 * @param defaults whether the thresholds are the defaults (no {@code --threshold} given)
 */
record Verdict(boolean sdkClean, List<Threshold.Result> results, boolean defaults) {
  /** Every call accounted for, nothing left open, no token reuse; every threshold met. */
  static final int OK = 0;
  /** The SDK leaked, lost a call or reused a token (whatever the thresholds say). */
  static final int SDK_NOT_CLEAN = 1;
  /** Bad options (usage printed). */
  static final int USAGE = 2;
  /** The SDK was clean but at least one threshold was crossed. */
  static final int THRESHOLD_CROSSED = 3;

  Verdict {
    results = List.copyOf(results);
  }

  static Verdict of(RunReport patchbay, List<Threshold> thresholds, boolean defaults) {
    List<Threshold.Result> results = new ArrayList<>();
    for (Threshold t : thresholds) {
      results.add(t.evaluate(patchbay));
    }
    return new Verdict(patchbay.clean(), results, defaults);
  }

  boolean thresholdsMet() {
    return results.stream().allMatch(Threshold.Result::passed);
  }

  int exitCode() {
    return !sdkClean ? SDK_NOT_CLEAN : thresholdsMet() ? OK : THRESHOLD_CROSSED;
  }

  /** The verdict lines printed under the report table. */
  String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("SDK clean:           ").append(sdkClean
        ? "yes — every call accounted for, 0 leaks, 0 token reuse violations"
        : "NO — leaks, lost calls or token reuse (see the MUST BE ZERO rows)").append('\n');
    long crossed = results.stream().filter(r -> !r.passed()).count();
    sb.append("load met thresholds: ");
    if (results.isEmpty()) {
      sb.append("no thresholds (--threshold none)\n");
    } else {
      sb.append(crossed == 0 ? "yes" : "NO").append(" — ").append(results.size() - crossed)
          .append(" of ").append(results.size()).append(" met")
          .append(defaults ? " (defaults; set your own with --threshold)" : "").append('\n');
      int w = results.stream().mapToInt(r -> r.threshold().expression().length()).max()
          .orElse(0);
      for (Threshold.Result r : results) {
        sb.append(String.format(Locale.ROOT, "  %-" + w + "s   %-14s %s%n",
            r.threshold().expression(), r.actual(), r.passed() ? "ok" : "CROSSED"));
      }
    }
    sb.append("exit code:           ").append(exitCode()).append('\n');
    return sb.toString();
  }
}
