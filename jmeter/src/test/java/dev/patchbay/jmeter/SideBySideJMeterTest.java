package dev.patchbay.jmeter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.testkit.Profile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.jmeter.report.dashboard.ReportGenerator;
import org.apache.jmeter.util.JMeterUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same plan twice, each against a fresh fake edge with the same FIELD profile and seed: once
 * with the Patchbay samplers ({@code patchbay-field.jmx}), once with a raw-WebSocket sampler
 * scripted the way the field reports do it ({@code raw-websocket-field.jmx}: one shared token,
 * fixed retries without backoff, socket left open after a failed negotiation). The edge tells
 * them apart: token-reuse violations and a retry storm for the raw plan, none and nothing left
 * open for Patchbay. Both JTLs go into one JMeter dashboard, labels side by side.
 */
class SideBySideJMeterTest {
  private static final int THREADS = 20;
  private static final Path RAW_PLAN = Path.of("src/test/jmeter/raw-websocket-field.jmx");

  @AfterEach
  void abortAbandonedSockets() {
    RawWebSocketSampler.reset();
  }

  private static FakeEdge.Builder edge(StringBuilder csv) {
    FakeEdge.Builder b = FakeEdge.builder().profile(Profile.FIELD).seed(42)
        .tenant("acme", t -> t.upgradeRateLimit(10, 10));
    for (int i = 1; i <= THREADS; i++) {
      String user = String.format("user-%03d", i);
      String secret = "secret-" + i;
      b.user("acme", user, secret);
      csv.append(user).append(',').append(secret).append('\n');
    }
    return b;
  }

  private static Map<String, String> props(FakeEdge edge, Path users, Path jtl) {
    return Map.of("patchbay.edge", edge.uri().toString(), "patchbay.tenant", "acme",
        "patchbay.users", users.toString(), "patchbay.threads", Integer.toString(THREADS),
        "patchbay.rampup", "1", "patchbay.loops", "1", "patchbay.holdMs", "300",
        "patchbay.callee", "auto-answer", "patchbay.jtl", jtl.toString());
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void theEdgeSeesTokenReuseAndARetryStormFromTheRawPlanAndNothingFromPatchbay(
      @TempDir Path tmp) throws Exception {
    StringBuilder csv = new StringBuilder();
    FakeEdge.Builder patchbayEdge = edge(csv);
    FakeEdge.Builder rawEdge = edge(new StringBuilder());
    Path users = tmp.resolve("users.csv");
    Files.writeString(users, csv, StandardCharsets.UTF_8);
    Path patchbayJtl = tmp.resolve("patchbay.jtl");
    Path rawJtl = tmp.resolve("raw.jtl");
    StringBuilder figures = new StringBuilder();

    // ---- Patchbay samplers
    try (FakeEdge edge = patchbayEdge.start()) {
      long t0 = System.nanoTime();
      InProcessJMeter.run(tmp.resolve("jmeter-home"), InProcessJMeter.PLAN,
          props(edge, users, patchbayJtl));
      long runMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      edge.assertNoLeaks();
      assertThat(edge.counters().violations()).as("token-reuse violations").isZero();
      assertThat(edge.liveTokens()).as("tokens not revoked").isZero();
      Jtl jtl = Jtl.read(patchbayJtl);
      assertThat(jtl.label("Patchbay Connect")).hasSize(THREADS)
          .allSatisfy(r -> assertThat(r.get("responseCode")).isIn("200", "429", "503"));
      assertThat(jtl.label("Patchbay Connect").stream()
          .filter(r -> "true".equals(r.get("success")))).hasSizeGreaterThan(THREADS / 2);
      assertThat(edge.counters().upgradeAttempts()).as("upgrades: about one per user")
          .isLessThan(2L * THREADS);
      figures.append("Patchbay plan, ").append(FieldPlanJMeterTest.summary(jtl, runMs, edge))
          .append(", 0 token-reuse violations, 0 sockets left open\n");
    }

    // ---- the raw-WebSocket plan, as the field scripts it
    try (FakeEdge edge = rawEdge.start()) {
      long t0 = System.nanoTime();
      InProcessJMeter.run(tmp.resolve("jmeter-home"), RAW_PLAN, props(edge, users, rawJtl));
      long runMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      Jtl jtl = Jtl.read(rawJtl);
      List<Map<String, String>> connects = jtl.label("Raw WS Connect");
      assertThat(connects).hasSize(THREADS);
      assertThat(jtl.label("Raw WS Call")).hasSize(THREADS);
      // one token on several live sockets: the edge refuses 409 and counts a violation
      assertThat(edge.counters().violations()).as("token-reuse violations").isPositive();
      assertThat(edge.counters().refusalsByStatus()).containsKey(409);
      assertThat(edge.counters().tokensIssued()).as("one token for everybody").isEqualTo(1);
      assertThat(connects.stream().filter(r -> "409".equals(r.get("responseCode"))))
          .as("threads that gave up on 409").isNotEmpty();
      assertThat(edge.counters().upgradeAttempts()).as("fixed retries, no backoff")
          .isGreaterThan(2L * THREADS);
      long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3); // closes reach the edge
      while (edge.openSockets() > RawWebSocketSampler.ABANDONED.size()
          && System.nanoTime() < settle) {
        Thread.sleep(50);
      }
      figures.append("raw-WebSocket plan, ").append(FieldPlanJMeterTest.summary(jtl, runMs,
          edge)).append(", ").append(edge.counters().violations())
          .append(" token-reuse violations, ").append(RawWebSocketSampler.ABANDONED.size())
          .append(" sockets left open after failed negotiations (edge: ")
          .append(edge.openSockets()).append(" open after 3 s)\n");
    }

    // ---- one JMeter dashboard with both plans' labels side by side
    Path both = tmp.resolve("both.jtl");
    List<String> lines = new ArrayList<>(Files.readAllLines(patchbayJtl));
    List<String> raw = Files.readAllLines(rawJtl);
    assertThat(raw.get(0)).isEqualTo(lines.get(0)); // same columns
    lines.addAll(raw.subList(1, raw.size()));
    Files.write(both, lines, StandardCharsets.UTF_8);
    Path dashboard = tmp.resolve("dashboard");
    JMeterUtils.setProperty("jmeter.reportgenerator.outputdir", dashboard.toString());
    JMeterUtils.setProperty("jmeter.reportgenerator.temp_dir", tmp.resolve("rg").toString());
    new ReportGenerator(both.toString(), null).generate();
    JsonNode stats = new ObjectMapper().readTree(dashboard.resolve("statistics.json").toFile());
    assertThat(stats.path("Patchbay Connect").path("sampleCount").asInt()).isEqualTo(THREADS);
    assertThat(stats.path("Raw WS Connect").path("sampleCount").asInt()).isEqualTo(THREADS);
    assertThat(stats.path("Raw WS Connect").path("errorPct").asDouble())
        .isGreaterThan(stats.path("Patchbay Connect").path("errorPct").asDouble());
    System.out.print(figures);
    keep(dashboard, System.getProperty("patchbay.jmeter.reportDir"));
  }

  /** Copies the dashboard to {@code dir} (README's "run the JMeter plan"), when asked to. */
  private static void keep(Path dashboard, String dir) throws java.io.IOException {
    if (dir == null || dir.isBlank()) {
      return;
    }
    Path target = Path.of(dir).toAbsolutePath();
    try (java.util.stream.Stream<Path> files = Files.walk(dashboard)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = target.resolve(dashboard.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    System.out.println("JMeter dashboard of both plans: " + target.resolve("index.html"));
  }
}
