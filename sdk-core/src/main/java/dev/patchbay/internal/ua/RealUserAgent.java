package dev.patchbay.internal.ua;

import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.Call;
import dev.patchbay.ClosedException;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.EndReason;
import dev.patchbay.IceServer;
import dev.patchbay.IncomingCall;
import dev.patchbay.MediaSession;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.internal.admission.Permit;
import dev.patchbay.internal.admission.TenantAdmission;
import dev.patchbay.internal.auth.TokenManager;
import dev.patchbay.internal.call.CallHost;
import dev.patchbay.internal.call.RealCall;
import dev.patchbay.internal.concurrent.AppFuture;
import dev.patchbay.internal.concurrent.SerialExecutor;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.retry.Backoff;
import dev.patchbay.internal.retry.Retrier;
import dev.patchbay.internal.signaling.SignalingSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One user agent. Every state change runs on its own serial executor (the actor); OkHttp,
 * media-engine and timer threads only enqueue. App callbacks go through a second serial
 * executor over the app's executor, so they arrive in order and never on an SDK thread.
 */
public final class RealUserAgent implements UserAgent, CallHost {
  private static final Logger LOG = LoggerFactory.getLogger(RealUserAgent.class);

  private final SdkRuntime rt;
  private final TokenManager tokens;
  private final UserAgentOptions options;
  private final TenantAdmission admission;
  private final SerialExecutor serial;
  private final Executor actor;
  private final SerialExecutor appCallbacks;
  private final Backoff inviteBackoff;
  private final Retrier connectRetrier;
  private final Retrier reconnectRetrier;
  private final String tenant;
  private final List<Consumer<State>> stateListeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<UserAgent> firstConnect;
  private final CompletableFuture<Void> closedInternal = new CompletableFuture<>();
  private final CompletableFuture<Void> closedApp;

  private volatile String userId;
  private volatile State state = State.CONNECTING;
  private volatile String connectionId;
  private volatile Consumer<IncomingCall> incomingHandler;
  private volatile List<IceServer> edgeIceServers = List.of();

  // actor-confined
  private final Map<String, RealCall> calls = new LinkedHashMap<>();
  private final Set<Connection> connections = new HashSet<>();
  private Connection current;
  private String resumeFrom;
  private CompletableFuture<Connection> connecting;
  private CompletableFuture<Void> connectedSignal = new CompletableFuture<>();
  private Future<?> reauthTimer;
  private Future<?> resumeTimer;
  /** The calls named in the outstanding {@code resume}; calls dialled later are not in it. */
  private Set<String> resumeRequested = Set.of();
  private AccessToken token;
  private long connectStartNanos;
  private boolean closing;
  private PatchbayException closeCause;
  /** The last socket died without a close from the edge: the edge may still bind its token. */
  private boolean freshTokenForReconnect;

  public RealUserAgent(SdkRuntime rt, TokenManager tokens, UserAgentOptions options) {
    this.rt = rt;
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.options = Objects.requireNonNull(options, "options");
    this.tenant = options.tenant();
    this.userId = options.userId();
    this.admission = rt.admission.tenant(tenant);
    this.serial = new SerialExecutor(rt.workers, "agent " + tenant + "/" + userId);
    this.actor = this::execute;
    this.appCallbacks = new SerialExecutor(rt.callbacks, "callbacks " + tenant + "/" + userId);
    this.firstConnect = new AppFuture<>(rt.callbacks);
    this.closedApp = new AppFuture<>(rt.callbacks);
    this.inviteBackoff = new Backoff(options.inviteRetry(), rt.random);
    Retrier.Listener retries = (what, retry, delay, cause) -> {
      LOG.info("{} failed ({}); retry {} in {} ms", what, cause.getMessage(), retry,
          delay.toMillis());
      rt.events.retryScheduled(tenant, userId, what, retry, delay, cause);
    };
    this.connectRetrier = new Retrier(new Backoff(options.connectRetry(), rt.random),
        rt.scheduler, retries);
    this.reconnectRetrier = new Retrier(new Backoff(options.reconnectRetry(), rt.random),
        rt.scheduler, retries);
  }

  /** Starts the first connection; completes when {@code hello} arrived, on the app executor. */
  public CompletableFuture<UserAgent> start() {
    rt.agents.put(this, Boolean.TRUE);
    tokens.addListener(new TokenManager.Listener() {
      @Override
      public void onTokenRefreshed(AccessToken t) {
        execute(() -> reauth(t));
      }

      @Override
      public void onReauthenticationRequired(AuthenticationException cause) {
        LOG.warn("the user must authenticate again: {}", cause.getMessage());
      }
    });
    firstConnect.whenComplete((ua, e) -> {
      if (e instanceof CancellationException) { // the app gave up waiting: release everything
        execute(() -> beginClose(null));
      }
    });
    execute(() -> connect(false));
    return firstConnect;
  }

  // ------------------------------------------------------------------ public API

  @Override
  public String tenant() {
    return tenant;
  }

  @Override
  public String userId() {
    return userId;
  }

  @Override
  public State state() {
    return state;
  }

  @Override
  public Optional<String> connectionId() {
    return Optional.ofNullable(connectionId);
  }

  @Override
  public CompletableFuture<Call> dial(String to) {
    Objects.requireNonNull(to, "to must not be null");
    if (to.isBlank() || to.length() > 256) {
      throw new IllegalArgumentException("to must be 1-256 characters, but was \"" + to + '"');
    }
    CompletableFuture<Call> result = new AppFuture<>(rt.callbacks);
    String callId = UUID.randomUUID().toString();
    execute(() -> {
      if (closing) {
        result.completeExceptionally(new ClosedException("user agent is closed"));
        return;
      }
      RealCall c = RealCall.outbound(this, callId, to);
      calls.put(callId, c);
      rt.liveCalls.incrementAndGet();
      c.dial(result);
      result.whenComplete((v, e) -> {
        if (e instanceof CancellationException) {
          c.hangUp();
        }
      });
    });
    return result;
  }

  @Override
  public void onIncomingCall(Consumer<IncomingCall> handler) {
    this.incomingHandler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  public void onStateChange(Consumer<State> listener) {
    stateListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public List<Call> calls() {
    CompletableFuture<List<Call>> f = new CompletableFuture<>();
    execute(() -> f.complete(List.copyOf(calls.values())));
    if (serial.inExecutor()) {
      return List.of(); // cannot wait on ourselves; never happens from app threads
    }
    try {
      return f.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } catch (ExecutionException | TimeoutException e) {
      return List.of();
    }
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    execute(() -> beginClose(null));
    return closedApp;
  }

  @Override
  public void close() {
    execute(() -> beginClose(null));
    Duration bound = options.hangupTimeout().plus(options.closeTimeout().multipliedBy(3))
        .plusSeconds(2);
    try {
      closedInternal.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("user agent did not finish closing within {}", bound);
    }
  }

  /** Completes on an SDK thread once everything of this agent is released. */
  public CompletableFuture<Void> closedInternal() {
    return closedInternal;
  }

  @Override
  public String toString() {
    return "UserAgent{" + tenant + "/" + userId + ", " + state + ", connection=" + connectionId
        + '}';
  }

  // ------------------------------------------------------------------ CallHost

  @Override
  public UserAgentOptions options() {
    return options;
  }

  @Override
  public Executor actor() {
    return actor;
  }

  @Override
  public boolean send(Frame frame) {
    Connection c = current;
    return c != null && c.socket.send(frame);
  }

  @Override
  public CompletableFuture<Void> whenConnected() {
    return connectedSignal;
  }

  @Override
  public CompletableFuture<Permit> acquireNegotiation() {
    CompletableFuture<Permit> f = admission.negotiations().acquire();
    if (!f.isDone()) {
      rt.events.admissionQueued(tenant, "negotiation");
    }
    return f;
  }

  @Override
  public MediaSession createMedia(String callId, MediaSession.Listener listener) {
    return rt.media.createSession(callId, options.icePolicy().withLeadingServers(edgeIceServers),
        listener);
  }

  /** A deadline (call phase, upgrade, hello, close): cheap to arm and cancel, ≤ 50 ms late. */
  @Override
  public Future<?> schedule(Duration delay, Runnable task) {
    try {
      return rt.deadlines.schedule(delay, () -> execute(task));
    } catch (RuntimeException rejected) { // SDK closing: run now so release paths complete
      execute(task);
      return CompletableFuture.completedFuture(null);
    }
  }

  /** A precise timer on the scheduler (token refresh ahead of expiry). */
  private Future<?> scheduleExact(Duration delay, Runnable task) {
    try {
      return rt.scheduler.schedule(() -> execute(task), Math.max(0, delay.toNanos()),
          TimeUnit.NANOSECONDS);
    } catch (RuntimeException rejected) {
      return CompletableFuture.completedFuture(null);
    }
  }

  @Override
  public void toApp(Runnable callback) {
    appCallbacks.execute(() -> {
      try {
        callback.run();
      } catch (Throwable t) {
        LOG.warn("an application callback threw; ignored", t);
      }
    });
  }

  @Override
  public Executor callbackExecutor() {
    return rt.callbacks;
  }

  @Override
  public Backoff inviteBackoff() {
    return inviteBackoff;
  }

  @Override
  public Events events() {
    return rt.events;
  }

  @Override
  public void released(RealCall call) {
    if (calls.remove(call.id()) == call) {
      rt.liveCalls.decrementAndGet();
    }
  }

  // ------------------------------------------------------------------ actor: connecting

  private void execute(Runnable task) {
    serial.execute(() -> {
      MDC.put("tenant", tenant);
      if (userId != null) {
        MDC.put("user", userId);
      }
      if (connectionId != null) {
        MDC.put("connectionId", connectionId);
      }
      try {
        task.run();
      } finally {
        MDC.remove("tenant");
        MDC.remove("user");
        MDC.remove("connectionId");
      }
    });
  }

  private void connect(boolean reconnect) {
    if (closing) {
      return;
    }
    connectStartNanos = System.nanoTime();
    rt.events.connectStart(tenant, userId, reconnect);
    Retrier retrier = reconnect ? reconnectRetrier : connectRetrier;
    CompletableFuture<Connection> attempt =
        retrier.execute(reconnect ? "reconnect" : "connect", () -> attempt(false, reconnect));
    connecting = attempt;
    attempt.whenCompleteAsync((c, e) -> onAttemptDone(attempt, c, e), actor);
  }

  private void onAttemptDone(CompletableFuture<Connection> attempt, Connection c, Throwable e) {
    if (connecting == attempt) {
      connecting = null;
    }
    if (e == null) {
      onConnected(c);
      return;
    }
    if (closing) {
      return;
    }
    Throwable failure = Retrier.unwrap(e);
    PatchbayException cause = asPatchbay(failure instanceof TokenUnavailable t
        ? t.getCause() : failure);
    rt.events.connectFailed(tenant, userId, cause);
    if (current != null) { // a make-before-break attempt failed; the old socket still serves
      LOG.warn("could not open a replacement socket: {}", cause.getMessage());
      return;
    }
    LOG.warn("connecting failed for good: {}", cause.getMessage());
    beginClose(cause);
  }

  /**
   * One attempt: token → socket permit → upgrade → hello. A 401 forces one token refresh and a
   * second upgrade inside the same attempt; another 401 fails with the typed error.
   */
  private CompletableFuture<Connection> attempt(boolean overdraft, boolean reconnect) {
    CompletableFuture<Connection> result = new CompletableFuture<>();
    CompletableFuture<AccessToken> next;
    if (freshTokenForReconnect && token != null) {
      // the edge may not have noticed yet that the old socket died: presenting its token again
      // would be "one token on two live connections" (409, a counted violation)
      freshTokenForReconnect = false;
      next = tokens.invalidate(token);
    } else {
      next = tokens.token();
    }
    next.whenCompleteAsync((tok, err) -> {
      if (err != null) {
        Throwable cause = Retrier.unwrap(err);
        // the token endpoint refused (429/503...) and the token manager already retried that
        // with its own budget: retrying again here would multiply the token requests (attempts
        // x attempts) in a 429 storm. A network failure stays retryable: the edge may be down.
        boolean refusedByServer = cause instanceof PatchbayException p && p.status().isPresent();
        result.completeExceptionally(refusedByServer ? new TokenUnavailable(cause) : cause);
      } else {
        openWith(tok, overdraft, reconnect, false, result);
      }
    }, actor);
    return result;
  }

  /**
   * @param reconnect on a reconnect a 409 most likely means the edge has not yet noticed our
   *     own lost socket: the token is refreshed once (protocol: "do not retry with that token")
   *     instead of failing; on a first connect a 409 is a shared-token bug and fails at once
   */
  private void openWith(AccessToken tok, boolean overdraft, boolean reconnect, boolean refreshed,
      CompletableFuture<Connection> result) {
    if (result.isDone() || closing) {
      result.completeExceptionally(new ClosedException("user agent is closing"));
      return;
    }
    CompletableFuture<Permit> permitFuture = overdraft
        ? CompletableFuture.completedFuture(admission.sockets().acquireOverdraft())
        : admission.sockets().acquire();
    if (!permitFuture.isDone()) {
      rt.events.admissionQueued(tenant, "socket");
    }
    result.whenComplete((c, e) -> {
      if (e != null) {
        permitFuture.cancel(false); // a queued waiter leaves the queue
      }
    });
    permitFuture.whenCompleteAsync((permit, err) -> {
      if (err != null) {
        result.completeExceptionally(Retrier.unwrap(err));
        return;
      }
      if (result.isDone() || closing) {
        permit.release();
        result.completeExceptionally(new ClosedException("user agent is closing"));
        return;
      }
      Connection c = new Connection(this, permit, tok);
      try {
        c.socket = SignalingSocket.open("ws-" + tenant + "/" + userId,
            rt.clientForNextSocket(), rt.signalingUrl, tok, options.userId(), actor, c, rt.codec,
            rt.openSockets, rt.clock);
      } catch (RuntimeException e) {
        permit.release();
        result.completeExceptionally(new ClosedException("the SDK is closing"));
        return;
      }
      connections.add(c);
      c.startUpgradeDeadline();
      result.whenComplete((v, e) -> {
        if (e != null && !c.ready.isDone()) {
          execute(c.socket::cancel);
        }
      });
      c.ready.whenCompleteAsync((ready, e2) -> {
        if (e2 == null) {
          if (!result.complete(ready)) {
            ready.socket.close(1000, "abandoned");
          }
          return;
        }
        c.socket.cancel();
        Throwable cause = Retrier.unwrap(e2);
        if (reconnect && !refreshed && cause instanceof EdgeRejectedException er
            && er.status().orElse(0) == 409) {
          LOG.info("token still bound to the lost connection (409); refreshing it once");
          tokens.invalidate(tok).whenCompleteAsync((fresh, e3) -> {
            if (e3 != null) {
              result.completeExceptionally(Retrier.unwrap(e3));
            } else {
              openWith(fresh, overdraft, reconnect, true, result);
            }
          }, actor);
          return;
        }
        if (cause instanceof AuthenticationException ae && ae.status().orElse(0) == 401) {
          if (refreshed) {
            result.completeExceptionally(new AuthenticationException("the edge refused the "
                + "access token twice (401), also right after a forced refresh", "invalid_token",
                ae, false, 401, null));
            return;
          }
          LOG.info("edge refused the token (401); forcing one refresh");
          tokens.invalidate(tok).whenCompleteAsync((fresh, e3) -> {
            if (e3 != null) {
              result.completeExceptionally(Retrier.unwrap(e3));
            } else {
              openWith(fresh, overdraft, reconnect, true, result);
            }
          }, actor);
          return;
        }
        result.completeExceptionally(cause);
      }, actor);
    }, actor);
  }

  private void onConnected(Connection c) {
    if (closing) {
      c.socket.close(1000, "closed");
      return;
    }
    Connection previous = current;
    current = c;
    token = c.token;
    Frames.Hello h = c.hello;
    connectionId = h.connectionId();
    if (userId == null && h.userId() != null) {
      userId = h.userId();
    }
    rt.learnHeartbeat(h.heartbeatMs());
    if (h.limits() != null) {
      admission.advertised(h.limits().tenantSockets(), h.limits().tenantNegotiations());
    }
    edgeIceServers = iceServers(h.iceServers());
    LOG.info("connected (connection {}, heartbeat {} ms)", connectionId, h.heartbeatMs());
    rt.events.connectEnd(tenant, userId, connectionId,
        Duration.ofNanos(System.nanoTime() - connectStartNanos));
    setState(State.CONNECTED);
    scheduleReauth();
    boolean resumeSent = false;
    List<String> live = liveCallIds();
    if (resumeFrom != null && !live.isEmpty()) {
      resumeSent = c.socket.send(new Frames.Resume(resumeFrom, live));
      LOG.info("resuming {} call(s) of connection {}", live.size(), resumeFrom);
      resumeRequested = Set.copyOf(live);
      cancel(resumeTimer);
      resumeTimer = schedule(options.helloTimeout(), () -> {
        LOG.warn("no resumed within {}; ending the calls", options.helloTimeout());
        resumeTimer = null;
        for (RealCall call : new ArrayList<>(calls.values())) {
          if (resumeRequested.contains(call.id())) {
            call.notResumed();
          }
        }
        resumeRequested = Set.of();
        closeDraining();
      });
    }
    resumeFrom = null;
    if (!resumeSent) {
      closeDraining();
    }
    if (previous != null && previous != c && !previous.draining) {
      previous.socket.close(1000, "replaced");
    }
    connectedSignal.complete(null);
    firstConnect.complete(this); // wakes a blocked app thread; dependents run on the app executor
  }

  private List<String> liveCallIds() {
    List<String> ids = new ArrayList<>();
    for (RealCall call : calls.values()) {
      if (call.isLive()) {
        ids.add(call.id());
      }
    }
    return ids;
  }

  private static List<IceServer> iceServers(List<Frames.IceServer> advertised) {
    List<IceServer> out = new ArrayList<>();
    for (Frames.IceServer s : advertised) {
      try {
        out.add(new IceServer(s.urls(), s.username(), s.credential()));
      } catch (IllegalArgumentException e) {
        LOG.warn("ignoring an ICE server the edge advertised: {}", e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  // ------------------------------------------------------------------ actor: frames

  void onFrame(Connection c, Frame frame) {
    if (closing && !(frame.callIdOrNull() != null)) {
      return;
    }
    if (frame instanceof Frames.Closing closingFrame) {
      if (c == current) {
        makeBeforeBreak(c, closingFrame);
      }
    } else if (frame instanceof Frames.Resumed r) {
      onResumed(r);
    } else if (frame instanceof Frames.Incoming in) {
      onIncoming(in);
    } else if (frame instanceof Frames.Hello) {
      LOG.debug("ignoring a second hello");
    } else if (frame.callIdOrNull() != null) {
      RealCall call = calls.get(frame.callIdOrNull());
      if (call != null) {
        call.onFrame(frame);
      } else {
        LOG.debug("ignoring {} for unknown call {}", frame.type(), frame.callIdOrNull());
      }
    } else if (frame instanceof Frames.Error err) {
      LOG.warn("edge reported connection error {}: {}", err.status(),
          err.message() == null ? "" : err.message().replaceAll("\\p{Cntrl}", "?"));
    } else {
      LOG.debug("ignoring unexpected {} frame", frame.type());
    }
  }

  private void onIncoming(Frames.Incoming in) {
    if (closing) {
      send(new Frames.Reject(in.callId(), 480, "closing"));
      return;
    }
    if (calls.containsKey(in.callId())) {
      LOG.debug("ignoring a duplicate incoming {}", in.callId());
      return;
    }
    RealCall call = RealCall.inbound(this, in);
    calls.put(call.id(), call);
    rt.liveCalls.incrementAndGet();
    call.offered(incomingHandler);
  }

  private void onResumed(Frames.Resumed r) {
    cancel(resumeTimer);
    resumeTimer = null;
    Set<String> kept = new HashSet<>(r.resumed());
    Set<String> asked = resumeRequested;
    resumeRequested = Set.of();
    for (RealCall call : new ArrayList<>(calls.values())) {
      // only calls named in the resume: a call dialled on the new socket meanwhile is fine
      if (asked.contains(call.id()) && !kept.contains(call.id()) && call.isLive()) {
        LOG.info("call {} was not resumed", call.id());
        call.notResumed();
      }
    }
    closeDraining();
  }

  private void makeBeforeBreak(Connection old, Frames.Closing notice) {
    LOG.info("edge announced closing (reconnect within {} ms); opening a new socket first",
        notice.reconnectWithinMs());
    if (connecting != null) {
      return;
    }
    old.draining = true;
    resumeFrom = connectionId;
    connectStartNanos = System.nanoTime();
    rt.events.connectStart(tenant, userId, true);
    CompletableFuture<Connection> attempt =
        reconnectRetrier.execute("reconnect", () -> attempt(true, true));
    connecting = attempt;
    attempt.whenCompleteAsync((c, e) -> onAttemptDone(attempt, c, e), actor);
    long within = notice.reconnectWithinMs();
    schedule(Duration.ofMillis(Math.max(within, 1)), () -> {
      if (old.draining && connections.contains(old) && current != old) {
        old.socket.close(1000, "replaced");
      }
    });
  }

  private void closeDraining() {
    for (Connection c : new ArrayList<>(connections)) {
      if (c != current && c.draining) {
        c.socket.close(1000, "replaced");
      }
    }
  }

  void onServerClose(Connection c, int code, String reason) {
    LOG.info("edge closed the socket: {} {}", code, reason);
    if (code == 4003 || code == 4090) {
      if (c == current) {
        c.lost = true;
        current = null;
        beginClose(new EdgeRejectedException("the edge closed the connection with " + code
            + (code == 4003 ? " (token bound elsewhere)" : " (replaced by another connection)"),
            code, false, null, null));
      }
      return;
    }
    onConnectionLost(c, new PatchbayException("the edge closed the connection (" + code + ")",
        null, true, 0, null), false);
  }

  void onConnectionLost(Connection c, PatchbayException cause) {
    onConnectionLost(c, cause, true);
  }

  private void onConnectionLost(Connection c, PatchbayException cause, boolean unclean) {
    if (c.lost) {
      return;
    }
    c.lost = true;
    if (closing || c != current) {
      return;
    }
    LOG.warn("signaling lost: {}", cause.getMessage());
    current = null;
    resumeFrom = connectionId;
    connectionId = null;
    if (connectedSignal.isDone()) {
      connectedSignal = new CompletableFuture<>();
    }
    cancel(reauthTimer);
    reauthTimer = null;
    freshTokenForReconnect = unclean;
    if (unclean) { // idle pooled connections to the edge likely share the dead path
      rt.http.connectionPool().evictAll();
    }
    setState(State.RECONNECTING);
    if (connecting == null) {
      connect(true);
    }
  }

  void onTerminated(Connection c) {
    connections.remove(c);
    if (c == current && !closing) {
      onConnectionLost(c, new PatchbayException("signaling socket closed", null, true, 0, null));
    }
  }

  // ------------------------------------------------------------------ actor: tokens

  private void scheduleReauth() {
    cancel(reauthTimer);
    reauthTimer = null;
    AccessToken t = token;
    if (t == null || t.expiresAt() == null) {
      return;
    }
    long remaining = Duration.between(rt.clock.instant(), t.expiresAt()).toMillis();
    long lead = Math.max(500, Math.min(60_000, remaining / 5));
    reauthTimer = scheduleExact(Duration.ofMillis(Math.max(0, remaining - lead)),
        this::refreshForReauth);
  }

  private void refreshForReauth() {
    reauthTimer = null;
    if (closing || current == null) {
      return;
    }
    tokens.token().whenCompleteAsync((t, e) -> {
      if (closing || current == null) {
        return;
      }
      if (e != null) {
        LOG.warn("token refresh for reauth failed: {}", Retrier.unwrap(e).getMessage());
        return;
      }
      if (!t.equals(token)) {
        reauth(t);
        return;
      }
      Instant exp = t.expiresAt();
      long remaining = exp == null ? 0 : Duration.between(rt.clock.instant(), exp).toMillis();
      if (remaining > 0) {
        reauthTimer = scheduleExact(Duration.ofMillis(Math.max(200, remaining / 2)),
            this::refreshForReauth);
      }
    }, actor);
  }

  private void reauth(AccessToken fresh) {
    if (closing || current == null || fresh.equals(token)) {
      return;
    }
    if (current.socket.send(new Frames.Reauth(fresh.value()))) {
      LOG.debug("sent reauth with the refreshed token");
      token = fresh;
      scheduleReauth();
    }
  }

  // ------------------------------------------------------------------ actor: closing

  private void beginClose(PatchbayException cause) {
    if (closing) {
      return;
    }
    closing = true;
    closeCause = cause;
    setState(State.CLOSING);
    cancel(reauthTimer);
    cancel(resumeTimer);
    if (connecting != null) {
      connecting.cancel(false);
      connecting = null;
    }
    ClosedException closed = new ClosedException("user agent " + tenant + "/" + userId
        + " is closed");
    connectedSignal.completeExceptionally(cause != null ? cause : closed);
    firstConnect.completeExceptionally(cause != null ? cause : closed);
    List<CompletableFuture<Void>> released = new ArrayList<>();
    for (RealCall call : new ArrayList<>(calls.values())) {
      if (cause == null && current != null) {
        call.hangUp();
      } else {
        call.terminate(EndReason.CONNECTION_LOST, cause != null ? cause
            : new ClosedException("user agent closed"));
      }
      released.add(call.releasedInternal());
    }
    CompletableFuture<Void> allReleased =
        CompletableFuture.allOf(released.toArray(CompletableFuture[]::new));
    Duration callBound = options.hangupTimeout().plusSeconds(1);
    Future<?> force = schedule(callBound, () -> {
      for (RealCall call : new ArrayList<>(calls.values())) {
        call.terminate(EndReason.CLOSED, new ClosedException("user agent closed"));
      }
    });
    allReleased.whenCompleteAsync((v, e) -> {
      force.cancel(false);
      closeSockets();
    }, actor);
  }

  private void closeSockets() {
    List<CompletableFuture<Void>> gone = new ArrayList<>();
    for (Connection c : new ArrayList<>(connections)) {
      if (c.socket.isOpen()) {
        c.socket.close(1000, "closed");
      } else {
        c.socket.cancel();
      }
      gone.add(c.socket.terminatedFuture());
    }
    current = null;
    connectionId = null;
    CompletableFuture<Void> all = CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new));
    Future<?> force = schedule(options.closeTimeout(), () -> {
      for (Connection c : new ArrayList<>(connections)) {
        LOG.info("close handshake not finished within {}; cancelling", options.closeTimeout());
        c.socket.cancel();
      }
    });
    all.whenCompleteAsync((v, e) -> {
      force.cancel(false);
      revokeAndFinish();
    }, actor);
  }

  private void revokeAndFinish() {
    CompletableFuture<Void> revoke;
    try {
      revoke = tokens.closeAsync();
    } catch (RuntimeException e) {
      revoke = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Future<?> force = schedule(options.closeTimeout(), () -> {
      if (done.complete(null)) {
        LOG.info("token revocation did not finish within {}", options.closeTimeout());
      }
    });
    revoke.whenComplete((v, e) -> {
      if (e != null) {
        LOG.warn("token revocation failed: {}", Retrier.unwrap(e).getMessage());
      }
      force.cancel(false);
      done.complete(null);
    });
    done.whenCompleteAsync((v, e) -> finish(), actor);
  }

  private void finish() {
    setState(State.CLOSED);
    rt.agents.remove(this);
    rt.events.userAgentClosed(tenant, userId);
    LOG.info("user agent closed{}", closeCause == null ? "" : " (" + closeCause.getMessage() + ")");
    closedInternal.complete(null);
    closedApp.complete(null);
  }

  // ------------------------------------------------------------------ helpers

  private void setState(State next) {
    if (state == next) {
      return;
    }
    state = next;
    for (Consumer<State> l : stateListeners) {
      toApp(() -> l.accept(next));
    }
  }

  private static void cancel(Future<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  /** A token failure, final for the connect retrier (the token manager did the retries). */
  private static final class TokenUnavailable extends PatchbayException {
    TokenUnavailable(Throwable cause) {
      super("no access token: " + cause.getMessage(), cause, false, 0, null);
    }
  }

  private static PatchbayException asPatchbay(Throwable t) {
    if (t instanceof PatchbayException p) {
      return p;
    }
    if (t instanceof CancellationException) {
      return new ClosedException("connect was cancelled");
    }
    return new PatchbayException("connect failed: " + t, t);
  }
}
