package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.json;
import static dev.patchbay.internal.auth.OAuthTestServer.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.ClosedException;
import dev.patchbay.Credentials;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two users on one client, scheduler and config share nothing of their tokens. */
class TokenIsolationTest {
  private final TokenFixture f;
  private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();

  TokenIsolationTest() throws Exception {
    f = new TokenFixture();
    f.server.token = r -> {
      String rt = r.form().get("refresh_token");
      if (rt.startsWith("revoked")) {
        return json(400, "{\"error\":\"invalid_grant\"}");
      }
      String user = rt.substring(0, rt.indexOf('-'));
      int n = perUser.computeIfAbsent(user, u -> new AtomicInteger()).incrementAndGet();
      return token(user + "-access-" + n, 300, user + "-refresh-" + n);
    };
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  private RealTokenManager user(String refreshToken, List<String> events) {
    RealTokenManager m = f.manager(Credentials.refreshToken("app", "client-secret-1",
        refreshToken));
    m.addListener(new TokenManager.Listener() {
      @Override
      public void onTokenRefreshed(AccessToken token) {
        events.add("refreshed");
      }

      @Override
      public void onReauthenticationRequired(AuthenticationException cause) {
        events.add("reauth");
      }
    });
    return m;
  }

  @Test
  void refreshInvalidateFailureAndCloseOfOneUserLeaveTheOtherAlone() throws Exception {
    List<String> aliceEvents = new CopyOnWriteArrayList<>();
    List<String> bobEvents = new CopyOnWriteArrayList<>();
    RealTokenManager alice = user("alice-refresh-0", aliceEvents);
    RealTokenManager bob = user("bob-refresh-0", bobEvents);

    AccessToken a1 = alice.token().get(5, TimeUnit.SECONDS);
    AccessToken b1 = bob.token().get(5, TimeUnit.SECONDS);
    assertThat(a1.value()).isEqualTo("alice-access-1");
    assertThat(b1.value()).isEqualTo("bob-access-1");

    assertThat(alice.invalidate(a1).get(5, TimeUnit.SECONDS).value())
        .isEqualTo("alice-access-2");
    assertThat(bob.token().get(5, TimeUnit.SECONDS)).isEqualTo(b1);
    assertThat(aliceEvents).containsExactly("refreshed");
    assertThat(bobEvents).isEmpty();

    RealTokenManager carol = user("revoked-refresh-0", new CopyOnWriteArrayList<>());
    assertThatThrownBy(() -> carol.token().get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class);
    assertThat(aliceEvents).containsExactly("refreshed");
    assertThat(bobEvents).isEmpty();

    alice.closeAsync().get(5, TimeUnit.SECONDS);
    assertThatThrownBy(() -> alice.token().get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(ClosedException.class);
    f.clock.advance(Duration.ofSeconds(300));
    assertThat(bob.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("bob-access-2");
    assertThat(f.server.tokenRequests()).filteredOn(r -> r.form().get("refresh_token")
        .startsWith("bob")).extracting(r -> r.form().get("refresh_token"))
        .containsExactly("bob-refresh-0", "bob-refresh-1");
  }
}
