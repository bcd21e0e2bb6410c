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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResumeTest {
  FakeEdge edge;
  EdgeClients clients;

  @BeforeEach
  void start() {
    edge = FakeEdge.builder()
        .user("acme", "alice", "alice-secret")
        .user("acme", "bob", "bob-secret")
        .resumeWindow(Duration.ofMillis(800))
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
  void resumeWithinTheWindowKeepsTheCallAndRelaysOnTheNewSocket() throws Exception {
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("r1", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    bob.send(new Frames.Answer("r1", "v=0"));
    alice.next(Frames.Answer.class, T);
    alice.drop();
    RawWebSocket again = clients.connect("alice");
    hello(again);
    again.send(new Frames.Resume(oldId, List.of("r1", "unknown")));
    Frames.Resumed r = again.next(Frames.Resumed.class, T);
    assertThat(r.resumed()).containsExactly("r1");
    assertThat(r.ended()).containsExactly("unknown");
    bob.send(new Frames.Candidate("r1", "candidate:5 1 udp 1 127.0.0.1 5 typ host", "0", 0,
        null));
    assertThat(again.next(Frames.Candidate.class, T).candidate()).contains("candidate:5");
    again.send(new Frames.Bye("r1", null));
    again.next(Frames.Ended.class, T);
    bob.next(Frames.Bye.class, T);
    assertThat(edge.counters().get("resumes")).isEqualTo(1);
  }

  @Test
  void afterTheWindowCallsEndAndSlotsAreReleased() throws Exception {
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("r2", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    bob.send(new Frames.Answer("r2", "v=0"));
    alice.next(Frames.Answer.class, T);
    long t0 = System.nanoTime();
    alice.drop();
    assertThat(bob.next(Frames.Bye.class, T).reason()).isEqualTo("connection-lost");
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(700);
    assertThat(edge.heldMediaSlots()).isZero();
    RawWebSocket late = clients.connect("alice");
    hello(late);
    late.send(new Frames.Resume(oldId, List.of("r2")));
    Frames.Resumed r = late.next(Frames.Resumed.class, T);
    assertThat(r.resumed()).isEmpty();
    assertThat(r.ended()).containsExactly("r2");
  }

  /** What the edge records for an absent caller does not outlive the window (issue 10). */
  @Test
  void anAnswerWhileAwayDoesNotKeepTheCallPastTheWindow() throws Exception {
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("r3", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    alice.drop();
    await().atMost(T).until(() -> edge.openSockets() == 1);
    bob.send(new Frames.Answer("r3", "v=0"));
    bob.send(new Frames.Candidate("r3", "candidate:5 1 udp 1 127.0.0.1 5 typ host", "0", 0,
        null));
    assertThat(bob.next(Frames.Bye.class, T).reason()).isEqualTo("connection-lost");
    assertThat(edge.openCalls()).isZero();
    assertThat(edge.heldMediaSlots()).isZero();
    RawWebSocket late = clients.connect("alice");
    hello(late);
    late.send(new Frames.Resume(oldId, List.of("r3")));
    Frames.Resumed r = late.next(Frames.Resumed.class, T);
    assertThat(r.ended()).containsExactly("r3");
    assertThat(r.calls()).containsExactly(
        new Frames.CallStatus("r3", Frames.CallStatus.ENDED, null, null, "unknown-call"));
    assertThat(late.pollText(Duration.ofMillis(200))).as("no replayed frame").isNull();
  }

  @Test
  void callsNotListedInResumeEndAtOnce() throws Exception {
    RawWebSocket alice = clients.connect("alice");
    String oldId = hello(alice).connectionId();
    alice.send(new Frames.Invite("a1", "auto-answer", OFFER));
    alice.next(Frames.Answer.class, T);
    alice.send(new Frames.Invite("a2", "auto-answer", OFFER));
    alice.next(Frames.Answer.class, T);
    alice.drop();
    RawWebSocket again = clients.connect("alice");
    hello(again);
    again.send(new Frames.Resume(oldId, List.of("a1")));
    Frames.Resumed r = again.next(Frames.Resumed.class, T);
    assertThat(r.resumed()).containsExactly("a1");
    assertThat(r.ended()).containsExactly("a2");
    assertThat(edge.openCalls()).isEqualTo(1);
    again.send(new Frames.Bye("a1", null));
    again.next(Frames.Ended.class, T);
  }

  @Test
  void anotherUserCannotResumeSomeoneElsesConnection() throws Exception {
    RawWebSocket alice = clients.connect("alice");
    String oldId = hello(alice).connectionId();
    alice.send(new Frames.Invite("z", "auto-answer", OFFER));
    alice.next(Frames.Answer.class, T);
    alice.drop();
    RawWebSocket bob = clients.connect("bob");
    hello(bob);
    bob.send(new Frames.Resume(oldId, List.of("z")));
    assertThat(bob.next(Frames.Resumed.class, T).ended()).containsExactly("z");
  }
}
