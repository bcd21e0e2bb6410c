package dev.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.RawWebSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The shaded {@code -all} jar: Jetty relocated, and {@code java -jar} serves a working edge. */
class ShadedJarIT {
  static Path jar() {
    Path p = Path.of(System.getProperty("patchbay.testkit.shadedJar",
        "target/patchbay-testkit-0.1.0-SNAPSHOT-all.jar"));
    assertThat(p).exists();
    return p;
  }

  @Test
  void jettyIsRelocatedAndNothingOfItLeaksIntoOrgEclipseJetty() throws Exception {
    try (ZipFile zip = new ZipFile(jar().toFile())) {
      List<String> names = zip.stream().map(e -> e.getName()).toList();
      assertThat(names).noneMatch(n -> n.startsWith("org/eclipse/jetty/"));
      assertThat(names).contains("dev/patchbay/testkit/shaded/jetty/server/Server.class",
          "dev/patchbay/testkit/FakeEdgeLauncher.class",
          "dev/patchbay/internal/protocol/FrameCodec.class");
      assertThat(names).noneMatch(n -> n.startsWith("okhttp3/") || n.startsWith("kotlin/"));
      String manifest = new String(zip.getInputStream(zip.getEntry("META-INF/MANIFEST.MF"))
          .readAllBytes());
      assertThat(manifest).contains("Main-Class: dev.patchbay.testkit.FakeEdgeLauncher");
    }
  }

  @Test
  void javaDashJarServesOAuthSignalingAndAdmin() throws Exception {
    Path portFile = Files.createTempDirectory("edge").resolve("port");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-jar", jar().toString(), "--port", "0", "--port-file",
        portFile.toString(), "--users", "2", "--profile", "field")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(portFile)) {
        assertThat(p.isAlive()).as("launcher alive").isTrue();
        assertThat(System.nanoTime()).as("port file within 30 s").isLessThan(deadline);
        Thread.sleep(50);
      }
      int port = Integer.parseInt(Files.readString(portFile).trim());
      URI base = URI.create("http://127.0.0.1:" + port);
      String token = OAuthClient.accessToken(base, "user-1", "secret");
      try (RawWebSocket ws = RawWebSocket.connect(
          URI.create("ws://127.0.0.1:" + port + "/v1/signaling"), token, "user-1")) {
        assertThat(ws.next(Frames.Hello.class, Duration.ofSeconds(10)).limits().tenantSockets())
            .isEqualTo(200);
        JsonNode state = OAuthClient.JSON.readTree(
            OAuthClient.get(base.resolve("/admin/counters")).body());
        assertThat(state.get("openSockets").asInt()).isEqualTo(1);
        // the live view: its page is a resource of the -all jar too
        assertThat(OAuthClient.get(base.resolve("/admin/")).body()).contains("/admin/stats");
        assertThat(OAuthClient.JSON.readTree(OAuthClient.get(base.resolve("/admin/stats")).body())
            .get("totals").get("openSockets").asInt()).isEqualTo(1);
      }
    } finally {
      p.destroy();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("launcher stops on SIGTERM").isTrue();
    }
  }
}
