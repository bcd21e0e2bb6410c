package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.AccessToken;
import dev.patchbay.Credentials;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a {@code logout} names (protocol 3.7) and what the close revokes after the edge confirmed
 * it: the token manager stays the one owner of revocation, whichever way a token is revoked.
 */
class LogoutTokensTest {
  private final TokenFixture f;
  private final AtomicInteger grants = new AtomicInteger();

  LogoutTokensTest() throws Exception {
    f = new TokenFixture();
    f.server.token = r -> {
      int i = grants.incrementAndGet();
      return token("access-token-" + i, 3600, "refresh-token-" + i);
    };
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  private List<String> revoked() {
    return f.server.revokeRequests().stream().map(r -> r.form().get("token")).toList();
  }

  @Test
  void namesTheRefreshTokenFirstThenTheAccessTokensOutsideItsFamily() throws Exception {
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    AccessToken first = m.token().get(5, TimeUnit.SECONDS);
    m.invalidate(first).get(5, TimeUnit.SECONDS); // a new client-credentials grant: new family

    assertThat(m.logoutTokens(16)).containsExactly("refresh-token-2", "access-token-1");
    assertThat(m.logoutTokens(1)).containsExactly("refresh-token-2");
    m.closeAsync().get(5, TimeUnit.SECONDS);
  }

  @Test
  void afterAConfirmedLogoutTheCloseRevokesNothingMore() throws Exception {
    RealTokenManager m = f.manager(Credentials.refreshToken("app", null, "refresh-token-0"));
    AccessToken first = m.token().get(5, TimeUnit.SECONDS);
    m.invalidate(first).get(5, TimeUnit.SECONDS); // a refresh: the same family
    List<String> named = m.logoutTokens(16);
    assertThat(named).containsExactly("refresh-token-2");

    m.revokedByEdge(named);
    m.closeAsync().get(5, TimeUnit.SECONDS);

    assertThat(f.server.revokeRequests()).isEmpty();
  }

  @Test
  void whatTheLogoutDidNotNameIsRevokedAtClose() throws Exception {
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    AccessToken first = m.token().get(5, TimeUnit.SECONDS);
    m.invalidate(first).get(5, TimeUnit.SECONDS);

    m.revokedByEdge(m.logoutTokens(1)); // the cap left access-token-1 out
    m.closeAsync().get(5, TimeUnit.SECONDS);

    assertThat(revoked()).containsExactly("access-token-1");
  }

  @Test
  void anUnconfirmedLogoutChangesNothing() throws Exception {
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    m.token().get(5, TimeUnit.SECONDS);
    assertThat(m.logoutTokens(16)).containsExactly("refresh-token-1");

    m.closeAsync().get(5, TimeUnit.SECONDS);

    assertThat(revoked()).containsExactly("refresh-token-1");
  }

  @Test
  void aRevokedTokenIsNeverHandedOutAgain() throws Exception {
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    AccessToken first = m.token().get(5, TimeUnit.SECONDS);

    m.revokedByEdge(m.logoutTokens(16));

    assertThat(m.token().get(5, TimeUnit.SECONDS)).isNotEqualTo(first);
    m.closeAsync().get(5, TimeUnit.SECONDS);
  }

  @Test
  void namesNothingWhenClosingRevokesNothing() throws Exception {
    RealTokenManager off = f.manager(Credentials.clientCredentials("app", "client-secret-1"),
        f.config().revokeOnClose(false).build());
    off.token().get(5, TimeUnit.SECONDS);
    RealTokenManager closed = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    closed.token().get(5, TimeUnit.SECONDS);
    closed.closeAsync().get(5, TimeUnit.SECONDS);
    RealTokenManager app = f.manager(Credentials.provider(() ->
        java.util.concurrent.CompletableFuture.completedFuture(
            new AccessToken("app-token", null, null))));
    app.token().get(5, TimeUnit.SECONDS);

    assertThat(off.logoutTokens(16)).isEmpty();
    assertThat(closed.logoutTokens(16)).isEmpty();
    assertThat(app.logoutTokens(16)).isEmpty();
    off.closeAsync().get(5, TimeUnit.SECONDS);
    app.closeAsync().get(5, TimeUnit.SECONDS);
  }
}
