package dev.patchbay.testkit;

import static dev.patchbay.testkit.support.EdgeClients.OFFER;
import static dev.patchbay.testkit.support.EdgeClients.T;
import static dev.patchbay.testkit.support.EdgeClients.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.RawWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {
  FakeEdge edge;
  EdgeClients clients;

  @BeforeEach
  void start() {
    edge = FakeEdge.builder()
        .user("acme", "alice", "alice-secret")
        .user("acme", "bob", "bob-secret")
        .resumeWindow(Duration.ofMillis(300))
        .start();
    clients = new EdgeClients(edge);
  }

  @AfterEach
  void stop() {
    clients.close();
    edge.assertNoLeaks();
    edge.close();
  }

  @Test
  void dropAfterFramesKillsTheSocketWithoutACloseFrame() throws Exception {
    edge.faults().dropAfterFrames("alice", 3); // hello + invite + ringing
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    ws.send(new Frames.Invite("d", "no-answer", OFFER));
    ws.next(Frames.Ringing.class, T);
    assertThat(ws.closeCode(T)).isEqualTo(1006);
    assertThat(edge.counters().get("faultDrops")).isEqualTo(1);
  }

  @Test
  void dropOnAnswerLosesTheSocketMidCallAndThePeerGetsConnectionLost() throws Exception {
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    hello(alice);
    hello(bob);
    edge.faults().dropOnAnswer("alice");
    alice.send(new Frames.Invite("m", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    bob.send(new Frames.Answer("m", "v=0"));
    assertThat(alice.closeCode(T)).isEqualTo(1006);
    Frames.Bye bye = bob.next(Frames.Bye.class, T);
    assertThat(bye.reason()).isEqualTo("connection-lost");
  }

  @Test
  void closeWithUsesTheChosenCode() throws Exception {
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    edge.faults().closeWith("alice", 4090);
    assertThat(ws.closeCode(T)).isEqualTo(4090);
  }

  @Test
  void closingMakesTheSocketDrainingSoTheSameTokenReconnectsThenItClosesWith1001()
      throws Exception {
    edge.close();
    edge = FakeEdge.builder().tenant("acme", t -> t.userSocketLimit(1).socketCap(1))
        .user("acme", "alice", "alice-secret").start();
    clients = new EdgeClients(edge);
    String token = clients.token("alice");
    RawWebSocket old = clients.connectWith(token);
    String oldId = hello(old).connectionId();
    old.send(new Frames.Invite("k", "auto-answer", OFFER));
    old.next(Frames.Answer.class, T);
    edge.faults().sendClosing("alice", 1000);
    assertThat(old.next(Frames.Closing.class, T).reconnectWithinMs()).isEqualTo(1000L);
    // make-before-break: same token, user limit 1, tenant cap 1 — admitted while draining
    RawWebSocket fresh = clients.connectWith(token);
    hello(fresh);
    fresh.send(new Frames.Resume(oldId, List.of("k")));
    Frames.Resumed r = fresh.next(Frames.Resumed.class, T);
    assertThat(r.resumed()).containsExactly("k");
    assertThat(old.closeCode(T)).isEqualTo(1001);
    fresh.send(new Frames.Bye("k", null));
    fresh.next(Frames.Ended.class, T);
    await().atMost(T).until(() -> edge.openSockets() == 1);
  }

  @Test
  void candidatesBeforeAnswer() throws Exception {
    edge.faults().candidatesBeforeAnswer(true);
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    ws.send(new Frames.Invite("c", "auto-answer", OFFER));
    ws.next(Frames.Ringing.class, T);
    assertThat(ws.next(T)).isInstanceOf(Frames.Candidate.class);
    assertThat(ws.next(T)).isInstanceOf(Frames.Candidate.class);
    assertThat(ws.next(T)).isInstanceOf(Frames.Answer.class);
    ws.send(new Frames.Bye("c", null));
    ws.next(Frames.Ended.class, T);
  }

  @Test
  void duplicateFramesSendsEveryCallFrameTwice() throws Exception {
    edge.faults().duplicateFrames(true);
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    ws.send(new Frames.Invite("d", "busy", OFFER));
    Frame a = ws.next(T);
    Frame b = ws.next(T);
    assertThat(a).isEqualTo(b).isInstanceOf(Frames.Error.class);
  }

  @Test
  void reorderFramesIsSeededAndDeliversEverything() throws Exception {
    List<String> first = reorderedRun(7);
    List<String> second = reorderedRun(7);
    assertThat(first).containsExactlyInAnyOrder("ringing", "answer", "candidate", "candidate");
    assertThat(second).as("same seed, same order").isEqualTo(first);
    List<String> natural = List.of("ringing", "answer", "candidate", "candidate");
    boolean reordered = !first.equals(natural);
    for (long seed = 1; seed <= 6 && !reordered; seed++) {
      reordered = !reorderedRun(seed).equals(natural);
    }
    assertThat(reordered).as("some seed reorders frames").isTrue();
  }

  private List<String> reorderedRun(long seed) throws Exception {
    try (FakeEdge e = FakeEdge.builder().seed(seed).user("acme", "alice", "alice-secret").start();
        EdgeClients c = new EdgeClients(e)) {
      e.faults().reorderFrames(true);
      RawWebSocket ws = c.connect("alice");
      hello(ws);
      ws.send(new Frames.Invite("r", "auto-answer", OFFER));
      List<String> types = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        types.add(ws.next(T).type());
      }
      ws.send(new Frames.Bye("r", null));
      ws.next(Frames.Ended.class, T);
      return types;
    }
  }

  @Test
  void delayHandshakeSlowsTheUpgrade() throws Exception {
    edge.faults().delayHandshake(Duration.ofMillis(600));
    String token = clients.token("alice");
    long t0 = System.nanoTime();
    RawWebSocket ws = clients.connectWith(token);
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(550);
    hello(ws);
  }

  @Test
  void delayFramesDelaysEdgeFramesInOrder() throws Exception {
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    edge.faults().delayFrames("alice", Duration.ofMillis(400));
    long t0 = System.nanoTime();
    ws.send(new Frames.Invite("x", "auto-answer", OFFER));
    ws.next(Frames.Ringing.class, T);
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(350);
    assertThat(ws.next(T)).isInstanceOf(Frames.Answer.class);
    edge.faults().clear();
    ws.send(new Frames.Bye("x", null));
    ws.next(Frames.Ended.class, T);
  }

  @Test
  void stallFramesHoldsFramesUntilReleased() throws Exception {
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    edge.faults().stallFrames("alice");
    ws.send(new Frames.Invite("s", "busy", OFFER));
    assertThat(ws.pollText(Duration.ofMillis(400))).isNull();
    edge.faults().releaseFrames("alice");
    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(486);
  }

  @Test
  void frameLogRecordsBothDirectionsWithBlockingTake() throws Exception {
    RawWebSocket ws = clients.connect("alice");
    FrameLog log = edge.frames("alice");
    assertThat(log.takeSent("hello", T).field("userId")).isEqualTo("alice");
    ws.send(new Frames.Invite("f", "busy", OFFER));
    LoggedFrame invite = log.takeReceived("invite", T);
    assertThat(invite.field("to")).isEqualTo("busy");
    assertThat(invite.callId()).isEqualTo("f");
    LoggedFrame next = log.take(T);
    assertThat(next.direction()).isEqualTo(LoggedFrame.Direction.TO_CLIENT);
    assertThat(next.expect("error").field("status")).isEqualTo("486");
    assertThat(next.text()).contains("\"status\":486");
    assertThat(log.poll(Duration.ofMillis(100))).isEmpty();
    assertThat(log.snapshot()).hasSize(3);
    await().atMost(T).until(() -> edge.counters().get("framesIn") == 1);
  }
}
