package dev.patchbay.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.Credentials;
import dev.patchbay.IncomingCall;
import dev.patchbay.Patchbay;
import dev.patchbay.RejectStatus;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.webrtc.fixtures.Netns;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The callee's media session is created when the call is offered, before the app accepts (so
 * gathering overlaps the ringing), and a call that never gets accepted (rejected by the callee,
 * cancelled by the caller) releases it: both engines back to zero native objects.
 */
class EarlyMediaTest {
  private static final String TENANT = "acme";
  private static final long TIMEOUT_S = 30;

  private FakeEdge edge;
  private WebRtcMediaEngine aliceEngine;
  private WebRtcMediaEngine bobEngine;
  private Patchbay alicePatchbay;
  private Patchbay bobPatchbay;
  private UserAgent alice;
  private UserAgent bob;
  private final CompletableFuture<IncomingCall> ringing = new CompletableFuture<>();

  @BeforeEach
  void start() throws Exception {
    Netns.require();
    aliceEngine = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(440, 0.3))
        .factoryLinger(Duration.ZERO).build();
    bobEngine = WebRtcMediaEngine.builder().factoryLinger(Duration.ZERO).build();
    edge = FakeEdge.builder().user(TENANT, "alice", "alice-secret")
        .user(TENANT, "bob", "bob-secret").start();
    alicePatchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(aliceEngine).build();
    bobPatchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(bobEngine).build();
    alice = connect(alicePatchbay, "alice");
    bob = connect(bobPatchbay, "bob");
    bob.onIncomingCall(ringing::complete);
  }

  @AfterEach
  void releaseEverything() {
    Netns.restorePath();
    try {
      alicePatchbay.close();
      bobPatchbay.close();
      assertThat(aliceEngine.liveNativeObjects()).isZero();
      assertThat(bobEngine.liveNativeObjects()).isZero();
      edge.assertNoLeaks();
    } finally {
      edge.close();
    }
  }

  @Test
  void ringingCallHasItsMediaSessionAndRejectReleasesIt() throws Exception {
    CompletableFuture<Call> dialed = alice.dial("bob");
    IncomingCall in = ringing.get(TIMEOUT_S, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(bobEngine.openSessions()).as("callee session while ringing").isEqualTo(1);
      assertThat(bobEngine.liveNativeObjects()).isPositive();
    });
    assertThat(bob.calls()).singleElement().extracting(Call::state)
        .isEqualTo(CallState.RINGING);

    in.reject(RejectStatus.BUSY).get(TIMEOUT_S, TimeUnit.SECONDS);
    assertThat(dialed).failsWithin(Duration.ofSeconds(TIMEOUT_S));
    assertBothReleased();
  }

  @Test
  void callerCancellingWhileRingingReleasesTheCalleesEarlySession() throws Exception {
    CompletableFuture<Call> dialed = alice.dial("bob");
    IncomingCall in = ringing.get(TIMEOUT_S, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(bobEngine.openSessions()).isEqualTo(1));

    dialed.cancel(true);
    in.ended().get(TIMEOUT_S, TimeUnit.SECONDS);
    assertBothReleased();
  }

  @Test
  void acceptingAfterRingingConnectsWithTheEarlySession() throws Exception {
    CompletableFuture<Call> dialed = alice.dial("bob");
    IncomingCall in = ringing.get(TIMEOUT_S, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(bobEngine.openSessions()).isEqualTo(1));
    // The caller's candidates arrived while ringing (held, then handed over on accept).
    await().atMost(Duration.ofSeconds(10)).until(() -> edge.frames("bob").snapshot().stream()
        .anyMatch(f -> "candidate".equals(f.type())));

    Call answered = in.accept().get(TIMEOUT_S, TimeUnit.SECONDS);
    Call call = dialed.get(TIMEOUT_S, TimeUnit.SECONDS);
    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    assertThat(bobEngine.openSessions()).as("the early session is the call's").isEqualTo(1);

    call.hangUp().get(TIMEOUT_S, TimeUnit.SECONDS);
    answered.ended().get(TIMEOUT_S, TimeUnit.SECONDS);
    assertBothReleased();
  }

  private void assertBothReleased() {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(aliceEngine.openSessions()).isZero();
      assertThat(bobEngine.openSessions()).isZero();
      assertThat(aliceEngine.liveNativeObjects()).isZero();
      assertThat(bobEngine.liveNativeObjects()).isZero();
    });
  }

  private static UserAgent connect(Patchbay patchbay, String user) throws Exception {
    return patchbay.connect(Credentials.clientCredentials(user, user + "-secret"),
        UserAgentOptions.builder(TENANT).userId(user).build())
        .get(TIMEOUT_S, TimeUnit.SECONDS);
  }
}
