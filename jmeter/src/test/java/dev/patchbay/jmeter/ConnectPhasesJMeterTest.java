package dev.patchbay.jmeter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.jmeter.internal.EngineRegistry;
import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.testkit.Profile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connect sampler's phases as sub-results in the JTL, from the SDK's phase events: every
 * connect has a {@code · token}, {@code · upgrade} and {@code · hello} row that fit in its
 * elapsed time; the one upgrade the edge refuses with 503 shows as an {@code · upgrade} row with
 * code 503 (not an error: the SDK absorbed it), followed by a {@code · backoff} row at least as long as its Retry-After,
 * and that thread's connect still succeeds on its second attempt. The connect time is the time
 * to the upgrade, the latency the time to {@code hello}.
 */
class ConnectPhasesJMeterTest {
  private static final int THREADS = 3;
  private static final String CONNECT = "Patchbay Connect";

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void connectSamplesCarryTokenUpgradeHelloAndBackoffSubResults(@TempDir Path tmp)
      throws Exception {
    FakeEdge.Builder b = FakeEdge.builder().profile(Profile.FIELD).seed(11);
    StringBuilder csv = new StringBuilder();
    for (int i = 1; i <= THREADS; i++) {
      b.user("acme", "phase-user-" + i, "secret-" + i + "-x");
      csv.append("phase-user-").append(i).append(",secret-").append(i).append("-x\n");
    }
    Path users = tmp.resolve("users.csv");
    Files.writeString(users, csv, StandardCharsets.UTF_8);
    Path jtl = tmp.resolve("phases.jtl");
    try (FakeEdge edge = b.start()) {
      edge.faults().refuseUpgrades(503, Duration.ofMillis(200), 1);
      InProcessJMeter.run(tmp.resolve("jmeter-home"), InProcessJMeter.PLAN, Map.of(
          "patchbay.edge", edge.uri().toString(),
          "patchbay.tenant", "acme",
          "patchbay.users", users.toString(),
          "patchbay.threads", Integer.toString(THREADS),
          "patchbay.rampup", "0",
          "patchbay.loops", "1",
          "patchbay.holdMs", "50",
          "patchbay.callee", "auto-answer",
          "patchbay.jtl", jtl.toString()));

      Jtl results = Jtl.read(jtl);
      List<Map<String, String>> connects = results.label(CONNECT);
      assertThat(connects).hasSize(THREADS)
          .allSatisfy(r -> assertThat(r.get("success")).as(r.get("responseMessage"))
              .isEqualTo("true"));
      List<Map<String, String>> tokens = results.label(CONNECT + " · token");
      List<Map<String, String>> upgrades = results.label(CONNECT + " · upgrade");
      List<Map<String, String>> hellos = results.label(CONNECT + " · hello");
      List<Map<String, String>> backoffs = results.label(CONNECT + " · backoff");
      assertThat(results.rows()).noneMatch(r -> r.get("label").contains("· attempt"));
      assertThat(results.rows()).as("no error row: every refusal was retried")
          .allSatisfy(r -> assertThat(r.get("success")).as(r.get("label")).isEqualTo("true"));
      // one attempt per thread, plus the refused one: a token phase each
      assertThat(tokens).hasSize(THREADS + 1).allSatisfy(ok());
      assertThat(hellos).hasSize(THREADS).allSatisfy(ok());
      assertThat(upgrades).hasSize(THREADS + 1);
      // the refused upgrade carries the edge's status, but is no error: the SDK retried
      assertThat(upgrades).allSatisfy(r -> assertThat(r.get("success")).isEqualTo("true"));
      assertThat(upgrades).filteredOn(r -> "503".equals(r.get("responseCode")))
          .singleElement().satisfies(r -> {
            assertThat(r.get("responseMessage")).contains("attempt 1 refused (503)");
          });
      assertThat(backoffs).singleElement().satisfies(r -> {
        assertThat(r.get("responseCode")).isEqualTo("503");
        assertThat(elapsed(r)).as("at least the Retry-After").isGreaterThanOrEqualTo(199);
      });

      for (Map<String, String> connect : connects) {
        String thread = connect.get("threadName");
        long start = Long.parseLong(connect.get("timeStamp"));
        long end = start + elapsed(connect);
        List<Map<String, String>> phases = results.rows().stream()
            .filter(r -> thread.equals(r.get("threadName"))
                && r.get("label").startsWith(CONNECT + " · ")).toList();
        long sum = 0;
        long first = end;
        long last = start;
        for (Map<String, String> p : phases) {
          long at = Long.parseLong(p.get("timeStamp"));
          assertThat(at).as(p.get("label")).isBetween(start, end);
          assertThat(at + elapsed(p)).as(p.get("label")).isLessThanOrEqualTo(end + 1);
          sum += elapsed(p);
          first = Math.min(first, at);
          last = Math.max(last, at + elapsed(p));
        }
        // JMeter's connect time: to the upgrade, latency: to hello
        long connectTime = Long.parseLong(connect.get("Connect"));
        long latency = Long.parseLong(connect.get("Latency"));
        assertThat(connectTime).as(thread).isPositive().isLessThanOrEqualTo(latency);
        assertThat(latency).as(thread).isLessThanOrEqualTo(elapsed(connect));
        // phases follow each other without overlap inside the connect (ms rounding aside)
        assertThat(sum).as(thread).isPositive().isLessThanOrEqualTo(elapsed(connect) + 1);
        System.out.printf("%s: connect %d ms (latency %s, connect time %s) = %s;"
                + " phases from +%d ms to +%d ms%n", thread, elapsed(connect),
            connect.get("Latency"), connect.get("Connect"),
            phases.stream().map(p -> p.get("label").substring(CONNECT.length() + 3) + " "
                + p.get("elapsed") + " ms").toList(), first - start, last - start);
      }
      edge.assertNoLeaks();
      assertThat(EngineRegistry.lastClosed("patchbay").orElseThrow().clean()).isTrue();
    }
  }

  private static java.util.function.Consumer<Map<String, String>> ok() {
    return r -> {
      assertThat(r.get("success")).as(r.get("label")).isEqualTo("true");
      assertThat(r.get("responseCode")).isEqualTo("200");
      assertThat(elapsed(r)).isNotNegative();
    };
  }

  private static long elapsed(Map<String, String> r) {
    return Long.parseLong(r.get("elapsed"));
  }
}
