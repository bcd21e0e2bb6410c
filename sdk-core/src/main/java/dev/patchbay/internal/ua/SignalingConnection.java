package dev.patchbay.internal.ua;

import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.IceServer;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.internal.Errors;
import dev.patchbay.internal.admission.TenantAdmission;
import dev.patchbay.internal.auth.TokenManager;
import dev.patchbay.internal.call.RealCall;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.retry.Retrier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a user agent's signaling connection: which socket is current, what its
 * {@code hello} advertised, its token (kept fresh with {@code reauth}), the replacement of a
 * socket the edge announced closing (make-before-break), the {@code resume} of the calls after a
 * move, and the closing of every socket at the end. Every way a socket can end — a server close,
 * a transport failure, a missed pong, termination — converges on {@link #lost}, which runs once
 * per socket. Opening sockets is delegated to its {@link Connector}. Actor-confined except
 * {@link #connectionId()} and {@link #iceServers()}.
 *
 * <p>Its phase is derived, never stored: {@link Phase#CLOSED} once stopped, {@link Phase#OPEN}
 * with a current socket, {@link Phase#REPLACING} while that socket drains, else
 * {@link Phase#CONNECTING} (first time) or {@link Phase#RECONNECTING}.
 */
final class SignalingConnection implements Connector.Listener, Connection.Events {
  private static final Logger LOG = LoggerFactory.getLogger(SignalingConnection.class);
  /** Calls per connection when the edge advertises no {@code maxCallsPerConnection}. */
  static final int DEFAULT_MAX_CALLS = 64;
  /** The most calls per connection this SDK holds, whatever the edge advertises. */
  static final int MAX_CALLS_CAP = 1000;

  /** The reason of the edge's close that confirms a {@code logout} (protocol 3.7). */
  static final String LOGGED_OUT = "logged-out";

  /** The connection's phase, derived from what it holds. */
  enum Phase { CONNECTING, OPEN, REPLACING, RECONNECTING, CLOSED }

  /** What the agent does when its connection changes; called on the actor. */
  interface Agent {
    /** A new current socket said hello: report it (the agent may be closing). */
    void connected(Frames.Hello hello, Duration took);

    /** The current socket is ready to serve calls (a resume, if any, is sent). */
    void ready();

    /** The current socket was lost; a reconnect follows. */
    void disconnected();

    /** The connection cannot go on: close the agent with {@code cause}. */
    void closeWith(PatchbayException cause);

    /** A frame about calls (or a connection error) for the agent's dispatcher. */
    void onFrame(Frame frame);
  }

  private final SdkRuntime rt;
  private final AgentActor actor;
  private final UserAgentOptions options;
  private final TokenManager tokens;
  private final TenantAdmission admission;
  private final CallRegistry calls;
  private final Agent agent;
  private final Connector connector;
  /** Every socket not yet terminated: current, draining, and attempts. */
  private final Set<Connection> sockets = new HashSet<>();
  /** Sockets whose loss was handled (each once). */
  private final Set<Connection> lost = new HashSet<>();
  /**
   * Sockets the edge announced closing, closed once their calls moved, each with the timer of
   * its window (cancelled when the socket terminates: the timer's one release path).
   */
  private final Map<Connection, Future<?>> draining = new HashMap<>();
  private volatile String connectionId;
  private volatile List<IceServer> iceServers = List.of();
  private Connection current;
  private boolean everConnected;
  private boolean stopped;
  /** The token the current (or last) socket carries: opened with, or sent in a reauth. */
  private AccessToken token;
  private Future<?> reauthTimer;
  /** Old connections that may still hold calls at the edge, oldest first, until resumed. */
  private final Set<String> toResume = new LinkedHashSet<>();
  /**
   * Calls an answer to this socket's resumes already settled: a later answer (for another old
   * connection, sent at once with the first) is stale for them — e.g. "unknown-call" for a call
   * the first answer reported ended 504 and that now waits to re-send its invite.
   */
  private final Set<String> settledByResume = new HashSet<>();
  /** The {@code resume}s sent on the current socket and not yet answered, in order. */
  private final ArrayDeque<Outstanding> outstanding = new ArrayDeque<>();
  private Future<?> resumeTimer;

  /**
   * A {@code resume} of the calls bound to {@code from}, waiting for its {@code resumed}: sent as
   * the agent's {@code order}-th frame, while the old sockets {@code openThen} could still
   * deliver what was written on them.
   */
  private record Outstanding(String from, Set<String> callIds, long order,
      Set<Connection> openThen) {}

  /** Where a frame went out: its socket and its place among the agent's sends. */
  record Sent(Connection socket, long order) {}

  /** Frames sent so far on any socket: places an invite before or after a resume. */
  private long sends;
  /**
   * Old sockets that carried an invite the edge answered "unknown-call" for before it had
   * necessarily read it: once one has ended (the edge read all of it, or never will), its
   * connection is resumed again and that answer is the one that counts.
   */
  private final Set<Connection> resumeWhenEnded = new HashSet<>();

  private final Events events;

  SignalingConnection(SdkRuntime rt, AgentActor actor, TokenManager tokens,
      UserAgentOptions options, TenantAdmission admission, CallRegistry calls, Agent agent,
      Supplier<String> userId, Events events) {
    this.rt = rt;
    this.events = events;
    this.actor = actor;
    this.options = options;
    this.tokens = tokens;
    this.admission = admission;
    this.calls = calls;
    this.agent = agent;
    this.connector = new Connector(rt, actor, tokens, options, admission, this, this, userId,
        events);
  }

  // ------------------------------------------------------------------ queries

  /** The current connection's id; any thread. */
  String connectionId() {
    return connectionId;
  }

  /** The ICE servers the last {@code hello} advertised; any thread. */
  List<IceServer> iceServers() {
    return iceServers;
  }

  Phase phase() {
    if (stopped) {
      return Phase.CLOSED;
    }
    if (current != null) {
      return draining.containsKey(current) ? Phase.REPLACING : Phase.OPEN;
    }
    return everConnected ? Phase.RECONNECTING : Phase.CONNECTING;
  }

  /** Calls one connection may hold: what the edge advertised, else a local default. */
  int maxCalls() {
    Connection c = current;
    Frames.Limits limits = c == null ? null : c.hello().limits();
    Integer advertised = limits == null ? null : limits.maxCallsPerConnection();
    return advertised == null || advertised < 1
        ? DEFAULT_MAX_CALLS : Math.min(advertised, MAX_CALLS_CAP);
  }

  /**
   * Sends on the current socket; false when signaling is down, and for an {@code invite} while
   * the current socket drains and its replacement is being opened: the edge binds a call to the
   * socket its invite arrives on and orders frames per socket only, so an invite on the draining
   * socket races the replacement's {@code resume} of that connection — the edge may answer the
   * resume "unknown-call" and then create the call on the socket the agent is about to close
   * (generated schedules, seeds 277 and 334: the call failed CONNECTION_LOST, a ghost at the
   * edge). The caller waits for the next ready socket ({@code RealCall.deliver}), where the
   * invite follows the resumes; if the replacement fails the draining socket takes it.
   */
  boolean send(Frame frame) {
    Connection c = current;
    if (c == null) {
      return false;
    }
    if (frame instanceof Frames.Invite && draining.containsKey(c) && connector.inProgress()) {
      LOG.debug("invite held: the socket drains; it goes out on its replacement");
      return false;
    }
    if (!c.socket().send(frame)) {
      return false;
    }
    sends++;
    return true;
  }

  /** Where the last frame {@link #send} sent went out; null when signaling is down. */
  Sent lastSent() {
    Connection c = current;
    return c == null ? null : new Sent(c, sends);
  }

  // ------------------------------------------------------------------ starting

  /** Connects for the first time; from now on refreshed tokens go out in a {@code reauth}. */
  void start() {
    tokens.addListener(new TokenManager.Listener() {
      @Override
      public void onTokenRefreshed(AccessToken t) {
        actor.execute(() -> reauth(t));
      }

      @Override
      public void onReauthenticationRequired(AuthenticationException cause) {
        LOG.warn("the user must authenticate again: {}", cause.getMessage());
      }
    });
    connector.connect(false);
  }

  // ------------------------------------------------------------------ Connector.Listener

  @Override
  public boolean closing() {
    return stopped;
  }

  @Override
  public AccessToken lastToken() {
    return token;
  }

  @Override
  public void opened(Connection c) {
    sockets.add(c);
  }

  @Override
  public void connected(Connection c) {
    if (stopped) {
      c.socket().close(1000, "closed");
      return;
    }
    if (lost.contains(c) || !c.socket().isOpen()) {
      // it ended between its hello and now (its loss was ignored: it was not current yet);
      // promoting it would leave the agent CONNECTED on a dead socket
      c.socket().cancel();
      endedBeforeUse(c);
      return;
    }
    Connection previous = current;
    current = c;
    everConnected = true;
    Frames.Hello hello = c.hello();
    connectionId = hello.connectionId();
    if (token != null && !token.equals(c.token())) {
      tokens.revokeSuperseded(); // the lost socket's token: nothing uses it any more
    }
    token = c.token();
    tokens.accepted(token); // a later 401 for it is a new rejection, not a failed forced refresh
    learn(hello);
    agent.connected(hello, connector.elapsed());
    scheduleReauth();
    sendResumes(c);
    if (outstanding.isEmpty()) {
      closeDraining();
    }
    if (previous != null && previous != c && !draining.containsKey(previous)) {
      previous.socket().close(1000, "replaced");
    }
    agent.ready();
  }

  /**
   * A new socket said hello but ended before it was used: the next attempt, through the path
   * the agent is on — a reconnect without a current socket, another replacement while the
   * current one drains (the edge will close it) — unless an attempt is already under way. Its
   * token was bound to an upgraded socket that died: never presented again. The attempt is
   * paced by the connector when sockets keep dying young.
   */
  private void endedBeforeUse(Connection c) {
    Connection serving = current;
    boolean replacing = serving != null && draining.containsKey(serving);
    LOG.info("the new socket ended before it was used; {}", serving == null ? "reconnecting"
        : replacing ? "opening another replacement" : "the current one still serves");
    if (connector.inProgress() || serving != null && !replacing) {
      return;
    }
    connector.staleToken(c.token());
    if (replacing) {
      connector.replace();
    } else {
      connector.connect(true);
    }
  }

  @Override
  public void failed(PatchbayException cause) {
    Connection serving = current;
    if (serving != null && draining.containsKey(serving)) {
      // the replacement's budget is spent and the edge will close the draining socket (at
      // the end of its window, up to minutes away): close it now instead of serving on it
      // silently; its end takes the one path of a lost current socket (lost: reconnect), and
      // the invites held for the replacement go out on the socket the reconnect opens
      LOG.warn("could not open a replacement socket: {}; closing the draining one",
          cause.getMessage());
      serving.socket().close(1000, "reconnecting");
      return;
    }
    if (serving != null) { // an attempt failed while a socket that is not draining serves
      LOG.warn("could not open a new socket: {}", cause.getMessage());
      return;
    }
    LOG.warn("connecting failed for good: {}", cause.getMessage());
    agent.closeWith(cause);
  }

  /** Applies what a {@code hello} advertised: tenant limits, ICE servers. */
  private void learn(Frames.Hello h) {
    rt.learnHeartbeat(h.heartbeatMs());
    if (h.limits() != null) {
      admission.advertised(h.limits().tenantSockets(), h.limits().tenantNegotiations());
    }
    List<IceServer> out = new ArrayList<>();
    for (Frames.IceServer s : h.iceServers()) {
      try {
        out.add(new IceServer(s.urls(), s.username(), s.credential()));
      } catch (IllegalArgumentException e) {
        LOG.warn("ignoring an ICE server the edge advertised: {}", e.getMessage());
      }
    }
    iceServers = List.copyOf(out);
  }

  // ------------------------------------------------------------------ Connection.Events

  @Override
  public void onFrame(Connection c, Frame frame) {
    if (frame instanceof Frames.Closing notice) {
      onClosingNotice(c, notice);
    } else if (frame instanceof Frames.Resumed r) {
      if (c == current) {
        onResumed(r);
      } else { // a late answer on an old socket is not this socket's resume's, but its news is
        onLateResumed(r);
      }
    } else if (frame instanceof Frames.Hello) {
      LOG.debug("ignoring a second hello");
    } else {
      agent.onFrame(frame);
    }
  }

  @Override
  public void onUpgraded(Connection c) {
    events.socketUpgraded();
  }

  @Override
  public void onServerClose(Connection c, int code, String reason) {
    LOG.info("edge closed the socket: {} {}", code, reason);
    if (code == 4003 || code == 4090) {
      lost(c, Errors.edgeRejected("the edge closed the connection with " + code
          + (code == 4003 ? " (token bound elsewhere)" : " (replaced by another connection)"),
          code, false, null, null), false);
      return;
    }
    lost(c, Errors.patchbay("the edge closed the connection (" + code + ")", null, true,
        0, null), false);
  }

  @Override
  public void onConnectionLost(Connection c, PatchbayException cause) {
    lost(c, cause, true);
  }

  @Override
  public void onTerminated(Connection c) {
    sockets.remove(c);
    AgentActor.cancel(draining.remove(c));
    if (resumeWhenEnded.remove(c)) {
      resumeAgain(c);
    }
    if (!lost.contains(c) && !stopped && c == current) { // no exception built when stopped:
      lost(c, Errors.patchbay("signaling socket closed", null, true, 0, null), true); // 10,000
    } // sockets closing at once would each fill in a stack trace for nothing
    lost.remove(c);
  }

  /**
   * The one path for a socket that ended, whatever ended it; runs once per socket. Only the
   * current socket matters: the agent reconnects (a non-retryable cause closes it).
   *
   * @param unclean the socket died without a close from the edge, which may still bind its token
   */
  private void lost(Connection c, PatchbayException cause, boolean unclean) {
    if (!lost.add(c) || stopped || c != current) {
      return;
    }
    current = null;
    connectionId = null;
    AgentActor.cancel(reauthTimer);
    reauthTimer = null;
    // resumes sent on it are void (their connections stay in toResume): sent again on the next
    AgentActor.cancel(resumeTimer);
    resumeTimer = null;
    outstanding.clear();
    if (cause instanceof EdgeRejectedException && !cause.retryable()) {
      agent.closeWith(cause); // the edge bound the token elsewhere or replaced us (4003/4090)
      return;
    }
    // anything else — a transport failure, a message over the limit, bad UTF-8 — costs this
    // socket, not the agent: reconnect (paced when sockets keep dying young) and resume
    LOG.warn("signaling lost: {}", cause.getMessage());
    toResume.add(c.hello().connectionId());
    agent.disconnected();
    connector.freshTokenNext(unclean);
    if (unclean) { // idle pooled connections to the edge likely share the dead path
      rt.http.connectionPool().evictAll();
    }
    if (!connector.inProgress()) {
      connector.connect(true);
    }
  }

  // ------------------------------------------------------------------ moving sockets

  /** The edge announced it will close {@code c}: open a replacement first. */
  private void onClosingNotice(Connection c, Frames.Closing notice) {
    if (c != current || stopped) {
      return;
    }
    LOG.info("edge announced closing (reconnect within {} ms); opening a new socket first",
        notice.reconnectWithinMs());
    if (connector.inProgress()) {
      return;
    }
    Duration window = Duration.ofMillis(Math.max(notice.reconnectWithinMs(), 1));
    AgentActor.cancel(draining.put(c, actor.schedule(window, () -> { // the latest notice counts
      if (draining.containsKey(c) && current != c) {
        c.socket().close(1000, "replaced");
      }
    })));
    toResume.add(c.hello().connectionId());
    connector.replace();
  }

  /**
   * On a new socket: a {@code resume} for each old connection that may still hold calls at the
   * edge (usually one; more when a socket was lost before its own resume was answered). Each
   * names every call the edge holds: where the edge binds a call is not the client's to know,
   * and the edge moves a named call of the user from whichever connection holds it (§3.8), so
   * the first answer settles them all and no call is ended for not being named.
   */
  private void sendResumes(Connection c) {
    List<String> known = calls.knownToEdgeIds();
    outstanding.clear(); // resumes sent on a lost socket: their connections are still listed
    settledByResume.clear();
    Set<Connection> openThen = openOldSockets(c);
    for (String from : toResume) {
      // also with no call held: the edge then re-offers a ringing incoming call whose frame
      // was lost with the old socket, and ends the rest at once instead of at the window's end
      if (c.socket().send(new Frames.Resume(from, known))) {
        LOG.info("resuming {} call(s) of connection {}", known.size(), from);
        outstanding.add(new Outstanding(from, new LinkedHashSet<>(known), ++sends, openThen));
      }
    }
    toResume.clear();
    for (Outstanding o : outstanding) {
      toResume.add(o.from()); // until answered: a loss of this socket resumes them again
    }
    AgentActor.cancel(resumeTimer);
    resumeTimer = outstanding.isEmpty() ? null
        : actor.schedule(options.helloTimeout(), this::resumeTimedOut);
  }

  private Set<Connection> openOldSockets(Connection current) {
    Set<Connection> open = new HashSet<>(sockets);
    open.remove(current);
    return open;
  }

  /**
   * Resumes {@code old}'s connection again on the current socket (else on the next one): an
   * earlier answer said "unknown-call" for a call whose invite was still on its way on it.
   */
  private void resumeAgain(Connection old) {
    String from = old.hello().connectionId();
    Connection c = current;
    if (stopped || c == null) {
      toResume.add(from);
      return;
    }
    List<String> known = calls.knownToEdgeIds();
    if (!c.socket().send(new Frames.Resume(from, known))) {
      toResume.add(from);
      return;
    }
    LOG.info("resuming {} call(s) of connection {} again: its socket has ended", known.size(),
        from);
    outstanding.add(new Outstanding(from, new LinkedHashSet<>(known), ++sends,
        openOldSockets(c)));
    toResume.add(from);
    if (resumeTimer == null) {
      resumeTimer = actor.schedule(options.helloTimeout(), this::resumeTimedOut);
    }
  }

  /**
   * Whether the edge's "unknown-call" for {@code call} in the answer to {@code asked} is set
   * aside: it cannot be about the call's latest invite. The edge orders frames per socket only:
   * an invite that went out on this socket after the resume is read after it (stale: the
   * invite's own answer settles the call); one on an old socket that was still open when the
   * resume was sent may be read after it too (the report proves nothing until that socket has
   * ended: its connection is resumed again then, and that answer settles the call).
   */
  private boolean setAside(RealCall call, Outstanding asked) {
    if (!(call.inviteSentOn() instanceof Sent via)) {
      return false;
    }
    if (via.socket() == current) {
      if (via.order() < asked.order()) {
        return false;
      }
      LOG.info("call {}: 'unknown-call' is older than its invite; the edge answers that",
          call.id());
      settledByResume.add(call.id());
      return true;
    }
    if (!asked.openThen().contains(via.socket())) {
      return false; // its socket had ended: the edge read all of it, or never will
    }
    LOG.info("call {}: 'unknown-call' may be older than its invite on another socket; resuming"
        + " again once that socket has ended", call.id());
    resumeWhenEnded.add(via.socket()); // see onResumed for one that has ended already
    return true;
  }

  private void onResumed(Frames.Resumed r) {
    Outstanding asked = outstanding.poll(); // answered in order on this socket
    if (asked == null) {
      LOG.debug("ignoring a resumed nobody asked for");
      return;
    }
    toResume.remove(asked.from());
    Set<String> kept = new HashSet<>(r.resumed());
    List<String> resumedIds = new ArrayList<>();
    List<String> lostIds = new ArrayList<>();
    Map<String, Frames.CallStatus> status = new HashMap<>();
    for (Frames.CallStatus s : r.calls()) {
      status.put(s.callId(), s);
    }
    for (RealCall call : calls.snapshot()) {
      // only calls named in this resume: a call dialled on the new socket meanwhile is fine
      if (!asked.callIds().contains(call.id()) || !call.isLive()
          || settledByResume.contains(call.id())) {
        continue;
      }
      Frames.CallStatus s = status.get(call.id());
      if (s != null && Frames.CallStatus.ENDED.equals(s.state())
          && "unknown-call".equals(s.reason()) && setAside(call, asked)) {
        continue; // set aside: the invite's own answer, or the next resume's, settles it
      }
      settledByResume.add(call.id());
      if (s != null || kept.contains(call.id())) {
        resumedIds.add(call.id());
        call.onResumed(s); // what the call missed while the agent was away
      } else {
        LOG.info("call {} was not resumed", call.id());
        lostIds.add(call.id());
        call.notResumed();
      }
    }
    events.callsResumed(resumedIds, lostIds);
    for (Connection old : List.copyOf(resumeWhenEnded)) {
      if (!sockets.contains(old)) { // ended between the resume and its answer
        resumeWhenEnded.remove(old);
        resumeAgain(old);
      }
    }
    if (outstanding.isEmpty()) {
      AgentActor.cancel(resumeTimer);
      resumeTimer = null;
      closeDraining();
    }
  }

  /**
   * A {@code resumed} that arrived on a socket already replaced: it answers no resume of the
   * current socket, but a call it reports ended (by the peer, the edge or a failure) did end,
   * and by the time the current socket's resume is answered the edge may have forgotten it
   * ("unknown-call"). So those ends are applied; everything else waits for the current answer.
   */
  private void onLateResumed(Frames.Resumed r) {
    for (Frames.CallStatus s : r.calls()) {
      if (!Frames.CallStatus.ENDED.equals(s.state()) || s.reason() == null || s.lostAtEdge()) {
        continue;
      }
      RealCall call = calls.get(s.callId());
      if (call != null && call.isLive()) {
        LOG.info("call {} ended while its socket moved ({})", s.callId(), s.reason());
        call.onResumed(s);
      }
    }
  }

  private void resumeTimedOut() {
    LOG.warn("no resumed within {}; ending the calls", options.helloTimeout());
    resumeTimer = null;
    Set<String> asked = new HashSet<>();
    for (Outstanding o : outstanding) {
      asked.addAll(o.callIds());
      toResume.remove(o.from());
    }
    outstanding.clear();
    for (RealCall call : calls.snapshot()) {
      if (asked.contains(call.id()) && !settledByResume.contains(call.id())) {
        call.notResumed();
      }
    }
    closeDraining();
  }

  private void closeDraining() {
    for (Connection c : new ArrayList<>(draining.keySet())) {
      if (c != current) {
        c.socket().close(1000, "replaced");
      }
    }
  }

  // ------------------------------------------------------------------ reauth

  /** Arms the timer that refreshes the token a little before it expires. */
  private void scheduleReauth() {
    AgentActor.cancel(reauthTimer);
    reauthTimer = null;
    AccessToken t = token;
    if (stopped || t == null || t.expiresAt() == null) {
      return;
    }
    long remaining = millisUntil(t.expiresAt());
    long lead = Math.max(500, Math.min(60_000, remaining / 5));
    reauthTimer = actor.scheduleExact(Duration.ofMillis(Math.max(0, remaining - lead)),
        this::refreshForReauth);
  }

  private void refreshForReauth() {
    reauthTimer = null;
    if (current == null) {
      return;
    }
    tokens.token().whenCompleteAsync((t, e) -> {
      if (current == null || stopped) {
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
      long remaining = t.expiresAt() == null ? 0 : millisUntil(t.expiresAt());
      if (remaining > 0) {
        reauthTimer = actor.scheduleExact(Duration.ofMillis(Math.max(200, remaining / 2)),
            this::refreshForReauth);
      }
    }, actor);
  }

  /** Sends {@code reauth} with {@code fresh} unless the socket already carries it. */
  private void reauth(AccessToken fresh) {
    Connection c = current;
    // not on a socket the edge announced closing: its replacement may already be opening with
    // this very token (the edge then sees one token on two live connections, a 409); the
    // replacement carries the newest token, and the reauth timer moves any later one
    if (c == null || stopped || draining.containsKey(c) || fresh.equals(token)) {
      return;
    }
    if (c.socket().send(new Frames.Reauth(fresh.value()))) {
      LOG.debug("sent reauth with the refreshed token");
      token = fresh;
      scheduleReauth();
    }
  }

  private long millisUntil(Instant t) {
    try {
      return Duration.between(rt.clock.instant(), t).toMillis();
    } catch (ArithmeticException e) { // centuries away: as good as never
      return Long.MAX_VALUE / 2;
    }
  }

  // ------------------------------------------------------------------ stopping

  /** Stops connecting, resuming and reauthenticating (the agent is done with the edge). */
  void stop() {
    stopped = true;
    AgentActor.cancel(resumeTimer);
    AgentActor.cancel(reauthTimer);
    resumeTimer = null;
    reauthTimer = null;
    connector.cancel();
  }

  /**
   * Stops, closes every socket (cancels those that do not finish the close handshake in time),
   * then runs {@code then} on the actor. When the current socket's {@code hello} offered it, its
   * last frame is a {@code logout} naming the tokens the token manager would revoke at close; the
   * manager learns whether the edge confirmed it (protocol 3.7) before {@code then} runs.
   *
   * @return whether a {@code logout} went out (the token manager's close should then wait for
   *     {@code then}: it revokes only what the edge did not)
   */
  boolean closeAll(Runnable then) {
    stop();
    List<CompletableFuture<Void>> gone = new ArrayList<>();
    Connection loggingOut = null;
    List<String> named = List.of();
    if (current != null && current.socket().isOpen() && current.hello().offersLogout()) {
      named = tokens.logoutTokens(Frames.Logout.MAX_TOKENS);
    }
    for (Connection c : new ArrayList<>(sockets)) {
      if (c.socket().isOpen()) {
        Frames.Logout logout = c == current && !named.isEmpty() ? new Frames.Logout(named) : null;
        if (c.socket().close(1000, "closed", logout) && logout != null) {
          loggingOut = c; // the edge's close reply confirms the logout
        }
      } else {
        c.socket().cancel();
      }
      gone.add(c.socket().terminatedFuture());
    }
    current = null;
    connectionId = null;
    CompletableFuture<Void> all = CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new));
    Future<?> force = actor.schedule(options.closeTimeout(), () -> {
      for (Connection c : new ArrayList<>(sockets)) {
        LOG.info("close handshake not finished within {}; cancelling", options.closeTimeout());
        c.socket().cancel();
      }
    });
    Connection loggedOut = loggingOut;
    List<String> revoked = named;
    all.whenCompleteAsync((v, e) -> {
      force.cancel(false);
      if (loggedOut != null && loggedOut.socket().edgeClosedWith(1000, LOGGED_OUT)) {
        tokens.revokedByEdge(revoked);
      } else if (loggedOut != null) {
        LOG.debug("the edge did not confirm the logout; revoking the tokens over HTTP");
      }
      then.run();
    }, actor);
    return loggedOut != null;
  }

  @Override
  public String toString() {
    return "SignalingConnection{" + phase() + ", " + connectionId + '}';
  }
}
