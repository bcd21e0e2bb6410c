package dev.patchbay.testkit;

import static dev.patchbay.testkit.support.EdgeClients.OFFER;
import static dev.patchbay.testkit.support.EdgeClients.T;
import static dev.patchbay.testkit.support.EdgeClients.hello;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BuiltInPartiesTest {
  FakeEdge edge;
  EdgeClients clients;
  RawWebSocket ws;

  @BeforeEach
  void start() throws Exception {
    edge = FakeEdge.builder()
        .user("acme", "alice", "alice-secret")
        .user("acme", "bob", "bob-secret")
        .noAnswerTimeout(Duration.ofMillis(300))
        .slowAnswerDelay(Duration.ofMillis(400))
        .incomingTimeout(Duration.ofMillis(300))
        .start();
    clients = new EdgeClients(edge);
    ws = clients.connect("alice");
    hello(ws);
  }

  @AfterEach
  void stop() {
    clients.close();
    edge.assertNoLeaks();
    edge.close();
  }

  @Test
  void busyAnswers486() {
    sendInvite("b", "busy");
    Frames.Error e = ws.next(Frames.Error.class, T);
    assertThat(e.callId()).isEqualTo("b");
    assertThat(e.status()).isEqualTo(486);
  }

  @Test
  void noAnswerRingsThenAnswers480AfterTheTimeout() {
    long t0 = System.nanoTime();
    sendInvite("n", "no-answer");
    ws.next(Frames.Ringing.class, T);
    Frames.Error e = ws.next(Frames.Error.class, T);
    assertThat(e.status()).isEqualTo(480);
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(280);
  }

  @Test
  void slowAnswerAnswersAfterTheDelay() {
    long t0 = System.nanoTime();
    sendInvite("s", "slow-answer");
    ws.next(Frames.Ringing.class, T);
    assertThat(ws.next(Frames.Answer.class, T).sdp()).contains("a=setup:active");
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(380);
    send(new Frames.Bye("s", null));
    ws.next(Frames.Ended.class, T);
  }

  @Test
  void autoAnswerAnswersRenegotiationOffers() {
    sendInvite("a", "auto-answer");
    ws.next(Frames.Answer.class, T);
    send(new Frames.Offer("a", OFFER, true));
    assertThat(ws.next(Frames.Answer.class, T).callId()).isEqualTo("a");
    send(new Frames.Bye("a", "done"));
    assertThat(ws.next(Frames.Ended.class, T).reason()).isEqualTo("done");
  }

  @Test
  void offerBeforeTheCallIsActiveIs409() {
    sendInvite("n", "no-answer");
    ws.next(Frames.Ringing.class, T);
    send(new Frames.Offer("n", OFFER, null));
    Frames.Error e = ws.next(Frames.Error.class, T);
    assertThat(e.status()).isEqualTo(409);
    send(new Frames.Bye("n", null));
    ws.next(Frames.Ended.class, T);
  }

  @Test
  void unansweredIncomingCallIsCancelledForTheCalleeAnd480ForTheCaller() throws Exception {
    RawWebSocket bob = clients.connect("bob");
    hello(bob);
    sendInvite("x", "bob");
    bob.next(Frames.Incoming.class, T);
    assertThat(bob.next(Frames.Cancel.class, T).reason()).isEqualTo("timeout");
    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(480);
  }

  @Test
  void callerByeWhileRingingCancelsTheCallee() throws Exception {
    RawWebSocket bob = clients.connect("bob");
    hello(bob);
    sendInvite("y", "bob");
    bob.next(Frames.Incoming.class, T);
    send(new Frames.Bye("y", null));
    ws.next(Frames.Ended.class, T);
    assertThat(bob.next(Frames.Cancel.class, T).reason()).isEqualTo("caller-cancelled");
  }

  @Test
  void calleeNotConnectedIs480UnknownUserIs404SelfCallIs400() {
    sendInvite("o", "bob");
    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(480);
    sendInvite("u", "nobody");
    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(404);
    sendInvite("me", "alice");
    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(400);
  }

  private void sendInvite(String callId, String to) {
    send(new Frames.Invite(callId, to, OFFER));
  }

  private void send(dev.patchbay.internal.protocol.Frame f) {
    try {
      ws.send(f);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
