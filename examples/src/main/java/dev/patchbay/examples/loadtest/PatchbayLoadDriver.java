package dev.patchbay.examples.loadtest;

import dev.patchbay.Call;
import dev.patchbay.Credentials;
import dev.patchbay.Diagnostics;
import dev.patchbay.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.benchmarks.compare.LoadDriver;
import dev.patchbay.benchmarks.compare.LoadRecorder;
import dev.patchbay.benchmarks.compare.Scenario;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link Scenario} with the Patchbay SDK the way an integrator would: one
 * {@link Patchbay} per application node (process), one {@link UserAgent} per agent with its own
 * client credentials (so its own token), default retry policies, calls placed one after the
 * other and hung up after their hold time, agents closed at the end, then the SDK closed.
 *
 * <p>Several nodes model a backend scaled out over several JVMs: each node's SDK limits its own
 * sockets and negotiations to what the edge advertises, but the edge's capacity is shared, so
 * the edge still refuses (503/429) and times out invites (504) now and then — and the SDK has to
 * handle it.
 */
public final class PatchbayLoadDriver implements LoadDriver {
  private final AtomicInteger pendingDials = new AtomicInteger();
  private final int nodes;

  /** @param nodes Patchbay instances the agents are spread over (simulated app nodes) */
  public PatchbayLoadDriver(int nodes) {
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes must be >= 1, but was " + nodes);
    }
    this.nodes = nodes;
  }

  @Override
  public String name() {
    return "Patchbay";
  }

  @Override
  public ClientResult run(Scenario s, URI edge, LoadRecorder rec, Duration deadline)
      throws InterruptedException {
    CallTracker tracker = new CallTracker(rec);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loadtest-agents");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch agentsLeft = new CountDownLatch(s.agents());
    Patchbay[] patchbays = new Patchbay[Math.min(nodes, s.agents())];
    for (int n = 0; n < patchbays.length; n++) {
      patchbays[n] = Patchbay.builder().edge(edge).mediaEngine(MediaEngines.signalingOnly())
          .eventListener(tracker).build();
    }
    long openSockets = 0;
    long liveCalls = 0;
    long other = 0;
    try {
      long[] offsets = s.startOffsetsMs();
      long[][] holds = s.holdsMs();
      for (int i = 0; i < s.agents(); i++) {
        int agent = i;
        Patchbay patchbay = patchbays[i % patchbays.length];
        timer.schedule(() -> startAgent(patchbay, s, agent, holds[agent], rec, timer, agentsLeft),
            offsets[i], TimeUnit.MILLISECONDS);
      }
      agentsLeft.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      timer.shutdownNow();
      for (Patchbay patchbay : patchbays) {
        patchbay.close();
      }
      for (Patchbay patchbay : patchbays) {
        Diagnostics after = settled(patchbay, Duration.ofSeconds(10));
        openSockets += after.openSockets();
        liveCalls += after.calls();
        other += after.userAgents() + after.mediaSessions() + after.pendingTimers()
            + after.sdkThreads() + after.liveNativeObjects();
      }
    }
    long lost = tracker.unterminated() + pendingDials.get();
    return new ClientResult(lost, openSockets, liveCalls, other);
  }

  /** The diagnostics once they are all zero, or as they are when {@code grace} ran out. */
  static Diagnostics settled(Patchbay patchbay, Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    Diagnostics d = patchbay.diagnostics();
    while (!(d.isIdle() && d.sdkThreads() == 0) && System.nanoTime() < deadline) {
      Thread.sleep(50); // polling a gauge that settles on its own; bounded by grace
      d = patchbay.diagnostics();
    }
    return d;
  }

  private void startAgent(Patchbay patchbay, Scenario s, int i, long[] holds, LoadRecorder rec,
      ScheduledExecutorService timer, CountDownLatch agentsLeft) {
    rec.agentStarting();
    long t0 = System.nanoTime();
    UserAgentOptions options = UserAgentOptions.builder(s.tenant(i)).userId(s.user(i)).build();
    patchbay.connect(Credentials.clientCredentials(s.user(i), s.secret(i)), options)
        .whenComplete((ua, error) -> {
          if (error != null) {
            rec.agentFailed(LoadFailures.agentFailure(error));
            agentsLeft.countDown();
            return;
          }
          rec.agentConnected(Duration.ofNanos(System.nanoTime() - t0));
          nextCall(ua, s, holds, 0, rec, timer, agentsLeft);
        });
  }

  private void nextCall(UserAgent ua, Scenario s, long[] holds, int k, LoadRecorder rec,
      ScheduledExecutorService timer, CountDownLatch agentsLeft) {
    if (k >= holds.length) {
      ua.closeAsync().whenComplete((v, e) -> {
        rec.agentDone();
        agentsLeft.countDown();
      });
      return;
    }
    pendingDials.incrementAndGet();
    ua.dial(s.callee()).whenComplete((call, error) -> {
      pendingDials.decrementAndGet();
      if (error != null) { // the tracker recorded the reason from callEnd
        nextCall(ua, s, holds, k + 1, rec, timer, agentsLeft);
        return;
      }
      hangUpLater(call, holds[k], timer).thenRun(
          () -> nextCall(ua, s, holds, k + 1, rec, timer, agentsLeft));
    });
  }

  private static java.util.concurrent.CompletableFuture<Void> hangUpLater(Call call, long holdMs,
      ScheduledExecutorService timer) {
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    try {
      timer.schedule(() -> call.hangUp().whenComplete((v, e) -> done.complete(null)), holdMs,
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      call.hangUp().whenComplete((v, e) -> done.complete(null));
    }
    return done;
  }
}
