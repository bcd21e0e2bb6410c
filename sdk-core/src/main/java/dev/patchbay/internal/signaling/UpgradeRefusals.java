package dev.patchbay.internal.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.AuthenticationException;
import dev.patchbay.PatchbayException;
import dev.patchbay.internal.Errors;
import dev.patchbay.internal.retry.RetryAfter;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.Response;

/**
 * Maps a refused WebSocket upgrade to a typed error (protocol v1): 401 → token refused
 * ({@link AuthenticationException}, the caller refreshes once), 403 token of another user and
 * 409 token already in use (not retryable), 429/503 (retryable, with {@code Retry-After}),
 * other 5xx retryable, other 4xx not; a 3xx redirect is never followed and not retryable.
 */
public final class UpgradeRefusals {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_CHARS = 4096;

  private UpgradeRefusals() {}

  /**
   * A TLS handshake the client refused (untrusted certificate, host name, a fatal alert): typed
   * and not retryable — the next attempt meets the same certificate. Both transports use it.
   */
  public static PatchbayException tlsRefused(SSLException e) {
    return Errors.patchbay("cannot connect to the edge: the TLS handshake failed ("
        + JdkWsTransport.sanitize(e.getMessage()) + "); not retried: check the edge's "
        + "certificate and host name, and the trust the SDK was given", e, false, 0, null);
  }

  /**
   * The handshake refusal in {@code t}'s cause chain, or null: an {@link SSLHandshakeException}
   * or {@link SSLPeerUnverifiedException} caused by a certificate check (untrusted chain, host
   * name) or by the peer's fatal alert. The JDK client also reports a connection that ends or
   * resets mid-handshake as an {@code SSLHandshakeException} ("Remote host terminated the
   * handshake", no cause or an I/O cause): that one is not a refusal, and neither is anything
   * not recognised as one — the connect's retry budget bounds those.
   */
  static SSLException tlsRefusalIn(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SSLPeerUnverifiedException) {
        return (SSLException) c;
      }
      if (c instanceof SSLHandshakeException h && (causedBy(h, CertificateException.class)
          || String.valueOf(h.getMessage()).startsWith("Received fatal alert"))) {
        return h;
      }
    }
    return null;
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** The refusal of an OkHttp upgrade: status, headers and a small body of known length. */
  public static PatchbayException map(Response response, Instant now) {
    return map(response.code(), response::header,
        smallBody(response), now);
  }

  /**
   * The refusal from its status, headers and body (null when unavailable: the status and
   * {@code Retry-After} alone then decide).
   */
  public static PatchbayException map(int status, Function<String, String> header,
      String body, Instant now) {
    Optional<Duration> retryAfter = RetryAfter.parse(header.apply("Retry-After"), now);
    JsonNode json = json(body);
    String detail = detail(json);
    if (retryAfter.isEmpty() && detail != null) {
      retryAfter = bodyRetryAfter(json);
    }
    String suffix = detail == null ? "" : " (" + detail + ")";
    Duration ra = retryAfter.orElse(null);
    if (status >= 300 && status < 400) { // never followed: could leave the host, or TLS
      return Errors.edgeRejected("the edge answered the upgrade with a redirect (HTTP "
          + status + "); redirects are never followed", status, false, null, null);
    }
    switch (status) {
      case 401:
        return Errors.authentication("the edge refused the access token (401)" + suffix,
            "invalid_token", null, false, 401, null);
      case 403:
        return Errors.edgeRejected("the edge refused the upgrade: the token belongs to "
            + "another user (403)" + suffix, 403, false, null, null);
      case 409:
        return Errors.edgeRejected("the edge refused the upgrade: the token is already in "
            + "use on another live connection (409)" + suffix, 409, false, null, null);
      case 429:
        return Errors.edgeRejected("the edge rate-limited the upgrade (429)" + suffix, 429,
            true, ra, null);
      case 503:
        return Errors.edgeRejected("the edge refused the upgrade: tenant connection cap "
            + "reached (503)" + suffix, 503, true, ra, null);
      default:
        boolean retryable = status >= 500;
        return Errors.edgeRejected("the edge refused the upgrade with HTTP " + status
            + suffix, status, retryable, ra, null);
    }
  }

  /** The {@code error} code of the JSON body, sanitised; never the whole body. */
  private static String detail(JsonNode body) {
    if (body == null) {
      return null;
    }
    JsonNode error = body.get("error");
    if (error != null && error.isTextual()) {
      String e = error.asText();
      return e.length() > 64 ? null : e.replaceAll("[^A-Za-z0-9_.\\-]", "?");
    }
    return null;
  }

  private static Optional<Duration> bodyRetryAfter(JsonNode body) {
    if (body != null && body.has("retryAfterMs") && body.get("retryAfterMs").canConvertToLong()) {
      return RetryAfter.ofMillis(body.get("retryAfterMs").asLong());
    }
    return Optional.empty();
  }

  private static JsonNode json(String text) {
    if (text == null || text.isBlank() || text.length() > MAX_BODY_CHARS) {
      return null;
    }
    try {
      return JSON.readTree(text);
    } catch (Exception e) { // not JSON: the status alone decides
      return null;
    }
  }

  private static String smallBody(Response response) {
    try {
      // Only a body of known, small length: never block OkHttp's thread on an unbounded body.
      long length = response.body().contentLength();
      if (length <= 0 || length > MAX_BODY_CHARS) {
        return null;
      }
      return response.peekBody(length).string();
    } catch (Exception e) { // unreadable: the status alone decides
      return null;
    }
  }
}
