package dev.patchbay.examples.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.benchmarks.compare.RunReport;
import dev.patchbay.benchmarks.compare.Scenario;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** k6-style thresholds: parsing, clear errors, and the verdict's exit codes. */
class ThresholdTest {
  private static final Scenario S = new Scenario(100, 2, Duration.ofSeconds(5), 1,
      Duration.ofSeconds(1), "auto-answer", 42);

  /** 100 agents, {@code neverConnected} of them refused for good; setup p95 8 s. */
  private static RunReport report(long neverConnected, long leakedSockets) {
    long connected = 100 - neverConnected;
    return new RunReport("Patchbay", S, 30_000, connected,
        neverConnected == 0 ? Map.of() : Map.of("EdgeRejectedException 503", neverConnected),
        connected, connected, connected, Map.of(), 0,
        new RunReport.Latency(connected, 4000, 8000, 9000, 9500),
        new RunReport.Latency(connected, 300, 2400, 3000, 6800), List.of(), Map.of(),
        new RunReport.EdgeFigures(110, 100, 140, 100, 100, Map.of(503, 40L, 429, 12L), 0, 7, 0,
            0, 0),
        new RunReport.Leaks(leakedSockets, 0, 0, 0, 0, 0, 0), List.of(), Map.of(), List.of());
  }

  @Test
  void parsesRatesDurationsCountsAndSeveralPerOption() {
    List<Threshold> t = Threshold.parseAll(List.of("connect_failed_rate<0.01",
        "setup_p95<20s, connect_p99 <= 1500, run_time<2m", "refusals_503<=50",
        "call_failed_rate<1%", "calls_lost==0"));

    assertThat(t).extracting(Threshold::metric).containsExactly("connect_failed_rate",
        "setup_p95", "connect_p99", "run_time", "refusals_503", "call_failed_rate", "calls_lost");
    assertThat(t).extracting(Threshold::limit).containsExactly(0.01, 20_000.0, 1500.0,
        120_000.0, 50.0, 0.01, 0.0);
    assertThat(Threshold.parseAll(List.of("none"))).isEmpty();
  }

  @Test
  void badExpressionsFailWithWhatIsExpected() {
    assertThatThrownBy(() -> Threshold.parse("setup_p95 20s"))
        .hasMessageContaining("is not METRIC OP VALUE").hasMessageContaining("setup_p95<20s");
    assertThatThrownBy(() -> Threshold.parse("connect_fail_rate<0.01"))
        .hasMessageContaining("unknown metric 'connect_fail_rate'")
        .hasMessageContaining("connect_failed_rate");
    assertThatThrownBy(() -> Threshold.parse("connect_failed_rate<20s"))
        .hasMessageContaining("connect_failed_rate is a rate").hasMessageContaining("but was 20s");
    assertThatThrownBy(() -> Threshold.parse("connect_failed_rate<1.5"))
        .hasMessageContaining("is a rate");
    assertThatThrownBy(() -> Threshold.parse("setup_p95<fast"))
        .hasMessageContaining("setup_p95 is a duration: write 20s, 500ms or 2m");
    assertThatThrownBy(() -> Threshold.parse("refusals_503<0.5"))
        .hasMessageContaining("refusals_503 is a count");
    assertThatThrownBy(() -> Threshold.parseAll(List.of("none", "setup_p95<1s")))
        .hasMessageContaining("none cannot be combined");
    assertThatThrownBy(() -> Threshold.parseAll(List.of("setup_p95<1s,,")))
        .hasMessageContaining("empty expression");
  }

  @Test
  void aRunWhere29PercentNeverConnectedIsCleanButCrossesTheDefaultThresholds() {
    Verdict v = Verdict.of(report(29, 0), Threshold.parseAll(Threshold.DEFAULTS), true);

    assertThat(v.sdkClean()).isTrue();
    assertThat(v.thresholdsMet()).isFalse();
    assertThat(v.exitCode()).isEqualTo(Verdict.THRESHOLD_CROSSED).isEqualTo(3);
    assertThat(v.render()).contains("SDK clean:           yes")
        .contains("load met thresholds: NO — 1 of 2 met (defaults")
        .containsPattern("connect_failed_rate<0.05\\s+0.2900\\s+CROSSED")
        .containsPattern("call_failed_rate<0.05\\s+0.0000\\s+ok")
        .contains("exit code:           3");
  }

  @Test
  void aHealthyRunMeetsTheDefaultsAndALeakWinsOverThresholds() {
    List<Threshold> defaults = Threshold.parseAll(Threshold.DEFAULTS);

    assertThat(Verdict.of(report(0, 0), defaults, true).exitCode()).isEqualTo(Verdict.OK);
    assertThat(Verdict.of(report(29, 1), defaults, true).exitCode())
        .isEqualTo(Verdict.SDK_NOT_CLEAN);
  }

  @Test
  void evaluatesLatenciesAndEdgeCountersAgainstTheirLimits() {
    RunReport r = report(0, 0);
    List<Threshold.Result> results = Threshold.parseAll(List.of("setup_p95<20s",
        "setup_p95<5s", "refusals_503<=40", "refusals_429<10", "refusals_409==0",
        "invite_504>0")).stream().map(t -> t.evaluate(r)).toList();

    assertThat(results).extracting(Threshold.Result::passed)
        .containsExactly(true, false, true, false, true, true);
    assertThat(results.get(0).actual()).isEqualTo("8000 ms");
  }

  @Test
  void anEdgeCounterThatWasNotMeasuredDoesNotPass() {
    RunReport base = report(0, 0);
    RunReport noEdge = new RunReport(base.client(), base.scenario(), base.durationMs(),
        base.agentsConnected(), base.agentFailures(), base.callsAttempted(),
        base.callsEstablished(), base.callsCompleted(), base.callFailures(), base.callsLost(),
        base.setup(), base.connect(), base.latencyBins(), base.retries(), null, base.leaks(),
        base.timeline(), base.refusalsPerSecond(), base.steps());

    Threshold.Result r = Threshold.parse("refusals<100").evaluate(noEdge);

    assertThat(r.passed()).isFalse();
    assertThat(r.actual()).isEqualTo("not measured");
  }
}
