package dev.patchbay.testkit.internal;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.protocol.FrameDecodingException;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.Fault;
import dev.patchbay.testkit.FrameLog;
import dev.patchbay.testkit.LoggedFrame;
import dev.patchbay.testkit.SocketEnd;
import dev.patchbay.testkit.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signaling side of the fake edge: admission of upgrades, live connections, heartbeats,
 * token binding on the socket, frame dispatch, observation. All state is guarded by
 * {@code this} (one lock per edge); outbound writes are non-blocking.
 */
public final class EdgeModel {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeModel.class);
  private static final int MAX_EVENTS_PER_USER = 10_000;

  final EdgeSettings settings;
  final TokenStore tokens;
  final CounterSet counters;
  final FaultState faults;
  final ScheduledExecutorService scheduler;
  final Clock clock;
  final FrameCodec codec;
  final CallRouter calls;
  private final Directory directory;
  private final Map<String, TenantRuntime> tenants = new HashMap<>();
  /** Every connection admitted and not yet closed (reserved, open or draining). */
  private final Map<String, EdgeConnection> connections = new HashMap<>();
  private final Map<String, Set<EdgeConnection>> byUser = new HashMap<>();
  /** access token → its non-draining connection. */
  private final Map<String, EdgeConnection> byToken = new HashMap<>();
  /** Closed connections whose calls wait for a resume. */
  final Map<String, EdgeConnection> detached = new HashMap<>();
  private final ConcurrentHashMap<String, FrameLog> logs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, List<Instant>> handshakes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, List<SocketEnd>> socketEnds = new ConcurrentHashMap<>();
  private final AtomicLong connectionSeq = new AtomicLong();
  private volatile boolean frameLogEnabled = true;

  public EdgeModel(EdgeSettings settings, Directory directory, TokenStore tokens,
      CounterSet counters, FaultState faults, ScheduledExecutorService scheduler, Clock clock) {
    this.settings = settings;
    this.tokens = tokens;
    this.counters = counters;
    this.faults = faults;
    this.scheduler = scheduler;
    this.clock = clock;
    this.codec = new FrameCodec(settings.maxFrameChars());
    this.calls = new CallRouter(this, settings.seed());
    this.calls.directory = directory;
    this.directory = directory;
    faults.bind(this);
  }

  synchronized TenantRuntime tenant(String id) {
    return tenants.computeIfAbsent(id, t -> new TenantRuntime(t, settings.tenantLimits().apply(t)));
  }

  /** Rate-limit check of the token endpoint for a tenant: 0 = allowed, else millis to wait. */
  public long tokenRateDelay(String tenant) {
    return tenant(tenant).tokens.tryAcquire();
  }

  public synchronized TenantLimits limits(String tenant) {
    return tenant(tenant).limits;
  }

  /**
   * The delay before an upgrade of {@code user} in {@code tenant} (either null when unknown) is
   * processed: an armed fault, else the profile's range.
   */
  public Duration handshakeDelay(String tenant, String user) {
    dev.patchbay.testkit.Fault.DelayHandshake scripted =
        faults.take(dev.patchbay.testkit.Fault.DelayHandshake.class, tenant, user);
    if (scripted != null) {
      return scripted.delay();
    }
    long min = settings.handshakeDelayMin().toMillis();
    long max = settings.handshakeDelayMax().toMillis();
    if (max <= 0) {
      return Duration.ZERO;
    }
    return Duration.ofMillis(min + (max > min ? faults.nextInt((int) (max - min + 1)) : 0));
  }

  // ---- admission --------------------------------------------------------------------------

  /** The outcome of an upgrade check: a refusal, or a reserved connection. */
  public record Admission(Refusal refusal, EdgeConnection connection) {}

  public void recordHandshake(String user) {
    if (user != null) {
      appendBounded(handshakes, user, clock.instant());
    }
  }

  public List<Instant> handshakes(String user) {
    return snapshot(handshakes, user);
  }

  /** When and how each of the user's opened sockets ended, as the edge saw it. */
  public List<SocketEnd> socketEnds(String user) {
    return snapshot(socketEnds, user);
  }

  private static <T> void appendBounded(ConcurrentHashMap<String, List<T>> byUser, String user,
      T value) {
    List<T> l = byUser.computeIfAbsent(user, u -> Collections.synchronizedList(new ArrayList<>()));
    synchronized (l) {
      if (l.size() >= MAX_EVENTS_PER_USER) {
        l.remove(0);
      }
      l.add(value);
    }
  }

  private static <T> List<T> snapshot(ConcurrentHashMap<String, List<T>> byUser, String user) {
    List<T> l = byUser.get(user);
    if (l == null) {
      return List.of();
    }
    synchronized (l) {
      return List.copyOf(l);
    }
  }

  /**
   * Checks an upgrade in protocol order (401, 403, 409, 429, 503, 429 per user) and reserves a
   * connection when admitted. {@code grant} was looked up by the caller from the bearer token.
   */
  /** The newest violations, oldest first (at most {@link #VIOLATIONS_KEPT}). */
  private final java.util.ArrayDeque<dev.patchbay.testkit.Violation> violations =
      new java.util.ArrayDeque<>();
  static final int VIOLATIONS_KEPT = 256;

  /** Counts a violation, logs it and keeps it for {@link #violations()}. */
  public synchronized void violation(String kind, String user, String connectionId,
      String detail) {
    counters.inc("violations." + kind);
    LOG.warn("violation ({}) by {}: {}", kind, user, detail);
    if (violations.size() >= VIOLATIONS_KEPT) {
      violations.pollFirst();
    }
    violations.addLast(new dev.patchbay.testkit.Violation(clock.instant(), kind, user,
        connectionId, detail));
  }

  public synchronized List<dev.patchbay.testkit.Violation> violations() {
    return List.copyOf(violations);
  }

  public synchronized Admission admit(String token, TokenStore.AccessGrant grant,
      String userHeader, String upgradeId) {
    Instant now = clock.instant();
    if (grant == null || !grant.validAt(now)) {
      return refuse(401, "invalid_token",
          grant == null ? "unknown or missing access token" : "access token expired or revoked",
          0);
    }
    if (userHeader != null && !userHeader.equals(grant.user())) {
      violation("tokenOtherUser", grant.user(), null,
          "its access token was presented for user " + userHeader);
      return refuse(403, "token_user_mismatch",
          "the access token belongs to another user than Patchbay-User", 0);
    }
    EdgeConnection holder = byToken.get(token);
    if (holder != null && upgradeId != null && upgradeId.equals(holder.upgradeId)) {
      // the client's HTTP stack repeated this very upgrade on a new TCP connection (the first
      // one ended before any byte of its answer reached the client, which never saw it): the
      // earlier connection is dropped and the repeat is judged on its own (§3)
      LOG.info("upgrade {} of {} repeated on a new connection; dropping {}", upgradeId,
          grant.user(), holder.id);
      counters.inc("upgradeRepeats");
      holder.disconnect();
      holder = byToken.get(token);
    }
    if (holder != null) {
      violation("tokenTwoConnections", grant.user(), holder.id,
          "an upgrade presented the access token of a live connection");
      return refuse(409, "token_in_use",
          "the access token is already in use on another live connection", 0);
    }
    TenantRuntime t = tenant(grant.tenant());
    long wait = t.upgrades.tryAcquire();
    if (wait > 0) {
      return refuse(429, "rate_limited", "too many upgrades for tenant " + t.id,
          Refusal.seconds(wait));
    }
    if (t.activeSockets >= t.limits.socketCap()) {
      return refuse(503, "tenant_socket_cap", "tenant " + t.id + " has reached its cap of "
          + t.limits.socketCap() + " sockets", Refusal.seconds(t.limits.retryAfter().toMillis()));
    }
    if (activeSocketsOf(grant.user()) >= t.limits.userSocketLimit()) {
      return refuse(429, "user_socket_limit", "user " + grant.user() + " has reached its limit of "
          + t.limits.userSocketLimit() + " sockets",
          Refusal.seconds(t.limits.retryAfter().toMillis()));
    }
    String id = "c-" + connectionSeq.incrementAndGet() + "-" + Ids.shortId("");
    EdgeConnection c = new EdgeConnection(this, id, grant.tenant(), grant.user(), token, grant);
    c.upgradeId = upgradeId;
    connections.put(id, c);
    byUser.computeIfAbsent(c.user, u -> new LinkedHashSet<>()).add(c);
    byToken.put(token, c);
    t.activeSockets++;
    c.reservationTimeout = scheduler.schedule(() -> abandon(c), 15, TimeUnit.SECONDS);
    return new Admission(null, c);
  }

  Admission refuse(int status, String error, String message, long retryAfterSeconds) {
    counters.refusal(status);
    return new Admission(new Refusal(status, error, message, retryAfterSeconds), null);
  }

  /** Counts a refusal decided outside {@link #admit} (scripted faults, bad requests). */
  public void countRefusal(int status) {
    counters.refusal(status);
  }

  private int activeSocketsOf(String user) {
    int n = 0;
    for (EdgeConnection c : byUser.getOrDefault(user, Set.of())) {
      if (!c.draining) {
        n++;
      }
    }
    return n;
  }

  /** A reserved connection whose upgrade never completed. */
  public synchronized void abandon(EdgeConnection c) {
    if (!c.opened && !c.closed) {
      LOG.debug("upgrade of {} did not complete; releasing its reservation", c);
      release(c);
    }
  }

  /**
   * The edge closes or drops {@code c}: its token no longer counts as in use on a live
   * connection, so the client's reconnect with the same token is not a 409 violation.
   */
  synchronized void unbindToken(EdgeConnection c) {
    if (byToken.get(c.token) == c) {
      byToken.remove(c.token);
    }
  }

  private void release(EdgeConnection c) {
    c.closed = true;
    connections.remove(c.id);
    Set<EdgeConnection> set = byUser.get(c.user);
    if (set != null) {
      set.remove(c);
      if (set.isEmpty()) {
        byUser.remove(c.user);
      }
    }
    if (byToken.get(c.token) == c) {
      byToken.remove(c.token);
    }
    if (!c.draining) {
      tenant(c.tenant).activeSockets--;
    }
    cancel(c.heartbeat);
    cancel(c.expiry);
    cancel(c.drainClose);
    cancel(c.reservationTimeout);
  }

  private static void cancel(java.util.concurrent.Future<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  // ---- socket events ----------------------------------------------------------------------

  synchronized void onOpen(EdgeConnection c) {
    if (c.closed) {
      c.close(StatusCode.SERVER_ERROR, "reservation expired");
      return;
    }
    c.opened = true;
    cancel(c.reservationTimeout);
    counters.inc("upgrades");
    TenantLimits l = tenant(c.tenant).limits;
    c.send(new Frames.Hello(c.id, c.user, c.tenant, settings.heartbeat().toMillis(),
        settings.resumeWindow().toMillis(), settings.iceServers(),
        new Frames.Limits(settings.maxFrameChars(), null, l.socketCap(), l.mediaCapacity()),
        settings.logout() ? Boolean.TRUE : null));
    long hb = settings.heartbeat().toMillis();
    c.heartbeat = scheduler.scheduleAtFixedRate(() -> heartbeat(c), hb, hb, TimeUnit.MILLISECONDS);
    scheduleExpiry(c);
    faults.onOpen(c);
  }

  private void heartbeat(EdgeConnection c) {
    if (c.awaitingPong) {
      synchronized (this) {
        if (c.closed) {
          return;
        }
        counters.inc("heartbeatTimeouts");
        cancel(c.heartbeat);
      }
      LOG.debug("{} missed a pong: closing with 4008", c);
      c.close(4008, "heartbeat timeout");
      return;
    }
    c.sendPing();
  }

  private void scheduleExpiry(EdgeConnection c) {
    cancel(c.expiry);
    long ms = Math.max(0, Duration.between(clock.instant(), c.grant.expiresAt()).toMillis());
    c.expiry = scheduler.schedule(() -> checkExpiry(c), ms, TimeUnit.MILLISECONDS);
  }

  private void checkExpiry(EdgeConnection c) {
    synchronized (this) {
      if (c.closed || c.expiryClosing) {
        return;
      }
      if (c.grant.validAt(clock.instant())) {
        scheduleExpiry(c);
        return;
      }
      c.expiryClosing = true; // the close handshake is asynchronous: never count it twice
      counters.inc("tokenExpiryCloses");
    }
    LOG.debug("token of {} expired: closing with 4001", c);
    c.close(4001, "token expired");
  }

  synchronized void onClose(EdgeConnection c, int status) {
    if (c.closed) {
      return;
    }
    boolean wasOpen = c.opened;
    release(c);
    if (wasOpen) {
      counters.inc("socketsClosed");
      if (c.user != null) {
        appendBounded(socketEnds, c.user, new SocketEnd(clock.instant(), c.id, status));
      }
      calls.onConnectionLost(c);
    }
  }

  void onBinary(EdgeConnection c) {
    counters.inc("badFrames");
    synchronized (this) {
      c.send(new Frames.Error(null, 400, "binary frames are not part of protocol v1", null));
    }
  }

  void onText(EdgeConnection c, String text) {
    counters.inc("framesIn");
    Frame frame;
    try {
      frame = codec.decode(text);
    } catch (FrameDecodingException e) {
      counters.inc("badFrames");
      logFrame(c, false, null, text);
      countFrame(c).run();
      switch (e.kind()) {
        case MALFORMED -> c.close(StatusCode.BAD_PAYLOAD, "malformed frame");
        case TOO_LARGE -> c.close(StatusCode.MESSAGE_TOO_LARGE, "frame too large");
        default -> {
          synchronized (this) {
            c.send(new Frames.Error(null, 400, e.getMessage(), null));
          }
        }
      }
      return;
    }
    logFrame(c, false, frame, text);
    countFrame(c).run();
    synchronized (this) {
      if (c.closed) {
        return;
      }
      try {
        dispatch(c, frame);
      } catch (RuntimeException e) {
        counters.inc("serverErrors");
        LOG.error("fake edge failed on a {} frame from {}", frame.type(), c, e);
        c.send(new Frames.Error(frame.callIdOrNull(), 500, "fake edge internal error", null));
      }
    }
  }

  private void dispatch(EdgeConnection c, Frame frame) {
    if (frame instanceof Frames.Invite f) {
      calls.invite(c, f);
    } else if (frame instanceof Frames.Answer f) {
      calls.answer(c, f);
    } else if (frame instanceof Frames.Reject f) {
      calls.reject(c, f);
    } else if (frame instanceof Frames.Candidate f) {
      calls.candidate(c, f);
    } else if (frame instanceof Frames.Offer f) {
      calls.offer(c, f);
    } else if (frame instanceof Frames.Bye f) {
      calls.bye(c, f);
    } else if (frame instanceof Frames.Reauth f) {
      reauth(c, f);
    } else if (frame instanceof Frames.Resume f) {
      calls.resume(c, f);
    } else if (frame instanceof Frames.Logout f && settings.logout()) {
      logout(c, f);
    } else {
      counters.inc("badFrames");
      c.send(new Frames.Error(frame.callIdOrNull(), 400,
          "frame type \"" + frame.type() + "\" is not accepted from clients", null));
    }
  }

  /**
   * Protocol 3.7: revokes the named tokens of the connection's user (a refresh token with its
   * family), then closes with 1000 {@code logged-out}; the connection's calls end as on any
   * close. Tokens of another user are not revoked (counted in {@code logoutForeignTokens}).
   */
  private void logout(EdgeConnection c, Frames.Logout f) {
    for (String t : f.tokens()) {
      if (tokens.revokeOwn(c.tenant, c.user, t)) {
        counters.inc("logoutRevocations");
      } else {
        counters.inc("logoutForeignTokens");
      }
    }
    counters.inc("logouts");
    c.close(StatusCode.NORMAL, "logged-out");
  }

  private void reauth(EdgeConnection c, Frames.Reauth f) {
    TokenStore.AccessGrant g = tokens.lookup(f.token());
    if (g == null || !g.validAt(clock.instant()) || !g.user().equals(c.user)
        || !g.tenant().equals(c.tenant)) {
      counters.inc("reauthFailures");
      c.send(new Frames.Error(null, 401,
          "reauth token is invalid, expired or belongs to another user", null));
      return;
    }
    EdgeConnection other = byToken.get(f.token());
    if (other != null && other != c) {
      violation("tokenTwoConnections", c.user, other.id, "a reauth on connection " + c.id
          + " presented the access token of another live connection");
      counters.inc("reauthFailures");
      c.send(new Frames.Error(null, 409, "reauth token is in use on another connection", null));
      return;
    }
    if (!c.draining && byToken.get(c.token) == c) {
      byToken.remove(c.token);
      byToken.put(f.token(), c);
    }
    c.token = f.token();
    c.grant = g;
    counters.inc("reauths");
    scheduleExpiry(c);
  }

  // ---- observation ------------------------------------------------------------------------

  void logFrame(EdgeConnection c, boolean toClient, Frame frame, String text) {
    if (!frameLogEnabled) {
      return;
    }
    frames(c.user).append(new LoggedFrame(
        toClient ? LoggedFrame.Direction.TO_CLIENT : LoggedFrame.Direction.FROM_CLIENT,
        c.id, frame == null ? "?" : frame.type(), frame == null ? null : frame.callIdOrNull(),
        text, clock.instant()));
  }

  public FrameLog frames(String user) {
    return logs.computeIfAbsent(user, u -> new FrameLog(u, settings.frameLogCapacity()));
  }

  public void frameLogEnabled(boolean enabled) {
    this.frameLogEnabled = enabled;
  }

  /** Counts a frame passing on {@code c}; run the result once it has passed (see FaultState). */
  Runnable countFrame(EdgeConnection c) {
    return faults.onFrame(c);
  }

  /** Open (upgraded, not yet closed) sockets, draining ones included. */
  public synchronized int openSockets() {
    int n = 0;
    for (EdgeConnection c : connections.values()) {
      if (c.opened) {
        n++;
      }
    }
    return n;
  }

  public synchronized int openCalls() {
    return calls.size();
  }

  public synchronized int heldMediaSlots() {
    int n = 0;
    for (TenantRuntime t : tenants.values()) {
      n += t.media.held();
    }
    return n;
  }

  public synchronized int queuedInvites() {
    int n = 0;
    for (TenantRuntime t : tenants.values()) {
      n += t.media.queued();
    }
    return n;
  }

  /** Sockets, calls by state and media per tenant, read in one lock hold (the live view). */
  public synchronized List<TenantSnapshot> tenantSnapshots() {
    return TenantSnapshot.of(tenants.values(), connections.values(), calls.all());
  }

  /** Human-readable description of what is still open (for leak reports). */
  public synchronized String describeOpen() {
    StringBuilder sb = new StringBuilder();
    connections.values().stream().filter(c -> c.opened)
        .forEach(c -> sb.append("\n  open ").append(c));
    calls.describe(sb);
    for (TenantRuntime t : tenants.values()) {
      if (t.media.held() > 0 || t.media.queued() > 0) {
        sb.append("\n  tenant ").append(t.id).append(": ").append(t.media.held())
            .append(" media slots held, ").append(t.media.queued()).append(" invites queued");
      }
    }
    return sb.toString();
  }

  // ---- faults and admin -------------------------------------------------------------------

  synchronized List<EdgeConnection> liveConnectionsOf(String user) {
    List<EdgeConnection> out = new ArrayList<>();
    for (EdgeConnection c : byUser.getOrDefault(user, Set.of())) {
      if (c.opened && !c.closed) {
        out.add(c);
      }
    }
    return out;
  }

  /** The newest open non-draining connection of a user, else the newest draining one, or null. */
  synchronized EdgeConnection primaryConnectionOf(String user) {
    EdgeConnection last = null;
    EdgeConnection lastDraining = null;
    for (EdgeConnection c : byUser.getOrDefault(user, Set.of())) {
      if (c.opened && !c.closed) {
        if (c.draining) {
          lastDraining = c;
        } else {
          last = c;
        }
      }
    }
    return last != null ? last : lastDraining;
  }

  public synchronized String placeCall(String from, String toUser) {
    return calls.placeCall(from, toUser);
  }

  public synchronized boolean hangUp(String callId, String reason) {
    return calls.hangUp(callId, reason);
  }

  /** Sends {@code text} unchanged to the user's live sockets; returns how many. */
  public int sendRaw(String user, String text) {
    List<EdgeConnection> live = liveConnectionsOf(user);
    live.forEach(c -> c.sendRaw(text));
    return live.size();
  }

  private synchronized void sendClosing(EdgeConnection c, Duration reconnectWithin,
      String reason) {
    if (c.draining || c.closed) {
      return;
    }
    c.send(new Frames.Closing(reconnectWithin.toMillis(), reason));
    markDraining(c);
    c.drainClose = scheduler.schedule(() -> c.close(StatusCode.SHUTDOWN, "closing"),
        reconnectWithin.toMillis(), TimeUnit.MILLISECONDS);
    counters.inc("closingsSent");
  }

  private void markDraining(EdgeConnection c) {
    c.draining = true;
    if (byToken.get(c.token) == c) {
      byToken.remove(c.token);
    }
    tenant(c.tenant).activeSockets--;
  }

  /**
   * The one place where a fired socket or tenant fault takes effect. {@code c} is the socket
   * of the event that fired it, or null for a firing on the trigger's scope (NOW, AFTER).
   */
  void applyFault(Fault f, Trigger t, EdgeConnection c, FaultState.Mode mode) {
    if (f instanceof Fault.MediaCapacity || f instanceof Fault.NegotiationTimeout) {
      for (String tenant : tenantsOf(t, c)) {
        synchronized (this) {
          TenantRuntime rt = tenant(tenant);
          if (f instanceof Fault.MediaCapacity m) {
            calls.granted(rt.mediaCapacityFault(m.slots()));
          } else {
            rt.negotiationTimeoutFault(((Fault.NegotiationTimeout) f).timeout());
          }
        }
        faults.record(f, t, null, "tenant " + tenant);
      }
      return;
    }
    List<EdgeConnection> targets = c != null ? List.of(c) : liveConnectionsIn(t);
    for (EdgeConnection x : targets) {
      faults.record(f, t, x.user, x.toString());
      Runnable effect = socketEffect(f, x);
      switch (mode) {
        case INLINE -> effect.run();
        case ASYNC -> scheduler.execute(effect);
        case AFTER_ANSWER -> scheduler.schedule(effect, 50, TimeUnit.MILLISECONDS);
      }
    }
  }

  private Runnable socketEffect(Fault f, EdgeConnection x) {
    if (f instanceof Fault.Drop) {
      return () -> {
        counters.inc("faultDrops");
        x.disconnect();
      };
    }
    if (f instanceof Fault.CloseWith cw) {
      return () -> x.close(cw.code(), "scripted close");
    }
    if (f instanceof Fault.SendClosing sc) {
      return () -> sendClosing(x, sc.reconnectWithin(), "maintenance");
    }
    if (f instanceof Fault.ExpireTokens) {
      return () -> {
        tokens.expireUser(x.user);
        recheckExpiry(x.user);
      };
    }
    throw new IllegalArgumentException("not a socket fault: " + f);
  }

  /** The tenants a tenant fault acts on: the trigger's, else the socket's or user's, else all. */
  private List<String> tenantsOf(Trigger t, EdgeConnection c) {
    if (t.tenant() != null) {
      return List.of(t.tenant());
    }
    if (c != null) {
      return List.of(c.tenant);
    }
    if (t.user() != null) {
      EdgeSettings.Client u = directory.user(t.user());
      if (u == null) {
        throw new IllegalArgumentException("user must be configured, but was " + t.user());
      }
      return List.of(u.tenant());
    }
    synchronized (this) {
      java.util.Set<String> all = new java.util.LinkedHashSet<>(settings.tenants().keySet());
      all.addAll(tenants.keySet());
      return List.copyOf(all);
    }
  }

  /** Open, not closed sockets of the trigger's scope (user, else tenant, else all). */
  private synchronized List<EdgeConnection> liveConnectionsIn(Trigger t) {
    if (t.user() != null) {
      List<EdgeConnection> out = liveConnectionsOf(t.user());
      out.removeIf(x -> t.tenant() != null && !t.tenant().equals(x.tenant));
      return out;
    }
    List<EdgeConnection> out = new ArrayList<>();
    for (EdgeConnection x : connections.values()) {
      if (x.opened && !x.closed && (t.tenant() == null || t.tenant().equals(x.tenant))) {
        out.add(x);
      }
    }
    return out;
  }

  /** Ends what faults changed at run time: stalls are released, tenant limits restored. */
  public void clearFaults() {
    List<EdgeConnection> live;
    synchronized (this) {
      faults.clear();
      for (TenantRuntime rt : tenants.values()) {
        calls.granted(rt.mediaCapacityFault(null));
        rt.negotiationTimeoutFault(null);
      }
      live = new ArrayList<>(connections.values());
    }
    live.forEach(EdgeConnection::releaseStalled);
  }

  /** Sets a tenant's configured limits at run time. */
  public synchronized void configureTenant(String tenant, TenantLimits limits) {
    calls.granted(tenant(tenant).configure(limits));
  }

  /** The configured limits of a tenant (before faults' changes). */
  public synchronized TenantLimits configuredLimits(String tenant) {
    return tenant(tenant).configured();
  }

  /**
   * Each tenant's limits (configured, and in force after faults), live sockets, held media
   * slots and queued invites, as JSON-ready maps keyed by tenant id.
   */
  public synchronized Map<String, Map<String, Object>> tenantStates() {
    Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
    for (String id : tenantIds()) {
      TenantRuntime t = tenant(id);
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("limits", limitsMap(t.limits));
      m.put("configured", limitsMap(t.configured()));
      m.put("activeSockets", t.activeSockets);
      m.put("heldMediaSlots", t.media.held());
      m.put("queuedInvites", t.media.queued());
      out.put(id, m);
    }
    return out;
  }

  private static Map<String, Object> limitsMap(TenantLimits l) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("socketCap", l.socketCap());
    m.put("userSocketLimit", l.userSocketLimit());
    m.put("mediaCapacity", l.mediaCapacity());
    m.put("mediaQueueLimit", l.mediaQueueLimit());
    m.put("negotiationTimeoutMs", l.negotiationTimeout().toMillis());
    m.put("upgradesPerSecond", l.upgradesPerSecond());
    m.put("upgradeBurst", l.upgradeBurst());
    m.put("tokensPerSecond", l.tokensPerSecond());
    m.put("tokenBurst", l.tokenBurst());
    m.put("retryAfterMs", l.retryAfter().toMillis());
    return m;
  }

  /** Ids of the tenants configured or seen. */
  public synchronized List<String> tenantIds() {
    java.util.Set<String> all = new java.util.LinkedHashSet<>(settings.tenants().keySet());
    all.addAll(tenants.keySet());
    return List.copyOf(all);
  }

  public void releaseStalled(String user) {
    faults.endConditions(Fault.StallFrames.class, user);
    liveConnectionsOf(user).forEach(EdgeConnection::releaseStalled);
  }

  /** Re-checks token expiry of the user's sockets now (after tokens were expired). */
  public synchronized void recheckExpiry(String user) {
    liveConnectionsOf(user).forEach(this::scheduleExpiry);
  }

  /** Closes every socket (1001) and forgets calls; counters and logs are kept. */
  public void closeAll(int code, String reason) {
    List<EdgeConnection> all;
    synchronized (this) {
      all = new ArrayList<>(connections.values());
    }
    all.forEach(c -> c.close(code, reason));
  }

  /** Admin reset: ends every call, frees every slot, clears logs, handshakes and socket ends. */
  public synchronized void resetState() {
    calls.endAll("reset");
    logs.clear();
    handshakes.clear();
    socketEnds.clear();
  }

  public synchronized void shutdown() {
    calls.endAll("shutdown");
    for (EdgeConnection c : new ArrayList<>(connections.values())) {
      release(c);
    }
  }
}
