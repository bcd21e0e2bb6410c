package dev.patchbay.internal.ua;

import dev.patchbay.Call;
import dev.patchbay.IncomingCall;
import dev.patchbay.internal.Errors;
import dev.patchbay.media.MediaSession;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.internal.admission.Permit;
import dev.patchbay.internal.admission.TenantAdmission;
import dev.patchbay.internal.auth.TokenManager;
import dev.patchbay.internal.call.CallHost;
import dev.patchbay.internal.call.RealCall;
import dev.patchbay.internal.concurrent.AppFuture;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.retry.Backoff;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One user agent: the public facade and its calls' host. Every state change runs on its actor
 * ({@link AgentActor}); OkHttp, media-engine and timer threads only enqueue. App callbacks go
 * through an ordered lane over the app's executor, never on an SDK thread. The work is split:
 * {@link SignalingConnection} owns the signaling connection (sockets, token, resume),
 * {@link FrameDispatcher} routes call frames, {@link AgentCloser} releases everything.
 */
public final class RealUserAgent implements UserAgent, CallHost {
  private static final Logger LOG = LoggerFactory.getLogger(RealUserAgent.class);

  private final SdkRuntime rt;
  private final UserAgentOptions options;
  private final TenantAdmission admission;
  private final AgentActor actor;
  private final Backoff inviteBackoff;
  private final String tenant;
  private final CompletableFuture<UserAgent> firstConnect;
  private final CompletableFuture<Void> closedInternal = new CompletableFuture<>();
  private final CompletableFuture<Void> closedApp;
  private final CallRegistry calls;
  private final SignalingConnection connection;
  private final FrameDispatcher dispatcher;
  private final AgentCloser closer;
  private final AgentStates states;
  private final Events events;

  private volatile String userId;
  private volatile Consumer<IncomingCall> incomingHandler;

  // actor-confined
  private CompletableFuture<Void> connectedSignal = new CompletableFuture<>();
  /** Completes at the next ready socket (then replaced): replays wait on it, never spin. */
  private CompletableFuture<Boolean> nextReady = new CompletableFuture<>();
  private boolean closing;
  private PatchbayException closeCause;

  public RealUserAgent(SdkRuntime rt, TokenManager tokens, UserAgentOptions options) {
    this.rt = rt;
    Objects.requireNonNull(tokens, "tokens");
    this.options = Objects.requireNonNull(options, "options");
    this.tenant = options.tenant();
    this.userId = options.userId();
    this.admission = rt.admission.tenant(tenant);
    this.actor = new AgentActor(rt, tenant, () -> userId, this::connectionIdOrNull);
    this.firstConnect = new AppFuture<>(rt.callbacks);
    this.closedApp = new AppFuture<>(rt.callbacks);
    this.inviteBackoff = new Backoff(options.inviteRetry(), rt.random);
    this.calls = new CallRegistry(rt.liveCalls);
    this.states = new AgentStates(actor);
    // the factory sees an agent whose tenant, user id and state are set
    this.events = Events.forAgent(rt.eventFactory, this);
    tokens.addListener(new TokenManager.Listener() {
      @Override
      public void onRequestStart(boolean refresh) {
        events.tokenRequestStart(refresh);
      }

      @Override
      public void onRequestEnd(PatchbayException failure, Duration took) {
        events.tokenRequestEnd(failure, took);
      }

      @Override
      public void onRetry(String what, int retry, Duration delay, PatchbayException cause) {
        events.tokenRetry(what, retry, delay, cause);
      }
    });
    this.connection = new SignalingConnection(rt, actor, tokens, options, admission, calls,
        new Lifecycle(), () -> userId, events);
    this.dispatcher = new FrameDispatcher(() -> closing, connection, calls, this,
        () -> incomingHandler);
    this.closer = new AgentCloser(actor, options, tokens, calls, connection, rt::shuttingDown,
        this::finish);
  }

  private String connectionIdOrNull() {
    return connection.connectionId();
  }

  /** Starts the first connection; completes when {@code hello} arrived, on the app executor. */
  public CompletableFuture<UserAgent> start() {
    rt.agents.put(this, Boolean.TRUE);
    firstConnect.whenComplete((ua, e) -> {
      if (e instanceof CancellationException) { // the app gave up waiting: release everything
        actor.execute(() -> beginClose(null));
      }
    });
    actor.execute(connection::start);
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
    return states.get();
  }

  @Override
  public Optional<String> connectionId() {
    return Optional.ofNullable(connection.connectionId());
  }

  @Override
  public CompletableFuture<Call> dial(String to) {
    Objects.requireNonNull(to, "to must not be null");
    if (to.isBlank() || to.length() > 256) {
      throw new IllegalArgumentException("to must be 1-256 characters, but was \"" + to + '"');
    }
    AppFuture<Call> result = new AppFuture<>(rt.callbacks);
    String callId = UUID.randomUUID().toString();
    actor.execute(() -> {
      if (closing) {
        result.completeExceptionally(Errors.closed("user agent is closed"));
        return;
      }
      RealCall c = RealCall.outbound(this, callId, to);
      calls.add(c);
      c.dial(result);
      result.onCancel(c::hangUp); // not a stage: that would cost a callback task per dial
    });
    return result;
  }

  @Override
  public void onIncomingCall(Consumer<IncomingCall> handler) {
    this.incomingHandler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  public void onStateChange(Consumer<State> listener) {
    states.addListener(listener);
  }

  @Override
  public List<Call> calls() {
    return actor.ask(calls::publicView, List.of());
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    actor.execute(() -> beginClose(null));
    return closedApp;
  }

  @Override
  public void close() {
    actor.execute(() -> beginClose(null));
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
    return "UserAgent{" + tenant + "/" + userId + ", " + states.get() + ", connection="
        + connection.connectionId() + '}';
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
    return connection.send(frame);
  }

  @Override
  public Object lastSent() {
    return connection.lastSent();
  }

  @Override
  public CompletableFuture<Void> whenConnected() {
    return connectedSignal;
  }

  @Override
  public CompletableFuture<Boolean> whenNextConnected() {
    return nextReady;
  }

  @Override
  public CompletableFuture<Permit> acquireNegotiation() {
    CompletableFuture<Permit> f = admission.negotiations().acquire();
    if (!f.isDone()) {
      events.admissionQueued(PatchbayEventListener.AdmissionKind.NEGOTIATION);
      long queued = System.nanoTime();
      f.thenRun(() -> events.admissionAdmitted(PatchbayEventListener.AdmissionKind.NEGOTIATION,
          Duration.ofNanos(System.nanoTime() - queued)));
    }
    return f;
  }

  @Override
  public MediaSession createMedia(String callId, MediaSession.Listener listener) {
    return rt.media.createSession(callId,
        options.icePolicy().withLeadingServers(connection.iceServers()), listener);
  }

  /** A deadline (call phase, upgrade, hello, close): cheap to arm and cancel, ≤ 50 ms late. */
  @Override
  public Future<?> schedule(Duration delay, Runnable task) {
    return actor.schedule(delay, task);
  }

  @Override
  public void toApp(Runnable callback) {
    actor.toApp(callback);
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
    return events;
  }

  @Override
  public void released(RealCall call) {
    calls.released(call);
  }

  // ------------------------------------------------------------------ actor: connection changes

  /** What this agent learns and reports as its connection changes. */
  private final class Lifecycle implements SignalingConnection.Agent {
    @Override
    public void connected(Frames.Hello h, Duration took) {
      if (userId == null && h.userId() != null) {
        userId = h.userId();
      }
      LOG.info("connected (connection {}, heartbeat {} ms)", h.connectionId(), h.heartbeatMs());
      events.connectEnd(h.connectionId(), took);
      if (!closing) { // a closing agent reconnects only to hang its calls up
        states.set(State.CONNECTED);
      }
    }

    @Override
    public void onFrame(Frame frame) {
      dispatcher.onFrame(frame);
    }

    @Override
    public void ready() {
      connectedSignal.complete(null);
      CompletableFuture<Boolean> ready = nextReady;
      nextReady = new CompletableFuture<>();
      ready.complete(true);
      firstConnect.complete(RealUserAgent.this); // an AppFuture: dependents run on the app's
    }

    @Override
    public void disconnected() {
      if (connectedSignal.isDone()) {
        connectedSignal = new CompletableFuture<>();
      }
      if (!closing) {
        states.set(State.RECONNECTING);
      }
    }

    @Override
    public void closeWith(PatchbayException cause) {
      beginClose(cause);
    }
  }

  // ------------------------------------------------------------------ actor: closing

  private void beginClose(PatchbayException cause) {
    if (closing) {
      return;
    }
    closing = true;
    closeCause = cause;
    states.set(State.CLOSING);
    boolean connecting = !firstConnect.isDone(); // the exception only when someone waits
    PatchbayException why = cause != null ? cause : connecting
        ? Errors.closed("user agent " + tenant + "/" + userId + " is closed") : null;
    if (cause != null || connecting) {
      connection.stop(); // nothing to hang up at the edge, or no way to reach it
      connectedSignal.completeExceptionally(why);
    }
    if (why != null) {
      firstConnect.completeExceptionally(why);
    }
    closer.close(cause);
  }

  private void finish() {
    nextReady.complete(false);
    // built only for a future still waiting (each fills in a stack trace; 10,000 agents close)
    if (!connectedSignal.isDone()) {
      connectedSignal.completeExceptionally(Errors.closed("user agent " + tenant + "/"
          + userId + " is closed"));
    }
    states.set(State.CLOSED);
    rt.agents.remove(this);
    events.userAgentClosed();
    LOG.info("user agent closed{}", closeCause == null ? "" : " (" + closeCause.getMessage() + ")");
    closedInternal.complete(null);
    closedApp.complete(null);
  }
}
