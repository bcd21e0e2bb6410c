package dev.patchbay.internal.signaling;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates made by the JDK's {@code keytool} for TLS tests (no dependency), and
 * the contexts built from them: a server context holding one key, a client context trusting
 * exactly the given certificates.
 */
final class TestTls {
  static final char[] PASSWORD = "changeit-test".toCharArray();

  private TestTls() {}

  /** A fresh EC key with a self-signed certificate whose subject alternative names are {@code san}. */
  static KeyStore selfSigned(Path dir, String name, String san) throws Exception {
    Path file = dir.resolve(name + ".p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString(), "-genkeypair", "-alias", "key", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + name, "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12",
        "-keystore", file.toString(), "-storepass", new String(PASSWORD), "-keypass",
        new String(PASSWORD)).redirectErrorStream(true).start();
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

  /** A server context presenting the key in {@code keys}. */
  static SSLContext server(KeyStore keys) throws Exception {
    KeyManagerFactory kmf =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /** A client context trusting exactly the certificates of {@code keys}. */
  static SSLContext trusting(KeyStore... keys) throws Exception {
    return trusting("TLS", keys);
  }

  /** The same for {@code protocol} ({@code TLSv1.2}: a client that offers TLS 1.2 only). */
  static SSLContext trusting(String protocol, KeyStore... keys) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (KeyStore k : keys) {
      trust.setCertificateEntry("c" + i++, k.getCertificate("key"));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance(protocol);
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
