package dev.patchbay.benchmarks.compare;

import dev.patchbay.testkit.Counters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The figures of one finished load run of one client: what the client saw, what the edge
 * counted, and what was left open. Immutable.
 *
 * @param client name of the client under test ("Patchbay", "hand-rolled")
 * @param scenario what was run
 * @param durationMs wall time of the run (until every agent finished)
 * @param agentsConnected agents that got a signaling connection
 * @param agentFailures agents that never connected, by reason
 * @param callsAttempted calls placed
 * @param callsEstablished calls that reached connected media
 * @param callsCompleted calls established and then hung up normally
 * @param callFailures calls that failed, by reason
 * @param callsLost calls without a terminal state (and reason) at the end — must be 0
 * @param setup call setup latency (placing the call to connected media, retries included)
 * @param connect connect latency (token, admission, upgrade, hello; retries included)
 * @param latencyBins the setup latency distribution, for the HTML report
 * @param retries retries the client scheduled, by operation and status
 * @param edge what the edge counted, or null when the edge is not embedded
 * @param leaks what was left open after the client shut down
 * @param timeline one sample per second
 * @param refusalsPerSecond refused attempts (retried or final) per second, by status
 * @param steps every timed step of every agent (connect, call phases, close): the JTL's rows
 */
public record RunReport(String client, Scenario scenario, long durationMs,
    long agentsConnected, Map<String, Long> agentFailures,
    long callsAttempted, long callsEstablished, long callsCompleted,
    Map<String, Long> callFailures, long callsLost,
    Latency setup, Latency connect, List<Bin> latencyBins,
    Map<String, Long> retries, EdgeFigures edge, Leaks leaks, List<Second> timeline,
    Map<String, List<Long>> refusalsPerSecond, List<Sample> steps) {

  public RunReport {
    refusalsPerSecond = Map.copyOf(refusalsPerSecond);
    steps = List.copyOf(steps);
    agentFailures = Map.copyOf(agentFailures);
    callFailures = Map.copyOf(callFailures);
    retries = Map.copyOf(retries);
    latencyBins = List.copyOf(latencyBins);
    timeline = List.copyOf(timeline);
  }

  /** True when nothing leaked, no call was lost and no token was reused. */
  public boolean clean() {
    return leaks.total() == 0 && callsLost == 0 && (edge == null || edge.violations() == 0);
  }

  /** Agents that never connected. */
  public long agentsFailed() {
    return agentFailures.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Calls that failed (any reason). */
  public long callsFailed() {
    return callFailures.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Latency per step label ({@link #steps()}), in label order. */
  public List<PhaseStat> phases() {
    return PhaseStat.of(steps);
  }

  /**
   * One timed step of one agent: a row of the JTL.
   *
   * @param label the step ("connect", "call · setup", …)
   * @param agent the agent (the JTL's thread name)
   * @param startEpochMs when it started
   * @param elapsedMs how long it took
   * @param code 200, the edge's status, or the end reason
   * @param success whether it succeeded
   * @param message what happened
   * @param activeAgents agents connecting or connected when it ended
   */
  public record Sample(String label, String agent, long startEpochMs, long elapsedMs,
      String code, boolean success, String message, int activeAgents) {}

  /** Count, errors and percentiles (ms) of one step label. */
  public record PhaseStat(String label, long count, long errors, long p50, long p95, long p99,
      long max) {
    static List<PhaseStat> of(List<Sample> steps) {
      java.util.Map<String, List<Sample>> byLabel = new java.util.TreeMap<>();
      for (Sample s : steps) {
        byLabel.computeIfAbsent(s.label(), k -> new ArrayList<>()).add(s);
      }
      List<PhaseStat> out = new ArrayList<>();
      byLabel.forEach((label, list) -> {
        long[] t = list.stream().mapToLong(Sample::elapsedMs).sorted().toArray();
        long errors = list.stream().filter(x -> !x.success()).count();
        out.add(new PhaseStat(label, t.length, errors, pct(t, 50), pct(t, 95), pct(t, 99),
            t[t.length - 1]));
      });
      return out;
    }

    /** Nearest-rank percentile. */
    static long pct(long[] sorted, double p) {
      int rank = (int) Math.ceil(p / 100.0 * sorted.length);
      return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
  }

  /** Latency percentiles in milliseconds. */
  public record Latency(long count, double p50, double p95, double p99, double max) {
    public static Latency of(Histogram micros) {
      if (micros.getTotalCount() == 0) {
        return new Latency(0, 0, 0, 0, 0);
      }
      return new Latency(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
          ms(micros.getValueAtPercentile(95)), ms(micros.getValueAtPercentile(99)),
          ms(micros.getMaxValue()));
    }

    private static double ms(long micros) {
      return micros / 1000.0;
    }
  }

  /** Calls whose setup took {@code [fromMs, toMs)}. */
  public record Bin(double fromMs, double toMs, long count) {
    /** Log-spaced bins (4 per decade) over the recorded range. */
    public static List<Bin> of(Histogram micros) {
      List<Bin> bins = new ArrayList<>();
      if (micros.getTotalCount() == 0) {
        return bins;
      }
      double step = Math.pow(10, 0.25);
      double lo = 1000; // 1 ms
      while (lo * step < micros.getMinValue()) {
        lo *= step;
      }
      while (lo <= micros.getMaxValue()) {
        double hi = lo * step;
        long n = 0;
        for (HistogramIterationValue v : micros.recordedValues()) {
          long value = v.getValueIteratedTo();
          if (value >= lo && value < hi || (bins.isEmpty() && value < lo)) {
            n += v.getCountAtValueIteratedTo();
          }
        }
        bins.add(new Bin(lo / 1000, hi / 1000, n));
        lo = hi;
      }
      return bins;
    }
  }

  /** One second of the run: events in that second and gauges at its end. */
  public record Second(int second, long connects, long established, long failed,
      long connected, long inCall) {}

  /**
   * What the embedded edge counted.
   *
   * @param refusalsByStatus refused upgrades and token requests, by HTTP status
   */
  public record EdgeFigures(long tokenRequests, long tokensIssued, long upgradeAttempts,
      long upgrades, long socketsClosed, Map<Integer, Long> refusalsByStatus, long errors503,
      long errors504, long invitesResent, long violations, long serverErrors) {
    public EdgeFigures {
      refusalsByStatus = Map.copyOf(refusalsByStatus);
    }

    public static EdgeFigures of(Counters c) {
      return new EdgeFigures(c.tokenRequests(), c.tokensIssued(), c.upgradeAttempts(),
          c.upgrades(), c.get("socketsClosed"), c.refusalsByStatus(), c.get("errors503"),
          c.errors504(), c.duplicateInvites(), c.violations(), c.get("serverErrors"));
    }
  }

  /**
   * What was left open after the client shut down (all must be 0).
   *
   * @param edgeSockets sockets the edge still had open after the grace period
   * @param edgeCalls calls the edge still had open
   * @param edgeMediaSlots media slots still held
   * @param edgeQueuedInvites invites still queued for a slot
   * @param clientSockets sockets the client still counted open
   * @param clientCalls calls the client still counted live
   * @param clientOther anything else the client still held (timers, threads, agents, sessions)
   */
  public record Leaks(long edgeSockets, long edgeCalls, long edgeMediaSlots,
      long edgeQueuedInvites, long clientSockets, long clientCalls, long clientOther) {
    public long total() {
      return edgeSockets + edgeCalls + edgeMediaSlots + edgeQueuedInvites + clientSockets
          + clientCalls + clientOther;
    }
  }
}
