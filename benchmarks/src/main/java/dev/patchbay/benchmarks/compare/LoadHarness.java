package dev.patchbay.benchmarks.compare;

import dev.patchbay.testkit.FakeEdge;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs one client ({@link LoadDriver}) through a {@link Scenario}: starts a fresh embedded edge
 * with the field profile (or targets an external one), shows progress, then checks what was left
 * open and collects the edge's counters into a {@link RunReport}.
 */
public final class LoadHarness {
  private final PrintStream progress;
  private final boolean tty;
  private final Duration leakGrace;

  /**
   * @param progress where the progress line goes (stderr)
   * @param tty redraw in place (a terminal) or print a line every few seconds
   * @param leakGrace how long closing sockets and calls may take to reach the edge
   */
  public LoadHarness(PrintStream progress, boolean tty, Duration leakGrace) {
    this.progress = progress;
    this.tty = tty;
    this.leakGrace = leakGrace;
  }

  /**
   * @param field the embedded edge's settings, or null to target {@code external}
   * @param external an edge started elsewhere (users must exist there), or null
   */
  public RunReport run(Scenario s, LoadDriver driver, FieldEdge field, URI external,
      Duration deadline) throws InterruptedException {
    FakeEdge edge = field != null ? field.start(s) : null;
    RemoteEdge remote = edge == null ? RemoteEdge.probe(external) : null;
    RemoteEdge.State before = null;
    try {
      if (remote != null) {
        try {
          remote.provision(s);
          before = remote.state();
          progress.println("edge " + external + " has admin endpoints: users provisioned, its"
              + " counters go into the report");
        } catch (java.io.IOException e) {
          progress.println("edge " + external + ": admin endpoints failed (" + e.getMessage()
              + "); edge rows will read n/a");
          remote.close();
          remote = null;
        }
      }
      URI uri = edge != null ? edge.uri() : external;
      LoadRecorder rec = new LoadRecorder(s.agents());
      ProgressBar bar = new ProgressBar(progress, driver.name(), rec, tty);
      ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loadtest-progress");
        t.setDaemon(true);
        return t;
      });
      ticker.scheduleAtFixedRate(rec::sample, 0, 1, TimeUnit.SECONDS);
      ticker.scheduleAtFixedRate(bar::tick, 250, 250, TimeUnit.MILLISECONDS);
      long start = System.nanoTime();
      LoadDriver.ClientResult client;
      try {
        client = driver.run(s, uri, rec, deadline);
      } finally {
        ticker.shutdownNow();
        ticker.awaitTermination(2, TimeUnit.SECONDS);
        rec.sample();
        bar.finish();
      }
      long durationMs = (System.nanoTime() - start) / 1_000_000;
      RunReport.Leaks leaks;
      RunReport.EdgeFigures figures = null;
      if (edge != null) {
        try {
          edge.assertNoLeaks(leakGrace);
        } catch (AssertionError leaked) {
          // counted below
        }
        leaks = new RunReport.Leaks(edge.openSockets(), edge.openCalls(), edge.heldMediaSlots(),
            edge.queuedInvites(), client.openSockets(), client.liveCalls(), client.other());
        figures = RunReport.EdgeFigures.of(edge.counters());
      } else if (remote != null) {
        RemoteEdge.State after;
        try {
          after = remote.settled(leakGrace);
        } catch (java.io.IOException e) {
          throw new IllegalStateException("edge admin endpoints failed after the run", e);
        }
        leaks = new RunReport.Leaks(after.openSockets(), after.openCalls(),
            after.heldMediaSlots(), after.queuedInvites(), client.openSockets(),
            client.liveCalls(), client.other());
        figures = RunReport.EdgeFigures.of(after.since(before));
      } else {
        leaks = new RunReport.Leaks(0, 0, 0, 0, client.openSockets(), client.liveCalls(),
            client.other());
      }
      driver.forceRelease();
      return new RunReport(driver.name(), s, durationMs, rec.connectMicros().getTotalCount(),
          rec.agentFailures(), rec.callsAttempted(), rec.callsEstablished(),
          rec.callsCompleted(), rec.callFailures(), client.callsLost(),
          RunReport.Latency.of(rec.setupMicros()), RunReport.Latency.of(rec.connectMicros()),
          RunReport.Bin.of(rec.setupMicros()), rec.retries(), figures, leaks, rec.timeline(),
          rec.refusalsTimeline(), rec.steps());
    } finally {
      if (edge != null) {
        edge.close();
      }
      if (remote != null) {
        remote.close();
      }
    }
  }
}
