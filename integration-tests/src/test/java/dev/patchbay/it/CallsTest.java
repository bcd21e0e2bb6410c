package dev.patchbay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.CallFailedException;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.IncomingCall;
import dev.patchbay.UserAgent;
import dev.patchbay.testkit.LoggedFrame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Call set-up and tear-down against the fake edge, both directions and every refusal. */
class CallsTest extends EdgeFixture {

  @Test
  void callToAutoAnswerConnectsAndHangUpReleasesBothSides() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");

    Call call = get(alice.dial("auto-answer"));

    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    assertThat(edge.openCalls()).isEqualTo(1);
    assertThat(edge.heldMediaSlots()).isEqualTo(1);
    assertThat(patchbay.diagnostics().calls()).isEqualTo(1);
    get(call.hangUp());
    assertThat(call.state()).isEqualTo(CallState.ENDED);
    assertThat(call.endReason()).contains(EndReason.LOCAL_HANGUP);
    assertThat(patchbay.diagnostics().calls()).isZero();
    assertThat(patchbay.diagnostics().mediaSessions()).isZero();
    alice.close();
    assertAllReleased();
  }

  @Test
  void userToUserCallsWorkInBothDirections() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob");
    alice.onIncomingCall(in -> in.accept());
    bob.onIncomingCall(in -> in.accept());

    Call aliceToBob = get(alice.dial("bob"));
    assertThat(aliceToBob.state()).isEqualTo(CallState.ACTIVE);
    await().untilAsserted(() -> assertThat(bob.calls()).hasSize(1)
        .allSatisfy(c -> assertThat(c.state()).isEqualTo(CallState.ACTIVE)));
    Call bobSide = bob.calls().get(0);
    assertThat(bobSide.direction()).isEqualTo(Call.Direction.INBOUND);
    assertThat(bobSide.remoteParty()).isEqualTo("alice");
    get(aliceToBob.hangUp());
    get(bobSide.ended());
    assertThat(bobSide.endReason()).contains(EndReason.REMOTE_HANGUP);

    Call bobToAlice = get(bob.dial("alice"));
    await().untilAsserted(() -> assertThat(alice.calls()).hasSize(1));
    Call aliceSide = alice.calls().get(0);
    get(aliceSide.hangUp()); // the callee hangs up this time
    get(bobToAlice.ended());
    assertThat(bobToAlice.endReason()).contains(EndReason.REMOTE_HANGUP);
    assertThat(aliceSide.endReason()).contains(EndReason.LOCAL_HANGUP);

    alice.close();
    bob.close();
    assertAllReleased();
  }

  @Test
  void busyCalleeFailsTheDialWithStatus486() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");

    Throwable e = failureOf(alice.dial("busy"));

    assertThat(e).isInstanceOf(CallFailedException.class).hasMessageContaining("486");
    assertThat(((CallFailedException) e).status()).hasValue(486);
    assertThat(((CallFailedException) e).attempts()).isEqualTo(1);
    alice.close();
    assertAllReleased();
  }

  @Test
  void unansweredCallFailsWithNoAnswer() throws Exception {
    start(b -> b.noAnswerTimeout(Duration.ofMillis(300)));
    patchbay();
    UserAgent alice = connect("alice");
    List<CallState> states = new CopyOnWriteArrayList<>();

    CompletableFuture<Call> dial = alice.dial("no-answer");
    await().untilAsserted(() -> assertThat(alice.calls()).hasSize(1));
    alice.calls().get(0).onStateChange(states::add);
    Throwable e = failureOf(dial);

    assertThat(e).isInstanceOf(CallFailedException.class).hasMessageContaining("480")
        .hasMessageContaining("NO_ANSWER");
    await().untilAsserted(() -> assertThat(states).contains(CallState.FAILED));
    alice.close();
    assertAllReleased();
  }

  @Test
  void slowAnswerStillConnects() throws Exception {
    start(b -> b.slowAnswerDelay(Duration.ofMillis(300)));
    patchbay();
    UserAgent alice = connect("alice");

    Call call = get(alice.dial("slow-answer"));

    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    get(call.hangUp());
    alice.close();
    assertAllReleased();
  }

  @Test
  void rejectedCallFailsTheCallerWithDecline() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob");
    bob.onIncomingCall(IncomingCall::reject);

    Throwable e = failureOf(alice.dial("bob"));

    assertThat(e).isInstanceOf(CallFailedException.class).hasMessageContaining("603")
        .hasMessageContaining("DECLINED");
    await().untilAsserted(() -> assertThat(bob.calls()).isEmpty());
    alice.close();
    bob.close();
    assertAllReleased();
  }

  @Test
  void incomingCallRetractedByTheEdgeEndsCancelledOnTheCallee() throws Exception {
    start(b -> b.incomingTimeout(Duration.ofMillis(400)));
    patchbay();
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob");
    CompletableFuture<IncomingCall> offered = new CompletableFuture<>();
    bob.onIncomingCall(offered::complete); // bob never answers

    Throwable e = failureOf(alice.dial("bob"));
    IncomingCall incoming = get(offered);
    get(incoming.ended());

    assertThat(e).isInstanceOf(CallFailedException.class).hasMessageContaining("480");
    assertThat(incoming.endReason()).contains(EndReason.CANCELLED);
    assertThat(failureOf(incoming.accept())).isInstanceOf(CallFailedException.class);
    alice.close();
    bob.close();
    assertAllReleased();
  }

  @Test
  void callerHangingUpWhileRingingRetractsTheIncomingCall() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob");
    CompletableFuture<IncomingCall> offered = new CompletableFuture<>();
    bob.onIncomingCall(offered::complete);

    CompletableFuture<Call> dial = alice.dial("bob");
    IncomingCall incoming = get(offered);
    await().untilAsserted(() -> assertThat(alice.calls()).hasSize(1)
        .allSatisfy(c -> assertThat(c.state()).isEqualTo(CallState.RINGING)));
    get(alice.calls().get(0).hangUp());
    get(incoming.ended());

    assertThat(incoming.endReason()).contains(EndReason.CANCELLED);
    assertThat(failureOf(dial)).isInstanceOf(CallFailedException.class);
    alice.close();
    bob.close();
    assertAllReleased();
  }

  @Test
  void iceRestartAskedByTheEngineIsOfferedAndTheAnswerApplied() throws Exception {
    start();
    RecordingEngine engine = new RecordingEngine();
    patchbay(b -> b.mediaEngine(engine));
    UserAgent alice = connect("alice");
    Call call = get(alice.dial("auto-answer"));
    RecordingEngine.Session session = engine.session(call.id(), 0);

    session.requestIceRestart();

    LoggedFrame offer = edge.frames("alice").takeReceived("offer", Duration.ofSeconds(5));
    assertThat(offer.callId()).isEqualTo(call.id());
    assertThat(offer.field("iceRestart")).isEqualTo("true");
    await().untilAsserted(() -> assertThat(session.acceptedAnswers.get()).isEqualTo(2));
    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    get(call.hangUp());
    alice.close();
    assertAllReleased();
  }

  @Test
  void renegotiationOfferFromThePeerIsAnswered() throws Exception {
    start();
    RecordingEngine engine = new RecordingEngine();
    patchbay(b -> b.mediaEngine(engine));
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob");
    bob.onIncomingCall(in -> in.accept());
    Call call = get(alice.dial("bob"));
    await().untilAsserted(() -> assertThat(bob.calls()).hasSize(1)
        .allSatisfy(c -> assertThat(c.state()).isEqualTo(CallState.ACTIVE)));
    RecordingEngine.Session aliceSession = engine.session(call.id(), 0);
    RecordingEngine.Session bobSession = engine.session(call.id(), 1);

    bobSession.requestIceRestart(); // bob offers; alice must answer through the edge

    await().untilAsserted(() -> {
      assertThat(aliceSession.acceptedOffers.get()).isEqualTo(1);
      assertThat(bobSession.acceptedAnswers.get()).isEqualTo(1);
    });
    assertThat(edge.frames("alice").takeReceived("answer", Duration.ofSeconds(5))
        .callId()).isEqualTo(call.id());
    get(call.hangUp());
    alice.close();
    bob.close();
    assertAllReleased();
  }
}
