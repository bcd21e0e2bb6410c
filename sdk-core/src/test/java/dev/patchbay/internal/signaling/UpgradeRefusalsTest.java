package dev.patchbay.internal.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.AuthenticationException;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.PatchbayException;
import java.io.IOException;
import java.net.SocketException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UpgradeRefusalsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static Response response(int code, String retryAfter, String body) {
    Response.Builder b = new Response.Builder()
        .request(new Request.Builder().url("http://127.0.0.1/v1/signaling").build())
        .protocol(Protocol.HTTP_1_1).code(code).message("refused")
        .body(ResponseBody.create(body, MediaType.get("application/json")));
    if (retryAfter != null) {
      b.header("Retry-After", retryAfter);
    }
    return b.build();
  }

  @Test
  void unauthorizedIsAnAuthenticationErrorForTheOneForcedRefresh() {
    PatchbayException e = UpgradeRefusals.map(response(401, null,
        "{\"status\":401,\"error\":\"invalid_token\"}"), NOW);

    assertThat(e).isInstanceOf(AuthenticationException.class).hasMessageContaining("401")
        .hasMessageContaining("invalid_token");
    assertThat(e.status()).hasValue(401);
    assertThat(e.retryable()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 404, 409})
  void clientErrorsAreNotRetryable(int status) {
    PatchbayException e = UpgradeRefusals.map(response(status, "5", "{}"), NOW);

    assertThat(e).isInstanceOf(EdgeRejectedException.class);
    assertThat(e.status()).hasValue(status);
    assertThat(e.retryable()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 503})
  void capacityRefusalsAreRetryableAfterRetryAfter(int status) {
    PatchbayException e = UpgradeRefusals.map(response(status, "7", "{}"), NOW);

    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
  }

  @Test
  void retryAfterAsHttpDateIsHonoured() {
    PatchbayException e = UpgradeRefusals.map(
        response(503, "Thu, 01 Jan 2026 00:00:30 GMT", "{}"), NOW);

    assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
  }

  @Test
  void otherServerErrorsAreRetryableWithoutADelay() {
    PatchbayException e = UpgradeRefusals.map(response(502, null, "not json"), NOW);

    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).isEmpty();
  }

  @Test
  void theBodyNeverReachesTheMessageOnlyItsSanitisedErrorCode() {
    PatchbayException e = UpgradeRefusals.map(response(403, null,
        "{\"error\":\"token_user_mismatch\",\"message\":\"token at-SECRET123 is bob's\"}"), NOW);

    assertThat(e).hasMessageContaining("token_user_mismatch").hasMessageNotContaining("SECRET");
  }

  /**
   * What the JDK client reports on a TLS handshake that did not finish: a certificate check or
   * the peer's alert is a refusal (typed, not retried); a connection that ended or reset is not.
   */
  @Test
  void onlyACertificateCheckOrThePeersAlertIsATlsRefusal() {
    Function<Throwable, Throwable> asTheJdkWrapsIt =
        t -> new CompletionException(new IOException(t));
    SSLHandshakeException untrusted = new SSLHandshakeException(
        "PKIX path building failed");
    untrusted.initCause(new CertificateException("unable to find a path"));
    SSLHandshakeException alert =
        new SSLHandshakeException("Received fatal alert: handshake_failure");
    SSLHandshakeException cut =
        new SSLHandshakeException("Remote host terminated the handshake");
    SSLHandshakeException reset =
        new SSLHandshakeException("Remote host terminated the handshake");
    reset.initCause(new SocketException("Connection reset"));

    assertThat(UpgradeRefusals.tlsRefusalIn(asTheJdkWrapsIt.apply(untrusted))).isSameAs(untrusted);
    assertThat(UpgradeRefusals.tlsRefusalIn(asTheJdkWrapsIt.apply(alert))).isSameAs(alert);
    SSLPeerUnverifiedException unverified =
        new SSLPeerUnverifiedException("peer not authenticated");
    assertThat(UpgradeRefusals.tlsRefusalIn(unverified)).isSameAs(unverified);
    assertThat(UpgradeRefusals.tlsRefusalIn(asTheJdkWrapsIt.apply(cut))).isNull();
    assertThat(UpgradeRefusals.tlsRefusalIn(asTheJdkWrapsIt.apply(reset))).isNull();
    assertThat(UpgradeRefusals.tlsRefusalIn(new IOException("refused"))).isNull();

    PatchbayException e = UpgradeRefusals.tlsRefused(untrusted);
    assertThat(e.retryable()).isFalse();
    assertThat(e).hasMessageContaining("TLS handshake failed (PKIX path building failed)")
        .hasCause(untrusted);
  }
}
