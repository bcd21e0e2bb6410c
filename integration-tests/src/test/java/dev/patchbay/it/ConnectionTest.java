package dev.patchbay.it;

import dev.patchbay.TenantLimits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.AuthenticationException;
import dev.patchbay.ClosedException;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.PatchbayException;
import dev.patchbay.RetryPolicy;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Connecting: refusals, Retry-After, token refresh on 401, admission, close during backoff. */
class ConnectionTest extends EdgeFixture {

  @ParameterizedTest
  @ValueSource(ints = {429, 503})
  void refusedUpgradesAreRetriedNoSoonerThanRetryAfter(int status) throws Exception {
    start();
    patchbay();
    edge.faults().refuseUpgrades(status, Duration.ofSeconds(1), 2);

    UserAgent alice = connect("alice");

    assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
    List<Instant> handshakes = edge.handshakes("alice");
    assertThat(handshakes).hasSize(3);
    for (int i = 1; i < handshakes.size(); i++) {
      assertThat(Duration.between(handshakes.get(i - 1), handshakes.get(i)).toMillis())
          .as("gap before handshake %d honours Retry-After: 1", i).isGreaterThanOrEqualTo(950);
    }
    assertThat(edge.counters().refusals(status)).isEqualTo(2);
    alice.close();
    assertAllReleased();
  }

  @Test
  void upgradeRefusedWith401RefreshesTheTokenOnceAndConnects() throws Exception {
    start();
    patchbay();
    edge.faults().refuseUpgrades(401, null, 1);

    UserAgent alice = connect("alice");

    assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
    assertThat(edge.handshakes("alice")).hasSize(2);
    assertThat(edge.counters().tokensIssued()).isEqualTo(2);
    alice.close();
    assertAllReleased();
  }

  @Test
  void upgradeRefusedWith401TwiceFailsWithAuthenticationException() throws Exception {
    start();
    patchbay();
    edge.faults().refuseUpgrades(401, null, 5);

    Throwable e = failureOf(connectAsync("alice", options("alice").build()));

    assertThat(e).isInstanceOf(AuthenticationException.class);
    assertThat(((PatchbayException) e).status()).hasValue(401);
    assertThat(edge.handshakes("alice")).hasSize(2);
    assertAllReleased();
  }

  @Test
  void tokenOfAnotherUserIsRefusedWith403AndNotRetried() throws Exception {
    start();
    patchbay();

    // alice's credentials, but the agent claims to be bob
    Throwable e = failureOf(patchbay.connect(
        dev.patchbay.Credentials.clientCredentials("alice", "alice-secret"),
        options("bob").build()));

    assertThat(e).isInstanceOf(EdgeRejectedException.class);
    assertThat(((PatchbayException) e).status()).hasValue(403);
    assertThat(((PatchbayException) e).retryable()).isFalse();
    assertThat(edge.counters().upgradeAttempts()).isEqualTo(1);
    assertAllReleased();
  }

  @Test
  void wrongClientSecretFailsWithAuthenticationExceptionBeforeAnyUpgrade() throws Exception {
    start();
    patchbay();

    Throwable e = failureOf(patchbay.connect(
        dev.patchbay.Credentials.clientCredentials("alice", "wrong"), options("alice").build()));

    assertThat(e).isInstanceOf(AuthenticationException.class);
    assertThat(edge.counters().upgradeAttempts()).isZero();
    assertAllReleased();
  }

  @Test
  void slowHandshakeIsBoundedByTheUpgradeDeadlineThenRetried() throws Exception {
    start();
    patchbay();
    edge.faults().delayHandshake(Duration.ofSeconds(3));
    CompletableFuture<UserAgent> f = connectAsync("alice", options("alice")
        .upgradeTimeout(Duration.ofMillis(500)).build());
    await().atMost(Duration.ofSeconds(5))
        .until(() -> edge.counters().upgradeAttempts() >= 2);
    edge.faults().clear();

    UserAgent alice = get(f);

    assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
    alice.close();
    assertAllReleased();
  }

  @Test
  void closeDuringBackoffLeavesNoTimerAndNoSocket() throws Exception {
    start();
    patchbay();
    edge.faults().refuseUpgrades(503, Duration.ofSeconds(20), 10);
    CompletableFuture<UserAgent> f = connectAsync("alice", options("alice")
        .connectRetry(RetryPolicy.defaults()).build());
    await().atMost(Duration.ofSeconds(5))
        .until(() -> patchbay.diagnostics().pendingTimers() > 0);

    long start = System.nanoTime();
    patchbay.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(failureOf(f)).isInstanceOf(ClosedException.class);
    assertThat(patchbay.diagnostics().pendingTimers()).isZero();
    assertThat(edge.handshakes("alice")).hasSize(1);
    assertAllReleased();
  }

  @Test
  void userAgentCloseDuringReconnectBackoffLeavesNoTimer() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice", options("alice")
        .reconnectRetry(RetryPolicy.defaults()).build());
    edge.faults().refuseUpgrades(503, Duration.ofSeconds(20), 10);
    edge.faults().closeWith("alice", 1001);
    await().atMost(Duration.ofSeconds(5)).until(() ->
        alice.state() == UserAgent.State.RECONNECTING
            && patchbay.diagnostics().pendingTimers() > 0);

    alice.close();

    assertThat(alice.state()).isEqualTo(UserAgent.State.CLOSED);
    assertThat(patchbay.diagnostics().pendingTimers()).isZero();
    assertThat(patchbay.diagnostics().userAgents()).isZero();
    assertAllReleased();
  }

  @Test
  void localAdmissionQueuesSocketsInsteadOfHittingTheTenantCap() throws Exception {
    start(b -> b.tenant(TENANT, t -> t.socketCap(2)));
    patchbay(b -> b.tenantLimits(TENANT,
        TenantLimits.builder().maxSockets(2).maxNegotiations(10).build()));
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob");
    CompletableFuture<UserAgent> carol = connectAsync("carol", options("carol").build());

    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> !carol.isDone());
    alice.close(); // frees a slot: carol goes next, without a single 503 from the edge

    UserAgent c = get(carol);
    assertThat(c.state()).isEqualTo(UserAgent.State.CONNECTED);
    assertThat(edge.counters().refusals(503)).isZero();
    bob.close();
    c.close();
    assertAllReleased();
  }

  @Test
  void closeIsIdempotentAndRevokesTheToken() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");
    int tokensBefore = edge.liveTokens();

    alice.close();
    alice.close();
    get(alice.closeAsync());

    assertThat(alice.state()).isEqualTo(UserAgent.State.CLOSED);
    assertThat(tokensBefore).isPositive();
    assertThat(edge.liveTokens("alice")).isZero();
    assertThat(edge.counters().get("logouts")).as("revoked by the socket's last frame")
        .isEqualTo(1);
    assertThat(edge.counters().get("revocations")).as("no RFC 7009 request").isZero();
    assertAllReleased();
  }

  @Test
  void closeRevokesOverHttpWhenTheEdgeOffersNoLogout() throws Exception {
    start(b -> b.logout(false));
    patchbay();
    UserAgent alice = connect("alice");

    get(alice.closeAsync());

    assertThat(edge.liveTokens("alice")).isZero();
    assertThat(edge.counters().get("logouts")).isZero();
    assertThat(edge.counters().get("revocations")).isPositive();
    assertAllReleased();
  }
}
