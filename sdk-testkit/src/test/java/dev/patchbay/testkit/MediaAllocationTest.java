package dev.patchbay.testkit;

import static dev.patchbay.testkit.support.EdgeClients.OFFER;
import static dev.patchbay.testkit.support.EdgeClients.T;
import static dev.patchbay.testkit.support.EdgeClients.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MediaAllocationTest {
  FakeEdge edge;
  EdgeClients clients;

  @BeforeEach
  void start() {
    edge = FakeEdge.builder()
        .tenant("acme", t -> t.mediaCapacity(1).mediaQueueLimit(1)
            .negotiationTimeout(Duration.ofMillis(300)).retryAfter(Duration.ofSeconds(2)))
        .user("acme", "alice", "alice-secret")
        .user("acme", "bob", "bob-secret")
        .resumeWindow(Duration.ZERO)
        .start();
    clients = new EdgeClients(edge);
  }

  @AfterEach
  void stop() {
    clients.close();
    edge.close();
  }

  @Test
  void saturatedTenantQueuesThenAnswers504WithRetryAfter() throws Exception {
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    ws.send(new Frames.Invite("c1", "auto-answer", OFFER));
    ws.next(Frames.Answer.class, T);
    long t0 = System.nanoTime();
    ws.send(new Frames.Invite("c2", "auto-answer", OFFER));
    await().atMost(T).until(() -> edge.queuedInvites() == 1);
    Frames.Error e = ws.next(Frames.Error.class, T);
    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(e.callId()).isEqualTo("c2");
    assertThat(e.status()).isEqualTo(504);
    assertThat(e.retryAfterMs()).isEqualTo(2000L);
    assertThat(waitedMs).isBetween(250L, 3000L);
    assertThat(edge.counters().errors504()).isEqualTo(1);
    assertThat(edge.heldMediaSlots()).isEqualTo(1);
    assertThat(edge.queuedInvites()).isZero();
    ws.send(new Frames.Bye("c1", null));
    ws.next(Frames.Ended.class, T);
    ws.close();
    edge.assertNoLeaks();
  }

  @Test
  void fullQueueAnswers503AtOnce() throws Exception {
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    ws.send(new Frames.Invite("c1", "auto-answer", OFFER));
    ws.next(Frames.Answer.class, T);
    ws.send(new Frames.Invite("c2", "auto-answer", OFFER));
    ws.send(new Frames.Invite("c3", "auto-answer", OFFER));
    Frames.Error e = ws.next(Frames.Error.class, T);
    assertThat(e.callId()).isEqualTo("c3");
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.retryAfterMs()).isEqualTo(2000L);
    assertThat(edge.counters().get("errors503")).isEqualTo(1);
  }

  @Test
  void queuedInviteGetsTheSlotWhenItIsReleasedInFifoOrder() throws Exception {
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    ws.send(new Frames.Invite("c1", "auto-answer", OFFER));
    ws.next(Frames.Answer.class, T);
    ws.send(new Frames.Invite("c2", "auto-answer", OFFER));
    await().atMost(T).until(() -> edge.queuedInvites() == 1);
    ws.send(new Frames.Bye("c1", null));
    assertThat(ws.next(Frames.Ended.class, T).callId()).isEqualTo("c1");
    assertThat(ws.next(Frames.Ringing.class, T).callId()).isEqualTo("c2");
    assertThat(ws.next(Frames.Answer.class, T).callId()).isEqualTo("c2");
    assertThat(edge.heldMediaSlots()).isEqualTo(1);
    ws.send(new Frames.Bye("c2", null));
    ws.next(Frames.Ended.class, T);
    assertThat(edge.heldMediaSlots()).isZero();
    assertThat(edge.counters().errors504()).isZero();
  }

  @Test
  void reSentInviteIsIdempotentNoSecondCallNoSecondSlot() throws Exception {
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    ws.send(new Frames.Invite("same", "no-answer", OFFER));
    ws.next(Frames.Ringing.class, T);
    ws.send(new Frames.Invite("same", "no-answer", OFFER));
    ws.send(new Frames.Invite("same", "no-answer", OFFER));
    await().atMost(T).until(() -> edge.counters().duplicateInvites() == 2);
    assertThat(edge.counters().calls()).isEqualTo(1);
    assertThat(edge.openCalls()).isEqualTo(1);
    assertThat(edge.heldMediaSlots()).isEqualTo(1);
    ws.send(new Frames.Bye("same", null));
    ws.next(Frames.Ended.class, T);
  }

  @Test
  void slotsAreReleasedOnBusyRejectAndSocketLoss() throws Exception {
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    hello(alice);
    hello(bob);
    alice.send(new Frames.Invite("b1", "busy", OFFER));
    assertThat(alice.next(Frames.Error.class, T).status()).isEqualTo(486);
    assertThat(edge.heldMediaSlots()).isZero();

    alice.send(new Frames.Invite("r1", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    bob.send(new Frames.Reject("r1", null, "not now"));
    Frames.Error rejected = alice.next(Frames.Error.class, T);
    assertThat(rejected.status()).isEqualTo(603);
    assertThat(rejected.message()).isEqualTo("not now");
    assertThat(edge.heldMediaSlots()).isZero();

    alice.send(new Frames.Invite("l1", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    bob.send(new Frames.Answer("l1", "v=0"));
    alice.next(Frames.Answer.class, T);
    assertThat(edge.heldMediaSlots()).isEqualTo(1);
    alice.drop();
    assertThat(bob.next(Frames.Bye.class, T).reason()).isEqualTo("connection-lost");
    await().atMost(T).until(() -> edge.heldMediaSlots() == 0 && edge.openCalls() == 0);
  }

  @Test
  void fieldProfileHasTheFifteenSecondNegotiationTimeout() {
    try (FakeEdge field = FakeEdge.builder().profile(Profile.FIELD).tenant("acme").start()) {
      assertThat(field.model().limits("acme").negotiationTimeout())
          .isEqualTo(Duration.ofSeconds(15));
      assertThat(field.model().limits("acme").mediaCapacity()).isEqualTo(50);
    }
  }
}
