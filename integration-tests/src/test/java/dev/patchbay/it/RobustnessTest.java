package dev.patchbay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.CallFailedException;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Faulty edges and faulty apps: duplicates, reordering, early candidates, throwing callbacks. */
class RobustnessTest extends EdgeFixture {

  private void callAndHangUp(UserAgent alice, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      Call call = get(alice.dial("auto-answer"));
      assertThat(call.state()).isEqualTo(CallState.ACTIVE);
      get(call.hangUp());
      assertThat(call.endReason()).contains(EndReason.LOCAL_HANGUP);
    }
  }

  @Test
  void duplicatedFramesAreIgnored() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");
    edge.faults().duplicateFrames(true);

    callAndHangUp(alice, 5);

    alice.close();
    assertAllReleased();
  }

  @Test
  void reorderedFramesStillConnectTheCall() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");
    edge.faults().reorderFrames(true);

    callAndHangUp(alice, 10);

    alice.close();
    assertAllReleased();
  }

  @Test
  void candidatesBeforeTheAnswerAreBufferedByTheMediaSession() throws Exception {
    start();
    RecordingEngine engine = new RecordingEngine();
    patchbay(b -> b.mediaEngine(engine));
    UserAgent alice = connect("alice");
    edge.faults().candidatesBeforeAnswer(true);

    Call call = get(alice.dial("auto-answer"));

    await().untilAsserted(() ->
        assertThat(engine.session(call.id(), 0).remoteCandidates).isNotEmpty());
    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    get(call.hangUp());
    alice.close();
    assertAllReleased();
  }

  @Test
  void throwingAppCallbacksAreCaughtAndChangeNothingElse() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob");
    alice.onStateChange(s -> {
      throw new IllegalStateException("app bug in a state listener");
    });
    bob.onIncomingCall(in -> {
      in.accept();
      throw new IllegalStateException("app bug in an incoming-call handler");
    });
    List<CallState> seen = new CopyOnWriteArrayList<>();

    Call call = get(alice.dial("bob"));
    call.onStateChange(s -> {
      throw new IllegalStateException("app bug in a call listener");
    });
    call.onStateChange(seen::add);
    get(call.hangUp());

    await().untilAsserted(() -> assertThat(seen).contains(CallState.ENDED));
    alice.close();
    bob.close();
    assertAllReleased();
  }

  @Test
  void stalledEdgeFailsTheCallAtItsDeadlineAndReleasesIt() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice", options("alice")
        .inviteTimeout(Duration.ofMillis(500)).build());
    edge.faults().stallFrames("alice");

    CompletableFuture<Call> dial = alice.dial("auto-answer");
    Throwable e = failureOf(dial);
    edge.faults().releaseFrames("alice");

    assertThat(e).isInstanceOf(CallFailedException.class).hasMessageContaining("timed out");
    await().untilAsserted(() -> assertThat(alice.calls()).isEmpty());
    callAndHangUp(alice, 1); // the agent still works
    alice.close();
    assertAllReleased();
  }

  @Test
  void hangUpWhileTheSocketIsDownStillReleasesMedia() throws Exception {
    start(b -> b.resumeWindow(Duration.ofMillis(300)));
    patchbay();
    UserAgent alice = connect("alice", options("alice")
        .reconnectRetry(dev.patchbay.RetryPolicy.defaults()).build());
    Call call = get(alice.dial("auto-answer"));
    edge.faults().refuseUpgrades(503, Duration.ofSeconds(2), 1);
    edge.faults().closeWith("alice", 1001);
    await().until(() -> alice.state() == UserAgent.State.RECONNECTING);

    get(call.hangUp());

    assertThat(call.state()).isEqualTo(CallState.ENDED);
    assertThat(patchbay.diagnostics().mediaSessions()).isZero();
    assertThat(patchbay.diagnostics().calls()).isZero();
    alice.close();
    assertAllReleased();
  }
}
