package dev.patchbay.testkit.internal;

import dev.patchbay.testkit.Fault;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /oauth/token}, {@code /oauth/authorize}, {@code /oauth/revoke}. */
public final class OAuthHandler {
  private static final Logger LOG = LoggerFactory.getLogger(OAuthHandler.class);
  static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String TYPE_ACCESS = "urn:ietf:params:oauth:token-type:access_token";
  static final String TYPE_ID = "urn:ietf:params:oauth:token-type:id_token";
  private static final Duration CODE_TTL = Duration.ofMinutes(1);

  private final EdgeModel model;
  private final Directory directory;
  private final TokenStore tokens;
  private final CounterSet counters;
  private final FaultState faults;
  private final Supplier<Duration> tokenTtl;
  private final Supplier<String> issuer;
  private final Clock clock;

  public OAuthHandler(EdgeModel model, Directory directory, TokenStore tokens,
      CounterSet counters, FaultState faults, Supplier<Duration> tokenTtl,
      Supplier<String> issuer, Clock clock) {
    this.model = model;
    this.directory = directory;
    this.tokens = tokens;
    this.counters = counters;
    this.faults = faults;
    this.tokenTtl = tokenTtl;
    this.issuer = issuer;
    this.clock = clock;
  }

  // ---- /oauth/token -----------------------------------------------------------------------

  public void token(Request request, Response response, Callback callback) throws Exception {
    counters.inc("tokenRequests");
    if (!"POST".equals(request.getMethod())) {
      Http.json(response, callback, 405, Http.oauthError("invalid_request", "use POST"));
      return;
    }
    Map<String, String> form;
    try {
      form = Http.readForm(request);
    } catch (IllegalArgumentException e) {
      form = null;
    }
    String[] basic = Http.basic(request);
    String clientId = basic != null ? basic[0] : form == null ? null : form.get("client_id");
    EdgeSettings.Client known = directory.get(clientId);
    Fault.TokenEndpointStatus scripted = faults.take(Fault.TokenEndpointStatus.class,
        known == null ? null : known.tenant(), clientId);
    if (scripted != null) {
      counters.refusal(scripted.status());
      if (scripted.retryAfter() != null) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, scripted.retryAfter());
      }
      Http.json(response, callback, scripted.status(), Http.oauthError(
          scripted.status() == 429 ? "slow_down" : "temporarily_unavailable",
          "scripted token endpoint fault"));
      return;
    }
    if (form == null) {
      tokenError(response, callback, 400, "invalid_request", "request body too large");
      return;
    }
    String secret = basic != null ? basic[1] : form.get("client_secret");
    if (known != null) {
      long wait = model.tokenRateDelay(known.tenant());
      if (wait > 0) {
        counters.refusal(429);
        Http.json(response, callback, 429, Http.oauthError("slow_down",
            "too many token requests for tenant " + known.tenant()), Refusal.seconds(wait));
        return;
      }
    }
    String grant = form.getOrDefault("grant_type", "");
    switch (grant) {
      case "client_credentials" -> clientCredentials(clientId, secret, response, callback);
      case "refresh_token" -> refresh(form, clientId, secret, basic != null, response, callback);
      case "authorization_code" -> authorizationCode(form, clientId, response, callback);
      case TOKEN_EXCHANGE -> exchange(form, clientId, secret, response, callback);
      case "" -> tokenError(response, callback, 400, "invalid_request", "grant_type is required");
      default -> tokenError(response, callback, 400, "unsupported_grant_type",
          "unsupported grant_type");
    }
  }

  private void clientCredentials(String clientId, String secret, Response response,
      Callback callback) {
    EdgeSettings.Client c = directory.authenticate(clientId, secret);
    if (c == null) {
      invalidClient(response, callback);
      return;
    }
    if (c.backend()) {
      tokenError(response, callback, 400, "unauthorized_client",
          "backend clients act for users through token exchange");
      return;
    }
    issue(response, callback, tokens.issue(c.tenant(), c.clientId(), tokenTtl.get(), true,
        requestedAt(response)), false);
  }

  private void refresh(Map<String, String> form, String clientId, String secret,
      boolean basicSent, Response response, Callback callback) {
    if (basicSent || secret != null) {
      if (directory.authenticate(clientId, secret) == null) {
        invalidClient(response, callback);
        return;
      }
    }
    EdgeSettings.Client refresher = directory.get(clientId);
    if (faults.take(Fault.RefuseTokenRefresh.class,
        refresher == null ? null : refresher.tenant(), clientId) != null) {
      tokenError(response, callback, 400, "invalid_grant", "refresh refused (scripted fault)");
      return;
    }
    String rt = form.get("refresh_token");
    if (rt == null || rt.isEmpty()) {
      tokenError(response, callback, 400, "invalid_request", "refresh_token is required");
      return;
    }
    Object outcome = tokens.refresh(rt, tokenTtl.get(), requestedAt(response));
    if (outcome == TokenStore.RefreshOutcome.REUSED) {
      model.violation("refreshReuse", null, null,
          "a rotated-out refresh token was presented again; its family is revoked");
      tokenError(response, callback, 400, "invalid_grant",
          "refresh token reuse detected; every token of this grant is revoked");
    } else if (outcome instanceof TokenStore.Issued issued) {
      counters.inc("refreshes");
      issue(response, callback, issued, false);
    } else {
      tokenError(response, callback, 400, "invalid_grant", "unknown or revoked refresh token");
    }
  }

  private void authorizationCode(Map<String, String> form, String clientId, Response response,
      Callback callback) {
    TokenStore.CodeGrant g = tokens.takeCode(form.get("code"));
    String verifier = form.get("code_verifier");
    if (g == null || clock.instant().isAfter(g.expiresAt())) {
      tokenError(response, callback, 400, "invalid_grant", "unknown, used or expired code");
    } else if (clientId == null || !clientId.equals(g.clientId())) {
      tokenError(response, callback, 400, "invalid_grant", "code was issued to another client");
    } else if (!g.redirectUri().equals(form.get("redirect_uri"))) {
      tokenError(response, callback, 400, "invalid_grant", "redirect_uri does not match");
    } else if (verifier == null || verifier.length() < 43 || verifier.length() > 128) {
      tokenError(response, callback, 400, "invalid_grant",
          "code_verifier must be 43 to 128 characters");
    } else if (!s256(verifier).equals(g.codeChallenge())) {
      tokenError(response, callback, 400, "invalid_grant", "code_verifier does not match");
    } else {
      issue(response, callback, tokens.issue(g.tenant(), g.user(), tokenTtl.get(), true,
          requestedAt(response)), false);
    }
  }

  private void exchange(Map<String, String> form, String clientId, String secret,
      Response response, Callback callback) {
    EdgeSettings.Client c = directory.authenticate(clientId, secret);
    if (c == null) {
      invalidClient(response, callback);
      return;
    }
    if (!c.backend()) {
      tokenError(response, callback, 400, "unauthorized_client",
          "only backend clients may exchange tokens");
      return;
    }
    String subject = form.get("subject_token");
    String type = form.getOrDefault("subject_token_type", "");
    String tenant = null;
    String user = null;
    if (TYPE_ACCESS.equals(type)) {
      TokenStore.AccessGrant g = tokens.lookup(subject);
      if (g != null && g.validAt(clock.instant())) {
        tenant = g.tenant();
        user = g.user();
      }
    } else if (TYPE_ID.equals(type)) {
      String[] s = tokens.subject(subject);
      if (s != null) {
        tenant = s[0];
        user = s[1];
      }
    } else {
      tokenError(response, callback, 400, "invalid_request",
          "subject_token_type must be an access_token or id_token type URN");
      return;
    }
    if (user == null || !c.tenant().equals(tenant)) {
      tokenError(response, callback, 400, "invalid_grant",
          "subject_token is invalid or belongs to another tenant");
      return;
    }
    counters.inc("tokenExchanges");
    issue(response, callback, tokens.issue(tenant, user, tokenTtl.get(), false,
        requestedAt(response)), true);
  }

  private void issue(Response response, Callback callback, TokenStore.Issued issued,
      boolean exchanged) {
    counters.inc("tokensIssued");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", issued.accessToken());
    body.put("token_type", "Bearer");
    body.put("expires_in", issued.expiresInSeconds());
    if (issued.refreshToken() != null) {
      body.put("refresh_token", issued.refreshToken());
    }
    body.put("scope", "signaling");
    if (exchanged) {
      body.put("issued_token_type", TYPE_ACCESS);
    }
    Http.json(response, callback, 200, body);
  }

  /** When Jetty received the request being answered (the edge's clock is the system's). */
  private static java.time.Instant requestedAt(Response response) {
    return java.time.Instant.ofEpochMilli(Request.getTimeStamp(response.getRequest()));
  }

  private void invalidClient(Response response, Callback callback) {
    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"patchbay\"");
    tokenError(response, callback, 401, "invalid_client", "client authentication failed");
  }

  private void tokenError(Response response, Callback callback, int status, String error,
      String description) {
    counters.inc("tokenErrors");
    Http.json(response, callback, status, Http.oauthError(error, description));
  }

  static String s256(String verifier) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- /oauth/authorize -------------------------------------------------------------------

  public void authorize(Request request, Response response, Callback callback) {
    counters.inc("authorizeRequests");
    Fields q = Request.extractQueryParameters(request);
    String redirect = q.getValue("redirect_uri");
    String clientId = q.getValue("client_id");
    URI target;
    try {
      target = redirect == null ? null : URI.create(redirect);
    } catch (IllegalArgumentException e) {
      target = null;
    }
    if (target == null || !target.isAbsolute() || clientId == null || clientId.isEmpty()) {
      Http.json(response, callback, 400, Http.oauthError("invalid_request",
          "client_id and an absolute redirect_uri are required"));
      return;
    }
    String state = q.getValue("state");
    Map<String, String> params = new LinkedHashMap<>();
    EdgeSettings.Client user = directory.user(q.getValue("login_hint"));
    if (!"code".equals(q.getValue("response_type"))) {
      params.put("error", "unsupported_response_type");
    } else if (!"S256".equals(q.getValue("code_challenge_method"))
        || q.getValue("code_challenge") == null || q.getValue("code_challenge").length() < 43) {
      params.put("error", "invalid_request");
      params.put("error_description", "PKCE with code_challenge_method=S256 is required");
    } else if (user == null) {
      params.put("error", "access_denied");
      params.put("error_description", "login_hint must name a configured test user");
    } else {
      params.put("code", tokens.newCode(new TokenStore.CodeGrant(user.tenant(), user.clientId(),
          clientId, redirect, q.getValue("code_challenge"), clock.instant().plus(CODE_TTL))));
    }
    if (state != null) {
      params.put("state", state);
    }
    params.put("iss", issuer.get());
    StringBuilder location = new StringBuilder(redirect);
    char sep = redirect.contains("?") ? '&' : '?';
    for (Map.Entry<String, String> e : params.entrySet()) {
      location.append(sep).append(e.getKey()).append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    response.setStatus(302);
    response.getHeaders().put(HttpHeader.LOCATION, location.toString());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    callback.succeeded();
  }

  // ---- /oauth/revoke ----------------------------------------------------------------------

  public void revoke(Request request, Response response, Callback callback) throws Exception {
    if (!"POST".equals(request.getMethod())) {
      Http.json(response, callback, 405, Http.oauthError("invalid_request", "use POST"));
      return;
    }
    // The body is read before any answer, scripted ones included: answering while the client
    // is still sending makes Jetty close the connection with unread bytes, and the client's
    // kernel may then drop the answer with a reset ("header parser received no bytes").
    Map<String, String> form;
    try {
      form = Http.readForm(request);
    } catch (IllegalArgumentException e) {
      Http.json(response, callback, 400, Http.oauthError("invalid_request", "body too large"));
      return;
    }
    Fault.RevokeEndpointStatus scripted = faults.take(Fault.RevokeEndpointStatus.class, null,
        null);
    if (scripted != null) {
      counters.inc("revokeFaults");
      if (scripted.retryAfter() != null) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, scripted.retryAfter());
      }
      Http.json(response, callback, scripted.status(), Http.oauthError(
          "temporarily_unavailable", "scripted revocation endpoint fault"));
      return;
    }
    String[] basic = Http.basic(request);
    if (basic != null && directory.authenticate(basic[0], basic[1]) == null) {
      invalidClient(response, callback);
      return;
    }
    String token = form.get("token");
    if (token == null || token.isEmpty()) {
      Http.json(response, callback, 400, Http.oauthError("invalid_request", "token is required"));
      return;
    }
    if (tokens.revoke(token)) {
      counters.inc("revocations");
    }
    response.setStatus(200);
    callback.succeeded();
  }
}
