package dev.patchbay.internal.signaling;

import dev.patchbay.AccessToken;
import dev.patchbay.PatchbayException;
import dev.patchbay.internal.Errors;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.protocol.FrameDecodingException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signaling WebSocket (protocol v1) over a {@link WsTransport}. The transport's threads only
 * hand messages over: every event reaches the {@link Handler} on the owner's serial executor, in
 * order, and after {@link Handler#onTerminated} nothing more. The next message is read only
 * after the previous one was decoded and handed over (backpressure). Pings go out every
 * heartbeat from the shared scheduler; a pong missing one heartbeat later fails the socket. A
 * server-initiated close is answered by the transport.
 *
 * <p>Counted in {@code openSockets} from creation until it terminates (exactly once: closed,
 * failed or cancelled).
 */
public final class SignalingSocket {
  private static final Logger LOG = LoggerFactory.getLogger(SignalingSocket.class);
  public static final String SUBPROTOCOL = "patchbay.v1";
  /** The header naming one upgrade attempt (protocol §3), repeated as is by an HTTP retry. */
  public static final String UPGRADE_ID_HEADER = "Patchbay-Upgrade-Id";
  private static final java.security.SecureRandom UPGRADE_IDS = new java.security.SecureRandom();

  /** 128 random bits, hex: unique per upgrade attempt. */
  static String newUpgradeId() {
    byte[] b = new byte[16];
    UPGRADE_IDS.nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  /** Socket events, delivered on the owner's executor. */
  public interface Handler {
    void onOpen(SignalingSocket socket);

    void onFrame(SignalingSocket socket, Frame frame);

    void onBadFrame(SignalingSocket socket, FrameDecodingException problem);

    /** The edge closed the socket (already answered); {@link #onTerminated} follows. */
    void onServerClose(SignalingSocket socket, int code, String reason);

    /** The upgrade was refused or the socket broke; {@link #onTerminated} follows. */
    void onFailure(SignalingSocket socket, PatchbayException cause);

    /** The socket is gone for good; its resources are released. */
    void onTerminated(SignalingSocket socket);
  }

  private final Executor owner;
  private final Handler handler;
  private final FrameCodec codec;
  private final AtomicInteger openSockets;
  private final SocketSetup setup;
  private final AtomicBoolean terminated = new AtomicBoolean();
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private final CompletableFuture<Void> terminatedFuture = new CompletableFuture<>();
  private final String name;
  private volatile WsTransport.Link link;
  private volatile boolean open;
  private volatile boolean awaitingPong;
  private volatile ScheduledFuture<?> heartbeat;
  private volatile ScheduledFuture<?> closeDeadline;
  /** The edge's close frame (its own, or its answer to ours): "code reason"; null before. */
  private volatile String edgeClose;
  /** Owner-confined: true once onFailure or onTerminated was delivered; later frames drop. */
  private boolean failedDelivered;

  private SignalingSocket(String name, Executor owner, Handler handler, FrameCodec codec,
      AtomicInteger openSockets, SocketSetup setup) {
    this.name = name;
    this.owner = owner;
    this.handler = handler;
    this.codec = codec;
    this.openSockets = openSockets;
    this.setup = setup;
  }

  /**
   * Starts the upgrade. The token goes into the {@code Authorization} header only.
   *
   * @param userId sent as {@code Patchbay-User} when not null
   * @param clock unused since the transport maps refusals with its own clock; kept for callers
   */
  public static SignalingSocket open(String name, SocketSetup setup, HttpUrl url,
      AccessToken token, String userId, Executor owner, Handler handler, FrameCodec codec,
      AtomicInteger openSockets, Clock clock) {
    SignalingSocket s = new SignalingSocket(name, owner, handler, codec, openSockets, setup);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + token.value());
    if (userId != null) {
      headers.put("Patchbay-User", userId);
    }
    // names this upgrade: java.net.http repeats a GET (once, same headers) on a new TCP
    // connection when the first ended before any byte of the answer, which the edge may have
    // admitted; the id lets the edge tell that repeat from a second use of the token (§3)
    headers.put(UPGRADE_ID_HEADER, newUpgradeId());
    openSockets.incrementAndGet();
    try {
      s.link = setup.transport().connect(webSocketUri(url), SUBPROTOCOL, headers,
          codec.maxFrameChars(), s.new Events());
    } catch (RuntimeException e) { // executor shut down: the SDK is closing
      s.terminate();
      throw e;
    }
    return s;
  }

  static URI webSocketUri(HttpUrl url) {
    String u = url.toString();
    return URI.create(url.isHttps() ? "wss" + u.substring(5) : "ws" + u.substring(4));
  }

  public String name() {
    return name;
  }

  public boolean isOpen() {
    return open && !terminated.get();
  }

  public boolean isTerminated() {
    return terminated.get();
  }

  /** Completes once the socket closed, failed or was cancelled. */
  public CompletableFuture<Void> terminatedFuture() {
    return terminatedFuture;
  }

  /** Queues one frame; false when the socket is not open (or its queue is full). */
  public boolean send(Frame frame) {
    WsTransport.Link l = link;
    if (l == null || !isOpen() || closeRequested.get()) {
      return false;
    }
    return l.sendText(codec.encode(frame));
  }

  /**
   * Starts the close handshake; the socket is dropped if the edge does not answer within the
   * close timeout (the owner may also call {@link #cancel()} after its own deadline). Idempotent.
   */
  public void close(int code, String reason) {
    close(code, reason, null);
  }

  /**
   * {@link #close(int, String)} with {@code request} (null for none) as the last frame, sent
   * with the close frame: the edge answers it with its close frame (a {@code logout}), so the
   * SDK's shutdown does not stop waiting for that reply early — the close timeout still bounds
   * it.
   *
   * @return whether this call started the close (with the request): false once closing or
   *     ended
   */
  public boolean close(int code, String reason, Frame request) {
    WsTransport.Link l = link;
    if (l == null || !closeRequested.compareAndSet(false, true)) {
      return false;
    }
    armCloseDeadline();
    return l.close(code, reason, request == null ? null : codec.encode(request));
  }

  /**
   * Whether the edge's close frame carried {@code code} and {@code reason} (exactly, before any
   * sanitising: callers compare with protocol constants, never print it).
   */
  public boolean edgeClosedWith(int code, String reason) {
    return (code + " " + reason).equals(edgeClose);
  }

  /** Drops the socket at once. Idempotent. */
  public void cancel() {
    fail(Errors.patchbay((open ? "signaling connection lost: " : "cannot connect to the "
        + "edge: ") + "cancelled", null, true, 0, null), true);
  }

  private void armCloseDeadline() {
    long ms = setup.closeTimeout().toMillis();
    try {
      closeDeadline = setup.scheduler().schedule(() -> fail(Errors.patchbay(
          "the edge did not complete the close handshake within " + ms + " ms", null, true, 0,
          null), true), ms, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) { // the SDK is closing: no waiting
      fail(Errors.patchbay("the SDK is closing", null, false, 0, null), true);
    }
    if (terminated.get()) {
      cancelTimers();
    }
  }

  private void startHeartbeat() {
    long ms = setup.heartbeatMillis();
    try {
      heartbeat = setup.scheduler().scheduleAtFixedRate(this::heartbeatTick, ms, ms,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      fail(Errors.patchbay("the SDK is closing", null, false, 0, null), true);
    }
    if (terminated.get()) {
      cancelTimers();
    }
  }

  private void heartbeatTick() {
    WsTransport.Link l = link;
    if (terminated.get() || l == null) {
      return;
    }
    if (awaitingPong) {
      fail(Errors.patchbay("the edge stopped answering pings (missed pong within "
          + setup.heartbeatMillis() + " ms)", null, true, 0, null), true);
      return;
    }
    awaitingPong = true;
    l.sendPing();
  }

  /** The one failure path: reports the cause, terminates, drops the link unless it failed. */
  private void fail(PatchbayException cause, boolean abortLink) {
    if (!terminated.compareAndSet(false, true)) {
      return;
    }
    if (!closeRequested.get() || !open) {
      LOG.debug("{}: {}", name, cause.getMessage());
    }
    owner.execute(() -> {
      failedDelivered = true;
      handler.onFailure(this, cause);
    });
    released();
    WsTransport.Link l = link;
    if (abortLink && l != null) {
      l.abort();
    }
  }

  private void terminate() {
    if (terminated.compareAndSet(false, true)) {
      released();
    }
  }

  /** Runs once, right after {@code terminated} was set. */
  private void released() {
    cancelTimers();
    openSockets.decrementAndGet();
    open = false;
    terminatedFuture.complete(null);
    owner.execute(() -> {
      failedDelivered = true;
      handler.onTerminated(this);
    });
  }

  private void cancelTimers() {
    ScheduledFuture<?> h = heartbeat;
    if (h != null) {
      h.cancel(false);
    }
    ScheduledFuture<?> d = closeDeadline;
    if (d != null) {
      d.cancel(false);
    }
  }

  @Override
  public String toString() {
    return "SignalingSocket{" + name + ", open=" + open + ", terminated=" + terminated.get() + '}';
  }

  /** The transport's events; they only hand over to the owner. */
  private final class Events implements WsTransport.Listener {
    @Override
    public void onOpen() {
      if (terminated.get()) {
        return;
      }
      open = true;
      startHeartbeat();
      owner.execute(() -> handler.onOpen(SignalingSocket.this));
    }

    @Override
    public void onMessage(String text, Runnable handled) {
      try {
        owner.execute(() -> {
          try {
            if (failedDelivered) {
              return;
            }
            // Decoded on the owner's executor: a few worker threads keep Jackson's buffers.
            Frame frame;
            try {
              frame = codec.decode(text);
            } catch (FrameDecodingException e) {
              handler.onBadFrame(SignalingSocket.this, e);
              return;
            }
            handler.onFrame(SignalingSocket.this, frame);
          } finally {
            handled.run(); // returns this message's share of the transport's read budget
          }
        });
      } catch (RejectedExecutionException e) {
        fail(Errors.patchbay("the SDK is closing", e, false, 0, null), true);
      }
    }

    @Override
    public void onBinary(long size) {
      owner.execute(() -> {
        if (!failedDelivered) {
          handler.onBadFrame(SignalingSocket.this, new FrameDecodingException(
              FrameDecodingException.Kind.MALFORMED, "binary frame (" + size + " bytes)", null));
        }
      });
    }

    @Override
    public void onPong() {
      awaitingPong = false;
    }

    @Override
    public void onPeerClose(int code, String reason) {
      edgeClose = code + " " + reason;
      // The transport answers the edge's close; we report it unless we had asked for it.
      boolean ours = !closeRequested.compareAndSet(false, true);
      if (!ours) {
        armCloseDeadline();
        String r = reason == null ? "" : codec.gate().text(reason).replaceAll("[^\\w .:\\-█]", "?");
        owner.execute(() -> handler.onServerClose(SignalingSocket.this, code, r));
      }
    }

    @Override
    public void onClosed(int code, String reason) {
      if (edgeClose == null && code != 1006) { // 1006: no close frame came
        edgeClose = code + " " + reason;
      }
      terminate();
    }

    @Override
    public void onFailure(PatchbayException cause) {
      fail(cause, false);
    }
  }
}
