package dev.patchbay.benchmarks.compare;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What a client under load reports while it runs: agent and call life cycles, setup latencies
 * (HdrHistogram, microseconds), retries, and a per-second timeline. Thread-safe and cheap: every
 * method is a few atomic increments, so drivers call it from any thread.
 */
public final class LoadRecorder {
  /** Longest run the timeline covers. */
  static final int MAX_SECONDS = 3600;

  private final int agents;
  private final long startNanos = System.nanoTime();
  private final long startEpochMs = System.currentTimeMillis();
  private final AtomicInteger connecting = new AtomicInteger();
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicInteger inCall = new AtomicInteger();
  private final AtomicInteger agentsDone = new AtomicInteger();
  private final AtomicInteger agentsFailed = new AtomicInteger();
  private final LongAdder attempted = new LongAdder();
  private final LongAdder established = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Map<String, LongAdder> callFailures = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> agentFailures = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> retries = new ConcurrentHashMap<>();
  private final Histogram setupMicros = new ConcurrentHistogram(3);
  private final Histogram connectMicros = new ConcurrentHistogram(3);
  private final AtomicLongArray connectsPerSecond = new AtomicLongArray(MAX_SECONDS);
  private final AtomicLongArray establishedPerSecond = new AtomicLongArray(MAX_SECONDS);
  private final AtomicLongArray failedPerSecond = new AtomicLongArray(MAX_SECONDS);
  private final AtomicLongArray connectedAt = new AtomicLongArray(MAX_SECONDS);
  private final AtomicLongArray inCallAt = new AtomicLongArray(MAX_SECONDS);
  private final AtomicInteger lastSecond = new AtomicInteger();
  private final Map<String, AtomicLongArray> refusalsPerSecond = new ConcurrentHashMap<>();
  private final java.util.Queue<RunReport.Sample> samples =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  public LoadRecorder(int agents) {
    this.agents = agents;
  }

  public int agents() {
    return agents;
  }

  /** Seconds since the recorder was created. */
  public double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private int second() {
    int s = (int) Math.min(MAX_SECONDS - 1, (System.nanoTime() - startNanos) / 1_000_000_000L);
    lastSecond.accumulateAndGet(s, Math::max);
    return s;
  }

  // ---------------------------------------------------------------- agents

  public void agentStarting() {
    connecting.incrementAndGet();
  }

  public void agentConnected(Duration took) {
    connecting.decrementAndGet();
    connected.incrementAndGet();
    connectsPerSecond.incrementAndGet(second());
    connectMicros.recordValue(Math.max(0, took.toNanos() / 1000));
  }

  /** The agent could not connect: it is finished, with {@code reason}. */
  public void agentFailed(String reason) {
    connecting.decrementAndGet();
    agentsFailed.incrementAndGet();
    agentFailures.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  /** A connected agent finished (closed after its calls). */
  public void agentDone() {
    connected.decrementAndGet();
    agentsDone.incrementAndGet();
  }

  // ---------------------------------------------------------------- calls

  public void callAttempted() {
    attempted.increment();
  }

  public void callEstablished(Duration setup) {
    established.increment();
    inCall.incrementAndGet();
    establishedPerSecond.incrementAndGet(second());
    setupMicros.recordValue(Math.max(0, setup.toNanos() / 1000));
  }

  /**
   * A call reached a terminal state.
   *
   * @param wasEstablished the call had been reported to {@link #callEstablished}
   * @param success it ended normally after being established (hang-up)
   * @param reason why it ended (for failures: the row of the report)
   */
  public void callEnded(boolean wasEstablished, boolean success, String reason) {
    if (wasEstablished) {
      inCall.decrementAndGet();
    }
    if (success) {
      completed.increment();
    } else {
      failed.increment();
      failedPerSecond.incrementAndGet(second());
      callFailures.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }
  }

  /** A retry was scheduled: {@code what} names the operation and the status, e.g. "connect 429". */
  public void retry(String what) {
    retries.computeIfAbsent(what, k -> new LongAdder()).increment();
  }

  /**
   * The edge refused an attempt (a token request, an upgrade, an invite) with {@code code}
   * ("429", "503", "504", …), whether the client retried it or gave up: the refusals-by-status
   * timeline.
   */
  public void refused(String code) {
    refusalsPerSecond.computeIfAbsent(code, k -> new AtomicLongArray(MAX_SECONDS))
        .incrementAndGet(second());
  }

  /**
   * One timed step of one agent (a row of the JTL and of the per-phase breakdown), e.g.
   * {@code connect}, {@code call · setup}, {@code call · hang up}.
   *
   * @param label the step
   * @param agent who took it (the JTL's thread name)
   * @param startNanos {@link System#nanoTime()} when it started
   * @param endNanos {@link System#nanoTime()} when it ended
   * @param code {@code 200}, the edge's status, or the end reason
   * @param success whether the step succeeded
   * @param message what happened, in a load tester's words
   */
  public void step(String label, String agent, long startNanos, long endNanos, String code,
      boolean success, String message) {
    long start = startEpochMs + (startNanos - this.startNanos) / 1_000_000;
    samples.add(new RunReport.Sample(label, agent, start,
        Math.max(0, (endNanos - startNanos) / 1_000_000), code, success, message,
        connecting.get() + connected.get()));
  }

  /** Samples the gauges into the timeline; call about once a second. */
  public void sample() {
    int s = second();
    connectedAt.set(s, connected.get());
    inCallAt.set(s, inCall.get());
  }

  // ---------------------------------------------------------------- reading

  public int connecting() {
    return connecting.get();
  }

  public int connected() {
    return connected.get();
  }

  public int inCall() {
    return inCall.get();
  }

  public int agentsDone() {
    return agentsDone.get();
  }

  public int agentsFailed() {
    return agentsFailed.get();
  }

  /** Every agent is done or failed. */
  public boolean finished() {
    return agentsDone.get() + agentsFailed.get() >= agents;
  }

  public long callsAttempted() {
    return attempted.sum();
  }

  public long callsEstablished() {
    return established.sum();
  }

  public long callsCompleted() {
    return completed.sum();
  }

  public long callsFailed() {
    return failed.sum();
  }

  public Map<String, Long> callFailures() {
    return snapshot(callFailures);
  }

  public Map<String, Long> agentFailures() {
    return snapshot(agentFailures);
  }

  public Map<String, Long> retries() {
    return snapshot(retries);
  }

  public Histogram setupMicros() {
    return setupMicros.copy();
  }

  public Histogram connectMicros() {
    return connectMicros.copy();
  }

  /** One sample per second, from 0 to the last second anything happened. */
  public java.util.List<RunReport.Second> timeline() {
    int last = lastSecond.get();
    java.util.List<RunReport.Second> out = new java.util.ArrayList<>(last + 1);
    for (int s = 0; s <= last; s++) {
      out.add(new RunReport.Second(s, connectsPerSecond.get(s), establishedPerSecond.get(s),
          failedPerSecond.get(s), connectedAt.get(s), inCallAt.get(s)));
    }
    return out;
  }

  /** Epoch milliseconds when the recorder was created (the run's start). */
  public long startEpochMs() {
    return startEpochMs;
  }

  /** The steps recorded so far, in the order they ended. */
  public java.util.List<RunReport.Sample> steps() {
    return java.util.List.copyOf(samples);
  }

  /** Refused attempts per second by status, from 0 to the last second anything happened. */
  public Map<String, java.util.List<Long>> refusalsTimeline() {
    int last = lastSecond.get();
    Map<String, java.util.List<Long>> out = new TreeMap<>();
    refusalsPerSecond.forEach((code, counts) -> {
      java.util.List<Long> series = new java.util.ArrayList<>(last + 1);
      for (int s = 0; s <= last; s++) {
        series.add(counts.get(s));
      }
      out.put(code, series);
    });
    return out;
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
