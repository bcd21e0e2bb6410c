package dev.patchbay.internal.auth;

import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.ClosedException;
import dev.patchbay.Credentials;
import dev.patchbay.PatchbayException;
import dev.patchbay.internal.Errors;
import dev.patchbay.internal.gate.Redactor;
import dev.patchbay.internal.gate.Saturating;
import dev.patchbay.internal.gate.TransportPolicy;
import dev.patchbay.internal.retry.Backoff;
import dev.patchbay.internal.retry.Retrier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokens of one user. Create one per user agent with {@link #create}; never share one.
 *
 * <ul>
 *   <li>Expiry is counted on the local {@link TokenConfig#clock() clock} from the moment the
 *       request was sent plus {@code expires_in}; the server's clock is never consulted, so
 *       clock skew between client and server does not matter.
 *   <li>A token is handed out only while more than the refresh margin (capped at half its
 *       lifetime) is left; after that callers wait for the refresh. A timer starts that refresh
 *       at the refresh time without waiting for a caller.
 *   <li>Single flight: at most one token request is in flight; every caller who needs a new
 *       token joins it. 429/503 are retried with the project's {@link Backoff}.
 *   <li>{@link #invalidate} (a 401): one forced refresh; if the token it produced is rejected
 *       again, a typed {@link AuthenticationException} instead of another refresh.
 *   <li>{@code invalid_grant}: tokens and grant are cleared, listeners get exactly one
 *       {@link Listener#onReauthenticationRequired}, and every later call fails at once.
 *   <li>{@link #closeAsync}: fails the waiters at once and retries nothing more; a token request
 *       already sent is let finish (bounded by its call timeout), since the edge may be issuing
 *       a token that only its answer names; then revokes every token still live, the late one
 *       included (RFC 7009, bounded retries on 503), and completes; idempotent.
 * </ul>
 *
 * <p>Listeners are called on the thread that completed the request (an OkHttp or scheduler
 * thread), outside any lock, before the waiting futures complete; an exception from a listener
 * is logged and ignored.
 */
public final class RealTokenManager implements TokenManager {
  private static final Logger log = LoggerFactory.getLogger(RealTokenManager.class);
  private static final AtomicLong IDS = new AtomicLong();
  private static final Duration MIN_TIMER_DELAY = Duration.ofMillis(100);
  /** A refresh further away is re-checked after this long (no timer arithmetic overflows). */
  private static final Duration MAX_TIMER_DELAY = Duration.ofDays(1);

  private final String id = "tm-" + IDS.incrementAndGet();
  private final TokenSource source;
  private final TokenConfig config;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Retrier retrier;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();

  // all guarded by lock
  private AccessToken current;
  private Instant refreshAt;
  private AccessToken forcedToken; // obtained by the last forced refresh
  private boolean everIssued;
  private CompletableFuture<AccessToken> inFlight;
  private CompletableFuture<Issued> inFlightAttempt;
  private CompletableFuture<Issued> inFlightHttp; // the attempt's current request, if sent
  private AuthenticationException terminal;
  private ScheduledFuture<?> refreshTimer;
  private CompletableFuture<Void> closed;
  /** Access tokens handed out and not yet revoked: superseded ones are revoked at close. */
  private final Set<AccessToken> unrevoked = new LinkedHashSet<>();

  private RealTokenManager(TokenSource source, TokenConfig config,
      ScheduledExecutorService scheduler, Retrier retrier) {
    this.source = source;
    this.config = config;
    this.clock = config.clock();
    this.scheduler = scheduler;
    this.retrier = retrier;
    if (config.listener() != null) {
      listeners.add(config.listener());
    }
  }

  /**
   * The factory {@code Patchbay.connect(Credentials)} calls, once per user agent.
   *
   * @param credentials how this user obtains tokens
   * @param endpoints token/revoke/authorize URIs, usually {@link OAuthEndpoints#forEdge}
   * @param http the SDK's shared client (its connection pool and dispatcher are reused)
   * @param scheduler timers for backoff and proactive refresh (owned by the caller; prefer a
   *     {@code ScheduledThreadPoolExecutor} with {@code setRemoveOnCancelPolicy(true)})
   * @param config margin, clock, retry policies, listener; {@link TokenConfig#defaults()}
   */
  public static RealTokenManager create(Credentials credentials, OAuthEndpoints endpoints,
      okhttp3.OkHttpClient http, ScheduledExecutorService scheduler, TokenConfig config) {
    Objects.requireNonNull(credentials, "credentials must not be null");
    Objects.requireNonNull(endpoints, "endpoints must not be null");
    Objects.requireNonNull(http, "http must not be null");
    Objects.requireNonNull(scheduler, "scheduler must not be null");
    Objects.requireNonNull(config, "config must not be null");
    TransportPolicy.check("token endpoint", endpoints.token(), config.allowPlaintext());
    if (endpoints.revoke() != null) {
      TransportPolicy.check("revocation endpoint", endpoints.revoke(), config.allowPlaintext());
    }
    Redactor.Holder secrets = config.redactor().holder(1);
    // the manager's listeners hear of each retry too (the agent's event listener among them)
    java.util.concurrent.atomic.AtomicReference<RealTokenManager> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    Retrier.Listener retries = (what, retry, delay, cause) -> {
      config.retryListener().onRetry(what, retry, delay, cause);
      RealTokenManager owner = self.get();
      if (owner != null) {
        owner.notifyRetry(what, retry, delay, cause);
      }
    };
    Retrier tokenRetrier = new Retrier(new Backoff(config.retryPolicy(), config.random()),
        scheduler, retries);
    TokenSource source;
    dev.patchbay.internal.CredentialParts parts =
        dev.patchbay.internal.CredentialParts.of(credentials);
    if (parts.grant() == dev.patchbay.internal.CredentialParts.Grant.PROVIDED) {
      source = new ProviderTokenSource(parts.provider(), config.clock(), secrets);
    } else {
      Retrier revokeRetrier = new Retrier(new Backoff(config.revokePolicy(), config.random()),
          scheduler, retries);
      source = new OAuthTokenSource(credentials, new TokenEndpoint(http, endpoints, config),
          config.clock(), revokeRetrier, secrets);
    }
    RealTokenManager m = new RealTokenManager(source, config, scheduler, tokenRetrier);
    self.set(m);
    log.debug("Token manager {} created for {}", m.id, parts.grant());
    return m;
  }

  /**
   * The client to give {@link #create}: {@code http} with retries and redirects off. Prepare it
   * once per SDK; token managers then use it as is instead of deriving a client each.
   */
  public static okhttp3.OkHttpClient tokenClient(okhttp3.OkHttpClient http) {
    return TokenEndpoint.forTokenRequests(Objects.requireNonNull(http, "http must not be null"));
  }

  /** Same as {@link #create} with {@link TokenConfig#defaults()}. */
  public static RealTokenManager create(Credentials credentials, OAuthEndpoints endpoints,
      okhttp3.OkHttpClient http, ScheduledExecutorService scheduler) {
    return create(credentials, endpoints, http, scheduler, TokenConfig.defaults());
  }

  /** The refresh token a refresh would use now, or null (tests only: it is a secret). */
  String refreshTokenForTests() {
    return source instanceof OAuthTokenSource o ? o.currentRefreshToken() : null;
  }

  /** For log lines and diagnostics; never a secret. */
  public String id() {
    return id;
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
  }

  @Override
  public CompletableFuture<AccessToken> token() {
    CompletableFuture<AccessToken> shared;
    boolean start;
    synchronized (lock) {
      CompletableFuture<AccessToken> refused = refusedLocked();
      if (refused != null) {
        return refused;
      }
      if (current != null && fresh()) {
        return CompletableFuture.completedFuture(current);
      }
      start = inFlight == null;
      if (start) {
        inFlight = new CompletableFuture<>();
      }
      shared = inFlight;
    }
    if (start) {
      startRequest(shared, null);
    }
    return shared.copy();
  }

  @Override
  public CompletableFuture<AccessToken> invalidate(AccessToken rejected) {
    Objects.requireNonNull(rejected, "rejected must not be null");
    return replace(rejected, true);
  }

  @Override
  public CompletableFuture<AccessToken> renew(AccessToken stale) {
    Objects.requireNonNull(stale, "stale must not be null");
    return replace(stale, false);
  }

  /**
   * A new token instead of {@code old} (the current one if {@code old} was already replaced),
   * joining the request in flight. {@code rejected}: the edge refused {@code old} (a 401), so the
   * request is a forced refresh and a second rejection is final; otherwise {@code old} merely
   * went stale (its socket was lost) and nothing is marked.
   */
  private CompletableFuture<AccessToken> replace(AccessToken old, boolean rejected) {
    CompletableFuture<AccessToken> shared;
    boolean start;
    synchronized (lock) {
      CompletableFuture<AccessToken> refused = refusedLocked();
      if (refused != null) {
        return refused;
      }
      boolean alreadyReplaced = current != null && !current.equals(old);
      if (alreadyReplaced) {
        shared = null;
        start = false;
      } else if (rejected && old.equals(forcedToken)) {
        // never hand out a token known to be rejected: the next token() fetches a new one
        // (forcedToken stays, so every other caller rejected with it gets this error too)
        if (current != null) {
          current = null;
          refreshAt = null;
          cancelTimerLocked();
        }
        return CompletableFuture.failedFuture(Errors.authentication(
            "the edge rejected the token obtained by a forced refresh: not refreshing again",
            null, null, false, 401, null));
      } else {
        current = null;
        refreshAt = null;
        cancelTimerLocked();
        start = inFlight == null;
        if (start) {
          inFlight = new CompletableFuture<>();
        }
        shared = inFlight;
      }
    }
    if (shared == null) { // outside the lock: token() may start a request
      log.debug("Token manager {}: the token was already replaced; the current one is used", id);
      return token();
    }
    if (start) {
      log.debug("Token manager {}: {}", id, rejected ? "token rejected, forcing one refresh"
          : "a fresh token after a lost connection");
      startRequest(shared, rejected ? old : null);
    }
    return shared.copy();
  }

  @Override
  public void accepted(AccessToken token) {
    synchronized (lock) {
      if (token != null && token.equals(forcedToken)) {
        forcedToken = null;
      }
    }
  }

  @Override
  public void revokeSuperseded() {
    List<AccessToken> superseded;
    synchronized (lock) {
      if (closed != null || !config.revokeOnClose()) {
        return;
      }
      superseded = new ArrayList<>(unrevoked);
      superseded.remove(current);
    }
    for (AccessToken t : superseded) {
      source.revokeAccess(t).whenComplete((revoked, e) -> {
        if (Boolean.TRUE.equals(revoked)) { // a failed one is tried again at close
          synchronized (lock) {
            unrevoked.remove(t);
          }
        }
      });
    }
  }

  @Override
  public List<String> logoutTokens(int max) {
    List<AccessToken> live;
    synchronized (lock) {
      if (closed != null || !config.revokeOnClose()) {
        return List.of();
      }
      Instant now = clock.instant();
      live = new ArrayList<>();
      for (AccessToken t : unrevoked) {
        if (t.expiresAt() == null || t.expiresAt().isAfter(now)) {
          live.add(t);
        }
      }
    }
    List<String> plan = source.revocationPlan(live);
    return plan.size() <= max ? plan : List.copyOf(plan.subList(0, max)); // rest: RFC 7009
  }

  @Override
  public void revokedByEdge(List<String> tokens) {
    Set<AccessToken> covered = source.revokedByEdge(tokens);
    synchronized (lock) {
      unrevoked.removeIf(t -> covered.contains(t) || tokens.contains(t.value()));
      if (current != null && !unrevoked.contains(current)) { // revoked: never handed out again
        current = null;
        refreshAt = null;
        cancelTimerLocked();
      }
    }
    log.debug("Token manager {}: the edge revoked {} token(s) at logout", id, tokens.size());
  }

  private CompletableFuture<AccessToken> refusedLocked() {
    if (closed != null) {
      return CompletableFuture.failedFuture(Errors.closed("the token manager is closed"));
    }
    if (terminal != null) {
      return CompletableFuture.failedFuture(terminal);
    }
    return null;
  }

  private boolean fresh() {
    return refreshAt == null || clock.instant().isBefore(refreshAt);
  }

  private void startRequest(CompletableFuture<AccessToken> shared, AccessToken rejected) {
    boolean refresh;
    synchronized (lock) {
      refresh = everIssued;
    }
    long startNanos = System.nanoTime();
    for (Listener l : listeners) {
      try {
        l.onRequestStart(refresh);
      } catch (RuntimeException e) {
        log.warn("Token manager {}: listener {} threw from onRequestStart", id, l, e);
      }
    }
    CompletableFuture<Issued> attempt = retrier.execute("token request", () -> {
      synchronized (lock) {
        if (inFlight != shared) { // closed: nothing more goes out
          return CompletableFuture.failedFuture(
              Errors.closed("the token manager was closed during the token request"));
        }
        CompletableFuture<Issued> http = source.fetch(rejected);
        inFlightHttp = http;
        return http;
      }
    });
    synchronized (lock) {
      if (inFlight == shared) {
        inFlightAttempt = attempt;
      } else { // closed meanwhile
        attempt.cancel(false);
      }
    }
    attempt.whenComplete((issued, error) -> finish(shared, rejected, issued, error,
        Duration.ofNanos(System.nanoTime() - startNanos)));
  }

  private void notifyRetry(String what, int retry, Duration delay, PatchbayException cause) {
    for (Listener l : listeners) {
      try {
        l.onRetry(what, retry, delay, cause);
      } catch (RuntimeException e) {
        log.warn("Token manager {}: listener {} threw from onRetry", id, l, e);
      }
    }
  }

  private void finish(CompletableFuture<AccessToken> shared, AccessToken rejected, Issued issued,
      Throwable error, Duration took) {
    PatchbayException failure = null;
    AccessToken replaced = null;
    boolean reauth = false;
    synchronized (lock) {
      if (inFlight == shared) {
        inFlight = null;
        inFlightAttempt = null;
        inFlightHttp = null;
      }
      if (closed != null) {
        failure = Errors.closed("the token manager was closed during the token request");
      } else if (error == null) {
        failure = validate(issued, rejected);
        if (failure == null) {
          AccessToken token = issued.token();
          if (everIssued) {
            replaced = token;
          }
          everIssued = true;
          current = token;
          Instant now = clock.instant(); // expired tokens need no revocation: keep it bounded
          unrevoked.removeIf(t -> t.expiresAt() != null && !t.expiresAt().isAfter(now));
          unrevoked.add(token);
          refreshAt = refreshTime(issued);
          forcedToken = rejected != null ? token : null;
          scheduleRefreshLocked();
        }
      } else {
        failure = typed(Retrier.unwrap(error));
        if (failure instanceof AuthenticationException ae && "invalid_grant".equals(ae.error())) {
          terminal = ae;
          current = null;
          refreshAt = null;
          cancelTimerLocked();
          source.clear();
          reauth = true;
        }
      }
    }
    for (Listener l : listeners) {
      try {
        l.onRequestEnd(failure, took);
      } catch (RuntimeException e) {
        log.warn("Token manager {}: listener {} threw from onRequestEnd", id, l, e);
      }
    }
    if (failure == null) {
      if (replaced != null) {
        notifyRefreshed(replaced);
      }
      log.debug("Token manager {}: new access token, expires {}", id,
          issued.token().expiresAt());
      shared.complete(issued.token());
      return;
    }
    if (reauth) {
      log.info("Token manager {}: the grant is no longer valid, re-authentication required: {}",
          id, failure.getMessage());
      notifyReauthentication((AuthenticationException) failure);
    } else {
      log.debug("Token manager {}: token request failed: {}", id, failure.getMessage());
    }
    shared.completeExceptionally(failure);
  }

  private PatchbayException validate(Issued issued, AccessToken rejected) {
    AccessToken token = issued.token();
    if (rejected != null && token.equals(rejected)) {
      return Errors.authentication(
          "the forced refresh returned the token the edge had just rejected");
    }
    if (token.expiresAt() != null && !token.expiresAt().isAfter(clock.instant())) {
      return Errors.authentication(
          "the new access token had already expired when it arrived (expires "
              + token.expiresAt() + ")");
    }
    return null;
  }

  private static PatchbayException typed(Throwable t) {
    if (t instanceof PatchbayException pe) {
      return pe;
    }
    return Errors.patchbay("token request failed: " + t.getClass().getName(), t);
  }

  /** Expiry minus the margin, the margin capped at half of the lifetime. */
  private Instant refreshTime(Issued issued) {
    Instant expiresAt = issued.token().expiresAt();
    if (expiresAt == null) {
      return null;
    }
    Duration lifetime = Duration.between(issued.issuedAt(), expiresAt);
    Duration margin = config.refreshMargin();
    if (margin.compareTo(lifetime.dividedBy(2)) > 0) {
      margin = lifetime.dividedBy(2);
    }
    return expiresAt.minus(margin);
  }

  private void scheduleRefreshLocked() {
    cancelTimerLocked();
    if (!config.proactiveRefresh() || refreshAt == null) {
      return;
    }
    Duration delay = Saturating.clamp(Duration.between(clock.instant(), refreshAt),
        MIN_TIMER_DELAY, MAX_TIMER_DELAY); // refreshIfDue looks again when it is not yet due
    try {
      refreshTimer = scheduler.schedule(this::refreshIfDue, delay.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("Token manager {}: scheduler refused the refresh timer (shutting down)", id);
    }
  }

  private void cancelTimerLocked() {
    if (refreshTimer != null) {
      refreshTimer.cancel(false);
      refreshTimer = null;
    }
  }

  private void refreshIfDue() {
    synchronized (lock) {
      refreshTimer = null;
      if (closed != null || terminal != null || inFlight != null || current == null) {
        return;
      }
      if (fresh()) { // the clock says not yet (an injected clock): look again later
        scheduleRefreshLocked();
        return;
      }
    }
    token().whenComplete((t, e) -> {
      if (e != null && !(Retrier.unwrap(e) instanceof ClosedException)) {
        log.warn("Token manager {}: background refresh failed: {}", id,
            Retrier.unwrap(e).getMessage());
      }
    });
  }

  private void notifyRefreshed(AccessToken token) {
    for (Listener l : listeners) {
      try {
        l.onTokenRefreshed(token);
      } catch (RuntimeException e) {
        log.warn("Token manager {}: listener {} threw from onTokenRefreshed", id,
            l.getClass().getName(), e);
      }
    }
  }

  private void notifyReauthentication(AuthenticationException cause) {
    for (Listener l : listeners) {
      try {
        l.onReauthenticationRequired(cause);
      } catch (RuntimeException e) {
        log.warn("Token manager {}: listener {} threw from onReauthenticationRequired", id,
            l.getClass().getName(), e);
      }
    }
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    CompletableFuture<AccessToken> pending;
    CompletableFuture<Issued> attempt;
    CompletableFuture<Issued> http;
    AccessToken toRevoke;
    List<AccessToken> superseded;
    CompletableFuture<Void> done;
    synchronized (lock) {
      if (closed != null) {
        return closed.copy();
      }
      done = new CompletableFuture<>();
      closed = done;
      cancelTimerLocked();
      pending = inFlight;
      attempt = inFlightAttempt;
      http = inFlightHttp;
      inFlight = null;
      inFlightAttempt = null;
      inFlightHttp = null;
      toRevoke = current;
      superseded = new ArrayList<>(unrevoked);
      superseded.remove(current);
      unrevoked.clear();
      current = null;
      refreshAt = null;
      forcedToken = null;
    }
    ClosedException closedDuring = attempt == null && pending == null ? null // no stack trace
        : Errors.closed("the token manager was closed during the token request"); // for nothing
    // A request already sent may be making a token at the edge that only its answer names:
    // let it finish (its call timeout bounds it) and revoke what it brings. Retries stop now.
    // (done or not: its answer may be on its way to finish(), which will drop it as closed)
    boolean letFinish = http != null && config.revokeOnClose();
    if (attempt != null) {
      if (letFinish) {
        attempt.completeExceptionally(closedDuring); // stops the retries, keeps the request
      } else {
        attempt.cancel(false);
      }
    }
    if (!letFinish) {
      source.cancel();
    }
    if (pending != null) {
      pending.completeExceptionally(closedDuring);
    }
    CompletableFuture<AccessToken> late = letFinish
        ? http.handle((issued, e) -> issued == null ? null : issued.token())
        : CompletableFuture.completedFuture(null);
    late.thenCompose(lateToken -> revokeAll(lateToken, toRevoke, superseded))
        .whenComplete((v, e) -> {
          source.release(); // after the revocation: its answer may still echo the tokens
          log.debug("Token manager {} closed", id);
          done.complete(null);
        });
    return done.copy();
  }

  /**
   * Revokes at close: the grant (refresh token), the newest access token (a late one, else the
   * current one) and every other access token still live; the source skips those the grant's
   * revocation covers.
   */
  private CompletableFuture<Void> revokeAll(AccessToken late, AccessToken current,
      List<AccessToken> superseded) {
    if (!config.revokeOnClose()) {
      return CompletableFuture.completedFuture(null);
    }
    List<AccessToken> live = new ArrayList<>();
    AccessToken newest = late != null ? late : current;
    if (newest != null) {
      live.add(newest);
    }
    Instant now = clock.instant();
    List<AccessToken> others = new ArrayList<>(superseded);
    if (late != null && current != null) {
      others.add(current);
    }
    for (AccessToken t : others) {
      if (t.expiresAt() == null || t.expiresAt().isAfter(now)) {
        live.add(t);
      }
    }
    return source.revoke(live);
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "RealTokenManager{" + id + ", token=" + (current == null ? "none" : "██")
          + ", refreshAt=" + refreshAt + ", closed=" + (closed != null) + '}';
    }
  }
}
