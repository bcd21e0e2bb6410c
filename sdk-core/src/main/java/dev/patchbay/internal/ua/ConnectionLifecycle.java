package dev.patchbay.internal.ua;

import dev.patchbay.AccessToken;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.internal.admission.TenantAdmission;
import dev.patchbay.internal.auth.TokenManager;
import dev.patchbay.internal.call.RealCall;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.signaling.SignalingSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which socket of a user agent is current: adopts a socket once its {@code hello} arrived,
 * resumes the calls of a lost or replaced one, reacts to loss and server close, replaces a
 * socket the edge announced closing (make-before-break) and closes them all at the end.
 * Actor-confined except {@link #connectionId()}.
 */
final class ConnectionLifecycle implements Connector.Listener, Connection.Events {
  /** Log lines keep the agent's logger name. */
  private static final Logger LOG = LoggerFactory.getLogger(RealUserAgent.class);

  /** What the agent does when its connection changes; called on the actor. */
  interface Agent {
    boolean closing();

    /** A new current socket said hello: learn from it, report, become CONNECTED. */
    void connected(AccessToken token, Frames.Hello hello, Duration took);

    /** The current socket is ready to serve calls. */
    void ready();

    /** The current socket was lost; a reconnect follows. */
    void disconnected();

    /** The agent cannot go on: close it with {@code cause}. */
    void closeWith(PatchbayException cause);

    /** The token the current (or last) socket carries, or null. */
    AccessToken token();
  }

  private final SdkRuntime rt;
  private final AgentActor actor;
  private final UserAgentOptions options;
  private final CallRegistry calls;
  private final Agent agent;
  private final BiConsumer<Connection, Frame> frames;
  private final Connector connector;
  private final Set<Connection> connections = new HashSet<>();
  private volatile String connectionId;
  private Connection current;
  private String resumeFrom;
  private Future<?> resumeTimer;
  /** The calls named in the outstanding {@code resume}; calls dialled later are not in it. */
  private Set<String> resumeRequested = Set.of();
  /** Set once the agent no longer wants sockets (its close finished with the calls). */
  private boolean stopped;

  ConnectionLifecycle(SdkRuntime rt, AgentActor actor, TokenManager tokens,
      UserAgentOptions options, TenantAdmission admission, CallRegistry calls, Agent agent,
      BiConsumer<Connection, Frame> frames, Supplier<String> userId) {
    this.rt = rt;
    this.actor = actor;
    this.options = options;
    this.calls = calls;
    this.agent = agent;
    this.frames = frames;
    this.connector = new Connector(rt, actor, tokens, options, admission, this, this, userId);
  }

  String connectionId() {
    return connectionId;
  }

  void connect() {
    connector.connect(false);
  }

  boolean hasCurrent() {
    return current != null;
  }

  /** The current socket, or null. */
  SignalingSocket currentSocket() {
    Connection c = current;
    return c == null ? null : c.socket;
  }

  /** Sends on the current socket; false when signaling is down. */
  boolean send(Frame frame) {
    Connection c = current;
    return c != null && c.socket.send(frame);
  }

  // ------------------------------------------------------------------ Connector.Listener

  /**
   * Whether connecting is over. A closing agent keeps (re)connecting until {@link #stop}: the
   * byes of its calls must reach the edge, also when the close began while it was away.
   */
  @Override
  public boolean closing() {
    return stopped;
  }

  @Override
  public AccessToken lastToken() {
    return agent.token();
  }

  @Override
  public void opened(Connection c) {
    connections.add(c);
  }

  @Override
  public void connected(Connection c) {
    if (stopped) {
      c.socket.close(1000, "closed");
      return;
    }
    Connection previous = current;
    current = c;
    connectionId = c.hello.connectionId();
    agent.connected(c.token, c.hello, connector.elapsed());
    boolean resumeSent = false;
    List<String> live = calls.knownToEdgeIds();
    if (resumeFrom != null && !live.isEmpty()) {
      resumeSent = c.socket.send(new Frames.Resume(resumeFrom, live));
      LOG.info("resuming {} call(s) of connection {}", live.size(), resumeFrom);
      resumeRequested = Set.copyOf(live);
      AgentActor.cancel(resumeTimer);
      resumeTimer = actor.schedule(options.helloTimeout(), () -> {
        LOG.warn("no resumed within {}; ending the calls", options.helloTimeout());
        resumeTimer = null;
        for (RealCall call : calls.snapshot()) {
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
    agent.ready();
  }

  @Override
  public void failed(PatchbayException cause) {
    if (current != null) { // a make-before-break attempt failed; the old socket still serves
      LOG.warn("could not open a replacement socket: {}", cause.getMessage());
      return;
    }
    LOG.warn("connecting failed for good: {}", cause.getMessage());
    agent.closeWith(cause);
  }

  // ------------------------------------------------------------------ frames about sockets

  /** The edge announced it will close {@code c}: open a replacement first. */
  void onClosingNotice(Connection c, Frames.Closing notice) {
    if (c != current) {
      return;
    }
    LOG.info("edge announced closing (reconnect within {} ms); opening a new socket first",
        notice.reconnectWithinMs());
    if (connector.inProgress()) {
      return;
    }
    c.draining = true;
    resumeFrom = connectionId;
    connector.replace();
    long within = notice.reconnectWithinMs();
    actor.schedule(Duration.ofMillis(Math.max(within, 1)), () -> {
      if (c.draining && connections.contains(c) && current != c) {
        c.socket.close(1000, "replaced");
      }
    });
  }

  void onResumed(Frames.Resumed r) {
    AgentActor.cancel(resumeTimer);
    resumeTimer = null;
    Set<String> kept = new HashSet<>(r.resumed());
    Map<String, Frames.CallStatus> status = new HashMap<>();
    for (Frames.CallStatus s : r.calls()) {
      status.put(s.callId(), s);
    }
    Set<String> asked = resumeRequested;
    resumeRequested = Set.of();
    for (RealCall call : calls.snapshot()) {
      // only calls named in the resume: a call dialled on the new socket meanwhile is fine
      if (!asked.contains(call.id()) || !call.isLive()) {
        continue;
      }
      Frames.CallStatus s = status.get(call.id());
      if (s != null || kept.contains(call.id())) {
        call.onResumed(s); // what the call missed while the agent was away
      } else {
        LOG.info("call {} was not resumed", call.id());
        call.notResumed();
      }
    }
    closeDraining();
  }

  private void closeDraining() {
    for (Connection c : new ArrayList<>(connections)) {
      if (c != current && c.draining) {
        c.socket.close(1000, "replaced");
      }
    }
  }

  // ------------------------------------------------------------------ Connection.Events

  @Override
  public void onFrame(Connection c, Frame frame) {
    frames.accept(c, frame);
  }

  @Override
  public void onServerClose(Connection c, int code, String reason) {
    LOG.info("edge closed the socket: {} {}", code, reason);
    if (code == 4003 || code == 4090) {
      if (c == current) {
        c.lost = true;
        current = null;
        agent.closeWith(new EdgeRejectedException("the edge closed the connection with " + code
            + (code == 4003 ? " (token bound elsewhere)" : " (replaced by another connection)"),
            code, false, null, null));
      }
      return;
    }
    onConnectionLost(c, new PatchbayException("the edge closed the connection (" + code + ")",
        null, true, 0, null), false);
  }

  @Override
  public void onConnectionLost(Connection c, PatchbayException cause) {
    onConnectionLost(c, cause, true);
  }

  /** @param unclean the socket died without a close from the edge */
  private void onConnectionLost(Connection c, PatchbayException cause, boolean unclean) {
    if (c.lost) {
      return;
    }
    c.lost = true;
    if (stopped || c != current) {
      return;
    }
    LOG.warn("signaling lost: {}", cause.getMessage());
    current = null;
    resumeFrom = connectionId;
    connectionId = null;
    agent.disconnected(); // resets the connected signal, stops reauth, RECONNECTING
    connector.freshTokenNext(unclean);
    if (unclean) { // idle pooled connections to the edge likely share the dead path
      rt.http.connectionPool().evictAll();
    }
    if (!connector.inProgress()) {
      connector.connect(true);
    }
  }

  @Override
  public void onTerminated(Connection c) {
    connections.remove(c);
    if (c == current && !stopped) {
      onConnectionLost(c, new PatchbayException("signaling socket closed", null, true, 0, null));
    }
  }

  // ------------------------------------------------------------------ closing

  /** Stops connecting and resuming (the agent is closing). */
  void stop() {
    stopped = true;
    AgentActor.cancel(resumeTimer);
    connector.cancel();
  }

  /**
   * Closes every socket (cancels those that do not finish the close handshake in time), then
   * runs {@code then} on the actor.
   */
  void closeAll(Runnable then) {
    stop();
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
    Future<?> force = actor.schedule(options.closeTimeout(), () -> {
      for (Connection c : new ArrayList<>(connections)) {
        LOG.info("close handshake not finished within {}; cancelling", options.closeTimeout());
        c.socket.cancel();
      }
    });
    all.whenCompleteAsync((v, e) -> {
      force.cancel(false);
      then.run();
    }, actor);
  }
}
