package dev.patchbay.jmeter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.jmeter.internal.EngineRegistry;
import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.testkit.Profile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code src/test/jmeter/patchbay-dial-hangup.jmx} in JMeter's engine: every iteration connects a
 * user, dials and leaves the call up, hangs it up with the Hang Up sampler and closes the agent
 * with the Close sampler; the next iteration connects the next user. Every sample succeeds,
 * every user got its own token and every token is revoked, nothing is left on the edge or in
 * the Patchbay.
 */
class DialHangUpCloseJMeterTest {
  private static final int THREADS = 4;
  private static final int LOOPS = 2;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void dialHangUpAndCloseSamplers(@TempDir Path tmp) throws Exception {
    FakeEdge.Builder b = FakeEdge.builder().profile(Profile.FIELD).seed(11);
    StringBuilder csv = new StringBuilder();
    for (int i = 1; i <= THREADS * LOOPS; i++) {
      b.user("acme", "agent-" + i, "agent-secret-" + i);
      csv.append("agent-").append(i).append(",agent-secret-").append(i).append('\n');
    }
    Path users = tmp.resolve("users.csv");
    Files.writeString(users, csv, StandardCharsets.UTF_8);
    Path jtl = tmp.resolve("dial-hangup.jtl");
    try (FakeEdge edge = b.start()) {
      InProcessJMeter.run(tmp.resolve("jmeter-home"),
          Path.of("src/test/jmeter/patchbay-dial-hangup.jmx"), Map.of(
              "patchbay.edge", edge.uri().toString(),
              "patchbay.tenant", "acme",
              "patchbay.users", users.toString(),
              "patchbay.threads", Integer.toString(THREADS),
              "patchbay.rampup", "1",
              "patchbay.loops", Integer.toString(LOOPS),
              "patchbay.holdMs", "200",
              "patchbay.callee", "auto-answer",
              "patchbay.connectAttempts", "6",
              "patchbay.jtl", jtl.toString()));

      Jtl results = Jtl.read(jtl);
      for (String label : List.of("Patchbay Connect", "Patchbay Dial", "Patchbay Hang Up",
          "Patchbay Close")) {
        assertThat(results.label(label)).as(label).hasSize(THREADS * LOOPS)
            .allSatisfy(r -> {
              assertThat(r.get("success")).as(r.get("responseMessage")).isEqualTo("true");
              assertThat(r.get("responseCode")).isEqualTo("200");
            });
      }
      assertThat(results.label("Patchbay Dial"))
          .allSatisfy(r -> assertThat(r.get("responseMessage")).contains("left up"));
      assertThat(results.label("Patchbay Hang Up"))
          .allSatisfy(r -> assertThat(r.get("responseMessage")).contains("LOCAL_HANGUP"));
      assertThat(results.label("Patchbay Close")).allSatisfy(r -> assertThat(
          r.get("responseMessage")).contains("closed (calls hung up, socket closed"));
      assertThat(results.label("Patchbay Verify")).singleElement()
          .satisfies(r -> assertThat(r.get("success")).isEqualTo("true"));

      assertThat(edge.counters().tokensIssued()).isEqualTo(THREADS * LOOPS);
      assertThat(edge.counters().calls()).isEqualTo(THREADS * LOOPS);
      edge.assertNoLeaks();
      assertThat(edge.counters().violations()).isZero();
      assertThat(edge.liveTokens()).isZero();
      EngineRegistry.CloseReport report = EngineRegistry.lastClosed("patchbay").orElseThrow();
      assertThat(report.clean()).as("%s", report).isTrue();
    }
  }
}
