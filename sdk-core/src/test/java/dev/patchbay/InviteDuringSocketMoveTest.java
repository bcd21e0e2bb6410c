package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.media.MediaEngines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.WebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls dialled while a {@code closing} notice moves the agent to a new socket (issue 10,
 * generated schedules seeds 277 and 334: b-connection-lost). The edge binds a call to the socket
 * its invite arrives on and orders frames per socket only, so an invite written on the draining
 * socket races the replacement's {@code resume} of that connection. {@link EdgeCalls} keeps the
 * edge's side as the fake edge does and can read a socket late (a loaded edge): after the next
 * resume it answers on another socket.
 */
class InviteDuringSocketMoveTest {
  private static final RetryPolicy FAST = RetryPolicy.builder().baseDelay(Duration.ofMillis(20))
      .maxDelay(Duration.ofMillis(100)).maxAttempts(3).deadline(Duration.ofSeconds(10)).build();

  private ScriptedEdge edge;
  private Patchbay patchbay;
  private final EdgeCalls calls = new EdgeCalls();

  @BeforeEach
  void start() throws Exception {
    edge = new ScriptedEdge();
    edge.script = calls::onFrame;
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .build();
  }

  @AfterEach
  void stop() {
    patchbay.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Diagnostics d = patchbay.diagnostics();
      assertThat(d.isIdle()).as("%s", d).isTrue();
      assertThat(d.sdkThreads()).as("SDK threads after close").isZero();
    });
    edge.close();
  }

  private UserAgent connect() throws Exception {
    return patchbay.connect(new FakeTokenManager(), UserAgentOptions.builder("acme")
        .userId("alice").connectRetry(FAST).reconnectRetry(FAST).inviteRetry(FAST).build())
        .get(10, TimeUnit.SECONDS);
  }

  private void hello(WebSocket ws, String connectionId) {
    edge.send(ws, new Frames.Hello(connectionId, "alice", "acme", 15_000L, 30_000L, List.of(),
        null));
  }

  /**
   * The dial lands while the first socket drains, and the edge reads that socket late: it
   * answers the replacement's resume before it reads an invite written on the draining socket.
   * On the base commit the invite went out there: the resume named the call and was answered
   * "unknown-call", the late invite then created the call on the draining socket, its ringing
   * reached the agent first, and the stale report failed the ringing call CONNECTION_LOST while
   * the edge held it (with the report first instead, the invite was sent again, a duplicate, and
   * the edge kept the call on the socket the agent closed next: lost at the end of the resume
   * window). The invite must wait for the replacement and follow its resume.
   */
  @Test
  void anInviteWaitsForTheReplacementSocketAndFollowsItsResume() throws Exception {
    UserAgent ua = connect();
    WebSocket first = edge.sockets.get(0);
    calls.readLate(first);
    calls.holdResumes = true; // answered by the test, in the order of a loaded edge
    edge.sendHello = false; // the replacement's hello waits for the test
    edge.send(first, new Frames.Closing(10_000L, "maintenance"));
    await().until(() -> edge.sockets.size() == 2); // the agent saw the notice: it is moving
    WebSocket second = edge.sockets.get(1);

    CompletableFuture<Call> dial = ua.dial("bob");
    await().until(() -> !ua.calls().isEmpty() && ua.calls().get(0).state() == CallState.DIALING);
    Call call = ua.calls().get(0);
    hello(second, "conn-2");
    Frames.Resumed answer = calls.resumed(second, calls.heldResume(second));
    calls.readUnread(); // the edge reads the draining socket only now
    await().until(() -> call.state() != CallState.DIALING); // ringing, whichever socket
    assertThat(call.state()).as("%s", call).isEqualTo(CallState.RINGING);
    edge.send(second, answer);
    edge.send(second, new Frames.Answer(call.id(), ScriptedEdge.SDP)); // after it, in order

    assertThat(dial.get(5, TimeUnit.SECONDS).state()).isEqualTo(CallState.ACTIVE);
    assertThat(call.failure()).isEmpty();
    assertThat(calls.socketOf(call.id())).as("the edge holds the call on the agent's new socket")
        .isSameAs(second);
    assertThat(calls.invitesOn(first)).as("invites written on the draining socket").isZero();

    call.hangUp().get(5, TimeUnit.SECONDS);
    assertThat(calls.open()).as("calls left at the edge").isEmpty();
  }

  /**
   * As above in a closing storm: the replacement is announced closing too, before its resume
   * is answered; the call's invite went out on it once it was ready (before that notice), the
   * callee rings, and the third socket resumes the call on its way to connected.
   */
  @Test
  void aCallDialledDuringAClosingStormIsInvitedOnceAndResumedNotLost() throws Exception {
    UserAgent ua = connect();
    WebSocket first = edge.sockets.get(0);
    calls.readLate(first);
    calls.holdResumes = true; // the test answers them
    edge.sendHello = false;
    edge.send(first, new Frames.Closing(10_000L, "maintenance"));
    await().until(() -> edge.sockets.size() == 2);
    WebSocket second = edge.sockets.get(1);

    CompletableFuture<Call> dial = ua.dial("bob");
    await().until(() -> !ua.calls().isEmpty() && ua.calls().get(0).state() == CallState.DIALING);
    Call call = ua.calls().get(0);
    hello(second, "conn-2");
    await().until(() -> call.state() == CallState.RINGING); // invited on the second socket
    assertThat(calls.socketOf(call.id())).isSameAs(second);
    Frames.Resume conn1 = calls.heldResume(second);
    assertThat(conn1.connectionId()).isEqualTo("conn-1");
    assertThat(conn1.callIds()).as("the invite was not sent before this resume").isEmpty();

    edge.send(second, new Frames.Closing(10_000L, "storm")); // before the resume's answer
    await().until(() -> edge.sockets.size() == 3);
    WebSocket third = edge.sockets.get(2);
    calls.answer(second, conn1);
    hello(third, "conn-3");
    Frames.Resume conn2 = calls.heldResume(third);
    assertThat(conn2.connectionId()).isEqualTo("conn-2");
    assertThat(conn2.callIds()).containsExactly(call.id());
    calls.answer(third, conn2);

    assertThat(calls.socketOf(call.id())).isSameAs(third);
    edge.send(third, new Frames.Answer(call.id(), ScriptedEdge.SDP));
    assertThat(dial.get(5, TimeUnit.SECONDS).state()).isEqualTo(CallState.ACTIVE);
    assertThat(call.failure()).isEmpty();
    assertThat(calls.invitesOn(first) + calls.invitesOn(second) + calls.invitesOn(third))
        .as("one invite").isEqualTo(1);
  }

  /**
   * The invite went out on a socket the edge announced closing right after (not draining yet
   * when it was written), and the edge reads that socket late: the replacement's resume is
   * answered "unknown-call", then the invite's ringing arrives on the old socket. That answer
   * is not about the invite: the call keeps ringing, the old connection is resumed again once
   * its socket has ended (the edge then moves the call), and the call connects on the new
   * socket. Before, the stale answer failed the ringing call CONNECTION_LOST while the edge
   * held it.
   */
  @Test
  void anUnknownCallAnswerThatMayBeOlderThanTheInviteIsSetAsideUntilItsSocketEnded()
      throws Exception {
    UserAgent ua = connect();
    WebSocket first = edge.sockets.get(0);
    calls.readLate(first);
    calls.holdResumes = true;
    CompletableFuture<Call> dial = ua.dial("bob");
    await().until(() -> calls.invitesOn(first) == 1);
    Call call = ua.calls().get(0);
    edge.sendHello = false;
    edge.send(first, new Frames.Closing(10_000L, "maintenance"));
    await().until(() -> edge.sockets.size() == 2);
    WebSocket second = edge.sockets.get(1);
    hello(second, "conn-2");
    Frames.Resume resume = calls.heldResume(second);
    assertThat(resume.callIds()).containsExactly(call.id());
    Frames.Resumed answer = calls.resumed(second, resume); // "unknown-call": not read yet
    calls.readUnread(); // now the edge reads the invite: the call rings on the old socket
    await().until(() -> call.state() == CallState.RINGING);
    edge.send(second, answer);

    // the agent closes the old socket once its resumes are answered, then resumes it again
    await().until(() -> call.state() != CallState.RINGING || calls.holds(second));
    assertThat(call.state()).as("%s %s", call, call.failure()).isEqualTo(CallState.RINGING);
    Frames.Resume again = calls.heldResume(second);
    assertThat(again.connectionId()).isEqualTo("conn-1");
    assertThat(again.callIds()).containsExactly(call.id());
    calls.answer(second, again);
    edge.send(second, new Frames.Answer(call.id(), ScriptedEdge.SDP));

    assertThat(dial.get(5, TimeUnit.SECONDS).state()).isEqualTo(CallState.ACTIVE);
    assertThat(call.failure()).isEmpty();
    assertThat(calls.socketOf(call.id())).isSameAs(second);
    assertThat(calls.invitesOn(first) + calls.invitesOn(second)).as("one invite").isEqualTo(1);
    call.hangUp().get(5, TimeUnit.SECONDS);
    assertThat(calls.open()).as("calls left at the edge").isEmpty();
  }

  /**
   * An invite held for a replacement that cannot be opened: the agent closes the draining socket
   * (the edge would close it at the end of its window) and reconnects, and the invite goes out
   * once, on the socket the reconnect opened; nothing is written on the draining one.
   */
  @Test
  void anInviteHeldForAReplacementThatFailsGoesOutOnTheSocketTheReconnectOpens()
      throws Exception {
    UserAgent ua = connect();
    WebSocket first = edge.sockets.get(0);
    edge.upgradeGate = new java.util.concurrent.Semaphore(0); // the replacement's upgrade waits
    edge.send(first, new Frames.Closing(10_000L, "maintenance"));
    await().until(() -> edge.upgradesInFlight.get() == 1);

    CompletableFuture<Call> dial = ua.dial("bob");
    await().until(() -> !ua.calls().isEmpty() && ua.calls().get(0).state() == CallState.DIALING);
    Call call = ua.calls().get(0);
    edge.refuse(403, null); // not retried: the replacement fails for good
    java.util.concurrent.Semaphore gate = edge.upgradeGate;
    edge.upgradeGate = null; // the reconnect's upgrade does not wait
    gate.release();

    await().until(() -> call.state() != CallState.DIALING);
    assertThat(call.state()).as("%s", call).isEqualTo(CallState.RINGING);
    WebSocket reconnected = calls.socketOf(call.id());
    assertThat(reconnected).as("the edge holds the call on the reconnected socket")
        .isNotSameAs(first).isSameAs(edge.sockets.get(edge.sockets.size() - 1));
    assertThat(calls.invitesOn(first)).as("invites written on the draining socket").isZero();
    assertThat(calls.invitesOn(reconnected)).as("one invite").isEqualTo(1);
    edge.send(reconnected, new Frames.Answer(call.id(), ScriptedEdge.SDP));
    assertThat(dial.get(5, TimeUnit.SECONDS).state()).isEqualTo(CallState.ACTIVE);
    assertThat(ua.state()).isEqualTo(UserAgent.State.CONNECTED);
    call.hangUp().get(5, TimeUnit.SECONDS);
    assertThat(calls.open()).as("calls left at the edge").isEmpty();
  }

  /**
   * The edge's calls of alice, as the fake edge keeps them: each bound to the socket its invite
   * came on (or the resume that moved it). A socket read late has its frames handled after the
   * next resume the edge answers on another socket. Frames arrive on the sockets' reader
   * threads: every method holds the lock.
   */
  private final class EdgeCalls {
    private final Map<String, WebSocket> bound = new ConcurrentHashMap<>();
    private final Set<WebSocket> late = ConcurrentHashMap.newKeySet();
    private final List<Runnable> unread = new ArrayList<>();
    private final Map<WebSocket, Integer> invites = new ConcurrentHashMap<>();
    private final Map<WebSocket, Frames.Resume> held = new ConcurrentHashMap<>();
    volatile boolean holdResumes;

    synchronized void readLate(WebSocket ws) {
      late.add(ws);
    }

    synchronized void onFrame(WebSocket ws, Frame f) {
      if (f instanceof Frames.Invite inv) {
        invites.merge(ws, 1, Integer::sum);
        if (late.contains(ws)) {
          unread.add(() -> invite(ws, inv));
        } else {
          invite(ws, inv);
        }
      } else if (f instanceof Frames.Resume r) {
        if (holdResumes) {
          held.put(ws, r);
        } else {
          answer(ws, r);
        }
      } else if (f instanceof Frames.Bye b) {
        if (bound.remove(b.callId()) != null) {
          edge.send(ws, new Frames.Ended(b.callId(), b.reason()));
        }
      }
    }

    private void invite(WebSocket ws, Frames.Invite inv) {
      if (bound.putIfAbsent(inv.callId(), ws) == null) { // else a duplicate: a no-op
        edge.send(ws, new Frames.Ringing(inv.callId()));
      }
    }

    /** Answers {@code r} (received on {@code ws}), then reads what late sockets held back. */
    synchronized void answer(WebSocket ws, Frames.Resume r) {
      edge.send(ws, resumed(ws, r));
      readUnread();
    }

    /** The edge's answer to {@code r} as of now: the calls it holds move to {@code ws}. */
    synchronized Frames.Resumed resumed(WebSocket ws, Frames.Resume r) {
      List<String> resumed = new ArrayList<>();
      List<String> ended = new ArrayList<>();
      List<Frames.CallStatus> status = new ArrayList<>();
      for (String id : r.callIds()) {
        if (bound.containsKey(id)) {
          bound.put(id, ws);
          resumed.add(id);
          status.add(new Frames.CallStatus(id, Frames.CallStatus.RINGING, null, null, null));
        } else {
          ended.add(id);
          status.add(new Frames.CallStatus(id, Frames.CallStatus.ENDED, null, null,
              "unknown-call"));
        }
      }
      return new Frames.Resumed(resumed, ended, status);
    }

    /** Handles the frames the late sockets held back. */
    synchronized void readUnread() {
      List<Runnable> now = new ArrayList<>(unread);
      unread.clear();
      now.forEach(Runnable::run);
    }

    boolean holds(WebSocket ws) {
      return held.containsKey(ws);
    }

    Frames.Resume heldResume(WebSocket ws) {
      await().until(() -> held.containsKey(ws));
      return held.remove(ws);
    }

    synchronized WebSocket socketOf(String callId) {
      return bound.get(callId);
    }

    synchronized int invitesOn(WebSocket ws) {
      return invites.getOrDefault(ws, 0);
    }

    synchronized Set<String> open() {
      return Set.copyOf(bound.keySet());
    }
  }
}
