package dev.patchbay.reliability.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.AuthenticationException;
import dev.patchbay.ClosedException;
import dev.patchbay.PatchbayException;
import dev.patchbay.RetryPolicy;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Upgrade refusals (401 once, 401 repeated, 503 + Retry-After), slow handshakes, close in backoff. */
class UpgradeFaultsTest {

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void upgrade401RefreshesTheTokenOnceAndConnects(long seed) {
    try (Rig rig = Rig.builder("upgrade 401 once: one forced refresh", seed).start()) {
      rig.inject("upgrade 401", () -> rig.edge.faults().refuseUpgrades(401, null, 1));

      UserAgent alice = rig.connected("alice");

      assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
      assertThat(rig.edge.handshakes("alice")).hasSize(2);
      assertThat(rig.edge.counters().tokensIssued()).isEqualTo(2);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void repeated401FailsTypedAfterOneRefreshWithoutLoopingOrBurningTheGrant(long seed) {
    try (Rig rig = Rig.builder("upgrade 401 repeated: typed error, no loop", seed).start()) {
      rig.inject("upgrade 401 forever", () ->
          rig.edge.faults().refuseUpgrades(401, null, Integer.MAX_VALUE));

      Throwable e = Rig.failure(rig.connect("alice"), Duration.ofSeconds(20));

      assertThat(e).isInstanceOf(AuthenticationException.class);
      assertThat(((PatchbayException) e).status()).hasValue(401);
      assertThat(((PatchbayException) e).retryable()).isFalse();
      assertThat(rig.edge.handshakes("alice")).as("one upgrade, one after the refresh").hasSize(2);
      assertThat(rig.edge.counters().tokenRequests()).as("initial grant + one refresh")
          .isEqualTo(2);
      assertThat(rig.edge.counters().get("tokenErrors")).as("the refresh grant was accepted")
          .isZero();
      assertThat(rig.edge.counters().refreshReuseViolations()).isZero();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void upgrade503IsRetriedNoSoonerThanRetryAfter(long seed) {
    try (Rig rig = Rig.builder("upgrade 503 + Retry-After 1 s", seed).start()) {
      rig.inject("upgrade 503 x2", () ->
          rig.edge.faults().refuseUpgrades(503, Duration.ofSeconds(1), 2));

      UserAgent alice = rig.connected("alice");

      assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
      List<Instant> hs = rig.edge.handshakes("alice");
      assertThat(hs).hasSize(3);
      for (int i = 1; i < hs.size(); i++) {
        assertThat(Duration.between(hs.get(i - 1), hs.get(i)).toMillis())
            .as("gap before handshake %d", i).isGreaterThanOrEqualTo(950);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void slowHandshakeHitsTheUpgradeDeadlineAndIsRetried(long seed) {
    try (Rig rig = Rig.builder("slow handshake (3 s) vs upgrade deadline 400 ms", seed).start()) {
      rig.inject("handshake delay 3 s", () ->
          rig.edge.faults().delayHandshake(Duration.ofSeconds(3)));
      CompletableFuture<UserAgent> f = rig.connect(rig.options("alice")
          .upgradeTimeout(Duration.ofMillis(400)).build());
      await().atMost(Duration.ofSeconds(5))
          .until(() -> rig.edge.counters().upgradeAttempts() >= 2);
      rig.edge.faults().clear();

      UserAgent alice = Rig.get(f, Duration.ofSeconds(20));

      assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void closeDuringConnectBackoffLeavesNoTimerNoSocketNoThread(long seed) {
    try (Rig rig = Rig.builder("Patchbay.close() during connect backoff", seed).start()) {
      rig.inject("upgrade 503 Retry-After 20 s", () ->
          rig.edge.faults().refuseUpgrades(503, Duration.ofSeconds(20), 10));
      CompletableFuture<UserAgent> f = rig.connect(rig.options("alice")
          .connectRetry(RetryPolicy.defaults()).build());
      await().atMost(Duration.ofSeconds(5))
          .until(() -> rig.patchbay.diagnostics().pendingTimers() > 0);

      long start = System.nanoTime();
      rig.patchbay.close();

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(Rig.failure(f, Duration.ofSeconds(5))).isInstanceOf(ClosedException.class);
      assertThat(rig.patchbay.diagnostics().pendingTimers()).isZero();
      assertThat(rig.edge.handshakes("alice")).hasSize(1);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void agentCloseDuringReconnectBackoffLeavesNoTimer(long seed) {
    try (Rig rig = Rig.builder("UserAgent.close() during reconnect backoff", seed).start()) {
      UserAgent alice = rig.connected(rig.options("alice")
          .reconnectRetry(RetryPolicy.defaults()).build());
      rig.inject("upgrade 503 Retry-After 20 s", () ->
          rig.edge.faults().refuseUpgrades(503, Duration.ofSeconds(20), 10));
      rig.inject("close 1001", () -> rig.edge.faults().closeWith("alice", 1001));
      await().atMost(Duration.ofSeconds(5)).until(() ->
          alice.state() == UserAgent.State.RECONNECTING
              && rig.patchbay.diagnostics().pendingTimers() > 0);

      Rig.get(rig.ledger.track("close alice", alice.closeAsync()), Duration.ofSeconds(15));

      assertThat(alice.state()).isEqualTo(UserAgent.State.CLOSED);
      assertThat(rig.patchbay.diagnostics().pendingTimers()).isZero();
      assertThat(rig.patchbay.diagnostics().openSockets()).isZero();
    }
  }
}
