package dev.patchbay.reliability.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.Call;
import dev.patchbay.Credentials;
import dev.patchbay.PatchbayAccess;
import dev.patchbay.UserAgent;
import dev.patchbay.internal.auth.OAuthEndpoints;
import dev.patchbay.internal.auth.RealTokenManager;
import dev.patchbay.internal.auth.TokenConfig;
import dev.patchbay.internal.auth.TokenProbe;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tokens under concurrency and faults: single flight, refresh failing for one user only, clock
 * skew, invalid_grant, 401 twice keeping the refresh token, revocation answered with 503.
 */
class TokenFaultsTest {

  /** A token manager on its own client and scheduler, released by {@link #close()}. */
  private static final class Manager implements AutoCloseable {
    final OkHttpClient http = new OkHttpClient();
    final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    final RealTokenManager tokens;

    Manager(Rig rig, Credentials credentials, TokenConfig config) {
      scheduler.setRemoveOnCancelPolicy(true);
      tokens = RealTokenManager.create(credentials, OAuthEndpoints.forEdge(rig.edge.uri()), http,
          scheduler, config);
    }

    @Override
    public void close() throws Exception {
      tokens.closeAsync().get(15, TimeUnit.SECONDS);
      scheduler.shutdownNow();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void fiftyThreadsOnAnExpiredTokenCauseExactlyOneTokenRequest(long seed) throws Exception {
    try (Rig rig = Rig.builder("50 threads on an expired token: one token request", seed)
        .edge(b -> b.tokenTtl(Duration.ofSeconds(2))).start();
        Manager m = new Manager(rig, rig.credentials(Rig.TENANT, "alice"), TokenConfig.builder()
            .refreshMargin(Duration.ofMillis(500)).proactiveRefresh(false).build())) {
      AccessToken first = Rig.get(rig.ledger.track("first token", m.tokens.token()),
          Duration.ofSeconds(10));
      rig.inject("token expiry", () -> await().atMost(Duration.ofSeconds(5)).until(() ->
          Clock.systemUTC().instant().isAfter(first.expiresAt().minusMillis(400))));
      long before = rig.edge.counters().tokenRequests();
      int threads = 50;
      CyclicBarrier start = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<CompletableFuture<AccessToken>> got = new ArrayList<>();
      try {
        for (int i = 0; i < threads; i++) {
          CompletableFuture<AccessToken> f = new CompletableFuture<>();
          got.add(rig.ledger.track("token() on thread " + i, f));
          pool.execute(() -> {
            try {
              start.await(5, TimeUnit.SECONDS);
              m.tokens.token().whenComplete((t, e) -> {
                if (e != null) {
                  f.completeExceptionally(e);
                } else {
                  f.complete(t);
                }
              });
            } catch (Exception e) {
              f.completeExceptionally(e);
            }
          });
        }
        Set<String> values = new HashSet<>();
        for (CompletableFuture<AccessToken> f : got) {
          values.add(Rig.get(f, Duration.ofSeconds(10)).value());
        }
        assertThat(values).hasSize(1).doesNotContain(first.value());
        assertThat(rig.edge.counters().tokenRequests() - before).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void oneUsersRefreshFailingLeavesTheOtherUntouched(long seed) throws Exception {
    try (Rig rig = Rig.builder("two users, one user's refresh fails: the other unaffected", seed)
        .edge(b -> b.tokenTtl(Duration.ofSeconds(3))).start()) {
      RawOAuth raw = new RawOAuth(rig.edge.uri());
      JsonNode grant = raw.clientCredentials("alice", rig.secretOf("alice"));
      String aliceRefresh = grant.get("refresh_token").asText();
      // alice's agent holds only a refresh token, so her refresh can fail on its own
      CompletableFuture<UserAgent> af = rig.patchbay.connect(
          Credentials.refreshToken("alice", rig.secretOf("alice"), aliceRefresh),
          rig.options("alice").build());
      UserAgent alice2 = Rig.get(rig.ledger.track("connect alice (refresh token)", af),
          Duration.ofSeconds(10));
      Ledger.Op aliceEnd = rig.ledger.begin("alice's agent after her grant is revoked");
      alice2.onStateChange(s -> {
        if (s == UserAgent.State.CLOSED) {
          aliceEnd.complete(Ledger.Outcome.FAILED_TYPED);
        }
      });
      UserAgent bob = rig.connected("bob");
      long bobTokensBefore = rig.edge.counters().tokensIssued();

      // alice's whole grant family is revoked (e.g. the user signed out elsewhere)
      rig.inject("revoke alice's grant", () -> {
        try {
          assertThat(raw.revoke("alice", rig.secretOf("alice"), aliceRefresh)).isEqualTo(200);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });

      await().atMost(Duration.ofSeconds(20)).until(() ->
          alice2.state() == UserAgent.State.CLOSED);
      // bob refreshed meanwhile (3 s tokens) and is still connected and working
      await().atMost(Duration.ofSeconds(10)).until(() ->
          rig.edge.counters().tokensIssued() > bobTokensBefore + 1);
      assertThat(bob.state()).isEqualTo(UserAgent.State.CONNECTED);
      Call call = rig.ledger.watch(Rig.get(rig.ledger.track("bob dials", bob.dial("auto-answer")),
          Duration.ofSeconds(10)));
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
      assertThat(rig.edge.counters().violations()).as("no cross-user token ever used").isZero();
    }
  }

  @ParameterizedTest(name = "skew {0} s")
  @ValueSource(ints = {-60, 60})
  void expiresIn300WithSixtySecondsOfSkewNeverUsesAnExpiredToken(int skewSeconds) {
    Clock skewed = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(skewSeconds));
    try (Rig rig = Rig.builder("expires_in 300 s with " + (skewSeconds > 0 ? "+" : "")
            + skewSeconds + " s clock skew", 7919L * (skewSeconds + 100))
        .edge(b -> b.tokenTtl(Duration.ofSeconds(300)))
        .sdk(b -> PatchbayAccess.clock(b, skewed)).start()) {
      rig.inject("client clock skew " + skewSeconds + " s", () -> { });
      UserAgent alice = rig.connected("alice");
      Call call = rig.ledger.watch(Rig.get(rig.ledger.track("dial", alice.dial("auto-answer")),
          Duration.ofSeconds(10)));
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
      await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() ->
          rig.edge.counters().tokenRequests() == 1);
      assertThat(rig.edge.counters().refusals(401)).as("no expired token reached the edge")
          .isZero();
      assertThat(rig.edge.counters().get("reauths")).as("no premature refresh").isZero();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void invalidGrantFailsTypedBeforeAnyUpgrade(long seed) {
    try (Rig rig = Rig.builder("invalid_grant at connect", seed).start()) {
      String bogus = "rt-unknown-" + Long.toHexString(rig.random.nextLong());
      Secrets.register(bogus);
      rig.inject("unknown refresh token", () -> { });
      CompletableFuture<UserAgent> f = rig.ledger.track("connect with a dead refresh token",
          rig.patchbay.connect(Credentials.refreshToken("alice", rig.secretOf("alice"), bogus),
              rig.options("alice").build()));

      Throwable e = Rig.failure(f, Duration.ofSeconds(10));

      assertThat(e).isInstanceOf(AuthenticationException.class);
      assertThat(((AuthenticationException) e).error()).isEqualTo("invalid_grant");
      assertThat(rig.edge.counters().tokenRequests()).isOne();
      assertThat(rig.edge.counters().upgradeAttempts()).isZero();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void rejectedTwiceFailsTypedAndKeepsTheRefreshToken(long seed) throws Exception {
    try (Rig rig = Rig.builder("401 twice: typed error, refresh token kept", seed).start();
        Manager m = new Manager(rig, rig.credentials(Rig.TENANT, "alice"),
            TokenConfig.builder().proactiveRefresh(false).build())) {
      AccessToken t1 = Rig.get(rig.ledger.track("token", m.tokens.token()),
          Duration.ofSeconds(10));
      rig.inject("edge rejects the token (401)", () -> { });
      AccessToken t2 = Rig.get(rig.ledger.track("invalidate once", m.tokens.invalidate(t1)),
          Duration.ofSeconds(10));
      String refreshAfterFirst = TokenProbe.refreshToken(m.tokens);
      rig.inject("edge rejects the refreshed token (401)", () -> { });
      Throwable e = Rig.failure(rig.ledger.track("invalidate twice", m.tokens.invalidate(t2)),
          Duration.ofSeconds(10));

      assertThat(t2.value()).isNotEqualTo(t1.value());
      assertThat(e).isInstanceOf(AuthenticationException.class);
      assertThat(refreshAfterFirst).isNotNull();
      assertThat(TokenProbe.refreshToken(m.tokens)).as("the newest refresh token is kept")
          .isEqualTo(refreshAfterFirst);
      assertThat(rig.edge.counters().tokenRequests()).isEqualTo(2);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void revocationAnswered503IsRetriedWithinItsBound(long seed) {
    try (Rig rig = Rig.builder("revoke 503 at close: retried within a bound", seed)
        .edge(b -> b.logout(false)).start()) { // the RFC 7009 path (no logout frame)
      UserAgent alice = rig.connected("alice");
      rig.inject("revoke 503 x2", () ->
          rig.edge.faults().revokeEndpointStatus(503, "1", 2));
      long start = System.nanoTime();

      Rig.get(rig.ledger.track("close alice", alice.closeAsync()), Duration.ofSeconds(20));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(12));
      assertThat(rig.edge.counters().get("revokeFaults")).isEqualTo(2);
      assertThat(rig.edge.counters().get("revocations")).as("revoked on a later attempt")
          .isPositive();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void aLogoutWhoseSocketIsCutIsRevokedOverHttp(long seed) {
    try (Rig rig = Rig.builder("logout cut with its socket: the revocation still happens", seed)
        .start()) {
      UserAgent alice = rig.connected("alice");
      rig.inject("drop alice's socket as her next frame (the logout) passes", () ->
          rig.edge.faults().dropAfterFrames("alice", 1));

      Rig.get(rig.ledger.track("close alice", alice.closeAsync()), Duration.ofSeconds(20));

      assertThat(rig.edge.liveTokens("alice")).as("alice's tokens after close").isZero();
      assertThat(rig.edge.counters().get("revocations") + rig.edge.counters().get("logouts"))
          .as("revoked by the logout or by RFC 7009").isPositive();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void revocationFailingForGoodStillLetsCloseFinishIndeterminate(long seed) {
    try (Rig rig = Rig.builder("revoke 503 forever: close bounded, outcome indeterminate", seed)
        .edge(b -> b.logout(false)).start()) { // the RFC 7009 path (no logout frame)
      UserAgent alice = rig.connected("alice");
      rig.inject("revoke 503 forever", () ->
          rig.edge.faults().revokeEndpointStatus(503, null, Integer.MAX_VALUE));
      int liveBefore = rig.edge.liveTokens();
      long start = System.nanoTime();

      Rig.get(alice.closeAsync(), Duration.ofSeconds(30));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      assertThat(alice.state()).isEqualTo(UserAgent.State.CLOSED);
      // the edge never confirmed: the token may still live — the one honest outcome
      rig.ledger.begin("revocation of alice's token").complete(
          rig.edge.liveTokens() == liveBefore ? Ledger.Outcome.INDETERMINATE
              : Ledger.Outcome.SUCCEEDED);
      assertThat(rig.edge.counters().get("revokeFaults")).isGreaterThanOrEqualTo(2);
    }
  }
}
