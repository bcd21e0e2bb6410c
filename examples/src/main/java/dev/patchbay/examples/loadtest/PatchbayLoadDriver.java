package dev.patchbay.examples.loadtest;

import dev.patchbay.Call;
import dev.patchbay.Credentials;
import dev.patchbay.Diagnostics;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.benchmarks.compare.LoadDriver;
import dev.patchbay.benchmarks.compare.LoadRecorder;
import dev.patchbay.benchmarks.compare.Scenario;
import dev.patchbay.webrtc.AudioInput;
import dev.patchbay.webrtc.WebRtcMediaEngine;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
  private final int webrtcPairs;

  /** @param nodes Patchbay instances the agents are spread over (simulated app nodes) */
  public PatchbayLoadDriver(int nodes) {
    this(nodes, 0);
  }

  /**
   * @param nodes Patchbay instances the agents are spread over (simulated app nodes)
   * @param webrtcPairs pairs of agents of the first tenant that call each other with real audio
   *     (sdk-webrtc, a 440 Hz tone) instead of calling the scenario's callee; each pair's second
   *     agent only answers. Needs an interface ICE can use (here: a network namespace).
   */
  public PatchbayLoadDriver(int nodes, int webrtcPairs) {
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes must be >= 1, but was " + nodes);
    }
    if (webrtcPairs < 0) {
      throw new IllegalArgumentException("webrtcPairs must be >= 0, but was " + webrtcPairs);
    }
    this.nodes = nodes;
    this.webrtcPairs = webrtcPairs;
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
    int pairs = Math.min(webrtcPairs, (s.agents() / s.tenants()) / 2);
    Patchbay rtc = pairs == 0 ? null : Patchbay.builder().edge(edge)
        .mediaEngine(WebRtcMediaEngine.builder().audioInput(AudioInput.tone(440, 0.3)).build())
        .eventListener(tracker).build();
    java.util.List<Patchbay> all = new java.util.ArrayList<>(java.util.List.of(patchbays));
    if (rtc != null) {
      all.add(rtc);
    }
    long openSockets = 0;
    long liveCalls = 0;
    long other = 0;
    try {
      long[] offsets = s.startOffsetsMs();
      long[][] holds = s.holdsMs();
      for (int i = 0; i < s.agents(); i++) {
        int agent = i;
        int pairSlot = i % s.tenants() == 0 ? i / s.tenants() : Integer.MAX_VALUE;
        if (pairSlot < 2 * pairs) { // tenant-0 agents 0, T, 2T, ...: (caller, callee) pairs
          if (pairSlot % 2 == 0) {
            int callee = i + s.tenants();
            timer.schedule(() -> startPair(rtc, s, agent, callee, holds[agent], rec, timer,
                agentsLeft), offsets[i], TimeUnit.MILLISECONDS);
          }
          continue;
        }
        Patchbay patchbay = patchbays[i % patchbays.length];
        timer.schedule(() -> startAgent(patchbay, s, agent, holds[agent], rec, timer, agentsLeft),
            offsets[i], TimeUnit.MILLISECONDS);
      }
      agentsLeft.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      timer.shutdownNow();
      for (Patchbay patchbay : all) {
        patchbay.close();
      }
      for (Patchbay patchbay : all) {
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
            connectFailed(rec, s.user(i), t0, error);
            agentsLeft.countDown();
            return;
          }
          connected(rec, s.user(i), t0);
          nextCall(ua, s.callee(), holds, 0, rec, timer, () -> agentsLeft.countDown());
        });
  }

  /** A real-media pair: the callee connects and answers, then the caller places its calls. */
  private void startPair(Patchbay rtc, Scenario s, int caller, int callee, long[] holds,
      LoadRecorder rec, ScheduledExecutorService timer, CountDownLatch agentsLeft) {
    rec.agentStarting();
    rec.agentStarting();
    long t0 = System.nanoTime();
    CompletableFuture<UserAgent> answering = rtc.connect(
        Credentials.clientCredentials(s.user(callee), s.secret(callee)),
        UserAgentOptions.builder(s.tenant(callee)).userId(s.user(callee)).build());
    CompletableFuture<UserAgent> calling = rtc.connect(
        Credentials.clientCredentials(s.user(caller), s.secret(caller)),
        UserAgentOptions.builder(s.tenant(caller)).userId(s.user(caller)).build());
    answering.whenComplete((b, e) -> {
      if (e != null) {
        connectFailed(rec, s.user(callee), t0, e);
        agentsLeft.countDown();
      } else {
        connected(rec, s.user(callee), t0);
        b.onIncomingCall(incoming -> incoming.accept());
      }
    });
    calling.whenComplete((a, e) -> {
      if (e != null) {
        connectFailed(rec, s.user(caller), t0, e);
        agentsLeft.countDown();
        answering.thenAccept(b -> b.closeAsync().whenComplete((v, x) -> {
          rec.agentDone();
          agentsLeft.countDown();
        }));
        return;
      }
      connected(rec, s.user(caller), t0);
      answering.handle((b, x) -> b).thenAccept(b -> nextCall(a, s.user(callee), holds, 0, rec,
          timer, () -> {
            agentsLeft.countDown();
            if (b != null) {
              b.closeAsync().whenComplete((v, y) -> {
                rec.agentDone();
                agentsLeft.countDown();
              });
            }
          }));
    });
  }

  private static void connected(LoadRecorder rec, String user, long t0) {
    long now = System.nanoTime();
    rec.agentConnected(Duration.ofNanos(now - t0));
    rec.step("connect", user, t0, now, "200", true, "connected (token, upgrade, hello)");
  }

  private static void connectFailed(LoadRecorder rec, String user, long t0, Throwable error) {
    String code = LoadFailures.describe(error);
    String reason = LoadFailures.reason(error);
    rec.agentFailed(reason);
    rec.step("connect", user, t0, System.nanoTime(), code, false, "never connected: " + reason);
    if (LoadFailures.status(error).isPresent()) {
      rec.refused(code); // the attempt that spent the budget
    }
  }

  private void nextCall(UserAgent ua, String to, long[] holds, int k, LoadRecorder rec,
      ScheduledExecutorService timer, Runnable agentFinished) {
    String user = ua.userId();
    if (k >= holds.length) {
      long tClose = System.nanoTime();
      ua.closeAsync().whenComplete((v, e) -> {
        rec.step("close", user, tClose, System.nanoTime(), e == null ? "200"
            : LoadFailures.describe(e), e == null, e == null ? "closed (calls ended, socket"
            + " closed, token revoked)" : "close failed: " + LoadFailures.agentFailure(e));
        rec.agentDone();
        agentFinished.run();
      });
      return;
    }
    pendingDials.incrementAndGet();
    long tDial = System.nanoTime();
    ua.dial(to).whenComplete((call, error) -> {
      pendingDials.decrementAndGet();
      long tActive = System.nanoTime();
      if (error != null) { // the tracker recorded the reason from callEnd
        String code = LoadFailures.describe(error);
        String msg = "call failed: " + LoadFailures.agentFailure(error);
        rec.step("call · setup", user, tDial, tActive, code, false, msg);
        rec.step("call", user, tDial, tActive, code, false, msg);
        if (LoadFailures.status(error).isPresent()) {
          rec.refused(code);
        }
        nextCall(ua, to, holds, k + 1, rec, timer, agentFinished);
        return;
      }
      rec.step("call · setup", user, tDial, tActive, "200", true, "dial to media connected");
      long[] tHangUp = new long[1];
      hangUpLater(call, holds[k], timer, tHangUp).thenRun(() -> {
        long tEnd = System.nanoTime();
        String reason = call.endReason().map(Enum::name).orElse(call.state().name());
        boolean ok = call.endReason().orElse(null) == dev.patchbay.EndReason.LOCAL_HANGUP;
        boolean early = tHangUp[0] == 0; // ended by the other side or the edge during the hold
        long held = early ? tEnd : tHangUp[0];
        rec.step("call · hold", user, tActive, held, early ? reason : "200", !early,
            early ? "ended during the hold: " + reason : "held " + holds[k] + " ms");
        if (!early) {
          rec.step("call · hang up", user, held, tEnd, ok ? "200" : reason, ok,
              "bye to released: " + reason);
        }
        rec.step("call", user, tDial, tEnd, ok ? "200" : reason, ok, "dial, hold "
            + holds[k] + " ms, hang up: " + reason);
        nextCall(ua, to, holds, k + 1, rec, timer, agentFinished);
      });
    });
  }

  /** Hangs {@code call} up after its hold; {@code hungUpAt[0]} is when (0: it ended before). */
  private static CompletableFuture<Void> hangUpLater(Call call, long holdMs,
      ScheduledExecutorService timer, long[] hungUpAt) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Runnable hangUp = () -> {
      if (!call.state().isTerminal()) {
        hungUpAt[0] = System.nanoTime();
      }
      call.hangUp().whenComplete((v, e) -> done.complete(null));
    };
    try {
      timer.schedule(hangUp, holdMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      hangUp.run();
    }
    return done;
  }
}
