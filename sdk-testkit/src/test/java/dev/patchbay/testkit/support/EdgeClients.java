package dev.patchbay.testkit.support;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.FakeEdge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Opens raw sockets for users of a fake edge and closes them all at the end of a test. */
public final class EdgeClients implements AutoCloseable {
  public static final Duration T = Duration.ofSeconds(5);
  public static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n";
  private final FakeEdge edge;
  private final List<RawWebSocket> open = new ArrayList<>();

  public EdgeClients(FakeEdge edge) {
    this.edge = edge;
  }

  public String token(String user) throws Exception {
    return OAuthClient.accessToken(edge.uri(), user, user + "-secret");
  }

  /** Upgrades as the user (secret {@code <user>-secret}) and consumes {@code hello}. */
  public RawWebSocket connect(String user) throws Exception {
    return connectWith(token(user));
  }

  public RawWebSocket connectWith(String token) throws Exception {
    RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), token, null);
    open.add(ws);
    if (!ws.upgraded()) {
      throw new AssertionError("upgrade refused: " + ws.handshake);
    }
    return ws;
  }

  public static Frames.Hello hello(RawWebSocket ws) {
    return ws.next(Frames.Hello.class, T);
  }

  @Override
  public void close() {
    open.forEach(RawWebSocket::close);
  }
}
