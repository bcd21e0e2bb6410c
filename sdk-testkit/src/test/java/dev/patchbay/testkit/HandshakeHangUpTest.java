package dev.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.patchbay.testing.LogCapture;
import dev.patchbay.testkit.support.EdgeClients;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A client that hangs up while its upgrade waits out a scripted handshake delay is logged as
 * what it is (one DEBUG line of the edge), not as a server error (a Jetty WARN with
 * status=500) while {@code serverErrors} stays 0.
 */
class HandshakeHangUpTest {

  @Test
  void aClientHangingUpDuringTheHandshakeDelayIsOneDebugLineNotAServerError() throws Exception {
    LogCapture.install();
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger edgeLog =
        ctx.getLogger("dev.patchbay.testkit.internal.SignalingHandler");
    Level before = edgeLog.getLevel();
    edgeLog.setLevel(Level.DEBUG);
    try (FakeEdge edge = FakeEdge.builder().user("acme", "alice", "alice-secret").start()) {
      edge.faults().delayHandshake(Duration.ofMillis(300));
      String token = new EdgeClients(edge).token("alice");
      int from = LogCapture.eventCount();
      try (Socket s = new Socket("127.0.0.1", edge.port())) {
        OutputStream out = s.getOutputStream();
        out.write(("GET /v1/signaling HTTP/1.1\r\nHost: 127.0.0.1:" + edge.port() + "\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: patchbay.v1\r\nAuthorization: Bearer " + token
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } // hangs up during the delay
      await().atMost(EdgeClients.T).until(() -> LogCapture.eventsSince(from).stream()
          .anyMatch(e -> e.contains("hung up during the handshake delay")));
      // anything Jetty would log for the failed exchange is logged before the edge's line
      List<String> logged = LogCapture.eventsSince(from);
      assertThat(logged).filteredOn(e -> e.startsWith("WARN") || e.startsWith("ERROR"))
          .isEmpty();
      assertThat(logged).filteredOn(e -> e.contains("hung up during the handshake delay"))
          .singleElement().satisfies(e -> assertThat(e).startsWith("DEBUG"));
      assertThat(edge.counters().get("abandonedHandshakes")).isEqualTo(1);
      assertThat(edge.counters().get("serverErrors")).isZero();
      edge.assertNoLeaks();
    } finally {
      edgeLog.setLevel(before);
    }
  }
}
