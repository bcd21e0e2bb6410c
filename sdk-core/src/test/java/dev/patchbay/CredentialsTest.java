package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.internal.CredentialParts;
import dev.patchbay.internal.CredentialParts.Grant;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    Credentials.TokenExchange tx = Credentials.tokenExchange("app", "s3cret", "the-subject-token",
        Credentials.TokenExchange.ACCESS_TOKEN_TYPE).withAudience("edge").withScope("calls");
    CredentialParts parts = CredentialParts.of(tx);
    assertThat(parts.grant()).isEqualTo(Grant.TOKEN_EXCHANGE);
    assertThat(parts.clientId()).isEqualTo("app");
    assertThat(parts.clientSecret()).isEqualTo("s3cret");
    assertThat(parts.subjectToken()).isEqualTo("the-subject-token");
    assertThat(parts.audience()).isEqualTo("edge");
    assertThat(parts.scope()).isEqualTo("calls");
    assertThat(CredentialParts.of(tx.withAudience(null)).audience()).isNull();
    assertThat(parts.toString()).doesNotContain("s3cret").doesNotContain("the-subject-token");
  }

  /** Opaque: apps make credentials, only the SDK reads them (through the internal bridge). */
  @Test
  void noPublicMethodOfCredentialsReturnsASecret() {
    List<Class<?>> api = new ArrayList<>();
    api.add(Credentials.class);
    for (Class<?> nested : Credentials.class.getDeclaredClasses()) {
      if (Modifier.isPublic(nested.getModifiers())) {
        api.add(nested);
      }
    }
    assertThat(api).contains(Credentials.TokenExchange.class);
    assertThat(secretGetters(api)).isEmpty();
  }

  @Test
  void theOpacityCheckFindsAGetterWhereThereIsOne() {
    assertThat(secretGetters(List.of(Leaky.class)))
        .containsExactlyInAnyOrder("secret", "password", "other");
  }

  /** What the opacity check must reject: public methods that hand out strings or secrets. */
  public static final class Leaky {
    public String secret() {
      return "s";
    }

    public char[] password() {
      return new char[0];
    }

    public CredentialParts other() {
      return null;
    }

    public Leaky copy() {
      return this;
    }
  }

  /** Public methods (factories aside) returning a String, char[] or anything holding secrets. */
  private static List<String> secretGetters(List<Class<?>> classes) {
    List<String> found = new ArrayList<>();
    for (Class<?> c : classes) {
      for (Method m : c.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic()
            || m.getName().equals("toString")) {
          continue;
        }
        Class<?> r = m.getReturnType();
        if (r == String.class || r == char[].class || r == byte[].class
            || r == CredentialParts.class || r == TokenProvider.class
            || r == java.net.URI.class) {
          found.add(m.getName());
        }
      }
    }
    return found;
  }

  @Test
  void everyFactoryRedactsItsSecretsInToString() {
    URI redirect = URI.create("https://app.example.com/cb");
    AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder()
        .edge(URI.create("https://edge.example.com"))
        .clientId("app").redirectUri(redirect).build();
    String state = queryParam(flow.authorizationUri(), "state");
    Credentials code = flow.complete("code-x", state, null);
    assertThat(code.toString()).doesNotContain("code-x")
        .doesNotContain(CredentialParts.of(code).codeVerifier());
    assertThat(Credentials.provider(() -> CompletableFuture.completedFuture(
        new AccessToken("t-123456", null, null))).toString()).doesNotContain("t-123456");
  }

  private static String queryParam(URI uri, String name) {
    for (String kv : uri.getRawQuery().split("&")) {
      if (kv.startsWith(name + "=")) {
        return kv.substring(name.length() + 1);
      }
    }
    throw new AssertionError(name + " missing in " + uri);
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
    CredentialParts p = CredentialParts.of(Credentials.provider(
        () -> CompletableFuture.completedFuture(new AccessToken("t-123456", null, null))));
    assertThat(p.grant()).isEqualTo(Grant.PROVIDED);
    assertThat(p.clientId()).isNull();
    assertThat(p.clientSecret()).isNull();
  }
}
