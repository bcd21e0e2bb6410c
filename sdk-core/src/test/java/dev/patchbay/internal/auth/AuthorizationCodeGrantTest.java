package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.AuthenticationException;
import dev.patchbay.AuthorizationCodeFlow;
import dev.patchbay.Credentials;
import dev.patchbay.internal.CredentialParts;
import dev.patchbay.testing.LogCapture;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The code is exchanged once, with its verifier; the checks happen before any request. */
class AuthorizationCodeGrantTest {
  private static final URI REDIRECT = URI.create("http://127.0.0.1:8123/callback");
  private final TokenFixture f;
  private final AuthorizationCodeFlow flow;
  private final String state;

  AuthorizationCodeGrantTest() throws Exception {
    f = new TokenFixture();
    flow = AuthorizationCodeFlow.builder().edge(f.server.server.url("/").uri())
        .clientId("softphone").redirectUri(REDIRECT).build();
    String q = flow.authorizationUri().getRawQuery();
    state = q.replaceAll(".*state=([^&]+).*", "$1");
    LogCapture.registerSecret(state);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  private Credentials complete() {
    Credentials c = flow.complete("auth-code-1", state, flow.issuer());
    LogCapture.registerSecret(CredentialParts.of(c).codeVerifier());
    LogCapture.registerSecret(CredentialParts.of(c).code());
    return c;
  }

  @Test
  void exchangesTheCodeWithVerifierAndRedirectAsAPublicClient() throws Exception {
    f.server.token = r -> token("access-token-1", 300, "refresh-token-1");
    Credentials c = complete();
    RealTokenManager m = f.manager(c);

    m.token().get(5, TimeUnit.SECONDS);

    OAuthTestServer.Req req = f.server.tokenRequests().get(0);
    assertThat(req.form()).containsEntry("grant_type", "authorization_code")
        .containsEntry("code", "auth-code-1").containsEntry("code_verifier", CredentialParts.of(c).codeVerifier())
        .containsEntry("redirect_uri", REDIRECT.toString()).containsEntry("client_id", "softphone");
    assertThat(req.authorization()).isNull();
  }

  @Test
  void theCodeIsUsedOnceThenTheRefreshToken() throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> token("access-token-" + n.incrementAndGet(), 300,
        "refresh-token-" + n.get());
    RealTokenManager m = f.manager(complete());
    m.token().get(5, TimeUnit.SECONDS);
    f.clock.advance(Duration.ofSeconds(300));
    m.token().get(5, TimeUnit.SECONDS);

    assertThat(f.server.tokenRequests()).extracting(OAuthTestServer.Req::grant)
        .containsExactly("authorization_code", "refresh_token");
  }

  @Test
  void withoutARefreshTokenExpiryMeansReauthenticationNotASecondCodeExchange() throws Exception {
    f.server.token = r -> token("access-token-1", 300, null);
    AtomicInteger reauth = new AtomicInteger();
    RealTokenManager m = f.manager(complete(), f.config().listener(new TokenManager.Listener() {
      @Override
      public void onReauthenticationRequired(AuthenticationException cause) {
        reauth.incrementAndGet();
      }
    }).build());
    m.token().get(5, TimeUnit.SECONDS);
    f.clock.advance(Duration.ofSeconds(300));

    assertThatThrownBy(() -> m.token().get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("authenticate");
    assertThat(reauth).hasValue(1);
    assertThat(f.server.tokenRequests()).hasSize(1);
  }

  @Test
  void aCodeRefusedWith503IsSentAgainButNotAfterAnyOtherAnswer() throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> n.incrementAndGet() == 1 ? OAuthTestServer.status(503, null)
        : token("access-token-1", 300, null);
    RealTokenManager m = f.manager(complete());
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("access-token-1");
    assertThat(f.server.tokenRequests()).extracting(r -> r.form().get("code"))
        .containsExactly("auth-code-1", "auth-code-1");
  }

  @Test
  void aCodeThatNeverReachedTheServerIsRetriedNotDeclaredUsed() throws Exception {
    AtomicInteger reauth = new AtomicInteger();
    f.server.close(); // connection refused
    RealTokenManager m = f.manager(complete(), f.config().listener(new TokenManager.Listener() {
      @Override
      public void onReauthenticationRequired(AuthenticationException cause) {
        reauth.incrementAndGet();
      }
    }).build());

    assertThatThrownBy(() -> m.token().get(10, TimeUnit.SECONDS)).cause()
        .isNotInstanceOf(AuthenticationException.class)
        .isInstanceOf(dev.patchbay.PatchbayException.class)
        .hasMessageContaining("ConnectException");
    assertThat(reauth).hasValue(0);
  }

  @Test
  void stateAndIssuerProblemsStopBeforeAnyTokenRequest() {
    assertThatThrownBy(() -> flow.complete("auth-code-1", "forged", null))
        .isInstanceOf(AuthenticationException.class);
    AuthorizationCodeFlow other = AuthorizationCodeFlow.builder()
        .edge(f.server.server.url("/").uri()).clientId("softphone").redirectUri(REDIRECT).build();
    String otherState = other.authorizationUri().getRawQuery().replaceAll(".*state=([^&]+).*",
        "$1");
    assertThatThrownBy(() -> other.complete("auth-code-1", otherState, "https://evil.example"))
        .isInstanceOf(AuthenticationException.class);
    assertThat(f.server.requests).isEmpty();
  }
}
