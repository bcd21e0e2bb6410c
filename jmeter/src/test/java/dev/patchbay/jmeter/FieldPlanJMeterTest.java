package dev.patchbay.jmeter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.jmeter.internal.EngineRegistry;
import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.testkit.Profile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.jmeter.report.dashboard.ReportGenerator;
import org.apache.jmeter.util.JMeterUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plan {@code src/test/jmeter/patchbay-field.jmx}, run headless by JMeter 5.6.3's own
 * engine in this JVM against the fake edge with the FIELD profile (its upgrade rate tightened so
 * the SDK has refusals to absorb): every JMeter thread is one user with its own token. Checks the
 * JTL (every sample there; failures only edge refusals beyond the retry budget), the edge (no
 * leaked socket, call, media slot or queued invite; no token-reuse violation; every token
 * revoked) and the plugin's Patchbay (nothing left before or after close); then renders
 * JMeter's HTML dashboard from the JTL, phases included as labels.
 */
class FieldPlanJMeterTest {
  private static final int THREADS = 40;
  private static final int RAMP_UP_S = 2;
  private static final int LOOPS = 2;
  private static final int HOLD_MS = 500;
  /** The CSV Data Set hands out a line per thread and iteration. */
  private static final int USERS = THREADS * LOOPS;
  private static final Set<String> CONNECT_REFUSALS = Set.of("429", "503");
  private static final Set<String> CALL_REFUSALS = Set.of("503", "504");

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void fieldPlanRunsCleanInJMeter(@TempDir Path tmp) throws Exception {
    FakeEdge.Builder b = FakeEdge.builder().profile(Profile.FIELD).seed(42)
        .tenant("acme", t -> t.upgradeRateLimit(10, 10));
    StringBuilder csv = new StringBuilder();
    for (int i = 1; i <= USERS; i++) {
      String user = String.format("user-%03d", i);
      String secret = "secret-" + i + "-" + Long.toHexString(Double.doubleToLongBits(i * 7.1));
      b.user("acme", user, secret);
      csv.append(user).append(',').append(secret).append('\n');
    }
    Path users = tmp.resolve("users.csv");
    Files.writeString(users, csv, StandardCharsets.UTF_8);
    Path jtl = tmp.resolve("patchbay.jtl");

    long started = System.nanoTime();
    try (FakeEdge edge = b.start()) {
      InProcessJMeter.run(tmp.resolve("jmeter-home"), InProcessJMeter.PLAN, Map.of(
          "patchbay.edge", edge.uri().toString(),
          "patchbay.tenant", "acme",
          "patchbay.users", users.toString(),
          "patchbay.threads", Integer.toString(THREADS),
          "patchbay.rampup", Integer.toString(RAMP_UP_S),
          "patchbay.loops", Integer.toString(LOOPS),
          "patchbay.holdMs", Integer.toString(HOLD_MS),
          "patchbay.callee", "auto-answer",
          "patchbay.connectAttempts", "6",
          "patchbay.jtl", jtl.toString()));

      long runMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      // ---- the plugin's Patchbay: nothing left by the threads, nothing after close
      EngineRegistry.CloseReport report = EngineRegistry.lastClosed("patchbay").orElseThrow();
      assertThat(report.agentsLeftOpen()).as("user agents of JMeter threads left open").isZero();
      assertThat(report.beforeClose().userAgents()).isZero();
      assertThat(report.beforeClose().openSockets()).isZero();
      assertThat(report.beforeClose().calls()).isZero();
      assertThat(report.beforeClose().mediaSessions()).isZero();
      assertThat(report.afterClose().isIdle()).as("diagnostics after close: %s",
          report.afterClose()).isTrue();
      assertThat(report.afterClose().sdkThreads()).isZero();

      // ---- no JMeter thread of the plan and no SDK thread outlives the run
      assertThat(liveThreads(List.of("Agents ", "tearDown", "patchbay-"))).isEmpty();

      // ---- the edge: no leak, no token reuse, every token revoked
      edge.assertNoLeaks();
      assertThat(edge.openSockets()).isZero();
      assertThat(edge.openCalls()).isZero();
      assertThat(edge.heldMediaSlots()).isZero();
      assertThat(edge.queuedInvites()).isZero();
      assertThat(edge.counters().violations()).as("token-reuse violations").isZero();
      assertThat(edge.violations()).isEmpty();
      assertThat(edge.liveTokens()).as("tokens not revoked").isZero();
      assertThat(edge.counters().get("serverErrors")).isZero();

      // ---- the JTL: every sample present, failures only refusals beyond the retry budget
      Jtl results = Jtl.read(jtl);
      List<Map<String, String>> connects = results.label("Patchbay Connect");
      List<Map<String, String>> calls = results.label("Patchbay Call");
      List<Map<String, String>> verify = results.label("Patchbay Verify");
      assertThat(connects).as("one connect per thread (reused on later iterations)")
          .hasSize(THREADS);
      assertThat(calls).as("one call per thread and iteration").hasSize(THREADS * LOOPS);
      assertThat(verify).hasSize(1);
      assertThat(verify.get(0).get("success")).as(verify.get(0).get("responseMessage"))
          .isEqualTo("true");
      assertThat(connects.stream().map(r -> r.get("threadName")).distinct()).hasSize(THREADS);

      Set<String> notConnected = connects.stream()
          .filter(r -> !"true".equals(r.get("success")))
          .peek(r -> assertThat(r.get("responseCode")).as(r.get("responseMessage"))
              .isIn(CONNECT_REFUSALS))
          .map(r -> r.get("threadName")).collect(Collectors.toSet());
      for (Map<String, String> call : calls) {
        if ("true".equals(call.get("success"))) {
          assertThat(call.get("responseCode")).isEqualTo("200");
          long elapsed = Long.parseLong(call.get("elapsed"));
          long latency = Long.parseLong(call.get("Latency"));
          long connect = Long.parseLong(call.get("Connect"));
          assertThat(connect).isLessThanOrEqualTo(latency);
          assertThat(latency).isLessThanOrEqualTo(elapsed);
          assertThat(elapsed).isGreaterThanOrEqualTo(HOLD_MS);
        } else if (notConnected.contains(call.get("threadName"))) {
          assertThat(call.get("responseCode")).isEqualTo("NOT_CONNECTED");
        } else {
          assertThat(call.get("responseCode")).as(call.get("responseMessage"))
              .isIn(CALL_REFUSALS);
        }
      }
      long okConnects = connects.stream().filter(r -> "true".equals(r.get("success"))).count();
      long okCalls = calls.stream().filter(r -> "true".equals(r.get("success"))).count();
      assertThat(edge.counters().tokensIssued()).as("each connected user its own token")
          .isGreaterThanOrEqualTo(okConnects);
      // phases as sub-results: one invite, media, hold and hang-up row per successful call
      assertThat(results.label("Patchbay Call · invite")).hasSizeGreaterThanOrEqualTo(
          (int) okCalls);
      assertThat(results.label("Patchbay Call · hang up")).hasSize((int) okCalls);

      // ---- JMeter's HTML dashboard from the JTL (what `jmeter -g patchbay.jtl -o dir` does)
      Path dashboard = tmp.resolve("dashboard");
      JMeterUtils.setProperty("jmeter.reportgenerator.outputdir", dashboard.toString());
      JMeterUtils.setProperty("jmeter.reportgenerator.temp_dir", tmp.resolve("rg").toString());
      new ReportGenerator(jtl.toString(), null).generate();
      assertThat(dashboard.resolve("index.html")).isRegularFile();
      JsonNode stats = new ObjectMapper().readTree(dashboard.resolve("statistics.json").toFile());
      assertThat(stats.path("Patchbay Call").path("sampleCount").asInt())
          .isEqualTo(THREADS * LOOPS);
      assertThat(stats.path("Patchbay Connect").path("sampleCount").asInt()).isEqualTo(THREADS);
      assertThat(stats.path("Patchbay Call · media").path("sampleCount").asInt())
          .isEqualTo((int) okCalls);
      assertThat(Files.readString(dashboard.resolve("content/js/dashboard.js")))
          .contains("Patchbay Call · invite");

      System.out.println(summary(results, runMs, edge));
      System.out.println("dashboard: " + stats.path("Total"));
    }
  }

  /** Names of live threads starting with one of {@code prefixes}, after up to 5 s. */
  static List<String> liveThreads(List<String> prefixes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      List<String> live = Thread.getAllStackTraces().keySet().stream()
          .filter(Thread::isAlive).map(Thread::getName)
          .filter(n -> prefixes.stream().anyMatch(n::startsWith)).toList();
      if (live.isEmpty() || System.nanoTime() > deadline) {
        return live;
      }
      Thread.sleep(50);
    }
  }

  /** Samples, error % by code and p50/p95 per label: the figures of the run. */
  static String summary(Jtl results, long runMs, FakeEdge edge) {
    Map<String, List<Map<String, String>>> byLabel = new TreeMap<>(results.rows().stream()
        .collect(Collectors.groupingBy(r -> r.get("label"))));
    StringBuilder out = new StringBuilder("JMeter run ").append(runMs).append(" ms\n");
    out.append(String.format("%-28s %6s %7s %8s %8s  %s%n", "label", "n", "err%", "p50 ms",
        "p95 ms", "codes"));
    for (var e : byLabel.entrySet()) {
      List<Long> t = new ArrayList<>(e.getValue().stream()
          .map(r -> Long.parseLong(r.get("elapsed"))).sorted().toList());
      long err = e.getValue().stream().filter(r -> !"true".equals(r.get("success"))).count();
      Map<String, Long> codes = new TreeMap<>(e.getValue().stream()
          .collect(Collectors.groupingBy(r -> r.get("responseCode"), Collectors.counting())));
      out.append(String.format("%-28s %6d %6.1f%% %8d %8d  %s%n", e.getKey(), t.size(),
          100.0 * err / t.size(), t.get((int) Math.floor(0.5 * (t.size() - 1))),
          t.get((int) Math.floor(0.95 * (t.size() - 1))), codes));
    }
    out.append("edge: ").append(edge.counters().refusalsByStatus()).append(" refusals, ")
        .append(edge.counters().tokensIssued()).append(" tokens, ")
        .append(edge.counters().upgradeAttempts()).append(" upgrade attempts, ")
        .append(edge.counters().errors504()).append(" invite 504s");
    return out.toString();
  }
}
