package dev.patchbay.reliability.gen;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Greedy shrinking of a failing schedule: drops chunks of steps (halves, quarters, … single
 * steps) while the run still violates the same invariant. Bounded by a number of re-runs and a
 * wall-time budget; the result is a sub-schedule of the same seed ({@link Schedule#keepSpec()}).
 */
final class Shrinker {
  private Shrinker() {}

  static Schedule shrink(Schedule failing, String code) {
    int maxRuns = Integer.getInteger("schedules.shrinkRuns", 40);
    long deadline = System.nanoTime() + Long.getLong("schedules.shrinkSeconds", 150L)
        * 1_000_000_000L;
    List<Integer> ids = new ArrayList<>(failing.steps.stream().map(Step::id).toList());
    Schedule best = failing;
    int runs = 0;
    for (int chunk = Math.max(1, ids.size() / 2); chunk >= 1; chunk /= 2) {
      int at = 0;
      while (at < ids.size()) {
        if (runs >= maxRuns || System.nanoTime() > deadline) {
          return best;
        }
        Set<Integer> keep = new LinkedHashSet<>(ids);
        ids.subList(at, Math.min(ids.size(), at + chunk)).forEach(keep::remove);
        Schedule candidate = failing.keep(keep);
        runs++;
        if (ScheduleRun.run(candidate).violations().stream().anyMatch(v -> v.code().equals(code))) {
          ids.retainAll(keep);
          best = candidate;
        } else {
          at += chunk;
        }
      }
      if (chunk == 1) {
        break;
      }
    }
    return best;
  }
}
