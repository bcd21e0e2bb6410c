package dev.patchbay.reliability.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.AccessToken;
import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.Credentials;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The network between SDK and edge breaks (through {@link ChaosProxy} or a {@link BlackHole}):
 * black-holed connects, a close the edge never acknowledges, half-open paths, TCP resets
 * mid-call, a send queue filling up.
 */
class NetworkFaultsTest {

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void blackHoledConnectHitsItsDeadlineWithoutThreadGrowth(long seed) throws Exception {
    try (BlackHole hole = new BlackHole();
        Rig rig = Rig.builder("black-holed connect: deadline, no thread growth", seed)
            .sdk(b -> b.edge(hole.uri())).start()) {
      JsonNode grant = new RawOAuth(rig.edge.uri()).clientCredentials("alice",
          rig.secretOf("alice"));
      AccessToken token = new AccessToken(grant.get("access_token").asText(),
          Instant.now().plusSeconds(grant.get("expires_in").asLong()), null);
      rig.inject("black-holed route to the edge", () -> { });
      int agents = 8;
      List<CompletableFuture<UserAgent>> all = new ArrayList<>();
      AtomicInteger peakThreads = new AtomicInteger();
      long start = System.nanoTime();
      for (int i = 0; i < agents; i++) {
        all.add(rig.ledger.track("connect " + i, rig.patchbay.connect(
            Credentials.provider(() -> CompletableFuture.completedFuture(token)),
            rig.options("alice").upgradeTimeout(Duration.ofMillis(300)).build())));
      }
      for (CompletableFuture<UserAgent> f : all) {
        while (!f.isDone()) {
          peakThreads.accumulateAndGet(rig.patchbay.diagnostics().sdkThreads(), Math::max);
          Thread.sleep(20); // sampling the thread count while the attempts run
        }
        Throwable e = Rig.failure(f, Duration.ofSeconds(30));
        assertThat(e).isInstanceOf(PatchbayException.class);
        assertThat(e.getMessage()).contains("did not complete within");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("6 attempts of 300 ms plus backoff").isLessThan(Duration.ofSeconds(15));
      assertThat(peakThreads.get()).as("threads bounded by the agents, not by the attempts")
          .isLessThanOrEqualTo(2 * agents + 8); // 6 attempts each would be 48+ if they leaked
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void closeNeverAcknowledgedByTheEdgeIsCancelledAfterItsDeadline(long seed) {
    try (Rig rig = Rig.builder("edge never acknowledges the client's close", seed).viaProxy()
        .sdk(b -> b.closeHandshakeTimeout(Duration.ofMillis(500))).start()) {
      UserAgent alice = rig.connected(rig.options("alice")
          .closeTimeout(Duration.ofMillis(500)).build());
      rig.inject("black-hole the open connections", rig.proxy::blackhole);
      long start = System.nanoTime();

      Rig.get(rig.ledger.track("close alice", alice.closeAsync()), Duration.ofSeconds(10));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      assertThat(rig.patchbay.diagnostics().openSockets()).isZero();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void halfOpenPathIsDetectedByMissedPongsAndTheAgentReconnects(long seed) {
    try (Rig rig = Rig.builder("half-open TCP path (every byte dropped)", seed).viaProxy()
        .edge(b -> b.heartbeat(Duration.ofMillis(300)).resumeWindow(Duration.ofSeconds(5)))
        .sdk(b -> b.heartbeat(Duration.ofMillis(300))
            .closeHandshakeTimeout(Duration.ofMillis(500))).start()) {
      UserAgent alice = rig.connected("alice");
      Call call = rig.ledger.watch(Rig.get(rig.ledger.track("dial", alice.dial("auto-answer")),
          Duration.ofSeconds(10)));
      String before = alice.connectionId().orElseThrow();

      rig.inject("black-hole the open connections", rig.proxy::blackhole);

      await().atMost(Duration.ofSeconds(10)).until(() ->
          alice.state() == UserAgent.State.CONNECTED
              && !alice.connectionId().orElse(before).equals(before));
      await().atMost(Duration.ofSeconds(8)).until(() -> call.state() == CallState.ACTIVE
          || call.state().isTerminal());
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
      Call again = rig.ledger.watch(Rig.get(rig.ledger.track("dial again",
          alice.dial("auto-answer")), Duration.ofSeconds(10)));
      Rig.get(again.hangUp(), Duration.ofSeconds(10));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void tcpResetMidCallGivesEachCallExactlyOneTerminalEvent(long seed) {
    try (Rig rig = Rig.builder("TCP reset mid-call: one terminal call event", seed).viaProxy()
        .edge(b -> b.resumeWindow(Duration.ofSeconds(rig0(seed)))).start()) {
      UserAgent alice = rig.connected("alice");
      UserAgent bob = rig.connected("bob");
      bob.onIncomingCall(in -> rig.ledger.track("bob accepts", in.accept()));
      Call toBob = rig.ledger.watch(Rig.get(rig.ledger.track("dial bob", alice.dial("bob")),
          Duration.ofSeconds(10)));
      Call toAuto = rig.ledger.watch(Rig.get(rig.ledger.track("dial auto",
          alice.dial("auto-answer")), Duration.ofSeconds(10)));

      rig.inject("TCP reset of every connection", rig.proxy::resetAll);

      await().atMost(Duration.ofSeconds(15)).until(() ->
          alice.state() == UserAgent.State.CONNECTED && bob.state() == UserAgent.State.CONNECTED);
      for (Call c : List.of(toBob, toAuto)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> c.state() == CallState.ACTIVE
            || c.state().isTerminal());
        Rig.get(c.hangUp(), Duration.ofSeconds(10));
        assertThat(c.state().isTerminal()).isTrue();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> bob.calls().isEmpty());
    }
  }

  /** Resume window by seed: half the repetitions resume, half end the calls. */
  private static long rig0(long seed) {
    return (seed / 7919) % 2 == 0 ? 5 : 1;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void fullSendQueueFailsTheCallersTypedAndTheAgentRecovers(long seed) {
    try (Rig rig = Rig.builder("slow edge fills the send queue: callers told", seed).viaProxy()
        .sdk(b -> b.mediaEngine(new PaddedOffers(256 * 1024))
            .closeHandshakeTimeout(Duration.ofMillis(500))).start()) {
      UserAgent alice = rig.connected(rig.options("alice")
          .inviteTimeout(Duration.ofSeconds(3)).closeTimeout(Duration.ofMillis(500)).build());
      rig.inject("edge stops reading", rig.proxy::stall);
      List<CompletableFuture<Call>> dials = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        dials.add(rig.ledger.track("dial " + i, alice.dial("auto-answer")));
      }
      for (CompletableFuture<Call> d : dials) {
        Throwable e = Rig.failure(d, Duration.ofSeconds(30));
        assertThat(e).isInstanceOf(PatchbayException.class);
      }
      rig.proxy.unstall();
      await().atMost(Duration.ofSeconds(15)).until(() ->
          alice.state() == UserAgent.State.CONNECTED || alice.state() == UserAgent.State.CLOSED);
      await().atMost(Duration.ofSeconds(10)).until(() -> alice.calls().isEmpty());
    }
  }
}
