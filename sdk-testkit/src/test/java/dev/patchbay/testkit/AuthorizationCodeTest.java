package dev.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.testkit.support.OAuthClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthorizationCodeTest {
  static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  static final String REDIRECT = "http://127.0.0.1:9/callback";
  FakeEdge edge;

  @BeforeEach
  void start() {
    edge = FakeEdge.builder().user("acme", "alice", "alice-secret").start();
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  static String challenge(String verifier) throws Exception {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest
        .getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
  }

  Map<String, String> authorize(String loginHint, String method) throws Exception {
    String q = "response_type=code&client_id=softphone&redirect_uri=" + OAuthClient.enc(REDIRECT)
        + "&state=xyz&code_challenge=" + challenge(VERIFIER) + "&code_challenge_method=" + method
        + "&login_hint=" + loginHint;
    var r = OAuthClient.get(edge.uri().resolve("/oauth/authorize?" + q));
    assertThat(r.statusCode()).isEqualTo(302);
    URI location = URI.create(r.headers().firstValue("Location").orElseThrow());
    assertThat(location.toString()).startsWith(REDIRECT + "?");
    Map<String, String> params = new HashMap<>();
    for (String p : location.getRawQuery().split("&")) {
      String[] kv = p.split("=", 2);
      params.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return params;
  }

  OAuthClient.Answer redeem(String code, String verifier) throws Exception {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("grant_type", "authorization_code");
    f.put("code", code);
    f.put("redirect_uri", REDIRECT);
    f.put("client_id", "softphone");
    f.put("code_verifier", verifier);
    return OAuthClient.post(edge.uri(), "/oauth/token", f, null, null);
  }

  @Test
  void autoApprovesTheLoginHintAndRedeemsTheCodeWithTheVerifier() throws Exception {
    Map<String, String> p = authorize("alice", "S256");
    assertThat(p.get("state")).isEqualTo("xyz");
    assertThat(p.get("iss")).isEqualTo(edge.uri().toString());
    OAuthClient.Answer a = redeem(p.get("code"), VERIFIER);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.field("refresh_token")).isNotBlank();
    // single use
    assertThat(redeem(p.get("code"), VERIFIER).field("error")).isEqualTo("invalid_grant");
  }

  @Test
  void wrongVerifierIsInvalidGrant() throws Exception {
    Map<String, String> p = authorize("alice", "S256");
    assertThat(redeem(p.get("code"), VERIFIER.replace('d', 'e')).field("error"))
        .isEqualTo("invalid_grant");
  }

  @Test
  void plainMethodAndUnknownUserAreRedirectedErrors() throws Exception {
    assertThat(authorize("alice", "plain").get("error")).isEqualTo("invalid_request");
    Map<String, String> unknown = authorize("nobody", "S256");
    assertThat(unknown.get("error")).isEqualTo("access_denied");
    assertThat(unknown.get("state")).isEqualTo("xyz");
  }
}
