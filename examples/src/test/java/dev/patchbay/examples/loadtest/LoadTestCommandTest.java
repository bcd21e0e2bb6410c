package dev.patchbay.examples.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import dev.patchbay.testkit.FakeEdge;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load test as CI runs it: fewer agents, a short window, the same field edge and checks. */
class LoadTestCommandTest {
  @TempDir
  Path dir;

  @Test
  void ciSizedRunAccountsForEveryCallLeaksNothingAndWritesTheHtmlReport() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path html = dir.resolve("report.html");

    Path json = dir.resolve("summary.json");
    Path jtl = dir.resolve("run.jtl");
    int code = LoadTestCommand.run(new String[] {"--agents", "100", "--window", "5s", "--hold",
        "1s", "--nodes", "2", "--html", html.toString(), "--json", json.toString(), "--jtl",
        jtl.toString()}, utf8(out), utf8(err), false);

    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as("exit code; stdout:%n%s%nstderr:%n%s", report,
        err.toString(StandardCharsets.UTF_8)).isZero();
    // agents that give up connecting (budget spent) are reported by status, not a failure here
    assertThat(report).contains("verdict").contains("CLEAN")
        .containsPattern("attempted\\s+\\d+\\n")
        .containsPattern("lost without a terminal reason\\s+0\\n")
        .containsPattern("token reuse violations\\s+0\\n")
        .containsPattern("leaked sockets \\(edge / client\\)\\s+0 / 0\\n");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Patchbay").contains("done");
    assertThat(report).contains("SDK clean:           yes")
        .contains("load met thresholds: yes — 2 of 2 met (defaults").contains("exit code:  ");
    String page = Files.readString(html);
    assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg").contains("<polyline")
        .contains("<rect").doesNotContain("<script")
        .contains("Refusals by status over time").contains("Latency by phase")
        .contains("<td>call · setup</td>").contains("load met thresholds");

    // the JSON summary: the verdict and the figures of the table
    JsonNode summary = new ObjectMapper().readTree(json.toFile());
    assertThat(summary.at("/verdict/sdkClean").asBoolean()).isTrue();
    assertThat(summary.at("/verdict/thresholdsMet").asBoolean()).isTrue();
    assertThat(summary.at("/verdict/exitCode").asInt()).isZero();
    assertThat(summary.at("/thresholds/0/expression").asText())
        .isEqualTo("connect_failed_rate<0.05");
    JsonNode patchbay = summary.at("/clients/0");
    long connected = patchbay.at("/agents/connected").asLong();
    long attempted = patchbay.at("/calls/attempted").asLong();
    assertThat(connected + patchbay.at("/agents/neverConnected").asLong()).isEqualTo(100);
    assertThat(patchbay.at("/leaks/edgeSockets").asLong()).isZero();
    assertThat(patchbay.at("/edge/tokenReuseViolations").asLong()).isZero();
    assertThat(patchbay.at("/phases").findValuesAsText("label")).contains("connect", "call",
        "call · setup", "call · hold", "call · hang up", "close");

    // the JTL: JMeter's header, a connect row per agent, a call row per attempted call
    List<String> lines = Files.readAllLines(jtl);
    assertThat(lines.get(0)).isEqualTo("timeStamp,elapsed,label,responseCode,responseMessage,"
        + "threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,"
        + "Latency,IdleTime,Connect");
    assertThat(lines.stream().filter(l -> l.split(",")[2].equals("connect"))).hasSize(100);
    assertThat(lines.stream().filter(l -> l.split(",")[2].equals("call")))
        .hasSize((int) attempted);

    // ... which JMeter 5.6.3's own dashboard generator renders (`jmeter -g run.jtl -o dir`)
    Path dashboard = JMeterDashboard.generate(jtl, dir.resolve("jmeter"));
    assertThat(dashboard.resolve("index.html")).isRegularFile();
    JsonNode stats = new ObjectMapper().readTree(dashboard.resolve("statistics.json").toFile());
    assertThat(stats.at("/connect/sampleCount").asLong()).isEqualTo(100);
    assertThat(stats.at("/call/sampleCount").asLong()).isEqualTo(attempted);
    assertThat(stats.path("call · hang up").path("sampleCount").asLong()).isPositive();
    assertThat(stats.at("/Total/sampleCount").asLong()).isEqualTo(lines.size() - 1);
  }

  @Test
  void aCrossedThresholdExitsWith3AndTheJsonSaysWhyWhileTheSdkIsClean() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path json = dir.resolve("busy.json");

    // every call to `busy` is refused by the edge (486): the load fails, the SDK does not
    int code = LoadTestCommand.run(new String[] {"--agents", "10", "--tenants", "1", "--window",
        "500ms", "--hold", "100ms", "--nodes", "1", "--callee", "busy", "--threshold",
        "call_failed_rate<0.01", "--threshold", "connect_p95<60s", "--html",
        dir.resolve("busy.html").toString(), "--json", json.toString()}, utf8(out), utf8(err),
        false);

    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as("stdout:%n%s%nstderr:%n%s", report,
        err.toString(StandardCharsets.UTF_8)).isEqualTo(3);
    assertThat(report).contains("SDK clean:           yes")
        .contains("load met thresholds: NO — 1 of 2 met")
        .containsPattern("call_failed_rate<0.01\\s+1.0000\\s+CROSSED")
        .containsPattern("connect_p95<60s\\s+\\d+ ms\\s+ok");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("the load crossed call_failed_rate<0.01 (was 1.0000)");
    JsonNode summary = new ObjectMapper().readTree(json.toFile());
    assertThat(summary.at("/verdict/sdkClean").asBoolean()).isTrue();
    assertThat(summary.at("/verdict/thresholdsMet").asBoolean()).isFalse();
    assertThat(summary.at("/verdict/exitCode").asInt()).isEqualTo(3);
    assertThat(summary.at("/thresholds/0/passed").asBoolean()).isFalse();
    assertThat(summary.at("/clients/0/calls/failed").asLong()).isEqualTo(10);
  }

  @Test
  void aBadThresholdExitsWithUsageAndCode2() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = LoadTestCommand.run(new String[] {"--threshold", "setup_p95<soon"}, utf8(out),
        utf8(err), false);

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("threshold 'setup_p95<soon': setup_p95 is a duration").contains("usage:")
        .contains("exit codes: 0 SDK clean");
  }

  @Test
  void againstAStandaloneFakeEdgeItProvisionsUsersAndReportsTheEdgesCounters() {
    try (FakeEdge edge = FakeEdge.builder().adminEndpoints(true).start()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();

      int code = LoadTestCommand.run(new String[] {"--edge", edge.uri().toString(), "--agents",
          "20", "--window", "1s", "--hold", "200ms", "--nodes", "1", "--html",
          dir.resolve("r.html").toString()}, utf8(out), utf8(err), false);

      String report = out.toString(StandardCharsets.UTF_8);
      assertThat(code).as("stdout:%n%s%nstderr:%n%s", report,
          err.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(report).containsPattern("sockets opened\\s+20\\n")
          .containsPattern("sockets closed\\s+20\\n")
          .containsPattern("tokens issued\\s+20\\n").contains("CLEAN");
      assertThat(edge.counters().calls()).isEqualTo(20);
    }
  }

  @Test
  void badOptionsExitWithUsageAndCode2() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = LoadTestCommand.run(new String[] {"--agents", "many"}, utf8(out), utf8(err),
        false);

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--agents must be an integer, but was many").contains("usage:");
  }

  private static PrintStream utf8(ByteArrayOutputStream b) {
    return new PrintStream(b, true, StandardCharsets.UTF_8);
  }
}
