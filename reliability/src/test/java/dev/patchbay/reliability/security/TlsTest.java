package dev.patchbay.reliability.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.Call;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import dev.patchbay.reliability.matrix.Rig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS verification is on by default: an edge with a self-signed certificate is refused (by the
 * platform's trust store, and by a trust store holding another self-signed certificate); the
 * same edge works once its certificate is trusted explicitly. There is no trust-all switch.
 */
class TlsTest {
  private static final char[] PASSWORD = "changeit-tls".toCharArray();
  private static KeyStore edgeKeys;
  private static KeyStore otherKeys;

  @BeforeAll
  static void certificates(@TempDir Path dir) throws Exception {
    edgeKeys = selfSigned(dir.resolve("edge.p12"));
    otherKeys = selfSigned(dir.resolve("other.p12"));
  }

  /** A fresh EC key and self-signed certificate for 127.0.0.1 (JDK keytool). */
  private static KeyStore selfSigned(Path file) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString(), "-genkeypair", "-alias", "edge", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass",
        new String(PASSWORD), "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + out);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, PASSWORD);
    }
    return ks;
  }

  /** A trust manager that trusts exactly the certificate in {@code keys}. */
  private static X509TrustManager trusting(KeyStore keys) throws Exception {
    Certificate cert = keys.getCertificate("edge");
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("edge", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }

  private static SSLContext context(X509TrustManager tm) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new javax.net.ssl.TrustManager[] {tm}, null);
    return ctx;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void selfSignedEdgeWorksOnlyWhenItsCertificateIsTrustedExplicitly(long seed) throws Exception {
    X509TrustManager tm = trusting(edgeKeys);
    SSLContext ctx = context(tm);
    try (Rig rig = Rig.builder("security: TLS, self-signed edge trusted explicitly", seed)
        .edge(b -> b.tls(edgeKeys, PASSWORD))
        .sdk(b -> b.tls(ctx.getSocketFactory(), tm)).start()) {
      assertThat(rig.edge.uri().getScheme()).isEqualTo("https");
      UserAgent alice = rig.connected("alice");
      Call call = rig.ledger.watch(Rig.get(rig.ledger.track("dial", alice.dial("auto-answer")),
          Duration.ofSeconds(10)));
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void untrustedSelfSignedEdgeIsRefused(long seed) throws Exception {
    X509TrustManager other = trusting(otherKeys);
    SSLContext otherCtx = context(other);
    for (boolean platformTrust : List.of(true, false)) {
      try (Rig rig = Rig.builder("security: TLS, untrusted self-signed edge refused ("
              + (platformTrust ? "platform trust store" : "another certificate") + ")", seed)
          .edge(b -> b.tls(edgeKeys, PASSWORD))
          .sdk(b -> platformTrust ? b : b.tls(otherCtx.getSocketFactory(), other)).start()) {
        rig.inject("untrusted certificate", () -> { });
        long start = System.nanoTime();

        Throwable e = Rig.failure(rig.connect("alice"), Duration.ofSeconds(30));

        assertThat(e).isInstanceOf(PatchbayException.class);
        assertThat(((PatchbayException) e).retryable()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("refused at once, not retried").isLessThan(Duration.ofSeconds(5));
        assertThat(rig.edge.counters().tokenRequests()).as("no request got through").isZero();
        assertThat(rig.edge.counters().upgradeAttempts()).isZero();
      }
    }
  }
}
