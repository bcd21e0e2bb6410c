package dev.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.OAuthClient.Answer;
import dev.patchbay.testkit.support.RawWebSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OAuthTokenEndpointTest {
  FakeEdge edge;

  @BeforeEach
  void start() {
    edge = FakeEdge.builder()
        .user("acme", "alice", "alice-secret")
        .user("other", "olga", "olga-secret")
        .backendClient("acme", "svc", "svc-secret")
        .start();
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  @Test
  void clientCredentialsIssuesOpaqueBearerTokenWithRotatingRefreshToken() throws Exception {
    Answer a = OAuthClient.clientCredentials(edge.uri(), "alice", "alice-secret");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.field("token_type")).isEqualTo("Bearer");
    assertThat(a.field("access_token")).isNotBlank();
    assertThat(a.field("refresh_token")).isNotBlank();
    assertThat(a.json().get("expires_in").asLong()).isEqualTo(3600);
    assertThat(a.field("scope")).isEqualTo("signaling");
    assertThat(a.raw().headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(edge.counters().tokensIssued()).isEqualTo(1);
  }

  @Test
  void wrongSecretIsInvalidClient401WithBasicChallenge() throws Exception {
    Answer a = OAuthClient.clientCredentials(edge.uri(), "alice", "nope");
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.field("error")).isEqualTo("invalid_client");
    assertThat(a.raw().headers().firstValue("WWW-Authenticate")).get().asString()
        .startsWith("Basic");
    assertThat(a.raw().body()).doesNotContain("nope");
  }

  @Test
  void unsupportedAndMissingGrantTypesAreRfc6749Errors() throws Exception {
    assertThat(OAuthClient.post(edge.uri(), "/oauth/token", Map.of("grant_type", "password"),
        "alice", "alice-secret").field("error")).isEqualTo("unsupported_grant_type");
    assertThat(OAuthClient.post(edge.uri(), "/oauth/token", Map.of(), "alice", "alice-secret")
        .field("error")).isEqualTo("invalid_request");
  }

  @Test
  void refreshRotatesAndReuseRevokesTheWholeFamily() throws Exception {
    Answer first = OAuthClient.clientCredentials(edge.uri(), "alice", "alice-secret");
    String rt1 = first.field("refresh_token");
    Answer second = OAuthClient.refresh(edge.uri(), rt1, "alice", "alice-secret");
    assertThat(second.status()).isEqualTo(200);
    String rt2 = second.field("refresh_token");
    assertThat(rt2).isNotEqualTo(rt1);
    assertThat(second.field("access_token")).isNotEqualTo(first.field("access_token"));

    Answer reuse = OAuthClient.refresh(edge.uri(), rt1, "alice", "alice-secret");
    assertThat(reuse.status()).isEqualTo(400);
    assertThat(reuse.field("error")).isEqualTo("invalid_grant");
    assertThat(edge.counters().refreshReuseViolations()).isEqualTo(1);
    // the family is dead: the rotated token and the access tokens no longer work
    assertThat(OAuthClient.refresh(edge.uri(), rt2, "alice", "alice-secret").field("error"))
        .isEqualTo("invalid_grant");
    try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(),
        second.field("access_token"), null)) {
      assertThat(ws.handshake.status()).isEqualTo(401);
    }
  }

  @Test
  void refusedRefreshFaultAnswersInvalidGrant() throws Exception {
    String rt = OAuthClient.clientCredentials(edge.uri(), "alice", "alice-secret")
        .field("refresh_token");
    edge.faults().refuseTokenRefresh(true);
    assertThat(OAuthClient.refresh(edge.uri(), rt, "alice", "alice-secret").field("error"))
        .isEqualTo("invalid_grant");
    edge.faults().refuseTokenRefresh(false);
    assertThat(OAuthClient.refresh(edge.uri(), rt, "alice", "alice-secret").status())
        .isEqualTo(200);
  }

  @Test
  void revokedAccessTokenCannotUpgrade() throws Exception {
    String at = OAuthClient.accessToken(edge.uri(), "alice", "alice-secret");
    Answer r = OAuthClient.post(edge.uri(), "/oauth/revoke", Map.of("token", at), null, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(OAuthClient.post(edge.uri(), "/oauth/revoke", Map.of("token", "unknown"), null,
        null).status()).isEqualTo(200);
    try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), at, null)) {
      assertThat(ws.handshake.status()).isEqualTo(401);
    }
    assertThat(edge.counters().get("revocations")).isEqualTo(1);
    assertThat(edge.liveTokens()).isZero();
  }

  @Test
  void tokenExchangeGivesABackendATokenForItsTenantsUser() throws Exception {
    String userToken = OAuthClient.accessToken(edge.uri(), "alice", "alice-secret");
    Answer viaAccess = exchange("svc", "svc-secret", userToken,
        "urn:ietf:params:oauth:token-type:access_token");
    assertThat(viaAccess.status()).isEqualTo(200);
    assertThat(viaAccess.field("issued_token_type"))
        .isEqualTo("urn:ietf:params:oauth:token-type:access_token");
    assertThat(viaAccess.field("refresh_token")).isNull();
    Answer viaId = exchange("svc", "svc-secret", edge.subjectTokenFor("alice"),
        "urn:ietf:params:oauth:token-type:id_token");
    assertThat(viaId.status()).isEqualTo(200);
    try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(),
        viaId.field("access_token"), "alice")) {
      assertThat(ws.upgraded()).isTrue();
    }
    edge.assertNoLeaks();
  }

  @Test
  void tokenExchangeRefusesOtherTenantsNonBackendsAndGarbage() throws Exception {
    assertThat(exchange("svc", "svc-secret", edge.subjectTokenFor("olga"),
        "urn:ietf:params:oauth:token-type:id_token").field("error")).isEqualTo("invalid_grant");
    assertThat(exchange("alice", "alice-secret", edge.subjectTokenFor("alice"),
        "urn:ietf:params:oauth:token-type:id_token").field("error"))
        .isEqualTo("unauthorized_client");
    assertThat(exchange("svc", "svc-secret", "garbage",
        "urn:ietf:params:oauth:token-type:access_token").field("error"))
        .isEqualTo("invalid_grant");
    assertThat(exchange("svc", "svc-secret", "x", "urn:other").field("error"))
        .isEqualTo("invalid_request");
    assertThat(OAuthClient.clientCredentials(edge.uri(), "svc", "svc-secret").field("error"))
        .isEqualTo("unauthorized_client");
  }

  @Test
  void scriptedTokenEndpointStatusCarriesRetryAfterThenRecovers() throws Exception {
    edge.faults().tokenEndpointStatus(429, "Wed, 21 Oct 2037 07:28:00 GMT", 1);
    Answer a = OAuthClient.clientCredentials(edge.uri(), "alice", "alice-secret");
    assertThat(a.status()).isEqualTo(429);
    assertThat(a.raw().headers().firstValue("Retry-After"))
        .contains("Wed, 21 Oct 2037 07:28:00 GMT");
    assertThat(OAuthClient.clientCredentials(edge.uri(), "alice", "alice-secret").status())
        .isEqualTo(200);
    assertThat(edge.counters().refusals(429)).isEqualTo(1);
    assertThat(edge.counters().tokenRequests()).isEqualTo(2);
  }

  @Test
  void tenantTokenRateLimitAnswers429WithRetryAfterSeconds() throws Exception {
    try (FakeEdge limited = FakeEdge.builder()
        .tenant("acme", t -> t.tokenRateLimit(0.5, 2))
        .user("acme", "alice", "alice-secret").start()) {
      assertThat(OAuthClient.clientCredentials(limited.uri(), "alice", "alice-secret").status())
          .isEqualTo(200);
      assertThat(OAuthClient.clientCredentials(limited.uri(), "alice", "alice-secret").status())
          .isEqualTo(200);
      Answer third = OAuthClient.clientCredentials(limited.uri(), "alice", "alice-secret");
      assertThat(third.status()).isEqualTo(429);
      assertThat(third.field("error")).isEqualTo("slow_down");
      assertThat(Long.parseLong(third.raw().headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1L, 2L);
    }
  }

  private Answer exchange(String id, String secret, String subject, String type)
      throws Exception {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
    f.put("subject_token", subject);
    f.put("subject_token_type", type);
    return OAuthClient.post(edge.uri(), "/oauth/token", f, id, secret);
  }
}
