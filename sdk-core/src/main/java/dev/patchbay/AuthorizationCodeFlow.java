package dev.patchbay;

import dev.patchbay.internal.auth.Pkce;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One authorization-code login with PKCE (RFC 7636, S256 only) for an app that owns the
 * browser. The SDK builds the authorization URL and, from the redirect the browser comes back
 * with, the {@link Credentials} that exchange the code:
 *
 * <pre>{@code
 * AuthorizationCodeFlow flow = AuthorizationCodeFlow.builder()
 *     .edge(URI.create("https://edge.example.com"))
 *     .clientId("softphone").redirectUri(URI.create("http://127.0.0.1:8123/callback"))
 *     .build();
 * browser.open(flow.authorizationUri());
 * Credentials credentials = flow.complete(redirectTheBrowserCameBackWith);
 * UserAgent alice = patchbay.connect(credentials, UserAgentOptions.defaults("acme")).join();
 * }</pre>
 *
 * <p>{@link #complete} checks {@code state} (constant time) and, when the redirect carries one,
 * {@code iss} (RFC 9207) before anything is sent, and turns an {@code error} redirect into an
 * {@link AuthenticationException}. A flow completes once. Thread-safe; {@link #toString()}
 * shows no state or verifier.
 */
public final class AuthorizationCodeFlow {
  /** Verifier length unless the builder says otherwise (~386 bits from a CSPRNG). */
  public static final int DEFAULT_VERIFIER_LENGTH = 64;

  private final URI authorizationEndpoint;
  private final String issuer;
  private final boolean requireIssuer;
  private final String clientId;
  private final String clientSecret;
  private final URI redirectUri;
  private final String scope;
  private final String loginHint;
  private final String state;
  private final String verifier;
  private boolean completed; // guarded by this

  private AuthorizationCodeFlow(Builder b) {
    this.authorizationEndpoint = b.authorizationEndpoint;
    this.issuer = b.issuer;
    this.requireIssuer = b.requireIssuer;
    this.clientId = b.clientId;
    this.clientSecret = b.clientSecret;
    this.redirectUri = b.redirectUri;
    this.scope = b.scope;
    this.loginHint = b.loginHint;
    this.state = Pkce.state(b.random);
    this.verifier = Pkce.verifier(b.random, b.verifierLength);
  }

  /**
   * A builder for one login of one user.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Where to send the user's browser.
   *
   * @return the authorization request URI, with {@code state}, PKCE challenge and the other
   *     parameters
   */
  public URI authorizationUri() {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", clientId);
    q.put("redirect_uri", redirectUri.toString());
    if (scope != null) {
      q.put("scope", scope);
    }
    q.put("state", state);
    q.put("code_challenge", Pkce.challenge(verifier));
    q.put("code_challenge_method", Pkce.METHOD);
    if (loginHint != null) {
      q.put("login_hint", loginHint);
    }
    StringBuilder b = new StringBuilder(authorizationEndpoint.toString());
    char sep = authorizationEndpoint.getRawQuery() == null ? '?' : '&';
    for (Map.Entry<String, String> e : q.entrySet()) {
      b.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
      sep = '&';
    }
    return URI.create(b.toString());
  }

  /**
   * The redirect URI the authorization server sends the browser back to.
   *
   * @return the redirect URI
   */
  public URI redirectUri() {
    return redirectUri;
  }

  /**
   * The issuer {@code iss} must equal when present, or null when none is known.
   *
   * @return the expected issuer, or null
   */
  public String issuer() {
    return issuer;
  }

  /**
   * Checks the redirect the browser came back with and returns the credentials that exchange
   * its code (when the user agent first needs a token).
   *
   * @param redirect the full redirect URI, with its query parameters
   * @return the credentials to connect the user with
   * @throws AuthenticationException on a {@code state} mismatch, a wrong or (when required)
   *     missing {@code iss}, an {@code error} redirect, or a missing code
   * @throws IllegalStateException when this flow was already completed
   */
  public Credentials complete(URI redirect) {
    Objects.requireNonNull(redirect, "redirect must not be null");
    Map<String, String> p = query(redirect.getRawQuery());
    return complete(p.get("code"), p.get("state"), p.get("iss"), p.get("error"),
        p.get("error_description"));
  }

  /**
   * {@link #complete(URI)} for an app that already parsed the redirect's parameters.
   *
   * @param code the {@code code} parameter of the redirect
   * @param state the {@code state} parameter of the redirect
   * @param iss the {@code iss} parameter of the redirect, or null when absent
   * @return the credentials to connect the user with
   */
  public Credentials complete(String code, String state, String iss) {
    return complete(code, state, iss, null, null);
  }

  private synchronized Credentials.AuthorizationCode complete(
      String code, String returnedState, String iss, String error, String description) {
    if (completed) {
      throw new IllegalStateException("this authorization flow was already completed;"
          + " start a new one for another login");
    }
    completed = true;
    if (returnedState == null || !MessageDigest.isEqual(
        state.getBytes(StandardCharsets.UTF_8), returnedState.getBytes(StandardCharsets.UTF_8))) {
      throw new AuthenticationException(returnedState == null
          ? "the authorization response has no state parameter"
          : "the authorization response's state does not match this flow (possible CSRF)");
    }
    if (iss != null && issuer != null && !issuer.equals(iss)) {
      throw new AuthenticationException("the authorization response's iss '" + printable(iss)
          + "' is not the expected issuer '" + issuer + "' (RFC 9207 mix-up defence)");
    }
    if (iss == null && requireIssuer) {
      throw new AuthenticationException(
          "the authorization response has no iss parameter, but the issuer is required");
    }
    if (error != null) {
      throw new AuthenticationException("the authorization server refused the login: "
          + printable(error) + (description == null ? "" : ": " + printable(description)),
          printable(error), null, false, 0, null);
    }
    if (code == null || code.isBlank()) {
      throw new AuthenticationException("the authorization response carries no code");
    }
    return new Credentials.AuthorizationCode(clientId, clientSecret, code, verifier, redirectUri);
  }

  /** Server text fit for a message: this flow's state and verifier masked, no control chars. */
  private String printable(String s) {
    String masked = s.replace(state, Credentials.REDACTED).replace(verifier, Credentials.REDACTED);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < masked.length() && b.length() < 200; i++) {
      char c = masked.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    return b.toString();
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return "AuthorizationCodeFlow{endpoint=" + authorizationEndpoint + ", clientId=" + clientId
        + ", redirectUri=" + redirectUri + ", scope=" + scope + ", issuer=" + issuer
        + ", state=██, verifier=██}";
  }

  /** Validating builder; {@link #build()} draws a fresh state and verifier. */
  public static final class Builder {
    private URI authorizationEndpoint;
    private String issuer;
    private boolean requireIssuer;
    private String clientId;
    private String clientSecret;
    private URI redirectUri;
    private String scope;
    private String loginHint;
    private SecureRandom random;
    private int verifierLength = DEFAULT_VERIFIER_LENGTH;

    private Builder() {}

    /**
     * The Patchbay edge: authorization endpoint {@code {edge}/oauth/authorize}, issuer the
     * edge's base URI without a trailing slash (unless {@link #issuer} says otherwise).
     *
     * @param edge the edge's base URI
     * @return this builder
     */
    public Builder edge(URI edge) {
      Objects.requireNonNull(edge, "edge must not be null");
      String base = edge.toString();
      while (base.endsWith("/")) {
        base = base.substring(0, base.length() - 1);
      }
      this.authorizationEndpoint = URI.create(base + "/oauth/authorize");
      if (issuer == null) {
        this.issuer = base;
      }
      return this;
    }

    /**
     * The authorization endpoint, when it is not the edge's {@code /oauth/authorize}.
     *
     * @param authorizationEndpoint the endpoint URI
     * @return this builder
     */
    public Builder authorizationEndpoint(URI authorizationEndpoint) {
      this.authorizationEndpoint =
          Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint must not be null");
      return this;
    }

    /**
     * The issuer identifier {@code iss} must equal (exact string comparison, RFC 9207).
     *
     * @param issuer the expected issuer
     * @return this builder
     */
    public Builder issuer(String issuer) {
      this.issuer = Credentials.optional("issuer", issuer);
      return this;
    }

    /**
     * Reject redirects without {@code iss} (the server advertises RFC 9207 support).
     *
     * @param requireIssuer true to reject a redirect that carries no {@code iss}
     * @return this builder
     */
    public Builder requireIssuer(boolean requireIssuer) {
      this.requireIssuer = requireIssuer;
      return this;
    }

    /**
     * The OAuth client id of the app (required).
     *
     * @param clientId the client id
     * @return this builder
     */
    public Builder clientId(String clientId) {
      this.clientId = Credentials.require("clientId", clientId);
      return this;
    }

    /**
     * Only for a confidential client; a native app is a public client and has none.
     *
     * @param clientSecret the client secret, or null for a public client
     * @return this builder
     */
    public Builder clientSecret(String clientSecret) {
      this.clientSecret = Credentials.optional("clientSecret", clientSecret);
      return this;
    }

    /**
     * The redirect URI registered for the client (required).
     *
     * @param redirectUri the redirect URI
     * @return this builder
     */
    public Builder redirectUri(URI redirectUri) {
      this.redirectUri = Objects.requireNonNull(redirectUri, "redirectUri must not be null");
      return this;
    }

    /**
     * The scope to ask for (space-separated), or null for the server's default.
     *
     * @param scope the scope, or null
     * @return this builder
     */
    public Builder scope(String scope) {
      this.scope = Credentials.optional("scope", scope);
      return this;
    }

    /**
     * Tells the server which user is logging in (the fake edge auto-approves by it).
     *
     * @param loginHint the user's login name, or null
     * @return this builder
     */
    public Builder loginHint(String loginHint) {
      this.loginHint = Credentials.optional("loginHint", loginHint);
      return this;
    }

    /**
     * Verifier length in [43, 128]; default {@value #DEFAULT_VERIFIER_LENGTH}.
     *
     * @param verifierLength the number of characters of the PKCE verifier
     * @return this builder
     */
    public Builder verifierLength(int verifierLength) {
      if (verifierLength < Pkce.MIN_VERIFIER_LENGTH || verifierLength > Pkce.MAX_VERIFIER_LENGTH) {
        throw new IllegalArgumentException("verifierLength must be in [43, 128], but was "
            + verifierLength);
      }
      this.verifierLength = verifierLength;
      return this;
    }

    Builder random(SecureRandom random) {
      this.random = random;
      return this;
    }

    /**
     * Creates the flow with a fresh {@code state} and PKCE verifier.
     *
     * @return the flow
     * @throws IllegalStateException when a required setting is missing
     */
    public AuthorizationCodeFlow build() {
      if (authorizationEndpoint == null) {
        throw new IllegalStateException("authorizationEndpoint (or edge) must be set");
      }
      if (clientId == null) {
        throw new IllegalStateException("clientId must be set");
      }
      if (redirectUri == null) {
        throw new IllegalStateException("redirectUri must be set");
      }
      if (random == null) {
        random = new SecureRandom();
      }
      return new AuthorizationCodeFlow(this);
    }
  }
}
