package dev.patchbay.internal.signaling;

import dev.patchbay.AccessToken;
import dev.patchbay.PatchbayException;
import dev.patchbay.ProtocolException;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.protocol.FrameDecodingException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signaling WebSocket (protocol v1 over OkHttp). OkHttp's threads only decode and enqueue:
 * every event reaches the {@link Handler} on the owner's serial executor, in order, and after
 * {@link Handler#onTerminated} nothing more. A server-initiated close is answered here.
 *
 * <p>Counted in {@code openSockets} from creation until OkHttp reports it closed or failed.
 */
public final class SignalingSocket {
  private static final Logger LOG = LoggerFactory.getLogger(SignalingSocket.class);
  public static final String SUBPROTOCOL = "patchbay.v1";

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
  private final Clock clock;
  private final AtomicBoolean terminated = new AtomicBoolean();
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private final CompletableFuture<Void> terminatedFuture = new CompletableFuture<>();
  private final String name;
  private volatile WebSocket ws;
  private volatile boolean open;

  private SignalingSocket(String name, Executor owner, Handler handler, FrameCodec codec,
      AtomicInteger openSockets, Clock clock) {
    this.name = name;
    this.owner = owner;
    this.handler = handler;
    this.codec = codec;
    this.openSockets = openSockets;
    this.clock = clock;
  }

  /**
   * Starts the upgrade. The token goes into the {@code Authorization} header only.
   *
   * @param userId sent as {@code Patchbay-User} when not null
   */
  public static SignalingSocket open(String name, OkHttpClient client, HttpUrl url,
      AccessToken token, String userId, Executor owner, Handler handler, FrameCodec codec,
      AtomicInteger openSockets, Clock clock) {
    SignalingSocket s = new SignalingSocket(name, owner, handler, codec, openSockets, clock);
    Request.Builder rb = new Request.Builder()
        .url(url)
        .header("Authorization", "Bearer " + token.value())
        .header("Sec-WebSocket-Protocol", SUBPROTOCOL);
    if (userId != null) {
      rb.header("Patchbay-User", userId);
    }
    openSockets.incrementAndGet();
    try {
      s.ws = client.newWebSocket(rb.build(), s.new Listener());
    } catch (RuntimeException e) { // dispatcher shut down: the SDK is closing
      s.terminate();
      throw e;
    }
    return s;
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

  /** Completes once OkHttp reported the socket closed or failed. */
  public CompletableFuture<Void> terminatedFuture() {
    return terminatedFuture;
  }

  /** Queues one frame; false when the socket is not open (or its queue is full). */
  public boolean send(Frame frame) {
    WebSocket w = ws;
    if (w == null || !isOpen() || closeRequested.get()) {
      return false;
    }
    return w.send(codec.encode(frame));
  }

  /**
   * Starts the close handshake. OkHttp cancels the socket if the edge does not answer within
   * the client's {@code webSocketCloseTimeout}; the owner also calls {@link #cancel()} after its
   * own deadline. Idempotent.
   */
  public void close(int code, String reason) {
    WebSocket w = ws;
    if (w == null || !closeRequested.compareAndSet(false, true)) {
      return;
    }
    if (!w.close(code, reason)) {
      w.cancel(); // already closing or failed: make sure it ends
    }
  }

  /** Drops the socket at once. Idempotent. */
  public void cancel() {
    WebSocket w = ws;
    if (w != null) {
      w.cancel();
    }
  }

  private void terminate() {
    if (terminated.compareAndSet(false, true)) {
      openSockets.decrementAndGet();
      open = false;
      terminatedFuture.complete(null);
      owner.execute(() -> handler.onTerminated(this));
    }
  }

  @Override
  public String toString() {
    return "SignalingSocket{" + name + ", open=" + open + ", terminated=" + terminated.get() + '}';
  }

  private final class Listener extends WebSocketListener {
    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      String protocol = response.header("Sec-WebSocket-Protocol");
      if (protocol != null && !SUBPROTOCOL.equals(protocol)) {
        webSocket.close(1002, "unsupported subprotocol");
        owner.execute(() -> handler.onFailure(SignalingSocket.this, new ProtocolException(
            "the edge chose subprotocol " + protocol.replaceAll("[^\\w.\\-]", "?")
                + ", but this SDK speaks " + SUBPROTOCOL)));
        return;
      }
      open = true;
      owner.execute(() -> handler.onOpen(SignalingSocket.this));
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      // Decoded on the owner's executor, not here: Jackson keeps its buffers per thread, and
      // there is one reader thread per socket but only a few worker threads.
      owner.execute(() -> {
        Frame frame;
        try {
          frame = codec.decode(text);
        } catch (FrameDecodingException e) {
          handler.onBadFrame(SignalingSocket.this, e);
          return;
        }
        handler.onFrame(SignalingSocket.this, frame);
      });
    }

    @Override
    public void onMessage(WebSocket webSocket, okio.ByteString bytes) {
      owner.execute(() -> handler.onBadFrame(SignalingSocket.this, new FrameDecodingException(
          FrameDecodingException.Kind.MALFORMED, "binary frame (" + bytes.size() + " bytes)",
          null)));
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      // OkHttp only reports the edge's close; answering it is our job.
      boolean ours = !closeRequested.compareAndSet(false, true);
      webSocket.close(1000, null);
      if (!ours) {
        String r = reason == null ? "" : codec.gate().text(reason).replaceAll("[^\\w .:\\-█]", "?");
        owner.execute(() -> handler.onServerClose(SignalingSocket.this, code, r));
      }
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      terminate();
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      PatchbayException cause;
      if (response != null && response.code() != 101) {
        cause = UpgradeRefusals.map(response, clock.instant());
      } else if (t instanceof SocketTimeoutException && open) {
        cause = new PatchbayException("the edge stopped answering pings (missed pong)", t,
            true, 0, null);
      } else {
        cause = new PatchbayException((open ? "signaling connection lost: " : "cannot connect "
            + "to the edge: ") + t.getClass().getSimpleName(), t, true, 0, null);
      }
      if (!closeRequested.get() || !open) {
        LOG.debug("{}: {}", name, cause.getMessage());
      }
      owner.execute(() -> handler.onFailure(SignalingSocket.this, cause));
      terminate();
    }
  }
}
