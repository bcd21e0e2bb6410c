package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.AccessToken;
import dev.patchbay.Credentials;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientCredentialsGrantTest {
  private final TokenFixture f;

  ClientCredentialsGrantTest() throws Exception {
    f = new TokenFixture();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void sendsBasicAuthAndGrantAndCountsExpiryFromTheLocalClock() throws Exception {
    f.server.token = r -> token("at-1", 3600, null);
    RealTokenManager m = f.manager(Credentials.clientCredentials("my app", "s3cr:et", "calls"));

    AccessToken t = m.token().get(5, TimeUnit.SECONDS);

    assertThat(t.value()).isEqualTo("at-1");
    assertThat(t.expiresAt()).isEqualTo(f.clock.instant().plusSeconds(3600));
    OAuthTestServer.Req req = f.server.tokenRequests().get(0);
    assertThat(req.form()).containsEntry("grant_type", "client_credentials")
        .containsEntry("scope", "calls").doesNotContainKey("client_id")
        .doesNotContainKey("client_secret");
    // RFC 6749 2.3.1: form-encode id and secret before Base64
    assertThat(new String(Base64.getDecoder().decode(req.authorization().substring(6)),
        StandardCharsets.UTF_8)).isEqualTo("my+app:s3cr%3Aet");
  }

  @Test
  void cachesTheTokenUntilTheRefreshMarginThenFetchesANewOne() throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> token("at-" + n.incrementAndGet(), 3600, null);
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "secret-1234"),
        f.config().refreshMargin(Duration.ofSeconds(60)).build());

    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("at-1");
    f.clock.advance(Duration.ofSeconds(3600 - 61));
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("at-1");
    f.clock.advance(Duration.ofSeconds(2)); // 59 s left: inside the margin
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("at-2");
    assertThat(f.server.tokenRequests()).hasSize(2);
  }

  @Test
  void capsTheMarginAtHalfTheLifetimeOfShortLivedTokens() throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> token("at-" + n.incrementAndGet(), 20, null);
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "secret-1234"),
        f.config().refreshMargin(Duration.ofSeconds(60)).build());

    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("at-1");
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("at-1");
    f.clock.advance(Duration.ofSeconds(9));
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("at-1");
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("at-2");
  }
}
