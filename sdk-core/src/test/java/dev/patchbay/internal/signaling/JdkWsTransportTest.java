package dev.patchbay.internal.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;

/** The transport contract over the JDK's WebSocket client, plus its buffer-size properties. */
class JdkWsTransportTest extends WsTransportContractTest {

  @Override
  WsTransport newTransport(ScheduledThreadPoolExecutor scheduler) {
    return new JdkWsTransport(null, scheduler, Duration.ofSeconds(5), Duration.ofSeconds(2),
        Clock.systemUTC());
  }

  @Override
  int liveLinks() {
    return ((JdkWsTransport) transport).liveLinks();
  }

  @Override
  int tooBigCode() {
    return JdkWsTransport.TOO_BIG_CODE; // 1008: the JDK refuses to send 1009
  }

  @Override
  boolean alwaysSendsCloseOnFailure() {
    return false; // the JDK sends its 1007 only sometimes before closing the channel
  }

  @Test
  void webSocketBuffersAreSmallUnlessTheAppChoseASize() {
    String write = "jdk.httpclient.websocket.writeBufferSize";
    String encode = "jdk.httpclient.websocket.intermediateBufferSize";
    // the transport of setUp() set them (an idle agent's heap: 2 x 2 KiB, not 2 x 16 KiB)
    assertThat(System.getProperty(write)).isEqualTo("2048");
    assertThat(System.getProperty(encode)).isEqualTo("2048");
    System.setProperty(write, "8192");
    try {
      JdkWsTransport.smallWebSocketBuffers();
      assertThat(System.getProperty(write)).isEqualTo("8192"); // the app's choice is kept
    } finally {
      System.setProperty(write, "2048");
    }
  }
}
