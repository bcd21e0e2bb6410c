package dev.patchbay.internal.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.PatchbayException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NIO transport's own TLS ({@code wss://}): every test of {@link NioWsTransportTest} and of
 * the transport contract again, with the raw server behind TLS (a self-signed certificate made
 * by keytool, trusted explicitly by the client), plus what only TLS can get wrong: an untrusted
 * certificate and a host-name mismatch (typed, not retried), SNI, TLS 1.2, a key update from the
 * peer, the peer's close_notify, a TCP close in the middle of a record, a peer that stalls after
 * its server hello, and the close_notify the client sends when it closes.
 */
class NioWssTransportTest extends NioWsTransportTest {
  @TempDir
  static Path dir;
  private static KeyStore edge;
  private static KeyStore other;
  private static KeyStore wrongName;
  private static SSLContext serverCtx;
  private static SSLContext clientCtx;

  @BeforeAll
  static void certificates() throws Exception {
    edge = TestTls.selfSigned(dir, "edge", "IP:127.0.0.1,DNS:localhost");
    other = TestTls.selfSigned(dir, "other", "IP:127.0.0.1,DNS:localhost");
    wrongName = TestTls.selfSigned(dir, "wrong", "DNS:edge.invalid");
    serverCtx = TestTls.server(edge);
    clientCtx = TestTls.trusting(edge, wrongName);
  }

  @Override
  SSLContext serverTls() {
    return serverCtx;
  }

  @Override
  SSLContext clientTls() {
    return clientCtx;
  }

  /** A TLS server with {@code keys} whose connections only complete the upgrade and wait. */
  private static RawWsServer idleServer(KeyStore keys) throws Exception {
    return new RawWsServer(c -> {
      try {
        c.accept();
        c.in.read();
      } catch (Exception e) {
        // client gone
      }
    }, TestTls.server(keys));
  }

  private void assertRefusedAndNotRetried(RawWsServer server, String why) throws Exception {
    Events e = new Events();
    connect(server, e);
    PatchbayException cause = e.failure.get(10, TimeUnit.SECONDS);
    assertThat(cause).hasMessageContaining("the TLS handshake failed")
        .hasMessageContaining(why).hasMessageContaining("not retried");
    assertThat(cause.retryable()).as("retryable").isFalse();
    assertThat(e.opened).isNotDone();
    NioWsTransport t = (NioWsTransport) transport;
    await().atMost(Duration.ofSeconds(5)).until(() -> t.openChannels() == 0);
    assertThat(t.liveLinks()).isZero();
    Thread.sleep(300);
    assertThat(server.connections).as("connections (no repeat)").hasValue(1);
    assertThat(e.terminals).hasValue(1);
  }

  @Test
  void anUntrustedCertificateIsATypedFailureThatIsNotRetried() throws Exception {
    try (RawWsServer server = idleServer(other)) {
      assertRefusedAndNotRetried(server, "PKIX");
    }
  }

  @Test
  void aHostNameMismatchIsATypedFailureThatIsNotRetried() throws Exception {
    try (RawWsServer server = idleServer(wrongName)) { // trusted, but not for 127.0.0.1
      assertRefusedAndNotRetried(server, "127.0.0.1");
    }
  }

  @Test
  void aHostNameIsSentAsSniAndVerified() throws Exception {
    CompletableFuture<List<javax.net.ssl.SNIServerName>> sni = new CompletableFuture<>();
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        sni.complete(((ExtendedSSLSession) ((SSLSocket) c.socket).getSession())
            .getRequestedServerNames());
        c.sendText("{\"type\":\"hi\"}");
        c.in.read();
      } catch (Exception e) {
        sni.completeExceptionally(e);
      }
    })) {
      Events e = new Events();
      WsTransport.Link link = transport.connect(URI.create("wss://localhost:"
          + server.server.getLocalPort() + "/v1/signaling"), SignalingSocket.SUBPROTOCOL,
          Map.of(), MAX, e);
      assertThat(e.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("{\"type\":\"hi\"}");
      assertThat(sni.get(10, TimeUnit.SECONDS)).containsExactly((javax.net.ssl.SNIServerName) new SNIHostName("localhost"));
      link.abort();
    }
  }

  @Test
  void aClientLimitedToTls12TalksTls12() throws Exception {
    NioWsTransport tls12 = new NioWsTransport(TestTls.trusting("TLSv1.2", edge), scheduler,
        Duration.ofSeconds(5), Duration.ofSeconds(2), Clock.systemUTC(), Thread::new);
    CompletableFuture<String> protocol = new CompletableFuture<>();
    CompletableFuture<String> received = new CompletableFuture<>();
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        protocol.complete(((SSLSocket) c.socket).getSession().getProtocol());
        c.sendText("x".repeat(40_000)); // several records
        received.complete(c.readFrame().text());
        c.in.read();
      } catch (Exception e) {
        received.completeExceptionally(e);
      }
    })) {
      Events e = new Events();
      WsTransport.Link link = connect(tls12, server, e);
      assertThat(e.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("x".repeat(40_000));
      assertThat(link.sendText("y".repeat(30_000))).isTrue();
      assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("y".repeat(30_000));
      assertThat(protocol.get()).isEqualTo("TLSv1.2");
      link.abort();
    } finally {
      tls12.close();
    }
  }

  @Test
  void aKeyUpdateFromThePeerIsHandledAndMessagesFlowBothWaysAfterIt() throws Exception {
    CompletableFuture<String> received = new CompletableFuture<>();
    CompletableFuture<String> protocol = new CompletableFuture<>();
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        protocol.complete(((SSLSocket) c.socket).getSession().getProtocol());
        c.sendText("before");
        ((SSLSocket) c.socket).startHandshake(); // TLS 1.3: a KeyUpdate (update requested)
        c.sendText("after");
        received.complete(c.readFrame().text());
        c.in.read();
      } catch (Exception e) {
        received.completeExceptionally(e);
      }
    })) {
      Events e = new Events();
      WsTransport.Link link = connect(server, e);
      assertThat(e.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("before");
      assertThat(e.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("after");
      assertThat(protocol.get()).isEqualTo("TLSv1.3");
      assertThat(link.sendText("reply")).isTrue();
      assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("reply");
      link.abort();
    }
  }

  @Test
  void thePeersCloseNotifyEndsTheLinkAtOnce() throws Exception {
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        c.sendText("last");
        c.socket.shutdownOutput(); // close_notify; the TCP connection stays open
        c.in.read();
      } catch (Exception e) {
        // client gone
      }
    })) {
      Events e = new Events();
      connect(server, e);
      assertThat(e.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("last");
      PatchbayException cause = e.failure.get(10, TimeUnit.SECONDS);
      assertThat(cause).hasMessageContaining("end of stream");
      assertThat(cause.retryable()).isTrue();
      await().atMost(Duration.ofSeconds(5))
          .until(() -> ((NioWsTransport) transport).openChannels() == 0);
    }
  }

  @Test
  void aTcpCloseInTheMiddleOfARecordFailsTheLinkAtOnce() throws Exception {
    CountDownLatch sendSecond = new CountDownLatch(1);
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        c.sendText("first");
        sendSecond.await();
        c.sendText("second, never whole");
        c.in.read();
      } catch (Exception e) {
        // cut
      }
    }); TlsCuttingProxy proxy = new TlsCuttingProxy(server.server.getLocalPort())) {
      Events e = new Events();
      transport.connect(URI.create("wss://127.0.0.1:" + proxy.port() + "/v1/signaling"),
          SignalingSocket.SUBPROTOCOL, Map.of(), MAX, e);
      assertThat(e.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("first");
      proxy.cutNextApplicationRecord = true;
      sendSecond.countDown();
      PatchbayException cause = e.failure.get(10, TimeUnit.SECONDS);
      assertThat(cause).hasMessageContaining("signaling connection lost");
      assertThat(cause.retryable()).isTrue();
      assertThat(e.messages).isEmpty();
      assertThat(e.terminals).hasValue(1);
      await().atMost(Duration.ofSeconds(5))
          .until(() -> ((NioWsTransport) transport).openChannels() == 0);
    }
  }

  @Test
  void aPeerThatStallsAfterItsServerHelloFailsAtTheConnectDeadline() throws Exception {
    NioWsTransport quick = nio(scheduler, Duration.ofMillis(500));
    try (RawWsServer server = idleServer(edge);
        TlsCuttingProxy proxy = new TlsCuttingProxy(server.server.getLocalPort())) {
      proxy.stallAfterServerRecords = 1; // the server hello, nothing after it
      Events e = new Events();
      quick.connect(URI.create("wss://127.0.0.1:" + proxy.port() + "/v1/signaling"),
          SignalingSocket.SUBPROTOCOL, Map.of(), MAX, e);
      PatchbayException cause = e.failure.get(10, TimeUnit.SECONDS);
      assertThat(cause).hasMessageContaining("timed out after 500 ms");
      assertThat(cause.retryable()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> quick.openChannels() == 0);
      assertThat(quick.liveLinks()).isZero();
    } finally {
      quick.close();
    }
  }

  /**
   * After the close handshake the client sends close_notify before its TCP close: one more
   * record after its close frame, of an alert's size (TLS 1.3: encrypted, 35 bytes from Java
   * 17). The JDK's server socket reads the end of the stream alike with or without it, so the
   * records are counted on the wire.
   */
  @Test
  void aCompletedCloseHandshakeEndsWithTheClientsCloseNotify() throws Exception {
    CompletableFuture<Integer> closeFrameSeen = new CompletableFuture<>();
    TlsCuttingProxy[] proxyRef = new TlsCuttingProxy[1];
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        RawWsServer.Frame f = c.readFrame();
        closeFrameSeen.complete(proxyRef[0].clientRecords.size());
        c.sendClose(f.closeCode(), "bye too");
        c.in.read();
      } catch (Exception e) {
        closeFrameSeen.completeExceptionally(e);
      }
    }); TlsCuttingProxy proxy = new TlsCuttingProxy(server.server.getLocalPort())) {
      proxyRef[0] = proxy;
      Events e = new Events();
      WsTransport.Link link = transport.connect(URI.create("wss://127.0.0.1:" + proxy.port()
          + "/v1/signaling"), SignalingSocket.SUBPROTOCOL, Map.of(), MAX, e);
      e.opened.get(10, TimeUnit.SECONDS);
      link.close(1000, "bye");
      assertThat(e.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000 bye too");
      int before = closeFrameSeen.get(10, TimeUnit.SECONDS);
      proxy.clientEnded.get(10, TimeUnit.SECONDS);
      List<int[]> after = proxy.clientRecords.subList(before, proxy.clientRecords.size());
      assertThat(after).as("records after the close frame").hasSize(1);
      assertThat(after.get(0)[0]).as("type (TLS 1.3: application data)").isEqualTo(23);
      assertThat(after.get(0)[1]).as("length (an encrypted alert, padded)").isLessThan(64);
    }
  }
}
