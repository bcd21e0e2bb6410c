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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a load tester sees when the edge says no, through the same plan in JMeter's engine: with
 * a connect budget of one attempt, the two upgrades the edge refuses with 503 fail their connect
 * samples with response code 503 and say the budget is spent, those threads' calls fail with
 * NOT_CONNECTED, and calls to the {@code busy} party fail with the edge's 486. Nothing leaks.
 */
class FailureMappingJMeterTest {
  private static final int THREADS = 4;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void refusalsBeyondTheBudgetAndBusyCalleesAreMappedToStatuses(@TempDir Path tmp)
      throws Exception {
    FakeEdge.Builder b = FakeEdge.builder().profile(Profile.FIELD).seed(3);
    StringBuilder csv = new StringBuilder();
    for (int i = 1; i <= THREADS; i++) {
      b.user("acme", "busy-caller-" + i, "secret-" + i + "-x");
      csv.append("busy-caller-").append(i).append(",secret-").append(i).append("-x\n");
    }
    Path users = tmp.resolve("users.csv");
    Files.writeString(users, csv, StandardCharsets.UTF_8);
    Path jtl = tmp.resolve("failures.jtl");
    try (FakeEdge edge = b.start()) {
      edge.faults().refuseUpgrades(503, Duration.ofMillis(100), 2);
      InProcessJMeter.run(tmp.resolve("jmeter-home"), InProcessJMeter.PLAN, Map.of(
          "patchbay.edge", edge.uri().toString(),
          "patchbay.tenant", "acme",
          "patchbay.users", users.toString(),
          "patchbay.threads", Integer.toString(THREADS),
          "patchbay.rampup", "0",
          "patchbay.loops", "1",
          "patchbay.holdMs", "100",
          "patchbay.callee", "busy",
          "patchbay.connectAttempts", "1",
          "patchbay.jtl", jtl.toString()));

      Jtl results = Jtl.read(jtl);
      List<Map<String, String>> connects = results.label("Patchbay Connect");
      List<Map<String, String>> calls = results.label("Patchbay Call");
      assertThat(connects).hasSize(THREADS);
      assertThat(calls).hasSize(THREADS);
      List<Map<String, String>> refused = connects.stream()
          .filter(r -> "false".equals(r.get("success"))).toList();
      assertThat(refused).as("the two refused upgrades").hasSize(2)
          .allSatisfy(r -> {
            assertThat(r.get("responseCode")).isEqualTo("503");
            assertThat(r.get("responseMessage")).contains("out of capacity (503)")
                .contains("after 1 attempt").contains("retry budget spent");
          });
      Set<String> refusedThreads = refused.stream().map(r -> r.get("threadName"))
          .collect(Collectors.toSet());
      assertThat(calls).allSatisfy(r -> {
        assertThat(r.get("success")).isEqualTo("false");
        if (refusedThreads.contains(r.get("threadName"))) {
          assertThat(r.get("responseCode")).isEqualTo("NOT_CONNECTED");
        } else {
          assertThat(r.get("responseCode")).isEqualTo("486");
          assertThat(r.get("responseMessage")).contains("BUSY").contains("486");
        }
      });
      assertThat(results.label("Patchbay Verify")).singleElement()
          .satisfies(r -> assertThat(r.get("success")).isEqualTo("true"));

      assertThat(edge.counters().refusals(503)).isEqualTo(2);
      edge.assertNoLeaks();
      assertThat(edge.counters().violations()).isZero();
      assertThat(edge.liveTokens()).isZero();
      assertThat(EngineRegistry.lastClosed("patchbay").orElseThrow().clean()).isTrue();
    }
  }
}
