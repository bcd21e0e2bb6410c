package dev.patchbay.internal.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.AuthenticationException;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.PatchbayException;
import dev.patchbay.ProtocolException;
import dev.patchbay.internal.Errors;
import dev.patchbay.internal.gate.EdgeGate;
import dev.patchbay.internal.gate.Redactor;
import dev.patchbay.internal.retry.RetryAfter;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP attempt at the token or revocation endpoint (no retries here: the caller wraps it in
 * a {@link dev.patchbay.internal.retry.Retrier}). Async through OkHttp's {@code enqueue}; every
 * attempt has a call timeout; cancelling the returned future cancels the HTTP call.
 *
 * <p>Failures are typed: OAuth error bodies become {@link AuthenticationException} (error code
 * and a sanitised description), 429/503 a retryable {@link EdgeRejectedException} carrying
 * {@code Retry-After}, other statuses a non-retryable one, an unreadable 2xx a
 * {@link ProtocolException}. No message ever contains what the request carried or a secret the
 * config's {@link Redactor} knows; {@code expires_in} and {@code Retry-After} pass the
 * {@link EdgeGate} clamps.
 *
 * <p>An attempt that failed in transport — no answer in time, the connection reset, the body
 * stalled — is judged by one rule ({@link #retryableTransportFailure}), whichever phase it
 * failed in; the {@link dev.patchbay.internal.retry.Retrier} around it then applies the one
 * retry policy.
 */
final class TokenEndpoint {
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OkHttpClient http;
  private final OAuthEndpoints endpoints;
  private final TokenConfig config;
  private final Redactor redactor;
  private final Set<Call> calls = ConcurrentHashMap.newKeySet();
  /** Calls {@link #cancelAll} cancelled: their failure is not a transport failure. */
  private final Set<Call> cancelledByOwner = ConcurrentHashMap.newKeySet();

  TokenEndpoint(OkHttpClient http, OAuthEndpoints endpoints, TokenConfig config) {
    this.http = forTokenRequests(http);
    this.endpoints = endpoints;
    this.config = config;
    this.redactor = config.redactor();
  }

  /**
   * {@code http} with retries and redirects off: never replay a token request behind the retry
   * policy's back (a rotating refresh token must not be sent twice), and never follow a redirect
   * with client credentials. A client already configured so is returned as is, so one client
   * prepared per SDK serves every token manager instead of one derived client each.
   */
  static OkHttpClient forTokenRequests(OkHttpClient http) {
    if (!http.retryOnConnectionFailure() && !http.followRedirects()
        && !http.followSslRedirects()) {
      return http;
    }
    return http.newBuilder().retryOnConnectionFailure(false).followRedirects(false)
        .followSslRedirects(false).build();
  }

  /**
   * POSTs a token request.
   *
   * @param params the grant's form parameters (including {@code grant_type})
   * @param secrets every secret value the request carries (masked if the server echoes them)
   * @param replaySafe whether repeating the request after a lost answer is harmless (a rotating
   *     refresh token or a one-time code is not)
   */
  CompletableFuture<TokenResponse> token(ClientAuth auth, Map<String, String> params,
      Collection<String> secrets, boolean replaySafe) {
    String grant = params.get("grant_type");
    return post(endpoints.tokenTarget(), auth, params, "token request (" + grant + ")", replaySafe)
        .thenApply(r -> parseToken(r, secrets, grant));
  }

  /**
   * RFC 7009 revocation. 200 is success, also for a token the server does not know; 503 and
   * 429 are retryable (the token still lives).
   */
  CompletableFuture<Void> revoke(ClientAuth auth, String token, String typeHint) {
    if (endpoints.revokeTarget() == null) {
      return CompletableFuture.completedFuture(null);
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("token", token);
    params.put("token_type_hint", typeHint);
    return post(endpoints.revokeTarget(), auth, params, "token revocation (" + typeHint + ")", true)
        .thenApply(r -> {
          if (r.status / 100 == 2) {
            return null;
          }
          throw failure(r, "token revocation (" + typeHint + ")", Set.of(token),
              config.clock().instant(), redactor);
        });
  }

  /** Cancels every HTTP call still running (close). */
  void cancelAll() {
    for (Call c : calls) {
      cancelledByOwner.add(c);
      c.cancel();
    }
  }

  /**
   * Whether an attempt that failed in transport with {@code e} may be repeated. The same rule
   * for every phase (connect, send, waiting for the answer, reading the body) and for OkHttp's
   * call timeout: a request that never left ({@link ConnectException},
   * {@link UnknownHostException}) is always safe to repeat; one that may have reached the server
   * (a timeout, a reset) only when {@code replaySafe}; a refused TLS handshake never (it does
   * not heal by retrying).
   */
  static boolean retryableTransportFailure(IOException e, boolean replaySafe) {
    if (e instanceof javax.net.ssl.SSLHandshakeException
        || e instanceof javax.net.ssl.SSLPeerUnverifiedException) {
      return false;
    }
    return replaySafe || e instanceof ConnectException || e instanceof UnknownHostException;
  }

  private record Answer(int status, String body, String retryAfter, String contentType) {}

  private CompletableFuture<Answer> post(OAuthEndpoints.Target target, ClientAuth auth,
      Map<String, String> params, String what, boolean replaySafe) {
    HttpUrl url = target.url();
    String where = target.where();
    Map<String, String> form = new LinkedHashMap<>(params);
    auth.addTo(form);
    FormBody.Builder body = new FormBody.Builder();
    form.forEach(body::add);
    Request.Builder request = new Request.Builder().url(url).post(body.build())
        .header("Accept", "application/json");
    String basic = auth.basicHeader();
    if (basic != null) {
      request.header("Authorization", basic);
    }
    Call call = http.newCall(request.build());
    call.timeout().timeout(
        dev.patchbay.internal.gate.Saturating.toMillis(config.requestTimeout()),
        TimeUnit.MILLISECONDS);
    CompletableFuture<Answer> result = new CompletableFuture<>();
    result.whenComplete((a, e) -> {
      calls.remove(call);
      if (result.isCancelled()) {
        call.cancel();
      }
      cancelledByOwner.remove(call);
    });
    calls.add(call);
    long started = System.nanoTime();
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        transportFailure(c, e, "failed");
      }

      @Override
      public void onResponse(Call c, Response response) {
        try (response) {
          String text = response.peekBody(MAX_BODY_BYTES).string();
          log.debug("{} to {} answered {} in {} ms", what, where, response.code(),
              millisSince(started));
          result.complete(new Answer(response.code(), text, response.header("Retry-After"),
              response.header("Content-Type")));
        } catch (IOException e) {
          transportFailure(c, e, "failed reading the answer");
        } catch (RuntimeException e) {
          transportFailure(c, new IOException(e.getClass().getSimpleName(), e),
              "failed reading the answer");
        }
      }

      /** Both phases end here: one retry rule ({@link #retryableTransportFailure}). */
      private void transportFailure(Call c, IOException e, String how) {
        boolean abandoned = cancelledByOwner.remove(c) || result.isDone();
        boolean retryable = !abandoned && retryableTransportFailure(e, replaySafe);
        log.debug("{} to {} {} after {} ms: {} (retryable {})", what, where, how,
            millisSince(started), e.getClass().getSimpleName(), retryable);
        result.completeExceptionally(Errors.patchbay(
            what + " to " + where + " " + how + ": " + e.getClass().getSimpleName(), e,
            retryable, 0, null));
      }
    });
    return result;
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private TokenResponse parseToken(Answer a, Collection<String> secrets, String grant) {
    return parseAnswer(a.status, a.body, a.retryAfter, secrets, grant, config.clock().instant(),
        redactor);
  }

  /** The answer parser without a registry of secrets (only the heuristic and {@code secrets}). */
  static TokenResponse parseAnswer(int status, String body, String retryAfterHeader,
      Collection<String> secrets, String grant, java.time.Instant now) {
    return parseAnswer(status, body, retryAfterHeader, secrets, grant, now, new Redactor());
  }

  /**
   * Turns one token-endpoint answer into a validated {@link TokenResponse}, or throws a typed
   * {@link PatchbayException} (and nothing else, whatever the body: the fuzz target checks it).
   *
   * @param secrets values the request carried, masked should the server echo them
   */
  static TokenResponse parseAnswer(int status, String body, String retryAfterHeader,
      Collection<String> secrets, String grant, java.time.Instant now, Redactor redactor) {
    Answer a = new Answer(status, body, retryAfterHeader, null);
    String what = "token request (" + grant + ")";
    if (a.status / 100 != 2) {
      throw failure(a, what, secrets, now, redactor);
    }
    JsonNode json = parseJson(a.body);
    if (json == null || !json.isObject()) {
      throw Errors.protocol(what + ": the token endpoint answered " + a.status
          + " with a body that is not a JSON object");
    }
    String accessToken = text(json, "access_token", what);
    if (accessToken == null || accessToken.isBlank()) {
      throw Errors.protocol(what + ": access_token must be a non-blank string, but was "
          + (json.has("access_token") ? json.get("access_token").getNodeType() : "missing"));
    }
    String type = text(json, "token_type", what);
    if (type != null && !type.equalsIgnoreCase("Bearer")) {
      throw Errors.protocol(what + ": token_type must be Bearer, but was "
          + OAuthErrors.safe(type, redactor, secrets));
    }
    Long expiresIn = expiresIn(json.get("expires_in"), what);
    String refresh = text(json, "refresh_token", what);
    if (refresh != null && refresh.isBlank()) {
      refresh = null;
    }
    return new TokenResponse(accessToken, expiresIn, refresh, text(json, "scope", what));
  }

  private static Long expiresIn(JsonNode n, String what) {
    if (n == null || n.isNull()) {
      return null;
    }
    long v;
    if (n.canConvertToLong() && n.isIntegralNumber()) {
      v = n.asLong();
    } else if (n.isTextual() && n.asText().matches("\\d{1,12}")) {
      v = Long.parseLong(n.asText());
    } else {
      throw Errors.protocol(
          what + ": expires_in must be a non-negative integer, but was " + n.getNodeType());
    }
    if (v < 0) {
      throw Errors.protocol(what + ": expires_in must be >= 0, but was " + v);
    }
    return EdgeGate.expiresInSeconds(v); // 1 s .. 1 year: no overflow when scheduling
  }

  private static String text(JsonNode json, String field, String what) {
    JsonNode n = json.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw Errors.protocol(
          what + ": " + field + " must be a string, but was " + n.getNodeType());
    }
    return n.asText();
  }

  private static JsonNode parseJson(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static PatchbayException failure(Answer a, String what, Collection<String> secrets,
      java.time.Instant now, Redactor redactor) {
    JsonNode json = parseJson(a.body);
    String error = OAuthErrors.error(json);
    if (a.status == 429 || a.status == 503) {
      Optional<Duration> retryAfter = RetryAfter.parse(a.retryAfter, now);
      return Errors.edgeRejected(what + ": the server answered " + a.status
          + (error == null ? "" : " (" + OAuthErrors.safe(error, redactor, secrets) + ")")
          + retryAfter.map(d -> ", retry after " + d).orElse(""), a.status, true,
          retryAfter.orElse(null), null);
    }
    if (error != null && a.status / 100 == 4) {
      return Errors.authentication(what + " refused (" + a.status + "): "
          + OAuthErrors.describe(json, redactor, secrets),
          OAuthErrors.safe(error, redactor, secrets), null, false,
          a.status, null);
    }
    if (a.status == 401) {
      return Errors.authentication(what + " refused (401): the client authentication was"
          + " not accepted", null, null, false, 401, null);
    }
    return Errors.edgeRejected(what + ": the server answered " + a.status
        + (error == null ? "" : " (" + OAuthErrors.safe(error, redactor, secrets) + ")"),
        a.status, false,
        null, null);
  }
}
