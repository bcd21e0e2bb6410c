package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.json;
import static dev.patchbay.internal.auth.OAuthTestServer.status;
import static dev.patchbay.internal.auth.OAuthTestServer.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.ClosedException;
import dev.patchbay.Credentials;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 7009 at close: 200 is success (known token or not), 503 is retried within a bound.
 * Revoking the refresh token revokes its family (docs/protocol.md 2.3): the family's access
 * tokens are revoked on their own only when that fails.
 */
class RevocationTest {
  private final TokenFixture f;

  RevocationTest() throws Exception {
    f = new TokenFixture();
    f.server.token = r -> token("access-token-1", 3600, "refresh-token-1");
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void closeRevokesTheRefreshTokenAloneWhichRevokesItsFamilyWithClientAuthentication()
      throws Exception {
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    m.token().get(5, TimeUnit.SECONDS);

    m.closeAsync().get(5, TimeUnit.SECONDS);

    assertThat(f.server.revokeRequests()).hasSize(1).allMatch(r -> r.authorization() != null
        && r.authorization().startsWith("Basic "));
    assertThat(f.server.revokeRequests()).extracting(r -> r.form().get("token_type_hint") + "="
        + r.form().get("token"))
        .containsExactly("refresh_token=refresh-token-1");
  }

  @Test
  void anAccessTokenOfAnEarlierGrantIsRevokedOnItsOwn() throws Exception {
    AtomicInteger grants = new AtomicInteger();
    f.server.token = r -> {
      int i = grants.incrementAndGet();
      return token("access-token-" + i, 3600, "refresh-token-" + i);
    };
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    dev.patchbay.AccessToken first = m.token().get(5, TimeUnit.SECONDS);
    m.invalidate(first).get(5, TimeUnit.SECONDS); // a new client-credentials grant: a new family

    m.closeAsync().get(5, TimeUnit.SECONDS);

    assertThat(f.server.revokeRequests()).extracting(r -> r.form().get("token_type_hint") + "="
        + r.form().get("token"))
        .containsExactlyInAnyOrder("refresh_token=refresh-token-2", "access_token=access-token-1");
  }

  @Test
  void refreshedAccessTokensAreCoveredByTheirRefreshToken() throws Exception {
    AtomicInteger grants = new AtomicInteger();
    f.server.token = r -> {
      int i = grants.incrementAndGet();
      return token("access-token-" + i, 3600, "refresh-token-" + i);
    };
    RealTokenManager m = f.manager(Credentials.refreshToken("app", null, "refresh-token-0"));
    dev.patchbay.AccessToken first = m.token().get(5, TimeUnit.SECONDS);
    m.invalidate(first).get(5, TimeUnit.SECONDS); // a refresh: the same family

    m.closeAsync().get(5, TimeUnit.SECONDS);

    assertThat(f.server.revokeRequests()).extracting(r -> r.form().get("token_type_hint") + "="
        + r.form().get("token"))
        .containsExactly("refresh_token=refresh-token-2");
  }

  @Test
  void whenTheRefreshTokenCannotBeRevokedItsAccessTokenIsRevokedOnItsOwn() throws Exception {
    f.server.revoke = r -> r.form().get("token_type_hint").equals("refresh_token")
        ? status(400, null) : status(200, null);
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    m.token().get(5, TimeUnit.SECONDS);

    m.closeAsync().get(5, TimeUnit.SECONDS);

    assertThat(f.server.revokeRequests()).extracting(r -> r.form().get("token_type_hint") + "="
        + r.form().get("token"))
        .containsExactly("refresh_token=refresh-token-1", "access_token=access-token-1");
  }

  @Test
  void revocationCanBeTurnedOffForAnAppThatKeepsItsRefreshToken() throws Exception {
    RealTokenManager m = f.manager(Credentials.refreshToken("app", null, "refresh-token-0"),
        f.config().revokeOnClose(false).build());
    m.token().get(5, TimeUnit.SECONDS);
    m.closeAsync().get(5, TimeUnit.SECONDS);
    assertThat(f.server.revokeRequests()).isEmpty();
  }

  @Test
  void aPublicClientSendsItsClientIdInTheForm() throws Exception {
    RealTokenManager m = f.manager(Credentials.refreshToken("app", null, "refresh-token-0"));
    m.token().get(5, TimeUnit.SECONDS);
    m.closeAsync().get(5, TimeUnit.SECONDS);

    assertThat(f.server.requests).allMatch(r -> r.authorization() == null
        && "app".equals(r.form().get("client_id")));
  }

  @Test
  void status200ForAnUnknownTokenIsSuccess() throws Exception {
    f.server.revoke = r -> json(200, "{}");
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    m.token().get(5, TimeUnit.SECONDS);
    assertThat(m.closeAsync().get(5, TimeUnit.SECONDS)).isNull();
    assertThat(f.server.revokeRequests()).hasSize(1);
  }

  @Test
  void status503IsRetriedUntilTheTokenIsGone() throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.revoke = r -> n.incrementAndGet() <= 2 ? status(503, "0") : status(200, null);
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    m.token().get(5, TimeUnit.SECONDS);

    m.closeAsync().get(5, TimeUnit.SECONDS);

    assertThat(f.server.revokeRequests()).extracting(r -> r.form().get("token_type_hint"))
        .as("revoked on the third attempt; the family with it").hasSize(3)
        .containsOnly("refresh_token");
  }

  @Test
  void aServerThatStays503IsGivenUpOnWithinTheBound() throws Exception {
    f.server.revoke = r -> status(503, null);
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    m.token().get(5, TimeUnit.SECONDS);

    m.closeAsync().get(5, TimeUnit.SECONDS);

    // FAST policy: 4 attempts for the refresh token, then 4 for its access token on its own
    assertThat(f.server.revokeRequests()).hasSize(8);
    assertThat(f.server.revokeRequests().subList(4, 8))
        .allMatch(r -> r.form().get("token_type_hint").equals("access_token"));
  }

  @Test
  void anUnsupportedTokenTypeIsNotRetried() throws Exception {
    f.server.revoke = r -> json(400, "{\"error\":\"unsupported_token_type\"}");
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    m.token().get(5, TimeUnit.SECONDS);
    m.closeAsync().get(5, TimeUnit.SECONDS);
    // a server that does not revoke refresh tokens: the access token is revoked on its own
    assertThat(f.server.revokeRequests()).extracting(r -> r.form().get("token_type_hint"))
        .containsExactly("refresh_token", "access_token");
  }

  @Test
  void closeIsIdempotentAndLaterCallsFailClosed() throws Exception {
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    m.token().get(5, TimeUnit.SECONDS);
    CompletableFuture<Void> a = m.closeAsync();
    CompletableFuture<Void> b = m.closeAsync();
    a.get(5, TimeUnit.SECONDS);
    b.get(5, TimeUnit.SECONDS);
    m.close();

    assertThat(f.server.revokeRequests()).hasSize(1);
    assertThatThrownBy(() -> m.token().get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(ClosedException.class);
  }

  /**
   * The edge issues the token while the request is in flight: cancelling the request at close
   * would leave that token live at the edge with nobody to revoke it. The waiters fail at once;
   * the request is let finish and its token revoked.
   */
  @Test
  void closeDuringATokenRequestFailsTheWaitersAndRevokesTheTokenItBrings() throws Exception {
    f.server.token = r -> token("access-token-1", 3600, "refresh-token-1").newBuilder()
        .headersDelay(2, TimeUnit.SECONDS).build();
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    CompletableFuture<?> waiting = m.token();
    org.awaitility.Awaitility.await().until(() -> f.server.tokenRequests().size() == 1);

    CompletableFuture<Void> closing = m.closeAsync();

    assertThatThrownBy(() -> waiting.get(1, TimeUnit.SECONDS)).cause()
        .isInstanceOf(ClosedException.class);
    assertThat(closing).as("close waits for the request already sent").isNotDone();
    closing.get(10, TimeUnit.SECONDS);
    assertThat(f.server.revokeRequests()).extracting(r -> r.form().get("token_type_hint") + "="
        + r.form().get("token"))
        .containsExactly("refresh_token=refresh-token-1"); // its family: access-token-1 too
    assertThat(f.server.tokenRequests()).hasSize(1);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2))
        .until(() -> f.http.dispatcher().runningCallsCount() == 0);
  }

  @Test
  void aTokenRequestThatFailsAfterCloseIsNotRetried() throws Exception {
    // no Retry-After: OkHttp itself repeats a 503 with "Retry-After: 0" once
    f.server.token = r -> status(503, null).newBuilder()
        .headersDelay(1, TimeUnit.SECONDS).build();
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    CompletableFuture<?> waiting = m.token();
    org.awaitility.Awaitility.await().until(() -> f.server.tokenRequests().size() == 1);

    m.closeAsync().get(10, TimeUnit.SECONDS);

    assertThatThrownBy(() -> waiting.get(1, TimeUnit.SECONDS)).cause()
        .isInstanceOf(ClosedException.class);
    Thread.sleep(300); // a retry would have gone out by now (FAST policy: 10 ms base delay)
    assertThat(f.server.tokenRequests()).hasSize(1);
    assertThat(f.server.revokeRequests()).isEmpty();
    assertThat(f.scheduler.getQueue()).isEmpty();
  }

  @Test
  void closeDuringBackoffCancelsTheTimer() throws Exception {
    f.server.token = r -> status(503, "30");
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"),
        f.config().retryPolicy(dev.patchbay.RetryPolicy.builder().maxAttempts(3)
            .deadline(java.time.Duration.ofSeconds(60)).build()).build());
    CompletableFuture<?> waiting = m.token();
    org.awaitility.Awaitility.await().until(() -> f.scheduler.getQueue().size() == 1);

    m.closeAsync().get(5, TimeUnit.SECONDS);

    assertThat(f.scheduler.getQueue()).isEmpty();
    assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(ClosedException.class);
    assertThat(f.server.tokenRequests()).hasSize(1);
  }
}
