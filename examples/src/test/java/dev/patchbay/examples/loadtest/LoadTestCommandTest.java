package dev.patchbay.examples.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import dev.patchbay.testkit.FakeEdge;
import java.nio.file.Path;
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

    int code = LoadTestCommand.run(new String[] {"--agents", "100", "--window", "5s", "--hold",
        "1s", "--nodes", "2", "--html", html.toString()}, utf8(out), utf8(err), false);

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
    String page = Files.readString(html);
    assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg").contains("<polyline")
        .contains("<rect").doesNotContain("<script");
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
