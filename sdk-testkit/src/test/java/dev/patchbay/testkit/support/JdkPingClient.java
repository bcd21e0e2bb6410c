package dev.patchbay.testkit.support;

import dev.patchbay.testkit.FakeEdge;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket that pings the edge and waits for the pong. */
public final class JdkPingClient implements WebSocket.Listener, AutoCloseable {
  private volatile CompletableFuture<Boolean> pong = new CompletableFuture<>();
  private WebSocket ws;

  public static JdkPingClient connect(FakeEdge edge, String token) {
    JdkPingClient c = new JdkPingClient();
    c.ws = OAuthClient.HTTP.newWebSocketBuilder()
        .header("Authorization", "Bearer " + token).subprotocols("patchbay.v1")
        .buildAsync(edge.signalingUri(), c).orTimeout(10, TimeUnit.SECONDS).join();
    return c;
  }

  @Override
  public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
    pong.complete(true);
    webSocket.request(1);
    return null;
  }

  public boolean pingAndAwaitPong(Duration timeout) {
    pong = new CompletableFuture<>();
    ws.sendPing(ByteBuffer.wrap(new byte[] {9})).join();
    try {
      return pong.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    ws.sendClose(1000, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(x -> null).join();
    ws.abort();
  }
}
