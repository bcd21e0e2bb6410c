package dev.patchbay.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.AuthorizationCodeFlow;
import dev.patchbay.Credentials;
import dev.patchbay.internal.CredentialParts;
import dev.patchbay.testing.LogCapture;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The token layer against an independently written OAuth server, no.nav.security's
 * mock-oauth2-server, in-process on 127.0.0.1. What it does not support (found here): it sends
 * no {@code iss} in the authorization response (RFC 9207), does not rotate refresh tokens,
 * revokes only refresh tokens (an access token gets 400 {@code unsupported_token_type}, which
 * the SDK accepts quietly), and still honours a revoked refresh token afterwards (checked by
 * hand: revocation is accepted, not enforced). It does verify PKCE.
 */
class MockOAuth2ServerConformanceTest {
  private static final String ISSUER_ID = "default";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final URI REDIRECT = URI.create("http://127.0.0.1:9/callback");

  private final MockOAuth2Server server = new MockOAuth2Server();
  private final OkHttpClient http = new OkHttpClient.Builder().followRedirects(false).build();
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  private final List<RealTokenManager> managers = new ArrayList<>();
  private final OAuthEndpoints endpoints;

  MockOAuth2ServerConformanceTest() {
    scheduler.setRemoveOnCancelPolicy(true);
    server.start(InetAddress.getLoopbackAddress(), 0);
    endpoints = new OAuthEndpoints(server.tokenEndpointUrl(ISSUER_ID).uri(),
        server.revocationEndpointUrl(ISSUER_ID).uri(),
        server.authorizationEndpointUrl(ISSUER_ID).uri());
    LogCapture.registerSecret("conformance-secret");
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      for (RealTokenManager m : managers) {
        m.closeAsync().get(10, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(5)).until(() ->
          http.dispatcher().runningCallsCount() == 0 && scheduler.getQueue().isEmpty());
    } finally {
      scheduler.shutdownNow();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
      server.shutdown();
    }
  }

  private RealTokenManager manager(Credentials credentials) {
    RealTokenManager m = RealTokenManager.create(credentials, endpoints, http, scheduler,
        TokenConfig.builder().retryPolicy(TokenFixture.FAST).revokePolicy(TokenFixture.FAST)
            .build());
    managers.add(m);
    return m;
  }

  private static AccessToken get(java.util.concurrent.CompletableFuture<AccessToken> f)
      throws Exception {
    AccessToken t = f.get(10, TimeUnit.SECONDS);
    LogCapture.registerSecret(t.value());
    return t;
  }

  private static JsonNode claims(AccessToken token) throws Exception {
    String payload = token.value().split("\\.")[1];
    return JSON.readTree(new String(Base64.getUrlDecoder().decode(payload),
        StandardCharsets.UTF_8));
  }

  private AuthorizationCodeFlow flow() {
    return AuthorizationCodeFlow.builder()
        .authorizationEndpoint(endpoints.authorize())
        .issuer(server.issuerUrl(ISSUER_ID).toString())
        .clientId("softphone").redirectUri(REDIRECT).scope("openid calls").build();
  }

  /** The browser's part, without a browser: GET the URL, read the redirect. */
  private URI authorize(URI authorizationUri) throws Exception {
    try (Response r = http.newCall(new Request.Builder().url(authorizationUri.toString())
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(302);
      URI location = URI.create(r.header("Location"));
      assertThat(location.getPath()).isEqualTo(REDIRECT.getPath());
      return location;
    }
  }

  private static void registerCode(URI redirect, Credentials c) {
    LogCapture.registerSecret(CredentialParts.of(c).code());
    LogCapture.registerSecret(CredentialParts.of(c).codeVerifier());
  }

  @Test
  void clientCredentials() throws Exception {
    RealTokenManager m = manager(
        Credentials.clientCredentials("patchbay-backend", "conformance-secret", "calls"));

    AccessToken t = get(m.token());

    JsonNode claims = claims(t);
    assertThat(claims.get("sub").asText()).isEqualTo("patchbay-backend");
    assertThat(claims.get("iss").asText()).isEqualTo(server.issuerUrl(ISSUER_ID).toString());
    assertThat(t.expiresAt()).isAfter(java.time.Instant.now().plusSeconds(3000));
  }

  @Test
  void authorizationCodeWithPkceThroughTheLoginEndpointThenRefresh() throws Exception {
    AuthorizationCodeFlow flow = flow();
    URI redirect = authorize(flow.authorizationUri());
    assertThat(redirect.getQuery()).as("no RFC 9207 iss from this server").doesNotContain("iss=");
    Credentials code = flow.complete(redirect);
    registerCode(redirect, code);
    RealTokenManager m = manager(code);

    AccessToken first = get(m.token());
    String refresh = m.refreshTokenForTests();
    LogCapture.registerSecret(refresh);
    assertThat(refresh).isNotNull();
    assertThat(claims(first).get("iss").asText())
        .isEqualTo(server.issuerUrl(ISSUER_ID).toString());

    AccessToken second = get(m.invalidate(first)); // forced refresh: refresh_token grant
    assertThat(second).isNotEqualTo(first);
    assertThat(m.refreshTokenForTests()).as("this server does not rotate").isEqualTo(refresh);
  }

  @Test
  void theServerChecksThePkceVerifier() throws Exception {
    AuthorizationCodeFlow flow = flow();
    String tampered = flow.authorizationUri().toString()
        .replaceAll("code_challenge=[^&]+", "code_challenge=" + "A".repeat(43));
    Credentials code = flow.complete(authorize(URI.create(tampered)));
    registerCode(null, code);
    AtomicInteger reauth = new AtomicInteger();
    RealTokenManager m = manager(code);
    m.addListener(new TokenManager.Listener() {
      @Override
      public void onReauthenticationRequired(AuthenticationException cause) {
        reauth.incrementAndGet();
      }
    });

    assertThatThrownBy(() -> m.token().get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("invalid_grant");
    assertThat(reauth).hasValue(1);
  }

  @Test
  void tokenExchangeOnBehalfOfAUser() throws Exception {
    String subject = server.issueToken(ISSUER_ID, "alice", "patchbay-backend").serialize();
    LogCapture.registerSecret(subject);
    RealTokenManager m = manager(Credentials.tokenExchange("patchbay-backend",
        "conformance-secret", subject, Credentials.TokenExchange.ACCESS_TOKEN_TYPE)
        .withAudience("patchbay-edge"));

    AccessToken t = get(m.token());

    JsonNode claims = claims(t);
    assertThat(claims.get("sub").asText()).isEqualTo("alice");
    assertThat(claims.get("aud").toString()).contains("patchbay-edge");
  }

  @Test
  void closeRevokesTheRefreshTokenWhichTheServerAccepts() throws Exception {
    AuthorizationCodeFlow flow = flow();
    Credentials code = flow.complete(authorize(flow.authorizationUri()));
    registerCode(null, code);
    RealTokenManager m = manager(code);
    get(m.token());
    String refresh = m.refreshTokenForTests();
    LogCapture.registerSecret(refresh);

    m.closeAsync().get(10, TimeUnit.SECONDS);

    List<String> revocations = new ArrayList<>();
    for (int i = 0; i < 3; i++) { // authorize, token, one revocation (the refresh token's family)
      okhttp3.mockwebserver.RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      if (r.getPath().endsWith("/revoke")) {
        revocations.add(r.getBody().readUtf8());
      }
    }
    assertThat(revocations).hasSize(1)
        .allMatch(b -> b.contains("token_type_hint=refresh_token") && b.contains(refresh));
    assertThat(m.refreshTokenForTests()).as("forgotten after revocation").isNull();
  }
}
