package dev.patchbay.testkit;

import static dev.patchbay.testkit.support.EdgeClients.OFFER;
import static dev.patchbay.testkit.support.EdgeClients.T;
import static dev.patchbay.testkit.support.EdgeClients.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.protocol.Frames.CallStatus;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.RawWebSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resume with call state (protocol §3.8): alice's socket is dropped at a chosen moment, bob (or
 * the edge) does something, alice reconnects with a new token and sends {@code resume}; the
 * {@code resumed.calls} entry must carry what she missed, and the edge must hold nothing
 * afterwards. Raw clients only: no Patchbay SDK code on the client side.
 */
class ResumeCallStateTest {
  static final String BOB_ANSWER = "v=0\r\no=bob 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n";
  static final String BOB_CANDIDATE = "candidate:7 1 udp 1 127.0.0.1 7 typ host";

  FakeEdge edge;
  EdgeClients clients;

  /** One media slot; {@code negotiationTimeout} bounds the wait of a queued invite (504). */
  void start(Duration negotiationTimeout) {
    start(negotiationTimeout, 4);
  }

  void start(Duration negotiationTimeout, int queueLimit) {
    edge = FakeEdge.builder()
        .tenant("acme", t -> t.mediaCapacity(1).mediaQueueLimit(queueLimit)
            .negotiationTimeout(negotiationTimeout).retryAfter(Duration.ofSeconds(1)))
        .user("acme", "alice", "alice-secret")
        .user("acme", "bob", "bob-secret")
        .user("acme", "carol", "carol-secret")
        .resumeWindow(Duration.ofSeconds(20))
        .start();
    clients = new EdgeClients(edge);
  }

  @AfterEach
  void stop() {
    if (edge == null) {
      return;
    }
    clients.close();
    assertThat(edge.openSockets()).as("sockets after everyone closed").isZero();
    edge.assertNoLeaks();
    edge.close();
  }

  // ---- helpers --------------------------------------------------------------------------

  /** Drops alice's socket and waits until the edge has noticed (the call is detached). */
  void dropAndAwait(RawWebSocket ws) throws Exception {
    int before = edge.openSockets();
    ws.drop();
    await().atMost(T).until(() -> edge.openSockets() == before - 1);
  }

  /** Carol holds the tenant's only media slot with a call to auto-answer. */
  RawWebSocket carolHoldsTheSlot() throws Exception {
    RawWebSocket carol = clients.connect("carol");
    hello(carol);
    carol.send(new Frames.Invite("blocker", "auto-answer", OFFER));
    carol.next(Frames.Answer.class, T);
    assertThat(edge.heldMediaSlots()).isEqualTo(1);
    return carol;
  }

  static void releaseTheSlot(RawWebSocket carol) throws Exception {
    carol.send(new Frames.Bye("blocker", null));
    carol.next(Frames.Ended.class, T);
  }

  CallStatus resume(RawWebSocket ws, String oldConnection, String callId) throws Exception {
    ws.send(new Frames.Resume(oldConnection, List.of(callId)));
    Frames.Resumed r = ws.next(Frames.Resumed.class, T);
    assertThat(r.calls()).extracting(CallStatus::callId).containsExactly(callId);
    CallStatus s = r.calls().get(0);
    if (CallStatus.ENDED.equals(s.state())) {
      assertThat(r.ended()).contains(callId);
      assertThat(r.resumed()).doesNotContain(callId);
    } else {
      assertThat(r.resumed()).contains(callId);
      assertThat(r.ended()).doesNotContain(callId);
    }
    return s;
  }

  /** Returns once the edge has processed every frame {@code ws} sent before (one socket's
   * frames are handled in order; a frame for no call is answered with error 404). */
  static void barrier(RawWebSocket ws) throws Exception {
    ws.send(new Frames.Bye("barrier", null));
    Frames.Error e = ws.next(Frames.Error.class, T);
    assertThat(e.callId()).isEqualTo("barrier");
    assertThat(e.status()).isEqualTo(404);
  }

  void assertEdgeHoldsNoCall() {
    assertThat(edge.openCalls()).as("open calls").isZero();
    assertThat(edge.heldMediaSlots()).as("media slots").isZero();
    assertThat(edge.queuedInvites()).as("queued invites").isZero();
  }

  // ---- cases ----------------------------------------------------------------------------

  /** Issue 10, bug 5: the invite is queued, alice drops, bob answers meanwhile. */
  @Test
  void answerWhileAwayIsReportedWithTheAnswerSdpAndMissedCandidatesAreReplayed()
      throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket carol = carolHoldsTheSlot();
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("q1", "bob", OFFER));
    await().atMost(T).until(() -> edge.queuedInvites() == 1);
    dropAndAwait(alice);
    releaseTheSlot(carol);
    assertThat(bob.next(Frames.Incoming.class, T).callId()).isEqualTo("q1");
    bob.send(new Frames.Answer("q1", BOB_ANSWER));
    bob.send(new Frames.Candidate("q1", BOB_CANDIDATE, "0", 0, null));
    bob.send(new Frames.Candidate("q1", null, "0", 0, true));
    barrier(bob);

    RawWebSocket again = clients.connect("alice");
    hello(again);
    CallStatus s = resume(again, oldId, "q1");
    assertThat(s.state()).isEqualTo(CallStatus.ANSWERED);
    assertThat(s.sdp()).isEqualTo(BOB_ANSWER);
    Frames.Candidate c1 = again.next(Frames.Candidate.class, T);
    assertThat(c1.candidate()).isEqualTo(BOB_CANDIDATE);
    assertThat(again.next(Frames.Candidate.class, T).complete()).isTrue();
    assertThat(edge.counters().get("missedFramesReplayed")).isEqualTo(2);

    // the call goes on on the new socket, both ways
    again.send(new Frames.Candidate("q1", "candidate:9 1 udp 1 127.0.0.1 9 typ host", "0", 0,
        null));
    assertThat(bob.next(Frames.Candidate.class, T).candidate()).contains("candidate:9");
    again.send(new Frames.Bye("q1", null));
    again.next(Frames.Ended.class, T);
    bob.next(Frames.Bye.class, T);
    assertEdgeHoldsNoCall();
  }

  @Test
  void ringingCallIsReportedRingingAndTheLaterAnswerArrivesOnTheNewSocket() throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("r1", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    alice.next(Frames.Ringing.class, T);
    dropAndAwait(alice);
    RawWebSocket again = clients.connect("alice");
    hello(again);
    CallStatus s = resume(again, oldId, "r1");
    assertThat(s.state()).isEqualTo(CallStatus.RINGING);
    assertThat(s.sdp()).isNull();
    bob.send(new Frames.Answer("r1", BOB_ANSWER));
    assertThat(again.next(Frames.Answer.class, T).sdp()).isEqualTo(BOB_ANSWER);
    bob.send(new Frames.Bye("r1", null));
    bob.next(Frames.Ended.class, T);
    again.next(Frames.Bye.class, T);
    assertEdgeHoldsNoCall();
  }

  @Test
  void queuedInviteIsReportedQueued() throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket carol = carolHoldsTheSlot();
    RawWebSocket alice = clients.connect("alice");
    String oldId = hello(alice).connectionId();
    alice.send(new Frames.Invite("q2", "auto-answer", OFFER));
    await().atMost(T).until(() -> edge.queuedInvites() == 1);
    dropAndAwait(alice);
    RawWebSocket again = clients.connect("alice");
    hello(again);
    assertThat(resume(again, oldId, "q2").state()).isEqualTo(CallStatus.QUEUED);
    releaseTheSlot(carol);
    assertThat(again.next(Frames.Answer.class, T).callId()).isEqualTo("q2");
    again.send(new Frames.Bye("q2", null));
    again.next(Frames.Ended.class, T);
    assertEdgeHoldsNoCall();
  }

  @Test
  void activeCallIsReportedActiveWithTheAnswerSdpForTheCaller() throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    String bobOld = hello(bob).connectionId();
    alice.send(new Frames.Invite("a1", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    bob.send(new Frames.Answer("a1", BOB_ANSWER));
    alice.next(Frames.Answer.class, T);
    dropAndAwait(alice);
    dropAndAwait(bob);
    RawWebSocket alice2 = clients.connect("alice");
    hello(alice2);
    CallStatus forCaller = resume(alice2, oldId, "a1");
    assertThat(forCaller.state()).isEqualTo(CallStatus.ACTIVE);
    assertThat(forCaller.sdp()).isEqualTo(BOB_ANSWER);
    RawWebSocket bob2 = clients.connect("bob");
    hello(bob2);
    CallStatus forCallee = resume(bob2, bobOld, "a1");
    assertThat(forCallee.state()).isEqualTo(CallStatus.ACTIVE);
    assertThat(forCallee.sdp()).isNull();
    alice2.send(new Frames.Bye("a1", null));
    alice2.next(Frames.Ended.class, T);
    bob2.next(Frames.Bye.class, T);
    assertEdgeHoldsNoCall();
  }

  @Test
  void byeWhileAwayIsReportedEndedWithThePeersReasonAndReleasesTheSlotAtOnce()
      throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("b1", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    bob.send(new Frames.Answer("b1", BOB_ANSWER));
    alice.next(Frames.Answer.class, T);
    dropAndAwait(alice);
    bob.send(new Frames.Bye("b1", "user-hangup"));
    bob.next(Frames.Ended.class, T);
    assertEdgeHoldsNoCall();
    RawWebSocket again = clients.connect("alice");
    hello(again);
    CallStatus s = resume(again, oldId, "b1");
    assertThat(s.state()).isEqualTo(CallStatus.ENDED);
    assertThat(s.reason()).isEqualTo("user-hangup");
    assertThat(s.status()).isNull();
  }

  @Test
  void rejectWhileAwayIsReportedEndedWithTheRejectStatus() throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("j1", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    dropAndAwait(alice);
    bob.send(new Frames.Reject("j1", 486, "busy"));
    await().atMost(T).until(() -> edge.openCalls() == 0);
    assertEdgeHoldsNoCall();
    RawWebSocket again = clients.connect("alice");
    hello(again);
    CallStatus s = resume(again, oldId, "j1");
    assertThat(s.state()).isEqualTo(CallStatus.ENDED);
    assertThat(s.status()).isEqualTo(486);
    assertThat(s.reason()).isEqualTo("busy");
  }

  @Test
  void callerHangUpWhileTheCalleeIsAwayIsReportedToTheCalleeAsCancelled() throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    hello(alice);
    String bobOld = hello(bob).connectionId();
    alice.send(new Frames.Invite("k1", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    dropAndAwait(bob);
    alice.send(new Frames.Bye("k1", null));
    alice.next(Frames.Ended.class, T);
    assertEdgeHoldsNoCall();
    RawWebSocket again = clients.connect("bob");
    hello(again);
    CallStatus s = resume(again, bobOld, "k1");
    assertThat(s.state()).isEqualTo(CallStatus.ENDED);
    assertThat(s.reason()).isEqualTo("caller-cancelled");
  }

  @Test
  void mediaTimeoutWhileAwayIsReportedEnded504() throws Exception {
    start(Duration.ofMillis(300));
    RawWebSocket carol = carolHoldsTheSlot();
    RawWebSocket alice = clients.connect("alice");
    String oldId = hello(alice).connectionId();
    alice.send(new Frames.Invite("t1", "bob", OFFER));
    await().atMost(T).until(() -> edge.queuedInvites() == 1);
    dropAndAwait(alice);
    await().atMost(T).until(() -> edge.counters().errors504() == 1);
    assertThat(edge.openCalls()).isEqualTo(1); // carol's
    assertThat(edge.queuedInvites()).isZero();
    RawWebSocket again = clients.connect("alice");
    hello(again);
    CallStatus s = resume(again, oldId, "t1");
    assertThat(s.state()).isEqualTo(CallStatus.ENDED);
    assertThat(s.status()).isEqualTo(504);
    releaseTheSlot(carol);
    assertEdgeHoldsNoCall();
  }

  /** After a 504 reported by resume, the same call id is invited again and connects. */
  @Test
  void reInviteWithTheSameIdAfter504Connects() throws Exception {
    start(Duration.ofMillis(300));
    RawWebSocket carol = carolHoldsTheSlot();
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("t2", "bob", OFFER));
    await().atMost(T).until(() -> edge.queuedInvites() == 1);
    dropAndAwait(alice);
    await().atMost(T).until(() -> edge.counters().errors504() == 1);
    RawWebSocket again = clients.connect("alice");
    hello(again);
    assertThat(resume(again, oldId, "t2").status()).isEqualTo(504);
    releaseTheSlot(carol);
    again.send(new Frames.Invite("t2", "bob", OFFER));
    assertThat(bob.next(Frames.Incoming.class, T).callId()).isEqualTo("t2");
    again.next(Frames.Ringing.class, T);
    bob.send(new Frames.Answer("t2", BOB_ANSWER));
    assertThat(again.next(Frames.Answer.class, T).sdp()).isEqualTo(BOB_ANSWER);
    assertThat(edge.counters().duplicateInvites()).isZero();
    again.send(new Frames.Bye("t2", null));
    again.next(Frames.Ended.class, T);
    bob.next(Frames.Bye.class, T);
    assertEdgeHoldsNoCall();
  }

  /** A 503 (queue full) leaves nothing at the edge: resume says unknown, the id is reusable. */
  @Test
  void reInviteWithTheSameIdAfter503Connects() throws Exception {
    start(Duration.ofSeconds(30), 0);
    RawWebSocket carol = carolHoldsTheSlot();
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("f1", "bob", OFFER));
    assertThat(alice.next(Frames.Error.class, T).status()).isEqualTo(503);
    dropAndAwait(alice);
    RawWebSocket again = clients.connect("alice");
    hello(again);
    assertThat(resume(again, oldId, "f1")).isEqualTo(
        new CallStatus("f1", CallStatus.ENDED, null, null, "unknown-call"));
    releaseTheSlot(carol);
    again.send(new Frames.Invite("f1", "bob", OFFER));
    assertThat(bob.next(Frames.Incoming.class, T).callId()).isEqualTo("f1");
    bob.send(new Frames.Reject("f1", null, null));
    assertThat(again.next(Frames.Error.class, T).status()).isEqualTo(603);
    assertEdgeHoldsNoCall();
  }

  /**
   * Issue 10, bug 3: a call waiting to re-send its invite after a 504 moves to a new socket and
   * re-sends the invite there (same id) before it sends its resume: the edge takes the invite
   * as a new call, and the resume reports that call (not "ended").
   */
  @Test
  void reInviteOnTheNewSocketBeforeTheResumeIsReportedByTheResume() throws Exception {
    start(Duration.ofMillis(300));
    RawWebSocket carol = carolHoldsTheSlot();
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("t3", "bob", OFFER));
    Frames.Error e = alice.next(Frames.Error.class, T);
    assertThat(e.status()).isEqualTo(504);
    dropAndAwait(alice);
    releaseTheSlot(carol);
    RawWebSocket again = clients.connect("alice");
    hello(again);
    again.send(new Frames.Invite("t3", "bob", OFFER));
    again.next(Frames.Ringing.class, T);
    CallStatus s = resume(again, oldId, "t3");
    assertThat(s.state()).isEqualTo(CallStatus.RINGING);
    assertThat(bob.next(Frames.Incoming.class, T).callId()).isEqualTo("t3");
    bob.send(new Frames.Answer("t3", BOB_ANSWER));
    again.next(Frames.Answer.class, T);
    bob.send(new Frames.Bye("t3", null));
    bob.next(Frames.Ended.class, T);
    again.next(Frames.Bye.class, T);
    assertEdgeHoldsNoCall();
  }

  @Test
  void unknownCallIdIsReportedEndedUnknownCall() throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    String oldId = hello(alice).connectionId();
    alice.send(new Frames.Invite("u1", "auto-answer", OFFER));
    alice.next(Frames.Answer.class, T);
    dropAndAwait(alice);
    RawWebSocket again = clients.connect("alice");
    hello(again);
    again.send(new Frames.Resume(oldId, List.of("u1", "never-seen")));
    Frames.Resumed r = again.next(Frames.Resumed.class, T);
    assertThat(r.resumed()).containsExactly("u1");
    assertThat(r.ended()).containsExactly("never-seen");
    assertThat(r.calls()).hasSize(2);
    assertThat(r.calls().get(0).state()).isEqualTo(CallStatus.ACTIVE);
    assertThat(r.calls().get(1)).isEqualTo(
        new CallStatus("never-seen", CallStatus.ENDED, null, null, "unknown-call"));
    // an unknown connection id: every named call is unknown
    again.send(new Frames.Resume("c-no-such-connection", List.of("x1")));
    Frames.Resumed r2 = again.next(Frames.Resumed.class, T);
    assertThat(r2.calls()).containsExactly(
        new CallStatus("x1", CallStatus.ENDED, null, null, "unknown-call"));
    again.send(new Frames.Bye("u1", null));
    again.next(Frames.Ended.class, T);
    assertEdgeHoldsNoCall();
  }

  @Test
  void aSecondResumeAfterAnsweredReportsActiveWithTheSdpAgain() throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String first = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("s1", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    dropAndAwait(alice);
    bob.send(new Frames.Answer("s1", BOB_ANSWER));
    barrier(bob);
    RawWebSocket second = clients.connect("alice");
    String secondId = hello(second).connectionId();
    assertThat(resume(second, first, "s1").state()).isEqualTo(CallStatus.ANSWERED);
    dropAndAwait(second);
    RawWebSocket third = clients.connect("alice");
    hello(third);
    CallStatus s = resume(third, secondId, "s1");
    assertThat(s.state()).isEqualTo(CallStatus.ACTIVE);
    assertThat(s.sdp()).isEqualTo(BOB_ANSWER);
    third.send(new Frames.Bye("s1", null));
    third.next(Frames.Ended.class, T);
    bob.next(Frames.Bye.class, T);
    assertEdgeHoldsNoCall();
  }

  /**
   * The resumed that reports how a call ended is lost with its socket (dropped before the
   * client read it): the next resume — of the first old connection again, or of the lost one —
   * must report the same end, not "unknown-call" (generated schedules, seed 301: an ACTIVE call
   * the peer hung up failed CONNECTION_LOST).
   */
  @Test
  void anEndReportedInAResumedLostWithItsSocketIsReportedAgain() throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String first = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("s2", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    bob.send(new Frames.Answer("s2", BOB_ANSWER));
    alice.next(Frames.Answer.class, T);
    dropAndAwait(alice);
    bob.send(new Frames.Bye("s2", "hangup"));
    bob.next(Frames.Ended.class, T);
    RawWebSocket second = clients.connect("alice");
    String secondId = hello(second).connectionId();
    assertThat(resume(second, first, "s2").reason()).isEqualTo("hangup");
    dropAndAwait(second); // as if that resumed never reached the client

    RawWebSocket third = clients.connect("alice");
    hello(third);
    // the client resumes both old connections: the first's answer was never read
    assertThat(resume(third, first, "s2").reason()).as("resume of the first connection again")
        .isEqualTo("hangup");
    assertThat(resume(third, secondId, "s2").reason()).as("resume of the lost one")
        .isEqualTo("hangup");
    assertEdgeHoldsNoCall();
  }

  /** A call bound to another live socket of the same user is not taken by a resume. */
  @Test
  void aCallOfTheUserNamedInAResumeMovesFromAnotherOfTheUsersSockets() throws Exception {
    // the client names only calls it holds; where the edge binds them (a socket whose own
    // resume was answered too late, a draining one) is not the client's to know
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    hello(alice);
    alice.send(new Frames.Invite("o1", "auto-answer", OFFER));
    alice.next(Frames.Answer.class, T);
    RawWebSocket other = clients.connect("alice");
    hello(other);
    CallStatus s = resume(other, "c-no-such-connection", "o1");
    assertThat(s.state()).isEqualTo(CallStatus.ACTIVE);
    assertThat(edge.openCalls()).isEqualTo(1);
    other.send(new Frames.Bye("o1", null));
    other.next(Frames.Ended.class, T);
    assertEdgeHoldsNoCall();
  }

  @Test
  void callsOfTheOldConnectionNotNamedAreEndedNotResumed() throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("n1", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    bob.send(new Frames.Answer("n1", BOB_ANSWER));
    alice.next(Frames.Answer.class, T);
    dropAndAwait(alice);
    RawWebSocket again = clients.connect("alice");
    hello(again);
    again.send(new Frames.Resume(oldId, List.of()));
    Frames.Resumed r = again.next(Frames.Resumed.class, T);
    assertThat(r.ended()).containsExactly("n1");
    assertThat(r.calls()).containsExactly(
        new CallStatus("n1", CallStatus.ENDED, null, null, "not-resumed"));
    assertThat(bob.next(Frames.Bye.class, T).reason()).isEqualTo("not-resumed");
    assertEdgeHoldsNoCall();
  }

  /**
   * The callee's socket dies with its {@code incoming} in flight (the client never saw it, so
   * its resume cannot name it): the edge offers the ringing call again on the new socket, with
   * the caller's candidates, and the call goes on. Found by the generated schedules (a caller
   * failed CONNECTION_LOST because the callee's resume "did not name" a call it never got).
   */
  @Test
  void aRingingIncomingTheCalleeDidNotNameIsOfferedAgainWithTheCallersCandidates()
      throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    hello(alice);
    String bobOld = hello(bob).connectionId();
    alice.send(new Frames.Invite("r1", "bob", OFFER));
    alice.send(new Frames.Candidate("r1", "candidate:1 1 udp 1 127.0.0.1 5 typ host", "0", 0,
        null));
    alice.next(Frames.Ringing.class, T);
    barrier(alice);
    dropAndAwait(bob); // as if the incoming and the candidate were lost with it
    RawWebSocket again = clients.connect("bob");
    hello(again);
    again.send(new Frames.Resume(bobOld, List.of())); // bob holds no call
    Frames.Resumed r = again.next(Frames.Resumed.class, T);
    assertThat(r.ended()).isEmpty();
    assertThat(r.calls()).isEmpty();
    assertThat(again.next(Frames.Incoming.class, T).callId()).isEqualTo("r1");
    Frames.Candidate c = again.next(Frames.Candidate.class, T);
    assertThat(c.callId()).isEqualTo("r1");
    assertThat(c.candidate()).contains("127.0.0.1 5 typ host");
    assertThat(edge.counters().get("incomingReoffered")).isEqualTo(1);
    again.send(new Frames.Answer("r1", BOB_ANSWER));
    assertThat(alice.next(Frames.Answer.class, T).sdp()).isEqualTo(BOB_ANSWER);
    alice.send(new Frames.Bye("r1", null));
    alice.next(Frames.Ended.class, T);
    again.next(Frames.Bye.class, T);
    assertEdgeHoldsNoCall();
  }

  /** Issue 10, bug 6 (edge side): a bye on the new socket, without resume, ends it at once. */
  @Test
  void byeOnTheNewSocketForACallWaitingForResumeFreesItsSlotAtOnce() throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("w1", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    bob.send(new Frames.Answer("w1", BOB_ANSWER));
    alice.next(Frames.Answer.class, T);
    dropAndAwait(alice);
    assertThat(edge.heldMediaSlots()).isEqualTo(1);
    RawWebSocket again = clients.connect("alice");
    hello(again);
    again.send(new Frames.Bye("w1", "local-close"));
    assertThat(again.next(Frames.Ended.class, T).callId()).isEqualTo("w1");
    assertEdgeHoldsNoCall(); // not after the 20 s resume window
    assertThat(bob.next(Frames.Bye.class, T).reason()).isEqualTo("local-close");
    // a late resume naming it gets the end, not a ghost
    CallStatus s = resume(again, oldId, "w1");
    assertThat(s.state()).isEqualTo(CallStatus.ENDED);
    assertThat(s.reason()).isEqualTo("local-close");
  }

  @Test
  void resumeOfADrainingConnectionReportsStateAndMovesTheCall() throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    alice.send(new Frames.Invite("d1", "bob", OFFER));
    bob.next(Frames.Incoming.class, T);
    edge.faults().sendClosing("alice", 10_000);
    alice.next(Frames.Closing.class, T);
    bob.send(new Frames.Answer("d1", BOB_ANSWER));
    alice.next(Frames.Answer.class, T); // the draining socket still delivers
    RawWebSocket again = clients.connect("alice");
    hello(again);
    CallStatus s = resume(again, oldId, "d1");
    assertThat(s.state()).isEqualTo(CallStatus.ACTIVE);
    assertThat(s.sdp()).isEqualTo(BOB_ANSWER);
    alice.close();
    bob.send(new Frames.Candidate("d1", BOB_CANDIDATE, "0", 0, null));
    assertThat(again.next(Frames.Candidate.class, T).candidate()).isEqualTo(BOB_CANDIDATE);
    assertThat(edge.openCalls()).isEqualTo(1);
    again.send(new Frames.Bye("d1", null));
    again.next(Frames.Ended.class, T);
    bob.next(Frames.Bye.class, T);
    assertEdgeHoldsNoCall();
  }

  /**
   * The existing rule: a user whose only socket is gone is not connected (480), even while
   * her calls wait for a resume; an incoming call then goes to her new socket.
   */
  @Test
  void incomingForAnAbsentUserIsRefused480() throws Exception {
    start(Duration.ofSeconds(30));
    RawWebSocket alice = clients.connect("alice");
    RawWebSocket bob = clients.connect("bob");
    String oldId = hello(alice).connectionId();
    hello(bob);
    String fromEdge = edge.placeCall("+15550100", "alice"); // takes no media slot
    alice.next(Frames.Incoming.class, T);
    alice.send(new Frames.Answer(fromEdge, BOB_ANSWER));
    alice.next(Frames.Candidate.class, T);
    dropAndAwait(alice);
    bob.send(new Frames.Invite("p2", "alice", OFFER));
    Frames.Error e = bob.next(Frames.Error.class, T);
    assertThat(e.callId()).isEqualTo("p2");
    assertThat(e.status()).isEqualTo(480);
    assertThat(edge.openCalls()).isEqualTo(1); // the edge's call, waiting for alice's resume
    assertThat(edge.heldMediaSlots()).isZero();
    RawWebSocket again = clients.connect("alice");
    hello(again);
    bob.send(new Frames.Invite("p3", "alice", OFFER));
    assertThat(again.next(Frames.Incoming.class, T).callId()).isEqualTo("p3");
    CallStatus s = resume(again, oldId, fromEdge);
    assertThat(s.state()).isEqualTo(CallStatus.ACTIVE);
    assertThat(s.sdp()).isNull(); // alice is the callee: the answer is hers
    again.send(new Frames.Reject("p3", null, null));
    bob.next(Frames.Error.class, T);
    again.send(new Frames.Bye(fromEdge, null));
    again.next(Frames.Ended.class, T);
    assertEdgeHoldsNoCall();
  }
}
