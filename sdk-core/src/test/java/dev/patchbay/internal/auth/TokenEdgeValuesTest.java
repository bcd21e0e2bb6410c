package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.Credentials;
import dev.patchbay.PatchbayException;
import dev.patchbay.internal.gate.Redactor;
import dev.patchbay.testing.LogCapture;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Values and text the token endpoint sends pass the gate: {@code expires_in} is clamped (no
 * overflow, no hang), echoed secrets are masked in every encoded form, timeouts in any phase
 * follow the one retry rule, and plaintext endpoints are refused.
 */
class TokenEdgeValuesTest {
  /** A secret with characters that form-encoding changes. */
  private static final String SECRET = "p@ss w/rd+ü-4711";
  private static final String CLIENT = "app";
  private final TokenFixture f;

  TokenEdgeValuesTest() throws Exception {
    f = new TokenFixture();
    for (String form : Redactor.formsOf(SECRET)) {
      LogCapture.registerSecret(form);
    }
    LogCapture.registerSecret(basic(true));
    LogCapture.registerSecret(basic(false));
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  private static String basic(boolean formEncoded) {
    String pair = formEncoded ? URLEncoder.encode(CLIENT, StandardCharsets.UTF_8) + ":"
        + URLEncoder.encode(SECRET, StandardCharsets.UTF_8) : CLIENT + ":" + SECRET;
    return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------ expires_in

  @ParameterizedTest
  @ValueSource(strings = {"10000000000000000", "9223372036854775807", "31536001"})
  void aHugeExpiresInIsClampedToOneYearAndTheTokenArrives(String expiresIn) throws Exception {
    f.server.token = r -> json(200, "{\"access_token\":\"access-token-huge\",\"token_type\":"
        + "\"Bearer\",\"expires_in\":" + expiresIn + "}");
    LogCapture.registerSecret("access-token-huge");
    RealTokenManager m = f.manager(Credentials.clientCredentials(CLIENT, SECRET));

    AccessToken t = m.token().get(5, TimeUnit.SECONDS); // on the base commit: hangs or throws

    assertThat(t.expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofDays(365)));
    assertThat(f.scheduler.getQueue()).as("one refresh timer").hasSize(1);
  }

  @Test
  void aZeroExpiresInIsRaisedToOneSecond() throws Exception {
    f.server.token = r -> json(200,
        "{\"access_token\":\"access-token-zero\",\"token_type\":\"Bearer\",\"expires_in\":0}");
    LogCapture.registerSecret("access-token-zero");
    RealTokenManager m = f.manager(Credentials.clientCredentials(CLIENT, SECRET));
    assertThat(m.token().get(5, TimeUnit.SECONDS).expiresAt())
        .isEqualTo(f.clock.instant().plusSeconds(1));
  }

  @Test
  void aProviderTokenThatNeverExpiresSchedulesNoOverflowingTimer() throws Exception {
    RealTokenManager m = f.manager(Credentials.provider(() ->
        java.util.concurrent.CompletableFuture.completedFuture(
            new AccessToken("provider-token-max", java.time.Instant.MAX, null))));
    LogCapture.registerSecret("provider-token-max");
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("provider-token-max");
    assertThat(f.scheduler.getQueue()).hasSize(1);
  }

  // ------------------------------------------------------------------ echoed secrets

  @Test
  void anOAuthErrorEchoingTheBasicHeaderAndEncodedSecretIsMasked() {
    f.server.token = r -> json(401, "{\"error\":\"invalid_client\",\"error_description\":"
        + "\"header Basic " + basic(true) + " / plain " + basic(false) + " / form "
        + URLEncoder.encode(SECRET, StandardCharsets.UTF_8) + " not accepted\"}");
    RealTokenManager m = f.manager(Credentials.clientCredentials(CLIENT, SECRET));

    assertThatThrownBy(() -> m.token().get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("invalid_client")
        .hasMessageNotContaining(basic(true)).hasMessageNotContaining(basic(false))
        .hasMessageNotContaining(URLEncoder.encode(SECRET, StandardCharsets.UTF_8))
        .hasMessageNotContaining(SECRET)
        .hasMessageContaining("not accepted");
  }

  @Test
  void tokensAreMaskedWhileHeldAndReleasedAfterClose() throws Exception {
    Redactor redactor = new Redactor();
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> OAuthTestServer.token("access-token-r" + n.incrementAndGet(), 3600,
        "refresh-token-r" + n.get());
    RealTokenManager m = f.manager(Credentials.clientCredentials(CLIENT, SECRET),
        f.config().redactor(redactor).build());
    m.token().get(5, TimeUnit.SECONDS);

    assertThat(redactor.redact("edge said access-token-r1 and refresh-token-r1 and " + SECRET))
        .isEqualTo("edge said ██ and ██ and ██");
    assertThat(redactor.size()).isPositive();

    m.closeAsync().get(5, TimeUnit.SECONDS);

    assertThat(redactor.size()).as("every registration released at close").isZero();
  }

  // ------------------------------------------------------------------ timeouts

  enum Phase { WAITING_FOR_HEADERS, READING_THE_BODY }

  private static MockResponse stalled(Phase phase, MockResponse answer) {
    return phase == Phase.WAITING_FOR_HEADERS
        ? answer.newBuilder().headersDelay(3, TimeUnit.SECONDS).build()
        : answer.newBuilder().bodyDelay(3, TimeUnit.SECONDS).build();
  }

  @ParameterizedTest
  @EnumSource(Phase.class)
  void aTimedOutReplaySafeRequestIsRetriedInEveryPhase(Phase phase) throws Exception {
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> {
      MockResponse ok = OAuthTestServer.token("access-token-t" + n.incrementAndGet(), 300, null);
      return n.get() == 1 ? stalled(phase, ok) : ok;
    };
    RealTokenManager m = f.manager(Credentials.clientCredentials(CLIENT, SECRET),
        f.config().requestTimeout(Duration.ofMillis(300)).build());

    assertThat(m.token().get(10, TimeUnit.SECONDS).value()).isEqualTo("access-token-t2");
    assertThat(f.server.tokenRequests()).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(Phase.class)
  void aTimedOutRefreshIsNeverReplayedInAnyPhase(Phase phase) throws Exception {
    f.server.token = r -> stalled(phase, OAuthTestServer.token("access-token-x", 300, null));
    LogCapture.registerSecret("refresh-token-stall");
    RealTokenManager m = f.manager(Credentials.refreshToken(CLIENT, SECRET, "refresh-token-stall"),
        f.config().requestTimeout(Duration.ofMillis(300)).build());

    assertThatThrownBy(() -> m.token().get(10, TimeUnit.SECONDS)).cause()
        .isInstanceOf(PatchbayException.class)
        .satisfies(e -> assertThat(((PatchbayException) e).retryable()).isFalse());
    assertThat(f.server.tokenRequests()).hasSize(1);
  }

  // ------------------------------------------------------------------ transport policy

  @Test
  void aPlaintextTokenEndpointOffLoopbackIsRefusedUnlessAllowed() {
    OkHttpClient http = f.http;
    ScheduledThreadPoolExecutor scheduler = f.scheduler;
    OAuthEndpoints remote = OAuthEndpoints.forEdge(URI.create("http://auth.example.com"));
    assertThatThrownBy(() -> RealTokenManager.create(
        Credentials.clientCredentials(CLIENT, SECRET), remote, http, scheduler,
        f.config().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://auth.example.com/oauth/token")
        .hasMessageContaining("allowPlaintext");
    RealTokenManager allowed = RealTokenManager.create(
        Credentials.clientCredentials(CLIENT, SECRET), remote, http, scheduler,
        f.config().allowPlaintext(true).build());
    f.managers.add(allowed);
    f.managers.add(RealTokenManager.create(Credentials.clientCredentials(CLIENT, SECRET),
        OAuthEndpoints.forEdge(URI.create("https://auth.example.com")), http, scheduler,
        f.config().build()));
  }
}
