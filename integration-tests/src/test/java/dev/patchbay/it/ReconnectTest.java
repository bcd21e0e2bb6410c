package dev.patchbay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Losing the socket, the edge's closing notice, token expiry and liveness. */
class ReconnectTest extends EdgeFixture {

  @Test
  void socketDroppedMidCallReconnectsAndResumesTheCall() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");
    String firstConnection = alice.connectionId().orElseThrow();
    edge.faults().dropOnAnswer("alice");

    Call call = get(alice.dial("auto-answer"));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
      assertThat(alice.connectionId()).isPresent().get().isNotEqualTo(firstConnection);
      assertThat(edge.counters().get("resumes")).isEqualTo(1);
    });
    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    assertThat(edge.openCalls()).isEqualTo(1);
    get(call.hangUp());
    assertThat(call.endReason()).contains(EndReason.LOCAL_HANGUP);
    alice.close();
    assertAllReleased();
  }

  @Test
  void callNotResumedWithinTheWindowEndsWithConnectionLost() throws Exception {
    start(b -> b.resumeWindow(Duration.ofMillis(300)));
    patchbay();
    UserAgent alice = connect("alice");
    edge.faults().dropOnAnswer("alice");
    edge.faults().refuseUpgrades(503, Duration.ofSeconds(1), 1);

    Call call = get(alice.dial("auto-answer"));
    get(call.ended());

    assertThat(call.state()).isEqualTo(CallState.FAILED);
    assertThat(call.endReason()).contains(EndReason.CONNECTION_LOST);
    await().untilAsserted(() -> assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED));
    alice.close();
    assertAllReleased();
  }

  @Test
  void closingNoticeDuringACallMovesToANewSocketBeforeTheOldOneCloses() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");
    String firstConnection = alice.connectionId().orElseThrow();
    Call call = get(alice.dial("auto-answer"));

    edge.faults().sendClosing("alice", 2_000);

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(alice.connectionId()).isPresent().get().isNotEqualTo(firstConnection);
      assertThat(edge.counters().get("resumes")).isEqualTo(1);
      assertThat(edge.openSockets()).isEqualTo(1); // the old one was closed by the SDK
    });
    assertThat(edge.handshakes("alice")).hasSize(2);
    assertThat(edge.counters().violations()).isZero();
    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
    get(call.hangUp());
    alice.close();
    assertAllReleased();
  }

  @Test
  void tokenExpiringMidSessionIsRefreshedAndSentAsReauthWithoutReconnecting() throws Exception {
    start(b -> b.tokenTtl(Duration.ofSeconds(2)));
    patchbay(b -> b.tokenRefreshMargin(Duration.ofMillis(500)));
    UserAgent alice = connect("alice");
    Call call = get(alice.dial("auto-answer"));

    await().atMost(Duration.ofSeconds(10))
        .until(() -> edge.counters().get("reauths") >= 2); // two token lifetimes later

    assertThat(edge.counters().get("tokenExpiryCloses")).isZero();
    assertThat(edge.counters().upgrades()).isEqualTo(1);
    assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    get(call.hangUp());
    alice.close();
    assertAllReleased();
  }

  @Test
  void expiredTokenCloseReconnectsWithAFreshToken() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");
    String firstConnection = alice.connectionId().orElseThrow();

    edge.faults().expireTokens("alice");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
      assertThat(alice.connectionId()).isPresent().get().isNotEqualTo(firstConnection);
    });
    assertThat(edge.counters().get("tokenExpiryCloses")).isEqualTo(1);
    alice.close();
    assertAllReleased();
  }

  @Test
  void withheldPongsAreDetectedWithinAboutTwoHeartbeats() throws Exception {
    Duration heartbeat = Duration.ofMillis(400);
    start(b -> b.heartbeat(heartbeat));
    patchbay(b -> b.heartbeat(heartbeat));
    UserAgent alice = connect("alice");
    List<UserAgent.State> states = new CopyOnWriteArrayList<>();
    alice.onStateChange(states::add);

    long start = System.nanoTime();
    edge.faults().withholdPongs("alice");
    await().atMost(Duration.ofSeconds(5)).until(() -> states.contains(UserAgent.State.RECONNECTING));
    long detectedMs = (System.nanoTime() - start) / 1_000_000;
    edge.faults().clear();

    // the edge's 400 ms heartbeat is raised to the SDK's 1 s floor (docs/protocol.md §3.9.1)
    long effective = Math.max(heartbeat.toMillis(), 1_000);
    assertThat(detectedMs).as("missed pong detected after %d ms", detectedMs)
        .isLessThanOrEqualTo(2 * effective + 300);
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED));
    alice.close();
    assertAllReleased();
  }

  @Test
  void replacedConnectionClosesTheAgentAndEndsItsCalls() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");
    Call call = get(alice.dial("auto-answer"));

    edge.faults().closeWith("alice", 4090);

    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(alice.state()).isEqualTo(UserAgent.State.CLOSED));
    assertThat(call.state().isTerminal()).isTrue();
    assertThat(edge.handshakes("alice")).hasSize(1);
    assertAllReleased();
  }
}
