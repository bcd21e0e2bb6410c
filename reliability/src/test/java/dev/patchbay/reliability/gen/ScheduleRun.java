package dev.patchbay.reliability.gen;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.Credentials;
import dev.patchbay.Diagnostics;
import dev.patchbay.EndReason;
import dev.patchbay.IncomingCall;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.PatchbayException;
import dev.patchbay.RetryPolicy;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.reliability.gen.Step.Kind;
import dev.patchbay.reliability.matrix.ChaosProxy;
import dev.patchbay.reliability.matrix.Secrets;
import dev.patchbay.testkit.FakeEdge;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs one {@link Schedule}: its own fake edge behind its own {@link ChaosProxy}, its own
 * Patchbay (signaling-only media), the steps at their offsets, a sampler comparing the calls the
 * edge holds with the calls the SDK holds, then a quiet phase, close, and the checks of
 * {@link Invariants}. Returns the {@link History} with its violations.
 */
final class ScheduleRun {
  /** How long the edge keeps a lost connection's calls for a resume. */
  static final Duration RESUME_WINDOW = Duration.ofSeconds(4);
  /** How long the edge may hold a call no SDK call holds, once its agent could have told it. */
  static final long GRACE_MS = 1500;
  static final RetryPolicy CONNECT_RETRY = RetryPolicy.builder().baseDelay(Duration.ofMillis(100))
      .maxDelay(Duration.ofMillis(800)).maxAttempts(6).deadline(Duration.ofSeconds(5)).build();
  static final RetryPolicy RECONNECT_RETRY = RetryPolicy.builder()
      .baseDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(800)).maxAttempts(8)
      .deadline(Duration.ofSeconds(8)).build();
  static final RetryPolicy INVITE_RETRY = RetryPolicy.builder().baseDelay(Duration.ofMillis(100))
      .maxDelay(Duration.ofMillis(400)).maxAttempts(3).deadline(Duration.ofSeconds(5)).build();
  /**
   * Upgrades one user may make in any one second: twice what the reconnect policy's base delay
   * allows back to back (1 s / 100 ms), which full jitter and a few separate faults stay under.
   */
  static final int UPGRADES_PER_SECOND_BOUND =
      (int) (2 * 1000 / RECONNECT_RETRY.baseDelay().toMillis());

  // Bounds of each operation, from the options below (deadlines plus the retry policies' own).
  static final long CONNECT_BOUND_MS = 12_000; // connect deadline 5 s + upgrade 2 s + hello 2 s
  static final long DIAL_BOUND_MS = 16_000; // 3 invites of 4 s + backoff, or ring 6 s + media 4 s
  static final long ACCEPT_BOUND_MS = 8_000; // media 4 s + a reconnect
  static final long END_BOUND_MS = 8_000; // hang-up / reject 2 s + a reconnect
  static final long CLOSE_BOUND_MS = 10_000; // hang-ups 2 s + close handshake 2 s + revocation

  private final Schedule schedule;
  private final History h = new History();
  private final Map<String, History.Agent> current = new ConcurrentHashMap<>();
  private final Map<String, Random> answerers = new ConcurrentHashMap<>();
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final Map<String, Long> unheldSince = new ConcurrentHashMap<>();
  private volatile boolean stormsOn = true;
  private FakeEdge edge;
  private ChaosProxy proxy;
  /**
   * Each EDGE_RESTART (wall clock, ms): {@code [0]} when it cut every connection, {@code [1]}
   * when new connections were let through again (MAX_VALUE until then).
   */
  private final List<long[]> restartsWallMs = new java.util.concurrent.CopyOnWriteArrayList<>();
  /**
   * A token whose request reached the edge from this long before a restart cut every
   * connection until the edge was back may have had its answer cut (a request already at the
   * edge is answered after the cut, into a reset connection; a busy edge may issue it seconds
   * later, after the network is back): the client never saw it and cannot revoke it
   * (at-least-once over a lossy network; OAuth has no idempotency key). Such tokens are counted,
   * not violations, but only as many as the edge issued answers no client received.
   */
  static final long ANSWER_IN_FLIGHT_MS = 2000;
  private Patchbay patchbay;
  private ScheduledExecutorService steps;

  private ScheduleRun(Schedule schedule) {
    this.schedule = schedule;
  }

  /** Runs {@code schedule} and checks it; never throws for an SDK misbehaviour. */
  static History run(Schedule schedule) {
    ScheduleRun r = new ScheduleRun(schedule);
    try {
      r.execute();
    } catch (Exception | AssertionError e) {
      r.h.violation("harness", "the run failed: " + e);
    } finally {
      r.teardown();
    }
    return r.h;
  }

  private void execute() throws Exception {
    Random r = new Random(schedule.seed ^ 0x9E3779B97F4A7C15L);
    FakeEdge.Builder eb = FakeEdge.builder().seed(schedule.seed).resumeWindow(RESUME_WINDOW)
        .incomingTimeout(Duration.ofSeconds(3)).noAnswerTimeout(Duration.ofMillis(1500))
        .slowAnswerDelay(Duration.ofMillis(400)).maxThreads(16).frameLogCapacity(1000)
        .secretListener(Secrets::register);
    for (String tenant : schedule.agents.values().stream().distinct().toList()) {
      boolean squeeze = schedule.has(Kind.SQUEEZE_MEDIA, tenant);
      boolean cap1 = schedule.has(Kind.SOCKET_CAP_1, tenant);
      eb.tenant(tenant, t -> {
        if (squeeze) {
          t.mediaCapacity(1).mediaQueueLimit(4).negotiationTimeout(Duration.ofMillis(300))
              .retryAfter(Duration.ofMillis(200));
        }
        if (cap1) {
          t.socketCap(1);
        }
      });
    }
    schedule.agents.forEach((user, tenant) -> {
      String secret = user + "-secret-" + Long.toHexString(r.nextLong());
      secrets.put(user, secret);
      Secrets.registerClient(user, secret);
      eb.user(tenant, user, secret);
      answerers.put(user, new Random(schedule.seed ^ user.hashCode()));
    });
    schedule.steps.stream().filter(s -> s.atMs() == 0 && s.agent() == null)
        .forEach(h::fault);
    edge = eb.start();
    proxy = new ChaosProxy(edge.uri());
    patchbay = Patchbay.builder().edge(proxy.uri()).mediaEngine(MediaEngines.signalingOnly())
        .eventListenerFactory(Listener::new).closeHandshakeTimeout(Duration.ofSeconds(1)).build();
    steps = Executors.newSingleThreadScheduledExecutor(t -> {
      Thread th = new Thread(t, "schedule-" + schedule.seed);
      th.setDaemon(true);
      return th;
    });
    long start = h.now();
    for (Step s : schedule.steps) {
      if (s.kind() == Kind.SQUEEZE_MEDIA || s.kind() == Kind.SOCKET_CAP_1) {
        continue;
      }
      steps.schedule(() -> apply(s), s.atMs(), TimeUnit.MILLISECONDS);
    }
    // the schedule runs; the sampler compares the edge's calls with the SDK's
    long end = start + schedule.lengthMs + 200;
    while (h.now() < end) {
      sample();
      Thread.sleep(100); // sampling period
    }
    // quiet phase: no more faults; every operation gets its outcome (or runs past its bound)
    stormsOn = false;
    steps.shutdown();
    steps.awaitTermination(5, TimeUnit.SECONDS);
    edge.faults().clear();
    proxy.down(false);
    h.note("faults cleared");
    long maxBound = h.ops.stream().mapToLong(o -> o.invokedAt + o.boundMs).max().orElse(0);
    waitFor(() -> {
      sample();
      return h.ops.stream().allMatch(History.Op::done) && agentsSettled();
    }, Math.max(2000, maxBound - h.now() + 200));
    // every agent closes; then nothing of them may be left at the edge
    for (History.Agent a : current.values()) {
      UserAgent ua = a.ua;
      if (ua != null && ua.state() != UserAgent.State.CLOSED) {
        a.closedByAppAt = h.now();
        History.Op op = h.begin(a.user, "close", "close (end)", CLOSE_BOUND_MS);
        ua.closeAsync().whenComplete((v, e) -> op.complete(e));
      }
    }
    waitFor(() -> {
      sample();
      return h.ops.stream().filter(o -> o.kind.equals("close")).allMatch(History.Op::done);
    }, CLOSE_BOUND_MS);
    long closedAt = h.now();
    boolean lostForGood = h.agents.stream().anyMatch(a -> a.last() == UserAgent.State.CLOSED
        && a.closedByAppAt < 0);
    // Closed by the app while RECONNECTING and never back at the edge before the hang-up bound
    // ended its calls (an edge restart with the token endpoint down, a tenant cap's only socket
    // held by another agent): no bye could reach the edge, which keeps such a call until its
    // resume window ends, as for an agent lost for good. That a closing agent that does get a
    // socket ends its calls there is CombinedFaultsTest.aCloseWhileReconnectingEndsTheCallsAtTheEdge.
    boolean closedWhileAway = h.agents.stream().anyMatch(a -> a.closedByAppAt >= 0
        && a.stateAt(a.closedByAppAt - 1) == UserAgent.State.RECONNECTING
        && edge.handshakes(a.user).stream()
            .noneMatch(t -> t.toEpochMilli() - h.t0Wall >= a.closedByAppAt));
    long edgeGrace = GRACE_MS + (lostForGood || closedWhileAway ? RESUME_WINDOW.toMillis() : 0);
    boolean edgeClean = waitFor(() -> {
      sample();
      return edge.openSockets() == 0 && edge.openCalls() == 0 && edge.heldMediaSlots() == 0
          && edge.queuedInvites() == 0;
    }, edgeGrace);
    if (!edgeClean) {
      StringBuilder why = new StringBuilder();
      java.util.Set<String> users = new java.util.TreeSet<>();
      for (EdgeProbe.EdgeCall c : EdgeProbe.openCalls(edge).values()) {
        List<History.CallRec> recs = h.callRecs(c.id());
        why.append("\n      SDK records of ").append(c.id()).append(": ").append(recs)
            .append(Invariants.context(h, edge, recs));
        users.add(c.caller());
        users.add(c.callee());
      }
      users.retainAll(schedule.agents.keySet());
      users.forEach(u -> why.append(Invariants.connectionTrace(h, edge, u)));
      h.violation("c-after-close", (h.now() - closedAt) + " ms after every agent closed"
          + (lostForGood || closedWhileAway ? " (one lost for good or closed while away)" : "")
          + " the edge"
          + " still holds: " + EdgeProbe.describe(edge).replace("\n", " | ") + why);
    }
    if (!waitFor(() -> unexcusedLiveTokens() == 0, 3000)) {
      h.violation("c-live-tokens", "after every agent closed the edge holds "
          + edge.liveTokens() + " live access token(s) (" + h.tokensCutByRestart
          + " issued just before a restart cut every connection; restarts cut/back at "
          + restartsWallMs.stream().map(w -> (w[0] - h.t0Wall) + "/" + (w[1] - h.t0Wall))
              .toList() + ", " + edge.counters().tokensIssued() + " issued, "
          + h.tokensReceived.get() + " received): "
          + schedule.agents.keySet().stream()
          .filter(u -> edge.liveTokens(u) > 0).map(u -> u + "=" + edge.liveTokenIssueTimes(u)
              .stream().map(t -> t.toEpochMilli() - h.t0Wall).toList() + " requested "
              + edge.liveTokenRequestTimes(u).stream().map(t -> t.toEpochMilli() - h.t0Wall)
                  .toList() + " (close "
              + h.ops.stream().filter(o -> o.agent.equals(u) && o.kind.equals("close"))
                  .map(Object::toString).toList() + ")").toList());
    }
    // the SDK closes: every operation must have its outcome, every count must be zero
    patchbay.close();
    if (!waitFor(() -> h.ops.stream().allMatch(History.Op::done), 5000)) {
      h.ops.stream().filter(o -> !o.done()).forEach(o ->
          h.violation("a-lost", o + " even after Patchbay.close()"));
    }
    Diagnostics[] d = new Diagnostics[1];
    if (!waitFor(() -> {
      d[0] = patchbay.diagnostics();
      return d[0].isIdle() && d[0].sdkThreads() == 0;
    }, 5000)) {
      h.violation("f-sdk-not-zero", "after Patchbay.close(): " + d[0]);
    }
    Invariants.check(h, schedule, edge);
  }

  private boolean agentsSettled() {
    return current.values().stream().allMatch(a -> a.ua == null
        ? a.connectDone : a.last() == UserAgent.State.CONNECTED
            || a.last() == UserAgent.State.CLOSED);
  }

  private static boolean waitFor(BooleanSupplier ok, long ms) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      try {
        Thread.sleep(50); // polling with a deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * Live tokens after close, less those whose answer a restart cut (noted): a live token is
   * excused only when its request reached the edge while a restart could cut the answer (from
   * {@link #ANSWER_IN_FLIGHT_MS} before the cut until the edge was back: the arrival, not the
   * issue time, since a busy edge answers a cut request late) and only as many as
   * the edge issued answers no agent received ({@code tokensIssued} less the agents' received
   * token answers); every other live token is a violation.
   */
  private int unexcusedLiveTokens() {
    int live = 0;
    int inRestart = 0;
    for (String user : schedule.agents.keySet()) {
      for (java.time.Instant requested : edge.liveTokenRequestTimes(user)) {
        live++;
        long at = requested.toEpochMilli();
        if (restartsWallMs.stream().anyMatch(r -> at >= r[0] - ANSWER_IN_FLIGHT_MS
            && at <= r[1])) {
          inRestart++;
        }
      }
    }
    long unanswered = Math.max(0, edge.counters().tokensIssued() - h.tokensReceived.get());
    int excused = (int) Math.min(inRestart, unanswered);
    h.tokensCutByRestart = excused;
    return live - excused;
  }

  // ---- the sampled invariant: no call at the edge that no SDK call holds ------------------

  private void sample() {
    long now = h.now();
    Map<String, EdgeProbe.EdgeCall> open = EdgeProbe.openCalls(edge);
    unheldSince.keySet().retainAll(open.keySet());
    for (EdgeProbe.EdgeCall c : open.values()) {
      List<History.CallRec> recs = h.callRecs(c.id());
      if (recs.stream().anyMatch(x -> x.endAt < 0)) {
        unheldSince.remove(c.id());
        continue;
      }
      // nobody holds it since the last SDK record ended; the owners get the grace from the
      // moment they are connected again (while they are away they cannot tell the edge)
      long since = unheldSince.computeIfAbsent(c.id(), k -> now);
      long from = since;
      boolean couldTell = recs.isEmpty();
      for (History.CallRec x : recs) {
        History.Agent a = h.agentAt(x.user, x.endAt);
        long back = a == null ? -1 : a.connectedStablyFrom(Math.max(x.endAt, 0), 300, now);
        if (back >= 0 && (a.closedByAppAt < 0 || back < a.closedByAppAt)) {
          couldTell = true;
          from = Math.max(from, back);
        }
      }
      long allowed = couldTell ? GRACE_MS : RESUME_WINDOW.toMillis() + GRACE_MS;
      if (now - from > allowed && unheldSince.get(c.id()) != Long.MIN_VALUE) {
        unheldSince.put(c.id(), Long.MIN_VALUE); // report once
        h.violation("c-ghost-call", "the edge holds " + c + " for " + (now - since)
            + " ms while no SDK call holds it; SDK records: " + recs + Invariants.context(h, edge,
                recs));
      }
    }
  }

  // ---- steps ------------------------------------------------------------------------------

  private void apply(Step s) {
    try {
      if (s.kind().fault) {
        h.fault(s);
      }
      switch (s.kind()) {
        case CONNECT -> connect(s.agent());
        case DIAL -> dial(s.agent(), s.target());
        case HANGUP -> hangUp(s.agent(), s.param());
        case CLOSE -> close(s.agent());
        case DROP -> proxy.resetUser(s.agent());
        case CLOSE_1011 -> edge.faults().closeWith(s.agent(), 1011);
        case CLOSING -> edge.faults().sendClosing(s.agent(), s.param());
        case DROP_AFTER_FRAMES -> edge.faults().dropAfterFrames(s.agent(), s.param());
        case REFUSE_429 -> edge.faults().refuseUpgrades(429, Duration.ofSeconds(1), s.param());
        case REFUSE_503 -> edge.faults().refuseUpgrades(503, Duration.ofSeconds(1), s.param());
        case STALL_FRAMES -> {
          long from = h.now();
          edge.faults().stallFrames(s.agent());
          steps.schedule(() -> {
            edge.faults().releaseFrames(s.agent());
            h.stalls.add(new History.Stall(s.agent(), from, h.now()));
          }, s.param(), TimeUnit.MILLISECONDS);
        }
        case EXPIRE_TOKENS -> edge.faults().expireTokens(s.agent());
        case EDGE_RESTART -> {
          proxy.down(true);
          long[] restart = {System.currentTimeMillis(), Long.MAX_VALUE};
          restartsWallMs.add(restart);
          proxy.resetAll();
          steps.schedule(() -> {
            proxy.down(false);
            restart[1] = System.currentTimeMillis();
          }, s.param(), TimeUnit.MILLISECONDS);
        }
        case CLOSING_STORM -> storm(s.agent(), h.now() + s.param());
        default -> { }
      }
    } catch (RuntimeException e) {
      h.note(s + " could not be applied: " + e);
    }
  }

  /** A {@code closing} notice a few ms after every hello of the user, until {@code untilMs}. */
  private void storm(String user, long untilMs) {
    if (!stormsOn || h.now() >= untilMs) {
      return;
    }
    edge.faults().sendClosing(user, 300); // only sockets not yet draining get one
    steps.schedule(() -> storm(user, untilMs), 5, TimeUnit.MILLISECONDS);
  }

  private UserAgentOptions options(String user) {
    return UserAgentOptions.builder(schedule.agents.get(user)).userId(user)
        .connectRetry(CONNECT_RETRY).reconnectRetry(RECONNECT_RETRY).inviteRetry(INVITE_RETRY)
        .upgradeTimeout(Duration.ofSeconds(2)).helloTimeout(Duration.ofSeconds(2))
        .inviteTimeout(Duration.ofSeconds(4)).ringTimeout(Duration.ofSeconds(6))
        .mediaTimeout(Duration.ofSeconds(4)).hangupTimeout(Duration.ofSeconds(2))
        .closeTimeout(Duration.ofSeconds(2)).build();
  }

  private void connect(String user) {
    History.Agent prev = current.get(user);
    if (prev != null && (prev.ua == null ? !prev.connectDone
        : prev.ua.state() != UserAgent.State.CLOSED)) {
      return; // still connecting or connected: nothing to do
    }
    int n = prev == null ? 1 : prev.incarnation + 1;
    History.Agent a = h.new Agent(user, schedule.agents.get(user), n);
    h.agents.add(a);
    current.put(user, a);
    History.Op op = h.begin(user, "connect", "connect #" + n, CONNECT_BOUND_MS);
    CompletableFuture<UserAgent> f = patchbay.connect(
        Credentials.clientCredentials(user, secrets.get(user)), options(user));
    f.whenComplete((ua, e) -> {
      op.complete(e);
      if (ua != null) {
        a.state(ua.state());
        ua.onStateChange(a::state);
        ua.onIncomingCall(ic -> incoming(user, ic));
        a.ua = ua;
      }
      a.connectDone = true;
    });
  }

  private UserAgent live(String user) {
    History.Agent a = current.get(user);
    UserAgent ua = a == null ? null : a.ua;
    if (ua == null || a.closedByAppAt >= 0) {
      return null;
    }
    return ua;
  }

  private void dial(String user, String to) {
    UserAgent ua = live(user);
    if (ua == null) {
      return;
    }
    History.Op op = h.begin(user, "dial", "dial " + to, DIAL_BOUND_MS);
    try {
      ua.dial(to).whenComplete((c, e) -> op.complete(e));
    } catch (RuntimeException e) {
      op.complete(e);
    }
  }

  private void hangUp(String user, int index) {
    UserAgent ua = live(user);
    List<Call> calls = ua == null ? List.of() : ua.calls();
    if (calls.isEmpty()) {
      return;
    }
    Call c = calls.get(index % calls.size());
    History.Op op = h.begin(user, "hangup", "hang up " + c.id(), END_BOUND_MS);
    c.hangUp().whenComplete((v, e) -> op.complete(e));
  }

  private void close(String user) {
    History.Agent a = current.get(user);
    UserAgent ua = live(user);
    if (ua == null) {
      return;
    }
    a.closedByAppAt = h.now();
    History.Op op = h.begin(user, "close", "close", CLOSE_BOUND_MS);
    ua.closeAsync().whenComplete((v, e) -> op.complete(e));
  }

  private void incoming(String user, IncomingCall ic) {
    Random r = answerers.get(user);
    int dice;
    long delay;
    synchronized (r) {
      dice = r.nextInt(100);
      delay = 50 + r.nextInt(650);
    }
    ScheduledExecutorService ex = steps;
    Runnable act;
    if (dice < 65) {
      act = () -> {
        History.Op op = h.begin(user, "accept", "accept " + ic.id(), ACCEPT_BOUND_MS);
        ic.accept().whenComplete((c, e) -> op.complete(e));
      };
    } else if (dice < 85) {
      act = () -> {
        History.Op op = h.begin(user, "reject", "reject " + ic.id(), END_BOUND_MS);
        ic.reject().whenComplete((v, e) -> op.complete(e));
      };
    } else {
      return; // let it ring
    }
    try {
      ex.schedule(act, delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException quiet) {
      act.run(); // the schedule is over: answer now
    }
  }

  private void teardown() {
    stormsOn = false;
    if (steps != null) {
      steps.shutdownNow();
    }
    if (patchbay != null) {
      try {
        patchbay.close();
      } catch (RuntimeException e) {
        h.violation("f-close-threw", "Patchbay.close() threw " + e);
      }
    }
    if (proxy != null) {
      proxy.close();
    }
    if (edge != null) {
      edge.close();
    }
  }

  /** Records calls and connect failures of one agent as the SDK reports them. */
  private final class Listener extends PatchbayEventListener {
    private final UserAgent ua;

    Listener(UserAgent ua) {
      this.ua = ua;
    }

    @Override
    public void tokenRequestEnd(UserAgent agent, Duration took) {
      h.tokensReceived.incrementAndGet();
      h.sdkEvent(agent.userId(), "token");
    }

    @Override
    public void connectStart(UserAgent agent, boolean reconnect) {
      h.sdkEvent(agent.userId(), reconnect ? "reconnect" : "connect");
    }

    @Override
    public void socketUpgraded(UserAgent agent) {
      h.sdkEvent(agent.userId(), "upgraded");
    }

    @Override
    public void tokenRequestStart(UserAgent agent, boolean refresh) {
      h.sdkEvent(agent.userId(), refresh ? "token-refresh?" : "token?");
    }

    @Override
    public void tokenRequestFailed(UserAgent agent, PatchbayException cause, Duration took) {
      h.sdkEvent(agent.userId(), "token-failed(" + cause.getClass().getSimpleName() + ")");
    }

    @Override
    public void retryScheduled(UserAgent agent, RetryKind kind, int status, int retry,
        Duration delay, Call call, PatchbayException cause) {
      h.sdkEvent(agent.userId(), "retry(" + kind + " " + status + " #" + retry + " in "
          + delay.toMillis() + "ms)");
    }

    @Override
    public void admissionQueued(UserAgent agent, AdmissionKind kind) {
      h.sdkEvent(agent.userId(), "wait(" + kind + ")");
    }

    @Override
    public void admissionAdmitted(UserAgent agent, AdmissionKind kind, Duration waited) {
      h.sdkEvent(agent.userId(), "admitted(" + kind + " " + waited.toMillis() + "ms)");
    }

    @Override
    public void connectFailed(UserAgent agent, PatchbayException cause) {
      String userId = agent.userId();
      h.connectFailures.put(userId, cause.getClass().getSimpleName() + ": " + cause.getMessage());
      h.note(userId + " connect failed for good: " + cause);
    }

    @Override
    public void callStart(Call call) {
      String userId = ua.userId();
      String callId = call.id();
      Call.Direction dir = call.direction();
      h.calls.putIfAbsent(userId + "/" + callId,
          new History.CallRec(userId, callId, dir == Call.Direction.OUTBOUND, h.now()));
    }

    @Override
    public void callActive(Call call, Duration setup) {
      History.CallRec c = h.call(ua.userId(), call.id());
      if (c != null) {
        c.activeAt = h.now();
      }
    }

    @Override
    public void callEnd(Call call, CallState state, EndReason reason, Duration took) {
      String userId = ua.userId();
      String callId = call.id();
      History.CallRec c = h.call(userId, callId);
      if (c == null) {
        h.violation("a-call-end-unstarted", userId + " ended call " + callId
            + " it never started");
        return;
      }
      if (c.ends.incrementAndGet() > 1) {
        h.violation("a-call-ended-twice", c + " ended again: " + state + "/" + reason);
        return;
      }
      c.endState = state;
      c.endReason = reason;
      c.endAt = h.now();
    }
  }
}
