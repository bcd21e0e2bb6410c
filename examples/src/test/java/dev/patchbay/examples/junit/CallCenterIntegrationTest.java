package dev.patchbay.examples.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.CallFailedException;
import dev.patchbay.CallState;
import dev.patchbay.Credentials;
import dev.patchbay.Diagnostics;
import dev.patchbay.EndReason;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.RetryPolicy;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.testkit.FakeEdgeConfig;
import dev.patchbay.testkit.FakeEdgeTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How an integrator tests their own call-center code with the fake edge: one annotation gives
 * each test a fresh edge (configured below), injected as a parameter; after each test the
 * extension fails the test if a socket, call or media slot was left open.
 */
@FakeEdgeTest
class CallCenterIntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @FakeEdgeConfig
  static FakeEdge.Builder edge() {
    return FakeEdge.builder()
        .tenant("acme", t -> t.mediaCapacity(2).negotiationTimeout(Duration.ofMillis(300))
            .retryAfter(Duration.ofMillis(100)))
        .user("acme", "alice", "alice-secret")
        .user("acme", "bob", "bob-secret")
        .resumeWindow(Duration.ofSeconds(5));
  }

  private Patchbay patchbay;

  @BeforeEach
  void sdk(FakeEdge edge) {
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .build();
  }

  @AfterEach
  void everythingReleased() {
    patchbay.close(); // runs before the extension's leak check of the edge
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Diagnostics d = patchbay.diagnostics();
      assertThat(d.isIdle()).as("%s", d).isTrue();
    });
  }

  private UserAgent connect(String user) throws Exception {
    return connect(user, UserAgentOptions.builder("acme").userId(user).build());
  }

  private UserAgent connect(String user, UserAgentOptions options) throws Exception {
    return patchbay.connect(Credentials.clientCredentials(user, user + "-secret"), options)
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void aliceCallsBobWhoAnswersThenAliceHangsUp() throws Exception {
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob");
    CompletableFuture<Call> bobsCall = new CompletableFuture<>();
    bob.onIncomingCall(incoming -> incoming.accept().whenComplete((c, e) -> {
      if (e != null) {
        bobsCall.completeExceptionally(e);
      } else {
        bobsCall.complete(c);
      }
    }));

    Call call = alice.dial("bob").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    Call answered = bobsCall.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    assertThat(answered.remoteParty()).isEqualTo("alice");
    call.hangUp().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    answered.ended().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(call.endReason()).contains(EndReason.LOCAL_HANGUP);
    assertThat(answered.endReason()).contains(EndReason.REMOTE_HANGUP);
    alice.close();
    bob.close();
  }

  @Test
  void a504StormIsRetriedWithTheSameCallIdAndEveryCallEndsWithAReason(FakeEdge edge)
      throws Exception {
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob", UserAgentOptions.builder("acme").userId("bob")
        .inviteRetry(RetryPolicy.builder().baseDelay(Duration.ofMillis(50))
            .maxDelay(Duration.ofMillis(200)).maxAttempts(3).deadline(Duration.ofSeconds(10))
            .build()).build());
    // alice's two calls hold the tenant's two media slots: everything else queues, then 504s
    List<Call> holding = List.of(alice.dial("auto-answer").get(20, TimeUnit.SECONDS),
        alice.dial("auto-answer").get(20, TimeUnit.SECONDS));

    List<CompletableFuture<Call>> storm = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      storm.add(bob.dial("auto-answer"));
    }

    for (CompletableFuture<Call> dial : storm) {
      assertThatThrownBy(() -> dial.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .isInstanceOf(ExecutionException.class).cause()
          .isInstanceOfSatisfying(CallFailedException.class, e -> {
            assertThat(e.status()).hasValue(504);
            assertThat(e.attempts()).isEqualTo(3);
          });
    }
    assertThat(edge.counters().errors504()).isEqualTo(9);
    List<String> inviteIds = edge.frames("bob").snapshot().stream()
        .filter(f -> f.type().equals("invite"))
        .map(f -> f.callId()).toList();
    assertThat(inviteIds).hasSize(9);
    assertThat(inviteIds.stream().distinct()).as("each call retried with its own call id")
        .hasSize(3);
    assertThat(bob.calls()).as("failed calls are released").isEmpty();
    for (Call c : holding) {
      c.hangUp().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
    alice.close();
    bob.close();
  }

  @Test
  void aSocketDroppedMidCallIsReconnectedAndTheCallResumed(FakeEdge edge) throws Exception {
    UserAgent alice = connect("alice");
    String firstConnection = alice.connectionId().orElseThrow();
    edge.faults().dropOnAnswer("alice");

    Call call = alice.dial("auto-answer").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    await().atMost(WAIT).until(() -> alice.state() == UserAgent.State.CONNECTED
        && !alice.connectionId().orElse(firstConnection).equals(firstConnection));
    await().atMost(WAIT).until(() -> edge.counters().get("resumes") >= 1);
    assertThat(call.state()).as("the call survived the lost socket").isEqualTo(CallState.ACTIVE);
    call.hangUp().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(call.endReason()).contains(EndReason.LOCAL_HANGUP);
    alice.close();
  }

  @Test
  void theLeakCheckCatchesASocketLeftOpen(FakeEdge edge) throws Exception {
    UserAgent alice = connect("alice");

    assertThatThrownBy(() -> edge.assertNoLeaks(Duration.ofMillis(200)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("1 open sockets");

    alice.close(); // the fix: close what you open (the extension re-checks after the test)
    edge.assertNoLeaks();
  }
}
