package dev.patchbay.testkit.support;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameCodec;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The JDK's own WebSocket client, as an integrator would use it without Patchbay. */
public final class JdkWebSocket implements WebSocket.Listener, AutoCloseable {
  private static final FrameCodec CODEC = new FrameCodec(1 << 20);
  private final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket ws;

  public static JdkWebSocket connect(URI uri, String token) {
    JdkWebSocket l = new JdkWebSocket();
    l.ws = OAuthClient.HTTP.newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .subprotocols("patchbay.v1")
        .connectTimeout(Duration.ofSeconds(5))
        .buildAsync(uri, l).orTimeout(10, TimeUnit.SECONDS).join();
    return l;
  }

  public String subprotocol() {
    return ws.getSubprotocol();
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      texts.add(partial.toString());
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(1006);
  }

  public void send(Frame frame) {
    ws.sendText(CODEC.encode(frame), true).orTimeout(5, TimeUnit.SECONDS).join();
  }

  public Frame next(Duration timeout) {
    try {
      String t = texts.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (t == null) {
        throw new AssertionError("no frame within " + timeout.toMillis() + " ms");
      }
      return CODEC.decode(t);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (Exception e) {
      throw new AssertionError("undecodable frame: " + e.getMessage());
    }
  }

  public <T extends Frame> T next(Class<T> type, Duration timeout) {
    Frame f = next(timeout);
    if (!type.isInstance(f)) {
      throw new AssertionError("expected " + type.getSimpleName() + " but got " + f);
    }
    return type.cast(f);
  }

  public int closeCode(Duration timeout) {
    try {
      return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("not closed within " + timeout.toMillis() + " ms");
    }
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      ws.sendClose(1000, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(x -> null).join();
      try {
        closed.get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        ws.abort();
      }
    }
  }
}
