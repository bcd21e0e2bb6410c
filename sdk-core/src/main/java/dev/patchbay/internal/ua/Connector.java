package dev.patchbay.internal.ua;

import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.PatchbayEventListener.AdmissionKind;
import dev.patchbay.PatchbayEventListener.RetryKind;
import dev.patchbay.PatchbayException;
import dev.patchbay.RetryPolicy;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.internal.Errors;
import dev.patchbay.internal.admission.Permit;
import dev.patchbay.internal.admission.TenantAdmission;
import dev.patchbay.internal.auth.TokenManager;
import dev.patchbay.internal.retry.Backoff;
import dev.patchbay.internal.retry.Retrier;
import dev.patchbay.internal.signaling.SignalingSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the user agent's sockets: token → socket permit → upgrade → hello, retried within the
 * connect or reconnect budget. A 401 forces one token refresh inside the same attempt. At most
 * one attempt is in flight. Actor-confined.
 */
final class Connector {
  private static final Logger LOG = LoggerFactory.getLogger(Connector.class);
  /** A socket that lived at least this long resets the reconnect pacing. */
  static final Duration STABLE = Duration.ofSeconds(5);

  /** Where the outcome of an attempt goes; called on the actor. */
  interface Listener {
    boolean closing();

    /** A socket of an attempt exists; it is tracked until it terminates. */
    void opened(Connection c);

    /** {@code hello} arrived on {@code c}. */
    void connected(Connection c);

    /** The attempt failed for good (after its retries); already reported to the listener. */
    void failed(PatchbayException cause);

    /** The token the last socket carried (refreshed by {@code reauth}), or null. */
    AccessToken lastToken();
  }

  private final SdkRuntime rt;
  private final AgentActor actor;
  private final TokenManager tokens;
  private final UserAgentOptions options;
  private final TenantAdmission admission;
  private final Connection.Events connectionEvents;
  private final Listener listener;
  private final String tenant;
  private final Supplier<String> userId;
  private final Events events;
  private final Retrier connectRetrier;
  private final Retrier reconnectRetrier;
  private CompletableFuture<Connection> connecting;
  private long startNanos;
  /** When the last socket said hello (0: never); a socket that dies soon after is unstable. */
  private long lastConnectedNanos;
  /** Consecutive sockets that lived less than {@link #STABLE}: paces (re)connects. */
  private int unstable;
  /** The last socket died without a close from the edge: the edge may still bind its token. */
  private boolean freshTokenForReconnect;
  /** A token the edge bound to a socket that died after its upgrade: never presented again. */
  private AccessToken staleAttemptToken;

  Connector(SdkRuntime rt, AgentActor actor, TokenManager tokens, UserAgentOptions options,
      TenantAdmission admission, Connection.Events connectionEvents, Listener listener,
      Supplier<String> userId, Events events) {
    this.rt = rt;
    this.events = events;
    this.actor = actor;
    this.tokens = tokens;
    this.options = options;
    this.admission = admission;
    this.connectionEvents = connectionEvents;
    this.listener = listener;
    this.tenant = options.tenant();
    this.userId = userId;
    Retrier.Listener retries = (what, retry, delay, cause) -> {
      LOG.info("{} failed ({}); retry {} in {} ms", what, cause.getMessage(), retry,
          delay.toMillis());
      events.retryScheduled("reconnect".equals(what) ? RetryKind.RECONNECT : RetryKind.CONNECT,
          retry, delay, null, cause);
    };
    this.connectRetrier = new Retrier(new Backoff(options.connectRetry(), rt.random),
        rt.scheduler, retries);
    this.reconnectRetrier = new Retrier(new Backoff(options.reconnectRetry(), rt.random),
        rt.scheduler, retries);
  }

  boolean inProgress() {
    return connecting != null;
  }

  /** Time since the current (or last) attempt started. */
  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Connects (first time) or reconnects after a lost socket, within its budget. */
  void connect(boolean reconnect) {
    if (listener.closing()) {
      return;
    }
    startNanos = System.nanoTime();
    events.connectStart(reconnect);
    Retrier retrier = reconnect ? reconnectRetrier : connectRetrier;
    start(retrier, reconnect ? "reconnect" : "connect", false, reconnect);
  }

  /**
   * How long to wait before the first attempt of a reconnect: zero after a stable socket or a
   * first short-lived one; from the second short-lived socket in a row on, the reconnect backoff
   * for their number. So a {@code closing} after every {@code hello}, or a socket cut right
   * after every upgrade, is paced by the one backoff policy instead of reconnecting as fast as
   * the edge answers.
   */
  private Duration pacing() {
    long now = System.nanoTime();
    if (lastConnectedNanos == 0 || now - lastConnectedNanos >= STABLE.toNanos()) {
      unstable = 0;
      return Duration.ZERO;
    }
    unstable++;
    if (unstable == 1) { // one short-lived socket is bad luck: reconnect at once, as always
      return Duration.ZERO;
    }
    return reconnectRetrier.backoff().delay(unstable - 2, Optional.empty());
  }

  /** Opens a replacement while the current socket still serves (make-before-break). */
  void replace() {
    startNanos = System.nanoTime();
    events.connectStart(true);
    start(reconnectRetrier, "reconnect", true, true);
  }

  /** Whether the next attempt must not present the last socket's token again. */
  /** The next attempt must not present {@code stale}: its socket was upgraded and lost. */
  void staleToken(AccessToken stale) {
    staleAttemptToken = stale;
  }

  void freshTokenNext(boolean fresh) {
    freshTokenForReconnect = fresh;
  }

  void cancel() {
    if (connecting != null) {
      connecting.cancel(false);
      connecting = null;
    }
  }

  private void start(Retrier retrier, String what, boolean overdraft, boolean reconnect) {
    Duration pace = reconnect ? pacing() : Duration.ZERO;
    if (!pace.isZero()) {
      LOG.info("the last socket lived less than {}; {} in {} ms", STABLE, what, pace.toMillis());
    }
    CompletableFuture<Connection> attempt =
        retrier.execute(what, pace, () -> attempt(overdraft, reconnect));
    connecting = attempt;
    attempt.whenCompleteAsync((c, e) -> onAttemptDone(attempt, c, e), actor);
  }

  private void onAttemptDone(CompletableFuture<Connection> attempt, Connection c, Throwable e) {
    if (connecting == attempt) {
      connecting = null;
    }
    if (e == null) {
      lastConnectedNanos = System.nanoTime();
      listener.connected(c);
      return;
    }
    if (listener.closing()) {
      return;
    }
    Throwable failure = Retrier.unwrap(e);
    PatchbayException cause = asPatchbay(failure instanceof TokenUnavailable t
        ? t.getCause() : failure);
    events.connectFailed(cause);
    listener.failed(cause);
  }

  /**
   * One attempt: token, then {@link #openWith}. The retrier starts retries on its timer thread;
   * the attempt itself runs on the actor, since it reads the agent's state (last token, stale
   * token), so the future is returned at once and the work is enqueued (inline when the caller
   * is the actor already).
   */
  private CompletableFuture<Connection> attempt(boolean overdraft, boolean reconnect) {
    CompletableFuture<Connection> result = new CompletableFuture<>();
    if (actor.onActor()) {
      begin(overdraft, reconnect, result);
    } else {
      actor.execute(() -> begin(overdraft, reconnect, result));
    }
    return result;
  }

  private void begin(boolean overdraft, boolean reconnect, CompletableFuture<Connection> result) {
    assert actor.onActor() : "a connect attempt reads the agent's state off its actor";
    if (result.isDone()) {
      return; // cancelled before the actor reached it
    }
    CompletableFuture<AccessToken> next;
    AccessToken token = listener.lastToken();
    if (staleAttemptToken != null) {
      // an earlier attempt's socket was upgraded (the edge bound its token) and then died
      AccessToken stale = staleAttemptToken;
      staleAttemptToken = null;
      freshTokenForReconnect = false;
      next = tokens.renew(stale);
    } else if (freshTokenForReconnect && token != null) {
      // the edge may not have noticed yet that the old socket died: presenting its token again
      // would be "one token on two live connections" (409, a counted violation)
      // a network loss is not a rejection: renew, never the forced-refresh (401) path
      freshTokenForReconnect = false;
      next = tokens.renew(token);
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
        if (!result.isDone()) {
          events.tokenObtained();
        }
        openWith(tok, overdraft, reconnect, false, result);
      }
    }, actor);
  }

  /**
   * Socket permit → upgrade → hello with {@code tok}.
   *
   * @param reconnect on a reconnect a 409 most likely means the edge has not yet noticed our
   *     own lost socket: the token is refreshed once (protocol: "do not retry with that token")
   *     instead of failing; on a first connect a 409 is a shared-token bug and fails at once
   */
  private void openWith(AccessToken tok, boolean overdraft, boolean reconnect, boolean refreshed,
      CompletableFuture<Connection> result) {
    if (result.isDone() || listener.closing()) {
      result.completeExceptionally(Errors.closed("user agent is closing"));
      return;
    }
    CompletableFuture<Permit> socketFuture = overdraft
        ? CompletableFuture.completedFuture(admission.sockets().acquireOverdraft())
        : admission.sockets().acquire();
    admit(socketFuture, AdmissionKind.SOCKET, Permit.NONE, reconnect, result,
        budget -> "no free socket permit for tenant " + tenant + " within "
            + budget.toSeconds() + " s: this process already holds the tenant's "
            + admission.sockets().limit() + " socket(s) (admission limit)",
        permit -> admit(rt.admission.upgrades().acquire(), AdmissionKind.UPGRADE, permit,
            reconnect, result,
            budget -> "no free WebSocket upgrade slot within " + budget.toSeconds() + " s: "
                + rt.admission.upgrades().limit() + " upgrade(s) of this process already in "
                + "flight (admission limit)",
            slot -> upgrade(tok, permit, slot, overdraft, reconnect, refreshed, result)));
  }

  /**
   * Waits for {@code permitFuture} (a socket permit or an upgrade slot) within what is left of
   * the (re)connect budget, reports the wait as an admission wait, then runs {@code then} on the
   * actor with the permit. On any failure ({@code result} failed meanwhile, budget spent,
   * limiter closed) both the new permit and {@code held} (the attempt's earlier permit) are
   * released and {@code result} fails; {@code then} runs only while the attempt is alive.
   */
  private void admit(CompletableFuture<Permit> permitFuture, AdmissionKind kind, Permit held,
      boolean reconnect, CompletableFuture<Connection> result,
      java.util.function.Function<Duration, String> refusal,
      java.util.function.Consumer<Permit> then) {
    long queuedNanos = permitFuture.isDone() ? 0 : System.nanoTime();
    if (!permitFuture.isDone()) {
      events.admissionQueued(kind);
      // the wait for a permit is bounded by what is left of the (re)connect budget
      RetryPolicy policy = reconnect ? options.reconnectRetry() : options.connectRetry();
      Duration left = policy.deadline().minus(elapsed());
      Future<?> bound = actor.schedule(left.isNegative() ? Duration.ZERO : left, () -> {
        if (!permitFuture.isDone()) { // the permit came meanwhile: the handshake has its own
          result.completeExceptionally(Errors.patchbay(refusal.apply(policy.deadline()), null,
              false, 0, null));
        }
      });
      // the timer bounds the wait for a permit, not the upgrade and hello after it (they have
      // their own deadlines): firing mid-handshake would abandon a socket the edge may admit
      permitFuture.whenComplete((p, e) -> bound.cancel(false));
      result.whenComplete((c, e) -> bound.cancel(false));
    }
    result.whenComplete((c, e) -> {
      if (e != null) {
        permitFuture.cancel(false); // a queued waiter leaves the queue
      }
    });
    permitFuture.whenCompleteAsync((permit, err) -> {
      if (err != null) {
        held.release();
        result.completeExceptionally(Retrier.unwrap(err));
        return;
      }
      if (queuedNanos != 0) {
        events.admissionAdmitted(kind, Duration.ofNanos(System.nanoTime() - queuedNanos));
      }
      if (result.isDone() || listener.closing()) {
        permit.release();
        held.release();
        result.completeExceptionally(Errors.closed("user agent is closing"));
        return;
      }
      then.accept(permit);
    }, actor);
  }

  /** Upgrade → hello with {@code tok}, holding the socket {@code permit} and upgrade slot. */
  private void upgrade(AccessToken tok, Permit permit, Permit slot, boolean overdraft,
      boolean reconnect, boolean refreshed, CompletableFuture<Connection> result) {
    Connection c = new Connection(actor, options, connectionEvents, permit, slot, tok);
    try {
      c.open(handler -> SignalingSocket.open("ws-" + tenant + "/" + userId.get(),
          rt.nextSocketSetup(), rt.signalingUrl, tok, options.userId(), actor, handler,
          rt.codec, rt.openSockets, rt.clock));
    } catch (RuntimeException e) {
      result.completeExceptionally(Errors.closed("the SDK is closing"));
      return;
    }
    listener.opened(c);
    result.whenCompleteAsync((v, e) -> { // on the actor: staleAttemptToken is its state
      if (e != null && !c.ready().isDone()) {
        // abandoned mid-handshake: the edge may admit the socket and bind tok until it sees
        // it gone, so tok is stale from this moment (not from c.ready()'s later failure: the
        // next attempt may start before that)
        staleAttemptToken = tok;
        c.socket().cancel();
      }
    }, actor);
    c.ready().whenCompleteAsync((ready, e2) -> {
      if (e2 == null) {
        if (!result.complete(ready)) {
          ready.socket().close(1000, "abandoned");
        }
        return;
      }
      c.socket().cancel();
      if (result.isDone()) {
        return; // abandoned: its token was marked stale then
      }
      Throwable why = Retrier.unwrap(e2);
      if (c.upgraded() || mayHaveBeenAdmitted(why)) {
        staleAttemptToken = tok; // the edge may still bind tok to that socket: a fresh one next
      }
      retryOrFail(Retrier.unwrap(e2), tok, overdraft, reconnect, refreshed, result);
    }, actor);
  }

  /**
   * Whether an upgrade that failed before the client saw its answer may have been admitted by
   * the edge (which then binds the token until it notices the socket is gone): anything but a
   * refusal with a status, or a TCP connection that was never made.
   */
  private static boolean mayHaveBeenAdmitted(Throwable failure) {
    if (failure instanceof PatchbayException p && p.status().isPresent()) {
      return false;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        return false;
      }
    }
    return true;
  }

  /** After a refused upgrade: one forced token refresh on 401 (or 409 on a reconnect). */
  private void retryOrFail(Throwable cause, AccessToken tok, boolean overdraft,
      boolean reconnect, boolean refreshed, CompletableFuture<Connection> result) {
    if (reconnect && !refreshed && cause instanceof EdgeRejectedException er
        && er.status().orElse(0) == 409) {
      LOG.info("token still bound to the lost connection (409); renewing it once");
      tokens.renew(tok).whenCompleteAsync((fresh, e3) -> {
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
        result.completeExceptionally(Errors.authentication("the edge refused the "
            + "access token twice (401), also right after a forced refresh", "invalid_token",
            ae, false, 401, null));
        return;
      }
      LOG.info("edge refused the token (401); forcing one refresh");
      refreshAndReopen(tok, overdraft, reconnect, result);
      return;
    }
    result.completeExceptionally(cause);
  }

  private void refreshAndReopen(AccessToken tok, boolean overdraft, boolean reconnect,
      CompletableFuture<Connection> result) {
    tokens.invalidate(tok).whenCompleteAsync((fresh, e3) -> {
      if (e3 != null) {
        result.completeExceptionally(Retrier.unwrap(e3));
      } else {
        openWith(fresh, overdraft, reconnect, true, result);
      }
    }, actor);
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
      return Errors.closed("connect was cancelled");
    }
    return Errors.patchbay("connect failed: " + t, t);
  }
}
