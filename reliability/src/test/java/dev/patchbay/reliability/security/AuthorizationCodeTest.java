package dev.patchbay.reliability.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.AuthenticationException;
import dev.patchbay.AuthorizationCodeFlow;
import dev.patchbay.Call;
import dev.patchbay.Credentials;
import dev.patchbay.UserAgent;
import dev.patchbay.internal.CredentialParts;
import dev.patchbay.reliability.matrix.RawOAuth;
import dev.patchbay.reliability.matrix.Rig;
import dev.patchbay.reliability.matrix.Secrets;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Authorization code + PKCE through the fake edge's authorize endpoint (no browser): the happy
 * path connects; a forged {@code state}, a foreign {@code iss}, a replayed code and a wrong
 * verifier are all refused — the first two before any token request.
 */
class AuthorizationCodeTest {
  private static final URI REDIRECT = URI.create("http://127.0.0.1:9/callback");

  private static AuthorizationCodeFlow flow(Rig rig) {
    return AuthorizationCodeFlow.builder().edge(rig.edge.uri()).clientId("alice")
        .redirectUri(REDIRECT).loginHint("alice").build();
  }

  /** Follows the authorize endpoint by hand; returns the redirect it answered with. */
  private static URI authorize(Rig rig, AuthorizationCodeFlow flow) throws Exception {
    HttpResponse<String> r = new RawOAuth(rig.edge.uri()).get(flow.authorizationUri());
    assertThat(r.statusCode()).isEqualTo(302);
    return URI.create(r.headers().firstValue("Location").orElseThrow());
  }

  private static String param(URI uri, String name) {
    for (String kv : uri.getRawQuery().split("&")) {
      String[] p = kv.split("=", 2);
      if (p[0].equals(name)) {
        return java.net.URLDecoder.decode(p[1], java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static URI with(URI redirect, String name, String value) {
    String q = redirect.getRawQuery().replaceAll("(^|&)" + name + "=[^&]*", "$1" + name + "="
        + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
    return URI.create(REDIRECT + "?" + q);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void pkceLoginConnectsAndForgedStateOrIssuerAreRefusedBeforeAnyTokenRequest(long seed)
      throws Exception {
    try (Rig rig = Rig.builder("security: PKCE / state / iss", seed).start()) {
      // happy path
      AuthorizationCodeFlow ok = flow(rig);
      URI back = authorize(rig, ok);
      assertThat(param(flow(rig).authorizationUri(), "code_challenge_method")).isEqualTo("S256");
      Credentials creds = ok.complete(back);
      Secrets.register(CredentialParts.of(creds).codeVerifier());
      UserAgent alice = Rig.get(rig.connect(rig.options("alice").build(), creds),
          Duration.ofSeconds(10));
      Call call = rig.ledger.watch(Rig.get(rig.ledger.track("dial", alice.dial("auto-answer")),
          Duration.ofSeconds(10)));
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
      long tokenRequests = rig.edge.counters().tokenRequests();

      // forged state: refused locally
      AuthorizationCodeFlow f2 = flow(rig);
      URI forged = with(authorize(rig, f2), "state", "forged-state-value");
      rig.inject("forged state", () -> { });
      assertThatThrownBy(() -> f2.complete(forged)).isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("state");
      // foreign issuer (mix-up): refused locally
      AuthorizationCodeFlow f3 = flow(rig);
      URI mixUp = with(authorize(rig, f3), "iss", "https://evil.example.com");
      rig.inject("foreign iss", () -> { });
      assertThatThrownBy(() -> f3.complete(mixUp)).isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("iss");
      assertThat(rig.edge.counters().tokenRequests()).as("nothing sent for a forged redirect")
          .isEqualTo(tokenRequests);

      // a replayed code and a wrong verifier are refused by the edge (PKCE binds the code)
      rig.inject("replayed code", () -> { });
      HttpResponse<String> replay = new RawOAuth(rig.edge.uri()).send("/oauth/token", null, null,
          Map.of("grant_type", "authorization_code", "code", param(back, "code"),
              "redirect_uri", REDIRECT.toString(), "client_id", "alice",
              "code_verifier", CredentialParts.of(creds).codeVerifier()));
      assertThat(replay.statusCode()).isEqualTo(400);
      URI fresh = authorize(rig, flow(rig));
      rig.inject("wrong verifier", () -> { });
      HttpResponse<String> wrong = new RawOAuth(rig.edge.uri()).send("/oauth/token", null, null,
          Map.of("grant_type", "authorization_code", "code", param(fresh, "code"),
              "redirect_uri", REDIRECT.toString(), "client_id", "alice",
              "code_verifier", "x".repeat(64)));
      assertThat(wrong.statusCode()).isEqualTo(400);
      assertThat(new ObjectMapper().readTree(wrong.body()).get("error").asText())
          .isEqualTo("invalid_grant");
    }
  }
}
