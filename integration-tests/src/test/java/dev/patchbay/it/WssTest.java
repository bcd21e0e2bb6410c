package dev.patchbay.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.AccessToken;
import dev.patchbay.Call;
import dev.patchbay.Credentials;
import dev.patchbay.Patchbay;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import dev.patchbay.media.MediaEngines;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end over {@code wss://}: the fake edge serves TLS with a self-signed certificate (made
 * by keytool), the SDK trusts it explicitly, and agents connect, call and close on the SDK's own
 * NIO transport (no JDK HTTP client is started); {@code -Dpatchbay.signaling.transport=jdk}
 * still selects the JDK's client.
 */
class WssTest extends EdgeFixture {
  private static final char[] PASSWORD = "changeit-wss".toCharArray();
  private static KeyStore keys;
  private static X509TrustManager trust;
  private static SSLContext trustCtx;

  @BeforeAll
  static void certificate(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("edge.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString(), "-genkeypair", "-alias", "edge", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass",
        new String(PASSWORD), "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + out);
    }
    keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      keys.load(in, PASSWORD);
    }
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("edge", keys.getCertificate("edge"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    trust = (X509TrustManager) tmf.getTrustManagers()[0];
    trustCtx = SSLContext.getInstance("TLS");
    trustCtx.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
  }

  /** Threads of the JDK's HTTP client (its selector), started by a JDK WebSocket. */
  private static long jdkClientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("HttpClient-")).count();
  }

  /** Runs {@code build} with the signaling transport switch set to {@code transport}. */
  private static void withTransport(String transport, Runnable build) {
    String old = System.getProperty("patchbay.signaling.transport");
    System.setProperty("patchbay.signaling.transport", transport);
    try {
      build.run();
    } finally {
      if (old == null) {
        System.clearProperty("patchbay.signaling.transport");
      } else {
        System.setProperty("patchbay.signaling.transport", old);
      }
    }
  }

  private void callAndHangUp() throws Exception {
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob");
    Call call = get(alice.dial("auto-answer"));
    get(call.hangUp());
    assertThat(edge.openSockets()).isEqualTo(2);
    alice.close();
    bob.close();
  }

  @Test
  void agentsConnectCallAndCloseOverWssOnTheNioTransport() throws Exception {
    start(b -> b.tls(keys, PASSWORD));
    assertThat(edge.uri().getScheme()).isEqualTo("https");
    long before = jdkClientThreads();
    patchbay(b -> b.tls(trustCtx.getSocketFactory(), trust));

    callAndHangUp();

    assertThat(jdkClientThreads()).as("JDK HTTP client threads started")
        .isLessThanOrEqualTo(before);
    assertAllReleased();
  }

  @Test
  void theJdkSwitchStillSelectsTheJdkClientForWss() throws Exception {
    start(b -> b.tls(keys, PASSWORD));
    long before = jdkClientThreads();
    withTransport("jdk", () -> patchbay(b -> b.tls(trustCtx.getSocketFactory(), trust)));
    UserAgent alice = connect("alice");
    assertThat(jdkClientThreads()).as("JDK HTTP client threads").isGreaterThan(before);
    alice.close();
    assertAllReleased();
  }

  /**
   * The edge's certificate is not trusted (the platform's trust store; the token comes from the
   * app, so no OAuth call fails first): the connect fails with a typed, non-retryable error on
   * the first TLS handshake, and the agent does not try again (one TCP connection, although its
   * retry policy allows 5 attempts) — on the NIO transport and on the JDK client alike.
   */
  @ParameterizedTest(name = "transport {0}")
  @ValueSource(strings = {"nio", "jdk"})
  void anUntrustedCertificateOnTheSignalingSocketFailsOnceAndIsNotRetried(String transport)
      throws Exception {
    start(b -> b.tls(keys, PASSWORD));
    try (CountingRelay relay = new CountingRelay(edge.uri().getPort())) {
      withTransport(transport, () -> patchbay = Patchbay.builder()
          .edge(URI.create("https://127.0.0.1:" + relay.port()))
          .mediaEngine(MediaEngines.signalingOnly()).build());
      AccessToken token = new AccessToken("app-token-not-checked", Instant.now().plusSeconds(600),
          null);
      Throwable e = failureOf(patchbay.connect(
          Credentials.provider(() -> CompletableFuture.completedFuture(token)),
          options("alice").build()));

      assertThat(e).isInstanceOf(PatchbayException.class)
          .hasMessageContaining("TLS handshake failed").hasMessageContaining("not retried");
      assertThat(((PatchbayException) e).retryable()).isFalse();
      Thread.sleep(500);
      assertThat(relay.connections).as("TCP connections to the edge").hasValue(1);
      assertThat(edge.handshakes("alice")).as("upgrades that reached the edge").isEmpty();
    }
    assertAllReleased();
  }

  /**
   * A TCP close in the middle of the TLS handshake (an edge restarting, a balancer dropping the
   * connection) is not a refusal: the connect retries it, on either transport, and fails with a
   * retryable error once its attempts are spent.
   */
  @ParameterizedTest(name = "transport {0}")
  @ValueSource(strings = {"nio", "jdk"})
  void aConnectionClosedDuringTheTlsHandshakeIsRetried(String transport) throws Exception {
    try (ServerSocket cutter = new ServerSocket(0, 50,
        InetAddress.getLoopbackAddress())) {
      AtomicInteger connections =
          new AtomicInteger();
      Thread t = new Thread(() -> {
        while (!cutter.isClosed()) {
          try (Socket s = cutter.accept()) {
            connections.incrementAndGet();
            s.getInputStream().read(new byte[512]); // part of the ClientHello, then the cut
          } catch (IOException e) {
            // closed
          }
        }
      }, "tls-cutter");
      t.setDaemon(true);
      t.start();
      withTransport(transport, () -> patchbay = Patchbay.builder()
          .edge(URI.create("https://127.0.0.1:" + cutter.getLocalPort()))
          .mediaEngine(MediaEngines.signalingOnly()).tls(trustCtx.getSocketFactory(), trust)
          .build());
      AccessToken token = new AccessToken("app-token-not-checked", Instant.now().plusSeconds(600),
          null);
      Throwable e = failureOf(patchbay.connect(
          Credentials.provider(() -> CompletableFuture.completedFuture(token)),
          options("alice").build()));

      assertThat(e).isInstanceOf(PatchbayException.class);
      assertThat(e.getMessage()).doesNotContain("TLS handshake failed");
      assertThat(connections.get()).as("TCP connections: the connect retried").isGreaterThan(1);
    }
    assertAllReleased();
  }
}
