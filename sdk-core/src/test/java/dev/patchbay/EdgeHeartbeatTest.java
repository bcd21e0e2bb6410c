package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.media.MediaEngines;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The heartbeat an edge advertises in {@code hello} is clamped before the next socket uses it:
 * an absurd value neither breaks later connects of the Patchbay nor floods the edge with pings.
 */
class EdgeHeartbeatTest {
  private ScriptedEdge edge;
  private Patchbay patchbay;

  @BeforeEach
  void start() throws Exception {
    edge = new ScriptedEdge();
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .build();
  }

  @AfterEach
  void stop() {
    patchbay.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Diagnostics d = patchbay.diagnostics();
      assertThat(d.isIdle()).as("%s", d).isTrue();
      assertThat(d.sdkThreads()).as("SDK threads after close").isZero();
    });
    edge.close();
  }

  private UserAgent connect(String user) throws Exception {
    return patchbay.connect(new FakeTokenManager(), UserAgentOptions.builder("acme").userId(user)
        .build()).get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(longs = {Long.MAX_VALUE, 1})
  void anAbsurdAdvertisedHeartbeatIsClampedAndLaterSocketsWork(long heartbeatMs)
      throws Exception {
    edge.heartbeatMs = heartbeatMs;
    UserAgent first = connect("alice"); // learns the advertised heartbeat
    first.close();

    UserAgent second = connect("bob"); // its socket pings at the clamped heartbeat

    assertThat(second.state()).isEqualTo(UserAgent.State.CONNECTED);
    // 3 s at the floor of 1 s: a ping per 1 ms would have false missed pongs and close it
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> second.state() == UserAgent.State.CONNECTED);
    second.close();
    assertThat(patchbay.diagnostics().openSockets()).isZero();
  }
}
