package dev.patchbay.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class OAuthEndpointsTest {
  @Test
  void derivesTheEdgeEndpointsToleratingSlashesAndWebSocketSchemes() {
    OAuthEndpoints e = OAuthEndpoints.forEdge(URI.create("https://edge.example.com//"));
    assertThat(e.token()).isEqualTo(URI.create("https://edge.example.com/oauth/token"));
    assertThat(e.revoke()).isEqualTo(URI.create("https://edge.example.com/oauth/revoke"));
    assertThat(e.authorize()).isEqualTo(URI.create("https://edge.example.com/oauth/authorize"));
    assertThat(OAuthEndpoints.forEdge(URI.create("ws://127.0.0.1:8080")).token())
        .isEqualTo(URI.create("http://127.0.0.1:8080/oauth/token"));
    assertThat(OAuthEndpoints.forEdge(URI.create("wss://edge.example.com/base")).token())
        .isEqualTo(URI.create("https://edge.example.com/base/oauth/token"));
  }

  @Test
  void parsesEachEndpointOnceAndNamesItWithoutUserInfoQueryOrFragment() {
    OAuthEndpoints e = new OAuthEndpoints(
        URI.create("https://client:pa55word@auth.example.com/oauth/token?key=s3cret#frag"),
        URI.create("https://auth.example.com/oauth/revoke"), null);
    assertThat(e.tokenTarget().where()).isEqualTo("https://auth.example.com/oauth/token");
    assertThat(e.tokenTarget().url().password()).isEqualTo("pa55word"); // the request keeps it
    assertThat(e.tokenTarget()).isSameAs(e.tokenTarget());
    assertThat(e.revokeTarget().where()).isEqualTo("https://auth.example.com/oauth/revoke");
    assertThat(e.toString()).doesNotContain("pa55word", "s3cret", "frag");
    assertThat(new OAuthEndpoints(URI.create("http://127.0.0.1:1/t"), null, null).revokeTarget())
        .isNull();
  }

  @Test
  void rejectsOtherSchemes() {
    assertThatThrownBy(() -> OAuthEndpoints.forEdge(URI.create("ftp://x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("edge must be an http(s) URI, but was ftp://x");
  }

  @Test
  void safeTextMasksSecretsControlCharactersAndLength() {
    String s = OAuthErrors.safe("token abcdef123 bad\r\nX" + "y".repeat(500),
        List.of("abcdef123"));
    assertThat(s).startsWith("token ██ bad??X").doesNotContain("abcdef123")
        .hasSize(OAuthErrors.MAX_TEXT).endsWith("…");
  }
}
