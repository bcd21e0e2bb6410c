package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.internal.CredentialParts;
import dev.patchbay.internal.auth.Pkce;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthorizationCodeFlowTest {
  private static final URI EDGE = URI.create("https://edge.example.com/");
  private static final URI REDIRECT = URI.create("http://127.0.0.1:8123/callback");

  private static AuthorizationCodeFlow flow() {
    return AuthorizationCodeFlow.builder().edge(EDGE).clientId("softphone")
        .redirectUri(REDIRECT).scope("calls presence").loginHint("alice").build();
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String p : uri.getRawQuery().split("&")) {
      int eq = p.indexOf('=');
      out.put(URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static URI redirect(String query) {
    return URI.create(REDIRECT + "?" + query);
  }

  @Test
  void theAuthorizationUrlCarriesEverythingPkceS256Needs() {
    AuthorizationCodeFlow flow = flow();
    URI uri = flow.authorizationUri();

    assertThat(uri.toString()).startsWith("https://edge.example.com/oauth/authorize?");
    Map<String, String> q = query(uri);
    assertThat(q).containsEntry("response_type", "code").containsEntry("client_id", "softphone")
        .containsEntry("redirect_uri", REDIRECT.toString())
        .containsEntry("scope", "calls presence").containsEntry("login_hint", "alice")
        .containsEntry("code_challenge_method", "S256").containsKeys("state", "code_challenge");
    assertThat(uri.getRawQuery()).doesNotContain("+").contains("scope=calls%20presence");

    Credentials c = flow.complete(redirect("code=the-code&state="
        + q.get("state") + "&iss=https%3A%2F%2Fedge.example.com"));
    assertThat(Pkce.challenge(CredentialParts.of(c).codeVerifier())).isEqualTo(q.get("code_challenge"));
    assertThat(CredentialParts.of(c).code()).isEqualTo("the-code");
    assertThat(CredentialParts.of(c).redirectUri()).isEqualTo(REDIRECT);
    assertThat(CredentialParts.of(c).clientSecret()).isNull();
  }

  @Test
  void theVerifierIsLongUnreservedAndFreshEachTime() {
    Set<String> verifiers = new HashSet<>();
    Set<String> states = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      AuthorizationCodeFlow flow = flow();
      String state = query(flow.authorizationUri()).get("state");
      Credentials c = flow.complete("code", state, null);
      assertThat(CredentialParts.of(c).codeVerifier()).hasSize(AuthorizationCodeFlow.DEFAULT_VERIFIER_LENGTH)
          .matches("[A-Za-z0-9._~-]+");
      verifiers.add(CredentialParts.of(c).codeVerifier());
      states.add(state);
    }
    assertThat(verifiers).hasSize(200);
    assertThat(states).hasSize(200);
  }

  @Test
  void verifierLengthIsBoundedBy43And128() {
    AuthorizationCodeFlow.Builder b = AuthorizationCodeFlow.builder();
    assertThatThrownBy(() -> b.verifierLength(42)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("verifierLength must be in [43, 128], but was 42");
    assertThatThrownBy(() -> b.verifierLength(129)).isInstanceOf(IllegalArgumentException.class);
    for (int len : new int[] {43, 128}) {
      AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder().edge(EDGE).clientId("c")
          .redirectUri(REDIRECT).verifierLength(len).build();
      String state = query(flow.authorizationUri()).get("state");
      assertThat(CredentialParts.of(flow.complete("code", state, null)).codeVerifier()).hasSize(len);
    }
  }

  @Test
  void pkceChallengeMatchesTheRfc7636Example() {
    assertThat(Pkce.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
        .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  }

  @Test
  void aStateMismatchIsRejected() {
    AuthorizationCodeFlow flow = flow();
    assertThatThrownBy(() -> flow.complete(redirect("code=c&state=forged")))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("state does not match");
  }

  @Test
  void aMissingStateIsRejected() {
    assertThatThrownBy(() -> flow().complete(redirect("code=c")))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("no state");
  }

  @Test
  void aWrongIssuerIsRejected() {
    AuthorizationCodeFlow flow = flow();
    String state = query(flow.authorizationUri()).get("state");
    assertThatThrownBy(() -> flow.complete(redirect("code=c&state=" + state
        + "&iss=https%3A%2F%2Fevil.example.com")))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("RFC 9207")
        .hasMessageContaining("https://evil.example.com");
  }

  @Test
  void aMissingIssuerIsRejectedOnlyWhenRequired() {
    AuthorizationCodeFlow required = AuthorizationCodeFlow.builder().edge(EDGE)
        .clientId("softphone").redirectUri(REDIRECT).requireIssuer(true).build();
    String state = query(required.authorizationUri()).get("state");
    assertThatThrownBy(() -> required.complete("c", state, null))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("no iss");

    AuthorizationCodeFlow lenient = flow();
    String s2 = query(lenient.authorizationUri()).get("state");
    assertThat(CredentialParts.of(lenient.complete("c", s2, null)).code()).isEqualTo("c");
  }

  @Test
  void anExplicitIssuerWinsOverTheEdgeDefault() {
    AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder().issuer("https://idp.example")
        .edge(EDGE).clientId("softphone").redirectUri(REDIRECT).build();
    assertThat(flow.issuer()).isEqualTo("https://idp.example");
  }

  @Test
  void anErrorRedirectBecomesAnAuthenticationExceptionWithTheCode() {
    AuthorizationCodeFlow flow = flow();
    String state = query(flow.authorizationUri()).get("state");
    assertThatThrownBy(() -> flow.complete(redirect("error=access_denied&error_description="
        + "user%20said%20no&state=" + state)))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("access_denied: user said no")
        .satisfies(e -> assertThat(((AuthenticationException) e).error())
            .isEqualTo("access_denied"));
  }

  @Test
  void anErrorDescriptionEchoingTheStateDoesNotLeakIt() {
    AuthorizationCodeFlow flow = flow();
    String state = query(flow.authorizationUri()).get("state");
    assertThatThrownBy(() -> flow.complete(redirect("error=invalid_request&error_description="
        + "bad%20state%20" + state + "%0Anext&state=" + state)))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageNotContaining(state).hasMessageNotContaining("\n")
        .hasMessageContaining("bad state ██");
  }

  @Test
  void anErrorRedirectWithAForgedStateIsReportedAsTheStateMismatch() {
    assertThatThrownBy(() -> flow().complete(redirect("error=access_denied&state=forged")))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("state");
  }

  @Test
  void aFlowCompletesOnlyOnce() {
    AuthorizationCodeFlow flow = flow();
    String state = query(flow.authorizationUri()).get("state");
    flow.complete("c", state, null);
    assertThatThrownBy(() -> flow.complete("c", state, null))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void toStringHidesStateAndVerifier() {
    AuthorizationCodeFlow flow = flow();
    String state = query(flow.authorizationUri()).get("state");
    Credentials c = flow.complete("the-secret-code", state, null);
    assertThat(flow.toString()).doesNotContain(state).doesNotContain(CredentialParts.of(c).codeVerifier());
    assertThat(c.toString()).doesNotContain("the-secret-code").doesNotContain(CredentialParts.of(c).codeVerifier());
  }

  @Test
  void theBuilderSaysWhatIsMissing() {
    assertThatThrownBy(() -> AuthorizationCodeFlow.builder().clientId("c").redirectUri(REDIRECT)
        .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("edge");
    assertThatThrownBy(() -> AuthorizationCodeFlow.builder().edge(EDGE).redirectUri(REDIRECT)
        .build()).hasMessageContaining("clientId");
    assertThatThrownBy(() -> AuthorizationCodeFlow.builder().edge(EDGE).clientId("c").build())
        .hasMessageContaining("redirectUri");
  }
}
