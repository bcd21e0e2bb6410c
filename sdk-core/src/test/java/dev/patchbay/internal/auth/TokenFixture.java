package dev.patchbay.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Credentials;
import dev.patchbay.RetryPolicy;
import dev.patchbay.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * What a token-manager test needs: an OAuth mock server, one OkHttp client, one scheduler, a
 * hand-moved clock, fast retries. {@link #close()} closes every manager it made and asserts
 * that no HTTP call, timer or thread is left behind.
 */
final class TokenFixture implements AutoCloseable {
  static final RetryPolicy FAST = RetryPolicy.builder().baseDelay(Duration.ofMillis(10))
      .maxDelay(Duration.ofMillis(40)).maxAttempts(4).deadline(Duration.ofSeconds(5)).build();

  final OAuthTestServer server;
  final OkHttpClient http = new OkHttpClient.Builder().build();
  final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  final MutableClock clock = MutableClock.startingNow();
  final List<TokenManager> managers = new CopyOnWriteArrayList<>();

  TokenFixture() throws Exception {
    server = new OAuthTestServer();
    scheduler.setRemoveOnCancelPolicy(true);
  }

  TokenConfig.Builder config() {
    return TokenConfig.builder().clock(clock).retryPolicy(FAST).revokePolicy(FAST)
        .random(new Random(42)).requestTimeout(Duration.ofSeconds(5));
  }

  RealTokenManager manager(Credentials credentials) {
    return manager(credentials, config().build());
  }

  RealTokenManager manager(Credentials credentials, TokenConfig config) {
    RealTokenManager m =
        RealTokenManager.create(credentials, server.endpoints(), http, scheduler, config);
    managers.add(m);
    return m;
  }

  @Override
  public void close() throws Exception {
    try {
      for (TokenManager m : managers) {
        m.closeAsync().get(10, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(http.dispatcher().runningCallsCount()).as("running HTTP calls").isZero();
        assertThat(http.dispatcher().queuedCallsCount()).as("queued HTTP calls").isZero();
        assertThat(scheduler.getQueue()).as("pending timers").isEmpty();
      });
    } finally {
      scheduler.shutdownNow();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
      server.close();
      assertThat(scheduler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
      assertThat(http.dispatcher().executorService().awaitTermination(5, TimeUnit.SECONDS))
          .isTrue();
    }
  }
}
