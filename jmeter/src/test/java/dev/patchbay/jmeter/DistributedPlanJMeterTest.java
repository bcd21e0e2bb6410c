package dev.patchbay.jmeter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.testkit.Profile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * JMeter's distributed mode, as the field outgrows one machine: two {@code jmeter-server} JVMs
 * on 127.0.0.1 (RMI, SSL off) and a non-GUI controller JVM ({@code -R … -X}), JMeter 5.6.3's
 * own command line on this test's class path ({@link JMeterMain}), run the example plan
 * against the fake edge in this JVM. Each server reads its own CSV (its own user range) and
 * builds its own Patchbay. The controller's JTL must hold both servers' samples, the edge must
 * count both servers' users with nothing leaked, and each server must report its Patchbay
 * clean.
 */
class DistributedPlanJMeterTest {
  private static final int THREADS_PER_SERVER = 8;
  private static final int LOOPS = 2;

  @Test
  @Timeout(value = 170, unit = TimeUnit.SECONDS)
  void twoServersAndAController(@TempDir Path tmp) throws Exception {
    Path home = JMeterHome.create(tmp.resolve("jmeter-home"));
    Files.createDirectories(home.resolve("lib/ext")); // NewDriver's static init looks there
    Files.createDirectories(home.resolve("lib/junit"));
    FakeEdge.Builder b = FakeEdge.builder().profile(Profile.FIELD).seed(7);
    Path usersA = users(tmp, b, "a");
    Path usersB = users(tmp, b, "b");
    Path jtl = tmp.resolve("distributed.jtl");
    Path plan = Path.of("src/test/jmeter/patchbay-field.jmx").toAbsolutePath();
    List<Process> started = new ArrayList<>();
    try (FakeEdge edge = b.start()) {
      int portA = freePort();
      int portB = freePort();
      long started0 = System.nanoTime(); // JVM starts included
      Process serverA = jmeter(tmp, "server-a", started, "-s", "-d", home.toString(),
          "-Jserver_port=" + portA, "-Jserver.rmi.ssl.disable=true",
          "-Jpatchbay.users=" + usersA);
      Process serverB = jmeter(tmp, "server-b", started, "-s", "-d", home.toString(),
          "-Jserver_port=" + portB, "-Jserver.rmi.ssl.disable=true",
          "-Jpatchbay.users=" + usersB);
      awaitBound(portA, serverA, tmp.resolve("server-a.out"));
      awaitBound(portB, serverB, tmp.resolve("server-b.out"));

      Process controller = jmeter(tmp, "controller", started, "-n", "-t", plan.toString(),
          "-R", "127.0.0.1:" + portA + ",127.0.0.1:" + portB, "-X", "-d", home.toString(),
          "-Jserver.rmi.ssl.disable=true", "-Jpatchbay.jtl=" + jtl,
          "-Gpatchbay.edge=" + edge.uri(), "-Gpatchbay.tenant=acme",
          "-Gpatchbay.threads=" + THREADS_PER_SERVER, "-Gpatchbay.rampup=2",
          "-Gpatchbay.loops=" + LOOPS, "-Gpatchbay.holdMs=500");
      assertThat(controller.waitFor(120, TimeUnit.SECONDS)).as("controller ended: %s",
          tail(tmp.resolve("controller.out"))).isTrue();
      assertThat(controller.exitValue()).as(tail(tmp.resolve("controller.out"))).isZero();
      // -X: the controller told both servers to exit
      assertThat(serverA.waitFor(30, TimeUnit.SECONDS)).as("server a exited").isTrue();
      assertThat(serverB.waitFor(30, TimeUnit.SECONDS)).as("server b exited").isTrue();

      // ---- the controller's JTL holds both servers' samples
      Jtl results = Jtl.read(jtl);
      List<Map<String, String>> connects = results.label("Patchbay Connect");
      List<Map<String, String>> calls = results.label("Patchbay Call");
      List<Map<String, String>> verify = results.label("Patchbay Verify");
      assertThat(connects).hasSize(2 * THREADS_PER_SERVER);
      assertThat(calls).hasSize(2 * THREADS_PER_SERVER * LOOPS);
      assertThat(verify).as("one tearDown verify per server").hasSize(2)
          .allSatisfy(r -> assertThat(r.get("success")).as(r.get("responseMessage"))
              .isEqualTo("true"));
      assertThat(connects).allSatisfy(r -> assertThat(r.get("responseCode"))
          .as(r.get("responseMessage")).isIn("200", "429", "503"));
      assertThat(calls).allSatisfy(r -> assertThat(r.get("responseCode"))
          .as(r.get("responseMessage")).isIn("200", "503", "504", "NOT_CONNECTED"));
      long fromA = connects.stream().filter(r -> r.get("responseMessage")
          .contains("connected user-a-")).count();
      long fromB = connects.stream().filter(r -> r.get("responseMessage")
          .contains("connected user-b-")).count();
      assertThat(fromA + fromB).isEqualTo(connects.stream()
          .filter(r -> "true".equals(r.get("success"))).count());
      assertThat(fromA).as("server a's users").isPositive();
      assertThat(fromB).as("server b's users").isPositive();

      // ---- the edge saw both servers' users; nothing leaked
      edge.assertNoLeaks();
      assertThat(edge.counters().violations()).isZero();
      assertThat(edge.liveTokens()).isZero();
      assertThat(edge.counters().tokensIssued()).isGreaterThanOrEqualTo(fromA + fromB);
      for (String server : List.of("server-a", "server-b")) {
        String log = Files.readString(tmp.resolve(server + ".log"));
        assertThat(log).as(server).contains("Patchbay 'patchbay' closed on")
            .contains("nothing left open").doesNotContain("LEAKED");
      }
      assertThat(Files.readString(tmp.resolve("controller.log")))
          .as("the controller builds no Patchbay").doesNotContain("Patchbay 'patchbay' started");
      System.out.println(FieldPlanJMeterTest.summary(results,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started0), edge));
    } finally {
      for (Process p : started) {
        if (p.isAlive()) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static Path users(Path tmp, FakeEdge.Builder b, String server) throws IOException {
    StringBuilder csv = new StringBuilder();
    for (int i = 1; i <= THREADS_PER_SERVER * LOOPS; i++) {
      String user = String.format("user-%s-%02d", server, i);
      String secret = "s-" + server + "-" + i + "-" + Integer.toHexString(i * 7919);
      b.user("acme", user, secret);
      csv.append(user).append(',').append(secret).append('\n');
    }
    Path file = tmp.resolve("users-" + server + ".csv");
    Files.writeString(file, csv, StandardCharsets.UTF_8);
    return file;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A JMeter JVM on this test's class path (the plugin included), RMI on 127.0.0.1 only. */
  private static Process jmeter(Path tmp, String name, List<Process> started, String... args)
      throws IOException {
    Path home = tmp.resolve("jmeter-home");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Djava.rmi.server.hostname=127.0.0.1", "-Djava.awt.headless=true",
        "-Djmeter.home=" + home, "-Djava.util.prefs.userRoot=" + tmp.resolve("prefs"),
        // what NewDriver would do: JMeter's log4j2.xml, logging to <name>.log
        "-Dlog4j.configurationFile=" + home.resolve("bin/log4j2.xml"),
        "-Djmeter.logfile=" + tmp.resolve(name + ".log"),
        "-cp", System.getProperty("java.class.path"), JMeterMain.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve(name + ".out").toFile()).start();
    started.add(p);
    return p;
  }

  private static void awaitBound(int port, Process server, Path out) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        LocateRegistry.getRegistry("127.0.0.1", port).lookup("JMeterEngine");
        return;
      } catch (Exception notYet) {
        assertThat(server.isAlive()).as("server on %d died: %s", port, tail(out)).isTrue();
        assertThat(System.nanoTime()).as("server on %d not bound: %s", port, tail(out))
            .isLessThan(deadline);
        Thread.sleep(200);
      }
    }
  }

  private static String tail(Path file) {
    try {
      String s = Files.readString(file);
      return s.substring(Math.max(0, s.length() - 3000));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
