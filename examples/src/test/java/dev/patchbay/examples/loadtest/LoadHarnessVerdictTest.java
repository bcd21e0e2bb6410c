package dev.patchbay.examples.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.Credentials;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.benchmarks.compare.FieldEdge;
import dev.patchbay.benchmarks.compare.LoadDriver;
import dev.patchbay.benchmarks.compare.LoadHarness;
import dev.patchbay.benchmarks.compare.LoadRecorder;
import dev.patchbay.benchmarks.compare.RunReport;
import dev.patchbay.benchmarks.compare.Scenario;
import dev.patchbay.benchmarks.handrolled.HandRolledDriver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The verdict can fail: leaks and token reuse are found and make the report unclean. */
class LoadHarnessVerdictTest {
  private static final Scenario SMALL = new Scenario(10, 1, Duration.ofMillis(500), 1,
      Duration.ofMillis(100), "auto-answer", 1);
  private final LoadHarness harness = new LoadHarness(
      new PrintStream(new ByteArrayOutputStream()), false, Duration.ofMillis(500));

  @Test
  void aSocketLeftOpenIsReportedAsALeak() throws Exception {
    RunReport r = harness.run(SMALL, new LeakOneSocket(), FieldEdge.forScenario(SMALL), null,
        Duration.ofSeconds(30));

    assertThat(r.leaks().edgeSockets()).isEqualTo(1);
    assertThat(r.clean()).isFalse();
  }

  @Test
  void aSharedTokenIsReportedAsTokenReuse() throws Exception {
    RunReport r = harness.run(SMALL, HandRolledDriver.sharedToken(), FieldEdge.forScenario(SMALL),
        null, Duration.ofSeconds(60));

    assertThat(r.edge().violations()).isPositive();
    assertThat(r.clean()).isFalse();
  }

  @Test
  void patchbayOnTheSameScenarioIsClean() throws Exception {
    RunReport r = harness.run(SMALL, new PatchbayLoadDriver(1), FieldEdge.forScenario(SMALL),
        null, Duration.ofSeconds(60));

    assertThat(r.callsEstablished()).isEqualTo(10);
    assertThat(r.clean()).as("%s", r.leaks()).isTrue();
  }

  /** Connects one agent and "forgets" to close it until the harness forces the release. */
  private static final class LeakOneSocket implements LoadDriver {
    private Patchbay patchbay;

    @Override
    public String name() {
      return "leaky";
    }

    @Override
    public ClientResult run(Scenario s, URI edge, LoadRecorder recorder, Duration deadline)
        throws InterruptedException {
      patchbay = Patchbay.builder().edge(edge).mediaEngine(MediaEngines.signalingOnly()).build();
      try {
        patchbay.connect(Credentials.clientCredentials(s.user(0), s.secret(0)),
            UserAgentOptions.builder(s.tenant(0)).userId(s.user(0)).build())
            .get(20, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new AssertionError(e);
      }
      return new ClientResult(0, 0, 0, 0);
    }

    @Override
    public void forceRelease() {
      patchbay.close();
    }
  }
}
