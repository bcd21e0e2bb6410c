package dev.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.RawWebSocket;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An integrator's classpath with Jetty 11 (as WireMock 3 brings it) plus the shaded testkit:
 * both servers start and serve in one JVM. Runs {@link Child} in a fresh JVM whose classpath is
 * exactly: the {@code -all} jar, Jetty 11's jars, and the test classes (no Jetty 12).
 */
class Jetty11CoexistenceIT {

  @Test
  void jetty11AndTheShadedFakeEdgeRunInOneJvm() throws Exception {
    List<String> cp = new ArrayList<>();
    cp.add(ShadedJarIT.jar().toString());
    try (Stream<Path> jars = Files.list(Path.of(System.getProperty("patchbay.testkit.jetty11Dir",
        "target/jetty11")))) {
      jars.filter(p -> p.toString().endsWith(".jar")).forEach(p -> cp.add(p.toString()));
    }
    assertThat(cp).anyMatch(p -> p.contains("jetty-server-11."));
    cp.add(System.getProperty("patchbay.testkit.testClasses", "target/test-classes"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", String.join(File.pathSeparator, cp),
        Child.class.getName()).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("jetty11=11.0.24", "edge-hello=alice", "jetty11-status=404");
  }

  /** Runs in the child JVM. Jetty 11 is reached by reflection (not on the compile path). */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Class<?> serverClass = Class.forName("org.eclipse.jetty.server.Server");
      Object jetty11 = serverClass.getConstructor(int.class).newInstance(0);
      serverClass.getMethod("start").invoke(jetty11);
      Object connector = ((Object[]) serverClass.getMethod("getConnectors").invoke(jetty11))[0];
      int port11 = (Integer) connector.getClass().getMethod("getLocalPort").invoke(connector);
      String version = (String) Class.forName("org.eclipse.jetty.util.Jetty")
          .getField("VERSION").get(null);
      System.out.println("jetty11=" + version);
      try (FakeEdge edge = FakeEdge.builder().user("acme", "alice", "alice-secret").start()) {
        String token = OAuthClient.accessToken(edge.uri(), "alice", "alice-secret");
        try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), token, null)) {
          System.out.println("edge-hello="
              + ws.next(Frames.Hello.class, Duration.ofSeconds(10)).userId());
        }
        int status = OAuthClient.get(java.net.URI.create("http://127.0.0.1:" + port11 + "/x"))
            .statusCode();
        System.out.println("jetty11-status=" + status);
      } finally {
        serverClass.getMethod("stop").invoke(jetty11);
      }
    }
  }
}
