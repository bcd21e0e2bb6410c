package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.status;
import static dev.patchbay.internal.auth.OAuthTestServer.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.Credentials;
import dev.patchbay.PatchbayException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** 429/503 from the token endpoint are retried with the project's backoff and Retry-After. */
class TokenEndpointRetryTest {
  private final TokenFixture f;
  private final List<Duration> delays = new CopyOnWriteArrayList<>();
  private final List<Long> requestNanos = new CopyOnWriteArrayList<>();

  TokenEndpointRetryTest() throws Exception {
    f = new TokenFixture();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  /** First answer {@code code} with {@code retryAfter}, then a token. */
  private void firstRefuse(int code, Supplier<String> retryAfter) throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> {
      requestNanos.add(System.nanoTime());
      return n.incrementAndGet() == 1 ? status(code, retryAfter.get())
          : token("access-token-1", 300, null);
    };
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"),
        f.config().retryListener((what, retry, delay, cause) -> delays.add(delay)).build());
    assertThat(m.token().get(10, TimeUnit.SECONDS).value()).isEqualTo("access-token-1");
    assertThat(f.server.tokenRequests()).hasSize(2);
  }

  private Duration gap() {
    return Duration.ofNanos(requestNanos.get(1) - requestNanos.get(0));
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 503})
  void deltaSecondsAreHonoured(int code) throws Exception {
    firstRefuse(code, () -> "1");
    assertThat(delays).containsExactly(Duration.ofSeconds(1));
    assertThat(gap()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void anHttpDateIsHonouredOnTheLocalClock() throws Exception {
    firstRefuse(503, () -> DateTimeFormatter.RFC_1123_DATE_TIME.format(
        f.clock.instant().plusSeconds(1).atOffset(ZoneOffset.UTC)));
    assertThat(delays).containsExactly(Duration.ofSeconds(1));
    assertThat(gap()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aPastDateMeansOnlyTheClientsShortBackoff() throws Exception {
    firstRefuse(503, () -> DateTimeFormatter.RFC_1123_DATE_TIME.format(
        f.clock.instant().minusSeconds(3600).atOffset(ZoneOffset.UTC)));
    assertThat(delays).hasSize(1);
    assertThat(delays.get(0)).isLessThanOrEqualTo(TokenFixture.FAST.baseDelay());
  }

  @Test
  void garbageMeansTheNormalBackoff() throws Exception {
    firstRefuse(429, () -> "in a while");
    assertThat(delays).hasSize(1);
    assertThat(delays.get(0)).isLessThanOrEqualTo(TokenFixture.FAST.baseDelay());
  }

  @Test
  void okHttpItselfRepeatsA503WithRetryAfterZeroOnceBeforeThePolicySeesIt() throws Exception {
    // Documented OkHttp behaviour (RetryAndFollowUpInterceptor), not under the SDK's control:
    // a 503 with "Retry-After: 0" is re-sent once at once; only a second 503 reaches the policy.
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> n.incrementAndGet() <= 2 ? status(503, "0")
        : token("access-token-1", 300, null);
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"),
        f.config().retryListener((what, retry, delay, cause) -> delays.add(delay)).build());

    assertThat(m.token().get(10, TimeUnit.SECONDS).value()).isEqualTo("access-token-1");

    assertThat(f.server.tokenRequests()).hasSize(3);
    assertThat(delays).hasSize(1);
  }

  @Test
  void retriesStopAtTheDeadlineEvenWhenAttemptsRemain() throws Exception {
    f.server.token = r -> status(429, "3");
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"),
        f.config().retryPolicy(dev.patchbay.RetryPolicy.builder().maxAttempts(10)
            .deadline(Duration.ofSeconds(2)).build()).build());
    long start = System.nanoTime();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.token().get(10, TimeUnit.SECONDS))
        .cause().isInstanceOf(PatchbayException.class);
    assertThat(f.server.tokenRequests()).hasSize(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }
}
