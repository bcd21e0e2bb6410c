package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.Credentials;
import dev.patchbay.TokenProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A 401 forces one refresh; the same again is a typed error, never a loop. */
class InvalidateTest {
  private final TokenFixture f;

  InvalidateTest() throws Exception {
    f = new TokenFixture();
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> token("access-token-" + n.incrementAndGet(), 3600, null);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void oneForcedRefreshThenATypedErrorWhenTheNewTokenIsRejectedToo() throws Exception {
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    AccessToken first = m.token().get(5, TimeUnit.SECONDS);

    AccessToken second = m.invalidate(first).get(5, TimeUnit.SECONDS);
    assertThat(second.value()).isEqualTo("access-token-2");

    assertThatThrownBy(() -> m.invalidate(second).get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("forced refresh")
        .satisfies(e -> assertThat(((AuthenticationException) e).status()).hasValue(401));
    assertThat(f.server.tokenRequests()).hasSize(2);
    assertThatThrownBy(() -> m.invalidate(second).get(5, TimeUnit.SECONDS))
        .as("every caller rejected with that token gets the error").cause()
        .isInstanceOf(AuthenticationException.class);
    assertThat(f.server.tokenRequests()).hasSize(2);

    // the rejected token is never handed out again: a later attempt starts from a new token
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("access-token-3");
  }

  /** The edge accepted the forced token, then expired it early: that is a new rejection. */
  @Test
  void aForcedTokenTheEdgeAcceptedMayBeForcedAgainWhenItIsRejectedLater() throws Exception {
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    AccessToken first = m.token().get(5, TimeUnit.SECONDS);
    AccessToken second = m.invalidate(first).get(5, TimeUnit.SECONDS);

    m.accepted(second);

    assertThat(m.invalidate(second).get(5, TimeUnit.SECONDS).value()).isEqualTo("access-token-3");
    assertThat(f.server.tokenRequests()).hasSize(3);
  }

  @Test
  void aRejectedTokenThatWasAlreadyReplacedCausesNoRequest() throws Exception {
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    AccessToken first = m.token().get(5, TimeUnit.SECONDS);
    AccessToken second = m.invalidate(first).get(5, TimeUnit.SECONDS);

    assertThat(m.invalidate(first).get(5, TimeUnit.SECONDS)).isEqualTo(second);
    assertThat(f.server.tokenRequests()).hasSize(2);
  }

  @Test
  void aTokenFromANormalRefreshAfterAForcedOneMayBeForcedAgain() throws Exception {
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    AccessToken first = m.token().get(5, TimeUnit.SECONDS);
    m.invalidate(first).get(5, TimeUnit.SECONDS);
    f.clock.advance(Duration.ofSeconds(3600));
    AccessToken third = m.token().get(5, TimeUnit.SECONDS);

    assertThat(m.invalidate(third).get(5, TimeUnit.SECONDS).value()).isEqualTo("access-token-4");
  }

  @Test
  void aProviderIsAskedToRefreshAndMayNotReturnTheRejectedToken() throws Exception {
    AtomicInteger refreshes = new AtomicInteger();
    AccessToken same = new AccessToken("provided-token-1", Instant.parse("2026-01-01T01:00:00Z"),
        null);
    RealTokenManager m = f.manager(Credentials.provider(new TokenProvider() {
      @Override
      public CompletionStage<AccessToken> token() {
        return CompletableFuture.completedFuture(same);
      }

      @Override
      public CompletionStage<AccessToken> refresh(AccessToken rejected) {
        refreshes.incrementAndGet();
        return CompletableFuture.completedFuture(rejected);
      }
    }));
    AccessToken t = m.token().get(5, TimeUnit.SECONDS);

    assertThatThrownBy(() -> m.invalidate(t).get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("just rejected");
    assertThat(refreshes).hasValue(1);
  }
}
