package dev.patchbay.testkit;

import static dev.patchbay.testkit.support.EdgeClients.OFFER;
import static dev.patchbay.testkit.support.EdgeClients.T;
import static dev.patchbay.testkit.support.EdgeClients.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EdgeOriginatedCallTest {
  FakeEdge edge;
  EdgeClients clients;
  RawWebSocket alice;

  @BeforeEach
  void start() throws Exception {
    edge = FakeEdge.builder().user("acme", "alice", "alice-secret")
        .incomingTimeout(Duration.ofMillis(400)).start();
    clients = new EdgeClients(edge);
    alice = clients.connect("alice");
    hello(alice);
  }

  @AfterEach
  void stop() {
    clients.close();
    edge.assertNoLeaks();
    edge.close();
  }

  @Test
  void incomingCallWithValidOfferThenAnswerTrickleAndHangUp() throws Exception {
    String callId = edge.placeCall("+15551234", "alice");
    Frames.Incoming in = alice.next(Frames.Incoming.class, T);
    assertThat(in.callId()).isEqualTo(callId);
    assertThat(in.from()).isEqualTo("+15551234");
    assertThat(in.sdp()).contains("m=audio", "a=setup:actpass", "a=ice-pwd:", "a=fingerprint:");
    alice.send(new Frames.Answer(callId, "v=0 answer"));
    assertThat(alice.next(Frames.Candidate.class, T).candidate()).contains("typ host");
    assertThat(alice.next(Frames.Candidate.class, T).isEndOfCandidates()).isTrue();
    alice.send(new Frames.Offer(callId, OFFER, true));
    assertThat(alice.next(Frames.Answer.class, T).callId()).isEqualTo(callId);
    assertThat(edge.hangUp(callId)).isTrue();
    assertThat(alice.next(Frames.Bye.class, T).reason()).isEqualTo("remote-hangup");
    assertThat(edge.hangUp(callId)).isFalse();
  }

  @Test
  void rejectEndsAndUnansweredIsCancelled() throws Exception {
    String first = edge.placeCall("queue", "alice");
    alice.next(Frames.Incoming.class, T);
    alice.send(new Frames.Reject(first, 486, "busy"));
    String second = edge.placeCall("queue", "alice");
    alice.next(Frames.Incoming.class, T);
    Frames.Cancel cancel = alice.next(Frames.Cancel.class, T);
    assertThat(cancel.callId()).isEqualTo(second);
    assertThat(cancel.reason()).isEqualTo("timeout");
  }

  @Test
  void calleeByeIsConfirmedWithEnded() throws Exception {
    String id = edge.placeCall("queue", "alice");
    alice.next(Frames.Incoming.class, T);
    alice.send(new Frames.Answer(id, "v=0"));
    alice.send(new Frames.Bye(id, "done"));
    assertThat(alice.next(Frames.Ended.class, T).callId()).isEqualTo(id);
  }

  @Test
  void placingACallToAnOfflineUserFails() {
    assertThatThrownBy(() -> edge.placeCall("x", "nobody"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("nobody");
  }
}
