package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CredentialsTest {
  @Test
  void toStringNeverShowsASecret() {
    assertThat(Credentials.clientCredentials("app", "client-secret-x", "calls").toString())
        .contains("app", "calls").doesNotContain("client-secret-x");
    assertThat(Credentials.refreshToken("app", "client-secret-x", "refresh-x").toString())
        .doesNotContain("client-secret-x").doesNotContain("refresh-x");
    assertThat(Credentials.refreshToken("app", null, "refresh-x").toString())
        .contains("clientSecret=null");
    assertThat(Credentials.tokenExchange("app", "client-secret-x", "subject-x",
        Credentials.TokenExchange.JWT_TYPE).withAudience("edge").withScope("calls").toString())
        .contains("edge", "calls", Credentials.TokenExchange.JWT_TYPE)
        .doesNotContain("client-secret-x").doesNotContain("subject-x");
    assertThat(new AccessToken("access-x", Instant.EPOCH, null).toString())
        .doesNotContain("access-x");
  }

  @Test
  void tokenExchangeWithersKeepEverythingElse() {
    Credentials.TokenExchange tx = Credentials.tokenExchange("app", "s3cret", "subj",
        Credentials.TokenExchange.ACCESS_TOKEN_TYPE).withAudience("edge").withScope("calls");
    assertThat(tx.clientId()).isEqualTo("app");
    assertThat(tx.clientSecret()).isEqualTo("s3cret");
    assertThat(tx.subjectToken()).isEqualTo("subj");
    assertThat(tx.audience()).isEqualTo("edge");
    assertThat(tx.scope()).isEqualTo("calls");
    assertThat(tx.withAudience(null).audience()).isNull();
  }

  @Test
  void invalidInputIsRejectedWithItsName() {
    assertThatThrownBy(() -> Credentials.clientCredentials(null, "s"))
        .isInstanceOf(NullPointerException.class).hasMessage("clientId must not be null");
    assertThatThrownBy(() -> Credentials.clientCredentials("app", " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("clientSecret must not be blank");
    assertThatThrownBy(() -> Credentials.clientCredentials("app", "s", ""))
        .hasMessage("scope must be null or non-blank, but was blank");
    assertThatThrownBy(() -> Credentials.refreshToken("app", null, null))
        .hasMessage("refreshToken must not be null");
    assertThatThrownBy(() -> Credentials.tokenExchange("app", "s", "t", " "))
        .hasMessage("subjectTokenType must not be blank");
    assertThatThrownBy(() -> Credentials.provider(null))
        .hasMessage("provider must not be null");
  }

  @Test
  void aProviderHasNoClientIdentity() {
    Credentials.Provided p = Credentials.provider(
        () -> CompletableFuture.completedFuture(new AccessToken("t-123456", null, null)));
    assertThat(p.clientId()).isNull();
    assertThat(p.clientSecret()).isNull();
  }
}
