package dev.patchbay.internal.ua;

import dev.patchbay.AccessToken;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.internal.Errors;
import dev.patchbay.internal.admission.Permit;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameDecodingException;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.signaling.SignalingSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signaling socket of a user agent with its admission permit: upgrade deadline, then
 * {@code hello} deadline, then frames for the agent. Actor-confined; the permit is released when
 * the socket terminates (its one release path). The process's upgrade slot is held from
 * {@link #open} until the upgrade ends (upgraded, refused, failed, timed out, cancelled or
 * terminated): {@link #endUpgrade} is its one release path.
 */
final class Connection implements SignalingSocket.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

  /** What a connection reports once {@code hello} arrived; called on the actor. */
  interface Events {
    void onFrame(Connection c, Frame frame);

    void onServerClose(Connection c, int code, String reason);

    /** The upgrade of {@code c} succeeded; {@code hello} is awaited. */
    default void onUpgraded(Connection c) {}

    void onConnectionLost(Connection c, PatchbayException cause);

    void onTerminated(Connection c);
  }

  private final AgentActor actor;
  private final UserAgentOptions options;
  private final Events agent;
  private final Permit permit;
  /** The upgrade slot (process-wide); released by {@link #endUpgrade}. */
  private final Permit upgradeSlot;
  private final AccessToken token;
  /** Completes with this connection when {@code hello} arrives; fails on any earlier end. */
  private final CompletableFuture<Connection> ready = new CompletableFuture<>();
  private SignalingSocket socket;
  private Frames.Hello hello;
  private Future<?> deadline;
  private boolean upgraded;

  Connection(AgentActor actor, UserAgentOptions options, Events agent, Permit permit,
      Permit upgradeSlot, AccessToken token) {
    this.actor = actor;
    this.options = options;
    this.agent = agent;
    this.permit = permit;
    this.upgradeSlot = upgradeSlot;
    this.token = token;
  }

  String connectionId() {
    return hello == null ? null : hello.connectionId();
  }

  SignalingSocket socket() {
    return socket;
  }

  /** The {@code hello} of this socket; null before it arrived. */
  Frames.Hello hello() {
    return hello;
  }

  /** The token this socket was opened with. */
  AccessToken token() {
    return token;
  }

  /** Completes with this connection when {@code hello} arrives; fails on any earlier end. */
  CompletableFuture<Connection> ready() {
    return ready;
  }

  /**
   * Opens the socket with {@code opener} (this connection is its handler) and arms the upgrade
   * deadline (the caller holds an upgrade slot, so the deadline covers this upgrade only, not a
   * queue of others). When the opener throws, the permit and the upgrade slot are released and
   * the exception propagates.
   */
  void open(java.util.function.Function<SignalingSocket.Handler, SignalingSocket> opener) {
    try {
      socket = opener.apply(this);
    } catch (RuntimeException e) {
      endUpgrade();
      permit.release();
      throw e;
    }
    deadline = actor.schedule(options.upgradeTimeout(), () -> {
      if (socket != null && !socket.isOpen() && !ready.isDone()) {
        fail(Errors.patchbay("the WebSocket upgrade did not complete within "
            + options.upgradeTimeout(), null, true, 0, null));
      }
    });
  }

  /** Before {@code hello}: fails the attempt and drops the socket. Idempotent. */
  void fail(PatchbayException cause) {
    cancelDeadline();
    endUpgrade();
    ready.completeExceptionally(cause);
    socket.cancel();
  }

  /** The upgrade ended (any way): its slot goes to the next waiting upgrade. Idempotent. */
  private void endUpgrade() {
    upgradeSlot.release();
  }

  private void cancelDeadline() {
    Future<?> d = deadline;
    deadline = null;
    if (d != null) {
      d.cancel(false);
    }
  }

  /** Whether the upgrade succeeded: from then on the edge binds this socket's token. */
  boolean upgraded() {
    return upgraded;
  }

  @Override
  public void onOpen(SignalingSocket s) {
    upgraded = true;
    endUpgrade();
    agent.onUpgraded(this);
    cancelDeadline();
    deadline = actor.schedule(options.helloTimeout(), () -> {
      if (hello == null && !ready.isDone()) {
        LOG.info("no hello within {}; dropping the socket", options.helloTimeout());
        fail(Errors.patchbay("the edge sent no hello within "
            + options.helloTimeout(), null, true, 0, null));
      }
    });
  }

  @Override
  public void onFrame(SignalingSocket s, Frame frame) {
    if (hello == null) {
      if (frame instanceof Frames.Hello h) {
        cancelDeadline();
        hello = h;
        if (!ready.complete(this)) { // the attempt was abandoned meanwhile
          s.close(1000, "abandoned");
        }
      } else {
        fail(Errors.protocol("the edge's first frame was " + frame.type()
            + ", but protocol v1 requires hello"));
      }
      return;
    }
    agent.onFrame(this, frame);
  }

  @Override
  public void onBadFrame(SignalingSocket s, FrameDecodingException problem) {
    LOG.warn("ignoring a frame the SDK cannot decode: {}", problem.getMessage());
    if (hello == null) {
      fail(problem);
    }
  }

  @Override
  public void onServerClose(SignalingSocket s, int code, String reason) {
    if (!ready.isDone()) {
      cancelDeadline();
      ready.completeExceptionally(Errors.patchbay("the edge closed the socket before "
          + "hello (" + code + " " + reason + ")", null, code != 4003 && code != 4090, 0, null));
      return;
    }
    agent.onServerClose(this, code, reason);
  }

  @Override
  public void onFailure(SignalingSocket s, PatchbayException cause) {
    endUpgrade(); // a refused or failed upgrade
    if (!ready.isDone()) {
      cancelDeadline();
      ready.completeExceptionally(cause);
      return;
    }
    agent.onConnectionLost(this, cause);
  }

  @Override
  public void onTerminated(SignalingSocket s) {
    cancelDeadline();
    endUpgrade();
    permit.release();
    if (!ready.isDone()) {
      ready.completeExceptionally(Errors.patchbay("the socket closed before hello", null,
          true, 0, null));
    }
    agent.onTerminated(this);
  }

  @Override
  public String toString() {
    return "Connection{" + connectionId() + '}';
  }
}
