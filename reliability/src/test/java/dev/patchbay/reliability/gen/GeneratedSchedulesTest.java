package dev.patchbay.reliability.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.reliability.figures.Figures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Generated fault schedules (issue 10, DESIGN.md §5 "Faults combine"): {@value #CI_SCHEDULES}
 * seeded schedules per CI run, each with its own fake edge, proxy and Patchbay, several at a
 * time in this JVM; the invariants of {@link Invariants} and {@link ScheduleRun} checked on each
 * history. A failing seed is printed with a greedily shrunk schedule and the command that
 * replays it.
 *
 * <p>Properties: {@code -Dschedules=5000} (long mode; default {@value #CI_SCHEDULES}),
 * {@code -Dschedules.firstSeed=1}, {@code -Dschedules.parallel=8}, {@code -Dschedule.seed=N}
 * (replay one seed) with {@code -Dschedule.keep=3,7,9} (only those steps: a shrunk schedule),
 * {@code -Dschedules.shrink=1} (how many failing seeds to shrink).
 *
 * <p>Tagged {@code generated-schedules}; CI runs it. Leave it out while iterating on something
 * else with {@code -Dreliability.excludedGroups=generated-schedules}.
 */
@Tag("generated-schedules")
class GeneratedSchedulesTest {
  static final int CI_SCHEDULES = 200;

  @Test
  void generatedFaultSchedulesKeepTheInvariants() throws Exception {
    List<Schedule> schedules = schedules();
    int parallel = Integer.getInteger("schedules.parallel", 8);
    long start = System.nanoTime();
    List<Summary> results = runAll(schedules, parallel);
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    Map<Long, Summary> failing = new TreeMap<>();
    for (Summary r : results) {
      if (!r.violations().isEmpty()) {
        failing.put(r.seed(), r);
      }
    }
    report(schedules, results, failing, tookMs, parallel);
    StringBuilder failure = new StringBuilder();
    int shrink = Integer.getInteger("schedules.shrink", 1);
    for (Map.Entry<Long, Summary> f : failing.entrySet()) {
      Schedule s = schedules.stream().filter(x -> x.seed == f.getKey()).findFirst().orElseThrow();
      failure.append("\nseed ").append(s.seed).append(": ").append(f.getValue().violations()
          .stream().map(Object::toString).collect(Collectors.joining("\n    ", "\n    ", "")));
      if (shrink-- > 0) {
        Schedule small = Shrinker.shrink(s, f.getValue().violations().get(0).code());
        failure.append("\n  shrunk (").append(small.steps.size()).append(" of ")
            .append(s.steps.size()).append(" steps): ").append(small)
            .append("\n  replay: mvn -B -ntp -pl reliability test -Dtest=GeneratedSchedulesTest")
            .append(" -Dreliability.excludedGroups=none -Dreliability.skipFuzz=true")
            .append(" -Dschedule.seed=").append(s.seed).append(" -Dschedule.keep=")
            .append(small.keepSpec());
      }
    }
    assertThat(results).as("every schedule ran").hasSize(schedules.size());
    assertThat(failing).as(failing.size() + " of " + schedules.size()
        + " schedules violated an invariant:" + failure).isEmpty();
  }

  private static List<Schedule> schedules() {
    Long replay = Long.getLong("schedule.seed");
    if (replay != null) {
      Schedule s = Schedule.generate(replay);
      String keep = System.getProperty("schedule.keep");
      if (keep != null && !keep.isBlank()) {
        Set<Integer> ids = Arrays.stream(keep.split(",")).map(String::trim)
            .map(Integer::valueOf).collect(Collectors.toCollection(LinkedHashSet::new));
        s = s.keep(ids);
      }
      System.out.println(s);
      return List.of(s);
    }
    int n = Integer.getInteger("schedules", CI_SCHEDULES);
    long first = Long.getLong("schedules.firstSeed", 1L);
    List<Schedule> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Schedule.generate(first + i));
    }
    return out;
  }

  /** A progress line every this many finished schedules (a long run shows life). */
  static final int PROGRESS_EVERY = 50;

  /**
   * What the report needs of one schedule's run. The run's {@link History} (every operation,
   * record and log line, a few hundred KiB) is dropped as soon as it is checked: a long run of
   * 5,000 schedules kept them all and ran out of its 1 GiB heap after ~2,800.
   */
  record Summary(long seed, int agents, int calls, int tokensCutByRestart,
      Map<String, Integer> opsByOutcome, Map<String, Integer> faultsApplied,
      List<History.Violation> violations) {
    static Summary of(Schedule s, History h) {
      return new Summary(s.seed, s.agents.size(), h.calls.size(), h.tokensCutByRestart,
          h.opsByOutcome(), new TreeMap<>(h.faultsApplied), h.violations());
    }
  }

  static List<Summary> runAll(List<Schedule> schedules, int parallel) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    long start = System.nanoTime();
    java.util.concurrent.atomic.AtomicInteger finished =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger failing =
        new java.util.concurrent.atomic.AtomicInteger();
    try {
      List<Future<Summary>> fs = new ArrayList<>();
      for (Schedule s : schedules) {
        fs.add(pool.submit(() -> {
          Summary h = Summary.of(s, ScheduleRun.run(s));
          if (!h.violations().isEmpty()) {
            failing.incrementAndGet();
            // in full now: a long run that is cut short still tells what it found
            System.out.println("generated fault schedules: seed " + s.seed + " violated "
                + h.violations().stream().map(History.Violation::code).distinct().toList()
                + h.violations().stream().map(Object::toString)
                    .collect(Collectors.joining("\n    ", "\n    ", "")));
          }
          int n = finished.incrementAndGet();
          if (n % PROGRESS_EVERY == 0 && n < schedules.size()) {
            System.out.printf("generated fault schedules: %d of %d done (%d failing) in %.1f s%n",
                n, schedules.size(), failing.get(), (System.nanoTime() - start) / 1e9);
          }
          return h;
        }));
      }
      List<Summary> out = new ArrayList<>();
      for (Future<Summary> f : fs) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void report(List<Schedule> schedules, List<Summary> results,
      Map<Long, Summary> failing, long tookMs, int parallel) {
    Map<String, Integer> ops = new TreeMap<>();
    Map<String, Integer> faults = new TreeMap<>();
    Map<String, Integer> violations = new TreeMap<>();
    Map<String, Long> firstSeed = new TreeMap<>();
    long agents = 0;
    long calls = 0;
    long cut = 0;
    for (Summary h : results) {
      cut += h.tokensCutByRestart();
      agents += h.agents();
      calls += h.calls();
      h.opsByOutcome().forEach((k, v) -> ops.merge(k, v, Integer::sum));
      h.faultsApplied().forEach((k, v) -> faults.merge(k, v, Integer::sum));
      for (History.Violation v : h.violations()) {
        violations.merge(v.code(), 1, Integer::sum);
        firstSeed.putIfAbsent(v.code(), h.seed());
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(String.format("generated fault schedules: %d schedules (%d at a time) in %.1f s,"
        + " %d agents, %d calls, %d failing schedules", schedules.size(), parallel,
        tookMs / 1000.0, agents, calls, failing.size()));
    lines.add("  operations by outcome: " + ops);
    lines.add("  faults by kind: " + faults);
    lines.add("  tokens issued while an edge restart cut their answer (live until they expire,"
        + " not violations): " + cut);
    lines.add("  violations by invariant: " + violations + (violations.isEmpty() ? ""
        : ", first seeds " + firstSeed));
    for (String l : lines) {
      Figures.note(l);
      System.out.println(l);
    }
    int shown = 0;
    for (Map.Entry<Long, Summary> f : failing.entrySet()) {
      if (shown++ >= 40) {
        break;
      }
      System.out.println("  seed " + f.getKey() + ": " + f.getValue().violations().stream()
          .map(v -> v.code()).distinct().toList());
    }
  }
}
