package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.json;
import static dev.patchbay.internal.auth.OAuthTestServer.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.Credentials;
import dev.patchbay.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rotation keeps the newest refresh token; invalid_grant clears everything and says so once. */
class RefreshTokenGrantTest {
  private final TokenFixture f;
  private final List<AuthenticationException> reauth = new CopyOnWriteArrayList<>();
  private final List<AccessToken> refreshed = new CopyOnWriteArrayList<>();
  private final TokenManager.Listener listener = new TokenManager.Listener() {
    @Override
    public void onTokenRefreshed(AccessToken token) {
      refreshed.add(token);
    }

    @Override
    public void onReauthenticationRequired(AuthenticationException cause) {
      reauth.add(cause);
    }
  };

  RefreshTokenGrantTest() throws Exception {
    f = new TokenFixture();
    LogCapture.registerSecret("client-secret-1");
    LogCapture.registerSecret("refresh-token-0");
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  private RealTokenManager manager() {
    RealTokenManager m =
        f.manager(Credentials.refreshToken("app", "client-secret-1", "refresh-token-0"));
    m.addListener(listener);
    return m;
  }

  @Test
  void everyRefreshUsesTheNewestRefreshTokenAndKeepsTheOldOneWhenNoneIsIssued()
      throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> {
      int i = n.incrementAndGet();
      return token("access-token-" + i, 300, i == 3 ? null : "refresh-token-" + i);
    };
    RealTokenManager m = manager();

    for (int i = 1; i <= 4; i++) {
      assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("access-token-" + i);
      f.clock.advance(Duration.ofSeconds(300));
    }

    assertThat(f.server.tokenRequests()).extracting(r -> r.form().get("refresh_token"))
        .containsExactly("refresh-token-0", "refresh-token-1", "refresh-token-2",
            "refresh-token-2");
    assertThat(f.server.tokenRequests()).allMatch(r -> r.grant().equals("refresh_token"));
    assertThat(refreshed).extracting(AccessToken::value)
        .containsExactly("access-token-2", "access-token-3", "access-token-4");

    m.closeAsync().get(5, TimeUnit.SECONDS);
    assertThat(f.server.revokeRequests()).extracting(r -> r.form().get("token"))
        .contains("refresh-token-4");
  }

  @Test
  void invalidGrantClearsTokensAndEmitsExactlyOneReauthenticationEvent() throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> n.incrementAndGet() == 1 ? token("access-token-1", 300, "refresh-token-1")
        : json(400, "{\"error\":\"invalid_grant\",\"error_description\":"
            + "\"refresh token refresh-token-1 was revoked\"}");
    RealTokenManager m = manager();
    AccessToken first = m.token().get(5, TimeUnit.SECONDS);
    f.clock.advance(Duration.ofSeconds(300));

    List<CompletableFuture<AccessToken>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(m.token());
    }
    for (CompletableFuture<AccessToken> c : calls) {
      assertThatThrownBy(() -> c.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("invalid_grant").hasMessageContaining("was revoked")
          .hasMessageNotContaining("refresh-token-1");
    }
    assertThatThrownBy(() -> m.token().get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class);
    assertThatThrownBy(() -> m.invalidate(first).get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class);

    assertThat(reauth).hasSize(1);
    assertThat(reauth.get(0).error()).isEqualTo("invalid_grant");
    assertThat(reauth.get(0).status()).hasValue(400);
    assertThat(f.server.tokenRequests()).hasSize(2);

    m.closeAsync().get(5, TimeUnit.SECONDS);
    assertThat(f.server.revokeRequests()).as("cleared tokens are not revoked").isEmpty();
  }

  @Test
  void backgroundRefreshRunsAtTheRefreshTimeAndTellsListeners() throws Exception {
    TokenFixture real = new TokenFixture();
    try {
      AtomicInteger n = new AtomicInteger();
      real.server.token = r -> {
        int i = n.incrementAndGet();
        return token("access-token-" + i, 2, "refresh-token-" + i);
      };
      RealTokenManager m = real.manager(
          Credentials.refreshToken("app", "client-secret-1", "refresh-token-0"),
          real.config().clock(java.time.Clock.systemUTC())
              .refreshMargin(Duration.ofSeconds(60)).build());
      m.addListener(listener);
      assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("access-token-1");

      // margin capped at half the 2 s lifetime: refreshed after ~1 s without any caller
      await().atMost(Duration.ofSeconds(5)).until(() -> refreshed.size() >= 1);
      assertThat(refreshed.get(0).value()).isEqualTo("access-token-2");
      assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isIn("access-token-2",
          "access-token-3");
    } finally {
      real.close();
    }
  }
}
