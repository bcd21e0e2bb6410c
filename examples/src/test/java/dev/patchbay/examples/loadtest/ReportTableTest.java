package dev.patchbay.examples.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.benchmarks.compare.ReportTable;
import dev.patchbay.benchmarks.compare.RunReport;
import dev.patchbay.benchmarks.compare.Scenario;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The side-by-side table: one column per client, the union of every by-reason row. */
class ReportTableTest {
  private static final Scenario S = new Scenario(10, 1, Duration.ofSeconds(1), 1,
      Duration.ofMillis(100), "auto-answer", 1);

  private static RunReport report(String client, Map<String, Long> failures, long leakedSockets,
      long violations) {
    return new RunReport(client, S, 1000, 10, Map.of(), 10, 10 - failures.size(),
        10 - failures.size(), failures, 0, new RunReport.Latency(10, 1, 2, 3, 4),
        new RunReport.Latency(10, 1, 2, 3, 4), List.of(), Map.of("connect after 503", 2L),
        new RunReport.EdgeFigures(10, 10, 12, 10, 10 - leakedSockets, Map.of(503, 2L), 0, 1, 0,
            violations, 0),
        new RunReport.Leaks(leakedSockets, 0, 0, 0, 0, 0, 0), List.of(), Map.of(), List.of());
  }

  @Test
  void rendersEveryClientAsAColumnWithTheUnionOfReasons() {
    RunReport clean = report("Patchbay", Map.of(), 0, 0);
    RunReport leaky = report("hand-rolled", Map.of("MEDIA_UNAVAILABLE 504", 1L), 3, 5);

    String table = ReportTable.render(List.of(clean, leaky));

    assertThat(table).containsPattern("load\\s+Patchbay\\s+hand-rolled\\n")
        .containsPattern("failed: MEDIA_UNAVAILABLE 504\\s+0\\s+1\\n")
        .containsPattern("refusals 503 \\(upgrade/token\\)\\s+2\\s+2\\n")
        .containsPattern("token reuse violations\\s+0\\s+5\\n")
        .containsPattern("leaked sockets \\(edge / client\\)\\s+0 / 0\\s+3 / 0\\n")
        .containsPattern("verdict\\s+CLEAN\\s+LEAKS/LOST/VIOLATIONS\\n");
    assertThat(clean.clean()).isTrue();
    assertThat(leaky.clean()).isFalse();
  }
}
