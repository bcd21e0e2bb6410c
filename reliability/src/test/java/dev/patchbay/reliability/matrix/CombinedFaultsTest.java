package dev.patchbay.reliability.matrix;

import dev.patchbay.TenantLimits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.IncomingCall;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.PatchbayException;
import dev.patchbay.RetryPolicy;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Faults in combination, one regression test per bug of issue 10 (items 1–8): a second drop,
 * tokens after drops, a socket move during an invite's backoff, dial / answer / hang-up while
 * the agent is away, a closing storm, a socket permit that never comes.
 */
class CombinedFaultsTest {

  /** Cuts alice's socket without a close frame (a 1006 at the SDK). */
  private static void dropAlice(Rig rig) {
    rig.edge.faults().drop("alice");
  }

  private static String awaitNewConnection(UserAgent a, String before, Duration bound) {
    await().atMost(bound).until(() -> a.state() == UserAgent.State.CONNECTED
        && !a.connectionId().orElse(before).equals(before));
    return a.connectionId().orElseThrow();
  }

  @Test
  void everyDropLeadsToAReconnectNotToAnAuthenticationFailure() {
    try (Rig rig = Rig.builder("bug 1: three abrupt drops within one token lifetime", 1)
        .start()) {
      UserAgent alice = rig.connected("alice");
      String id = alice.connectionId().orElseThrow();
      for (int drop = 1; drop <= 3; drop++) {
        dropAlice(rig);
        id = awaitNewConnection(alice, id, Duration.ofSeconds(10));
      }
      assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
      Call call = rig.ledger.watch(Rig.get(rig.ledger.track("dial after drops",
          alice.dial("auto-answer")), Duration.ofSeconds(10)));
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
    }
  }

  /**
   * The edge expires the agent's tokens early, twice: each time the agent's token is refused
   * (401) and a forced refresh brings one the edge accepts. A token obtained by a forced refresh
   * and then accepted is not "rejected twice" when a later expiry hits it (generated schedules,
   * seed 419: the agent went CLOSED with an AuthenticationException).
   */
  @Test
  void tokensExpiredEarlyTwiceLeadToReconnectsNotToAnAuthenticationFailure() {
    try (Rig rig = Rig.builder("two early token expiries", 1).start()) {
      UserAgent alice = rig.connected("alice");
      String id = alice.connectionId().orElseThrow();
      for (int expiry = 1; expiry <= 2; expiry++) {
        rig.edge.faults().expireTokens("alice");
        id = awaitNewConnection(alice, id, Duration.ofSeconds(10));
      }
      assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
    }
  }

  @Test
  void closeRevokesEveryTokenTheAgentObtained() {
    try (Rig rig = Rig.builder("bug 2: no live token after close, after two drops", 2)
        .start()) {
      UserAgent alice = rig.connected("alice");
      String id = alice.connectionId().orElseThrow();
      for (int drop = 1; drop <= 2; drop++) {
        dropAlice(rig);
        id = awaitNewConnection(alice, id, Duration.ofSeconds(10));
      }
      Rig.get(alice.closeAsync(), Duration.ofSeconds(15));
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(rig.edge.liveTokens()).as("live tokens at the edge after close").isZero());
    }
  }

  @Test
  void aSocketMoveDuringTheInviteBackoffKeepsTheCall() {
    CountDownLatch retryScheduled = new CountDownLatch(1);
    PatchbayEventListener events = new PatchbayEventListener() {
      @Override
      public void retryScheduled(UserAgent ua, RetryKind kind, int status, int retry,
          Duration delay, Call call, PatchbayException cause) {
        if (kind == RetryKind.INVITE) {
          retryScheduled.countDown();
        }
      }
    };
    try (Rig rig = Rig.builder("bug 3: closing notice while an invite waits for its retry", 3)
        .edge(b -> b.tenant(Rig.TENANT, t -> t.mediaCapacity(1)
            .negotiationTimeout(Duration.ofMillis(300))))
        .sdk(b -> b.eventListener(events)).start()) {
      UserAgent bob = rig.connected("bob");
      Call holder = rig.ledger.watch(Rig.get(rig.ledger.track("bob holds the only slot",
          bob.dial("auto-answer")), Duration.ofSeconds(10)));
      UserAgent alice = rig.connected(rig.options("alice").inviteRetry(RetryPolicy.builder()
          .baseDelay(Duration.ofMillis(1500)).maxDelay(Duration.ofMillis(1500)).maxAttempts(4)
          .deadline(Duration.ofSeconds(20)).build()).build());
      String before = alice.connectionId().orElseThrow();
      CompletableFuture<Call> dial = rig.ledger.track("alice dials", alice.dial("auto-answer"));
      assertThat(awaitLatch(retryScheduled)).as("the invite got a 504 and waits for its retry")
          .isTrue();
      rig.inject("closing during the backoff", () ->
          rig.edge.faults().sendClosing("alice", 2_000));
      awaitNewConnection(alice, before, Duration.ofSeconds(5));
      Rig.get(holder.hangUp(), Duration.ofSeconds(10));
      Call call = rig.ledger.watch(Rig.get(dial, Duration.ofSeconds(15)));
      assertThat(call.state()).isEqualTo(CallState.ACTIVE);
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
    }
  }

  @Test
  void aCallDialledWhileReconnectingIsPlacedOnTheNewSocket() {
    try (Rig rig = Rig.builder("bug 4: dial while RECONNECTING", 4).start()) {
      UserAgent alice = rig.connected("alice");
      String before = alice.connectionId().orElseThrow();
      rig.edge.faults().refuseUpgrades(503, Duration.ofMillis(600), 2);
      dropAlice(rig);
      await().atMost(Duration.ofSeconds(5)).until(() ->
          alice.state() == UserAgent.State.RECONNECTING);
      CompletableFuture<Call> dial = rig.ledger.track("dial while away",
          alice.dial("auto-answer"));
      awaitNewConnection(alice, before, Duration.ofSeconds(10));
      Call call = rig.ledger.watch(Rig.get(dial, Duration.ofSeconds(10)));
      assertThat(call.state()).isEqualTo(CallState.ACTIVE);
      assertThat(alice.calls()).extracting(Call::id).containsExactly(call.id());
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
        assertThat(rig.edge.openCalls()).as("calls at the edge").isZero();
        assertThat(rig.edge.heldMediaSlots()).as("media slots at the edge").isZero();
      });
    }
  }

  @Test
  void anAnswerGivenWhileTheCallerWasAwayReachesHerOnResume() {
    try (Rig rig = Rig.builder("bug 5: callee answers while the caller is away", 5)
        .edge(b -> b.resumeWindow(Duration.ofSeconds(30))).start()) {
      UserAgent alice = rig.connected("alice");
      UserAgent bob = rig.connected("bob");
      AtomicReference<IncomingCall> ringing = new AtomicReference<>();
      bob.onIncomingCall(ringing::set);
      String before = alice.connectionId().orElseThrow();
      CompletableFuture<Call> dial = rig.ledger.track("alice dials bob", alice.dial("bob"));
      await().atMost(Duration.ofSeconds(5)).until(() -> ringing.get() != null);

      rig.edge.faults().refuseUpgrades(503, Duration.ofMillis(700), 2);
      dropAlice(rig);
      await().atMost(Duration.ofSeconds(5)).until(() ->
          alice.state() == UserAgent.State.RECONNECTING);
      CompletableFuture<Call> accepted = rig.ledger.track("bob accepts",
          ringing.get().accept());
      await().atMost(Duration.ofSeconds(5)).until(() ->
          ringing.get().state() != CallState.RINGING);

      awaitNewConnection(alice, before, Duration.ofSeconds(10));
      Call call = rig.ledger.watch(Rig.get(dial, Duration.ofSeconds(10)));
      Call bobs = rig.ledger.watch(Rig.get(accepted, Duration.ofSeconds(10)));
      assertThat(call.state()).isEqualTo(CallState.ACTIVE);
      assertThat(bobs.state()).isEqualTo(CallState.ACTIVE);
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(5)).until(() -> bobs.state().isTerminal());
    }
  }

  @Test
  void aHangUpWhileReconnectingReachesTheEdge() {
    try (Rig rig = Rig.builder("bug 6: hang-up while RECONNECTING", 6)
        .edge(b -> b.resumeWindow(Duration.ofSeconds(30))).start()) {
      UserAgent alice = rig.connected("alice");
      Call call = rig.ledger.watch(Rig.get(rig.ledger.track("dial",
          alice.dial("auto-answer")), Duration.ofSeconds(10)));
      String before = alice.connectionId().orElseThrow();
      rig.edge.faults().refuseUpgrades(503, Duration.ofMillis(600), 2);
      dropAlice(rig);
      await().atMost(Duration.ofSeconds(5)).until(() ->
          alice.state() == UserAgent.State.RECONNECTING);
      CompletableFuture<Void> hungUp = call.hangUp();
      awaitNewConnection(alice, before, Duration.ofSeconds(10));
      Rig.get(hungUp, Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
        assertThat(rig.edge.openCalls()).as("calls at the edge").isZero();
        assertThat(rig.edge.heldMediaSlots()).as("media slots at the edge").isZero();
      });
    }
  }

  @Test
  void aCloseWhileReconnectingEndsTheCallsAtTheEdge() {
    try (Rig rig = Rig.builder("bug 6: close while RECONNECTING", 61)
        .edge(b -> b.resumeWindow(Duration.ofSeconds(30))).start()) {
      UserAgent alice = rig.connected("alice");
      rig.ledger.watch(Rig.get(rig.ledger.track("dial", alice.dial("auto-answer")),
          Duration.ofSeconds(10)));
      rig.edge.faults().refuseUpgrades(503, Duration.ofMillis(600), 2);
      dropAlice(rig);
      await().atMost(Duration.ofSeconds(5)).until(() ->
          alice.state() == UserAgent.State.RECONNECTING);
      Rig.get(alice.closeAsync(), Duration.ofSeconds(15));
      await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
        assertThat(rig.edge.openCalls()).as("calls at the edge").isZero();
        assertThat(rig.edge.heldMediaSlots()).as("media slots at the edge").isZero();
        assertThat(rig.edge.liveTokens()).as("live tokens at the edge").isZero();
      });
    }
  }

  @Test
  void aClosingStormIsRateBounded() throws Exception {
    try (Rig rig = Rig.builder("bug 7: closing notice right after every hello", 7).start()) {
      UserAgent alice = rig.connected(rig.options("alice")
          .reconnectRetry(RetryPolicy.defaults()).build());
      Set<String> noticed = new HashSet<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      int before = rig.edge.handshakes("alice").size();
      while (System.nanoTime() < end) {
        String id = alice.connectionId().orElse(null);
        if (id != null && noticed.add(id)) {
          rig.edge.faults().sendClosing("alice", 5_000);
        }
        Thread.sleep(2);
      }
      int upgrades = rig.edge.handshakes("alice").size() - before;
      assertThat(upgrades).as("upgrades in 3 s of a closing storm").isLessThanOrEqualTo(10);
      assertThat(alice.state()).isNotEqualTo(UserAgent.State.CLOSED);
    }
  }

  /**
   * Found by the generated schedules: a socket that said hello and was closed by the edge before
   * it became current was adopted anyway (its loss had been ignored as "not current"); the agent
   * then sat on a dead socket and a call's replay spun on it until the heap ran out.
   */
  @Test
  void aCloseRightAfterEveryHelloNeverLeavesTheAgentOnADeadSocket() throws Exception {
    try (Rig rig = Rig.builder("1011 right after every hello, then a call", 71).start()) {
      UserAgent alice = rig.connected("alice");
      Set<String> closed = new HashSet<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < end) {
        String id = alice.connectionId().orElse(null);
        if (id != null && closed.add(id)) {
          rig.edge.faults().closeWith("alice", 1011);
        }
        Thread.sleep(1);
      }
      await().atMost(Duration.ofSeconds(15)).until(() ->
          alice.state() == UserAgent.State.CONNECTED && rig.edge.openSockets() >= 1);
      Call call = rig.ledger.watch(Rig.get(rig.ledger.track("dial after the storm",
          alice.dial("auto-answer")), Duration.ofSeconds(10)));
      assertThat(call.state()).isEqualTo(CallState.ACTIVE);
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
    }
  }

  @Test
  void waitingForASocketPermitEndsWithinTheConnectDeadline() {
    try (Rig rig = Rig.builder("bug 8: tenant socket cap 1, second agent", 8)
        .sdk(b -> b.tenantLimits(Rig.TENANT,
            TenantLimits.builder().maxSockets(1).maxNegotiations(8).build())).start()) {
      rig.connected("alice");
      long start = System.nanoTime();
      CompletableFuture<UserAgent> bob = rig.connect(rig.options("bob").connectRetry(
          RetryPolicy.builder().baseDelay(Duration.ofMillis(100)).maxAttempts(3)
              .deadline(Duration.ofSeconds(2)).build()).build());
      Throwable failure = Rig.failure(bob, Duration.ofSeconds(8));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(failure).isInstanceOf(PatchbayException.class);
      assertThat(failure.getMessage()).containsIgnoringCase("socket");
      assertThat(tookMs).as("failed within the connect deadline plus a margin")
          .isLessThan(5_000);
    }
  }

  private static boolean awaitLatch(CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
