package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.json;
import static dev.patchbay.internal.auth.OAuthTestServer.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.AccessToken;
import dev.patchbay.Credentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Any number of concurrent callers with an expired token cause exactly one token request. */
class SingleFlightTest {
  private static final int THREADS = 50;
  private final TokenFixture f;
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  SingleFlightTest() throws Exception {
    f = new TokenFixture();
  }

  @AfterEach
  void tearDown() throws Exception {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    f.close();
  }

  /** Slow answers, so that every thread arrives while the request is in flight. */
  private static Function<OAuthTestServer.Req, MockResponse> slow(
      Function<OAuthTestServer.Req, MockResponse> answer) {
    return r -> {
      MockResponse m = answer.apply(r);
      return m.newBuilder().headersDelay(200, TimeUnit.MILLISECONDS).build();
    };
  }

  private List<AccessToken> fromAllThreads(java.util.function.Supplier<CompletableFuture<AccessToken>>
      call) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(THREADS);
    List<Future<AccessToken>> futures = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      futures.add(pool.submit(() -> {
        barrier.await(5, TimeUnit.SECONDS);
        return call.get().get(10, TimeUnit.SECONDS);
      }));
    }
    List<AccessToken> out = new ArrayList<>();
    for (Future<AccessToken> fu : futures) {
      out.add(fu.get(15, TimeUnit.SECONDS));
    }
    return out;
  }

  @Test
  void fiftyThreadsOnAnExpiredTokenMakeExactlyOneRequest() throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.token = slow(r -> token("access-token-" + n.incrementAndGet(), 300, null));
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("access-token-1");
    f.clock.advance(Duration.ofSeconds(301)); // expired

    List<AccessToken> tokens = fromAllThreads(m::token);

    assertThat(tokens).extracting(AccessToken::value).containsOnly("access-token-2");
    assertThat(f.server.tokenRequests()).hasSize(2);
  }

  @Test
  void fiftyThreadsOnTheFirstTokenMakeExactlyOneRequest() throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.token = slow(r -> token("access-token-" + n.incrementAndGet(), 300, null));
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));

    List<AccessToken> tokens = fromAllThreads(m::token);

    assertThat(tokens).extracting(AccessToken::value).containsOnly("access-token-1");
    assertThat(f.server.tokenRequests()).hasSize(1);
  }

  @Test
  void fiftyThreadsRejectedWithTheSameTokenCauseOneForcedRefresh() throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.token = slow(r -> token("access-token-" + n.incrementAndGet(), 300, null));
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    AccessToken first = m.token().get(5, TimeUnit.SECONDS);

    List<AccessToken> tokens = fromAllThreads(() -> m.invalidate(first));

    assertThat(tokens).extracting(AccessToken::value).containsOnly("access-token-2");
    assertThat(f.server.tokenRequests()).hasSize(2);
  }

  @Test
  void aRotatingRefreshTokenSurvivesFiftyConcurrentCallers() throws Exception {
    RotatingServer rotating = new RotatingServer("refresh-token-0");
    f.server.token = slow(rotating);
    RealTokenManager m =
        f.manager(Credentials.refreshToken("app", "client-secret-1", "refresh-token-0"));

    for (int round = 1; round <= 3; round++) {
      List<AccessToken> tokens = fromAllThreads(m::token);
      assertThat(tokens).extracting(AccessToken::value).containsOnly("access-token-" + round);
      f.clock.advance(Duration.ofSeconds(301));
    }
    assertThat(rotating.reuseDetected).hasValue(0);
    assertThat(f.server.tokenRequests()).hasSize(3);
  }

  /** Issues a new refresh token each time and refuses any but the newest (reuse detection). */
  static final class RotatingServer implements Function<OAuthTestServer.Req, MockResponse> {
    final AtomicInteger issued = new AtomicInteger();
    final AtomicInteger reuseDetected = new AtomicInteger();
    volatile String valid;

    RotatingServer(String initial) {
      valid = initial;
    }

    @Override
    public synchronized MockResponse apply(OAuthTestServer.Req r) {
      if (!"refresh_token".equals(r.grant()) || !valid.equals(r.form().get("refresh_token"))) {
        reuseDetected.incrementAndGet();
        return json(400, "{\"error\":\"invalid_grant\"}");
      }
      int i = issued.incrementAndGet();
      valid = "refresh-token-" + i;
      return token("access-token-" + i, 300, valid);
    }
  }
}
