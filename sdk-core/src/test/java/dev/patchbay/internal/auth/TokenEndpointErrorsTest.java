package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.json;
import static dev.patchbay.internal.auth.OAuthTestServer.status;
import static dev.patchbay.internal.auth.OAuthTestServer.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.AuthenticationException;
import dev.patchbay.Credentials;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.PatchbayException;
import dev.patchbay.ProtocolException;
import dev.patchbay.testing.LogCapture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every failure is typed, clear, not retried unless 429/503, and free of secrets. */
class TokenEndpointErrorsTest {
  private static final String SECRET = "client-secret-echo-me";
  private final TokenFixture f;

  TokenEndpointErrorsTest() throws Exception {
    f = new TokenFixture();
    LogCapture.registerSecret(SECRET);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  private AbstractThrowableAssert<?, ? extends Throwable> failureFor(MockResponse answer) {
    f.server.token = r -> answer;
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", SECRET));
    return assertThatThrownBy(() -> m.token().get(5, TimeUnit.SECONDS)).cause();
  }

  @Test
  void anOAuthErrorBodyBecomesAnAuthenticationExceptionWithCodeAndDescription() {
    failureFor(json(401, "{\"error\":\"invalid_client\",\"error_description\":"
        + "\"client secret " + SECRET + " is wrong\"}"))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("invalid_client: client secret ██ is wrong")
        .hasMessageNotContaining(SECRET)
        .satisfies(e -> {
          AuthenticationException ae = (AuthenticationException) e;
          assertThat(ae.error()).isEqualTo("invalid_client");
          assertThat(ae.status()).hasValue(401);
          assertThat(ae.retryable()).isFalse();
        });
    assertThat(f.server.tokenRequests()).hasSize(1);
  }

  @Test
  void a401WithoutBodyIsAnAuthenticationException() {
    failureFor(status(401, null)).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("client authentication");
  }

  @Test
  void controlCharactersAndHugeDescriptionsAreTamed() {
    failureFor(json(400, "{\"error\":\"invalid_scope\",\"error_description\":\"line1\\nline2"
        + "x".repeat(5000) + "\"}"))
        .isInstanceOf(AuthenticationException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(400));
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "[]", "{}", "{\"access_token\":42}",
      "{\"access_token\":\"\"}",
      "{\"access_token\":\"tok-abcdef\",\"token_type\":\"mac\"}",
      "{\"access_token\":\"tok-abcdef\",\"expires_in\":\"soon\"}",
      "{\"access_token\":\"tok-abcdef\",\"expires_in\":-3}"})
  void anUnreadableSuccessIsAProtocolExceptionThatDoesNotQuoteTheBody(String body) {
    LogCapture.registerSecret("tok-abcdef");
    failureFor(json(200, body)).isInstanceOf(ProtocolException.class)
        .hasMessageNotContaining("tok-abcdef");
    assertThat(f.server.tokenRequests()).hasSize(1);
  }

  @Test
  void expiresInAsANumericStringIsAccepted() throws Exception {
    f.server.token = r -> json(200,
        "{\"access_token\":\"tok-abcdef\",\"token_type\":\"bearer\",\"expires_in\":\"60\"}");
    LogCapture.registerSecret("tok-abcdef");
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", SECRET));
    assertThat(m.token().get(5, TimeUnit.SECONDS).expiresAt())
        .isEqualTo(f.clock.instant().plusSeconds(60));
  }

  @Test
  void aMissingExpiresInMeansTheTokenIsKeptUntilRejected() throws Exception {
    f.server.token = r -> json(200, "{\"access_token\":\"tok-abcdef\",\"token_type\":\"Bearer\"}");
    LogCapture.registerSecret("tok-abcdef");
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", SECRET));
    assertThat(m.token().get(5, TimeUnit.SECONDS).expiresAt()).isNull();
    f.clock.advance(java.time.Duration.ofDays(1));
    m.token().get(5, TimeUnit.SECONDS);
    assertThat(f.server.tokenRequests()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 404, 500, 502})
  void otherStatusesAreRejectedWithoutRetry(int code) {
    failureFor(status(code, null)).isInstanceOf(EdgeRejectedException.class)
        .satisfies(e -> {
          assertThat(((PatchbayException) e).status()).hasValue(code);
          assertThat(((PatchbayException) e).retryable()).isFalse();
        });
    assertThat(f.server.tokenRequests()).hasSize(1);
  }

  @Test
  void a503ThatOutlivesTheRetryBudgetSurfacesAsRetryableEdgeRejection() {
    failureFor(status(503, null)).isInstanceOf(EdgeRejectedException.class)
        .satisfies(e -> {
          EdgeRejectedException er = (EdgeRejectedException) e;
          assertThat(er.status()).hasValue(503);
          assertThat(er.retryable()).isTrue();
          assertThat(er.retryAfter()).isEmpty();
        });
    assertThat(f.server.tokenRequests()).hasSize(TokenFixture.FAST.maxAttempts());
  }

  @Test
  void anUnreachableServerIsRetriedThenReported() throws Exception {
    f.server.close(); // connection refused from now on
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", SECRET));
    assertThatThrownBy(() -> m.token().get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(PatchbayException.class).hasMessageContaining("ConnectException")
        .satisfies(e -> assertThat(((PatchbayException) e).retryable()).isTrue());
  }

  @Test
  void aRefreshWhoseAnswerWasLostIsNotReplayed() throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> {
      n.incrementAndGet();
      return token("access-token-x", 60, null).newBuilder()
          .onResponseStart(mockwebserver3.SocketEffect.ShutdownConnection.INSTANCE).build();
    };
    RealTokenManager m = f.manager(Credentials.refreshToken("app", SECRET, "refresh-token-0"));
    LogCapture.registerSecret("refresh-token-0");
    assertThatThrownBy(() -> m.token().get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(PatchbayException.class)
        .satisfies(e -> assertThat(((PatchbayException) e).retryable()).isFalse());
    assertThat(n).hasValue(1);
  }
}
