package dev.patchbay;

import dev.patchbay.internal.CredentialParts;
import dev.patchbay.internal.CredentialParts.Grant;
import java.net.URI;
import java.util.Objects;

/**
 * How one user agent obtains its access tokens. Immutable and opaque: made by the factories
 * below (or {@link AuthorizationCodeFlow#complete}), read only by the SDK; no method returns a
 * secret, and {@link #toString()} never shows a secret, refresh token, authorization code or
 * verifier.
 *
 * <ul>
 *   <li>{@link #clientCredentials(String, String)}: a service account (HTTP Basic client auth);
 *   <li>{@link #refreshToken(String, String, String)}: a refresh token the app already holds
 *       (rotating: the SDK always keeps the newest one it was given);
 *   <li>{@link #tokenExchange(String, String, String, String)}: RFC 8693, a backend obtaining a
 *       token on behalf of one user;
 *   <li>authorization code with PKCE: obtained from {@link AuthorizationCodeFlow#complete};
 *   <li>{@link #provider(TokenProvider)}: tokens the app obtains itself.
 * </ul>
 */
public abstract sealed class Credentials
    permits Credentials.ClientCredentials, Credentials.RefreshToken, Credentials.TokenExchange,
        Credentials.AuthorizationCode, Credentials.Provided {

  static final String REDACTED = "██";

  private final String clientId;
  private final String clientSecret;

  Credentials(String clientId, String clientSecret) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  /**
   * Client credentials grant; the client authenticates with HTTP Basic.
   *
   * @param clientId the OAuth client id
   * @param clientSecret the client secret (never log it)
   * @return the credentials
   */
  public static Credentials clientCredentials(String clientId, String clientSecret) {
    return new ClientCredentials(clientId, clientSecret, null);
  }

  /**
   * Client credentials grant asking for {@code scope} (space-separated), or null for the default.
   *
   * @param clientId the OAuth client id
   * @param clientSecret the client secret (never log it)
   * @param scope the scope, or null for the server's default
   * @return the credentials
   */
  public static Credentials clientCredentials(
      String clientId, String clientSecret, String scope) {
    return new ClientCredentials(clientId, clientSecret, scope);
  }

  /**
   * Refresh token grant.
   *
   * @param clientSecret null for a public client (the client id is then sent in the form)
   * @param clientId the OAuth client id
   * @param refreshToken the refresh token (never log it)
   * @return the credentials
   */
  public static Credentials refreshToken(
      String clientId, String clientSecret, String refreshToken) {
    return new RefreshToken(clientId, clientSecret, refreshToken);
  }

  /**
   * RFC 8693 token exchange: trades {@code subjectToken} (a token of the user the backend acts
   * for) for an access token of that user. Add an audience or scope with
   * {@link TokenExchange#withAudience(String)} / {@link TokenExchange#withScope(String)}.
   *
   * @param subjectTokenType for example {@link TokenExchange#ACCESS_TOKEN_TYPE}
   * @param clientId the OAuth client id of the backend
   * @param clientSecret the backend's client secret (never log it)
   * @param subjectToken the user's token (never log it)
   * @return the credentials
   */
  public static TokenExchange tokenExchange(
      String clientId, String clientSecret, String subjectToken, String subjectTokenType) {
    return new TokenExchange(
        clientId, clientSecret, subjectToken, subjectTokenType, null, null);
  }

  /**
   * Tokens the app obtains itself; the SDK caches them and asks again ahead of expiry.
   *
   * @param provider the app's token source
   * @return the credentials
   */
  public static Credentials provider(TokenProvider provider) {
    return new Provided(provider);
  }

  /** The OAuth client id, or null for {@link #provider(TokenProvider)}. */
  final String clientId() {
    return clientId;
  }

  /** The client secret (never log it), or null for a public client. */
  final String clientSecret() {
    return clientSecret;
  }

  /** What the token code reads, through {@link CredentialParts#of(Credentials)}. */
  abstract CredentialParts parts();

  static String require(String name, String value) {
    Objects.requireNonNull(value, name + " must not be null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  static String optional(String name, String value) {
    if (value != null && value.isBlank()) {
      throw new IllegalArgumentException(name + " must be null or non-blank, but was blank");
    }
    return value;
  }

  static String secret(String value) {
    return value == null ? "null" : REDACTED;
  }

  /** Client credentials grant (RFC 6749 §4.4). */
  static final class ClientCredentials extends Credentials {
    private final String scope;

    ClientCredentials(String clientId, String clientSecret, String scope) {
      super(require("clientId", clientId), require("clientSecret", clientSecret));
      this.scope = optional("scope", scope);
    }


    @Override
    CredentialParts parts() {
      return new CredentialParts(Grant.CLIENT_CREDENTIALS, clientId(), clientSecret(), scope,
          null, null, null, null, null, null, null, null);
    }

    @Override
    public String toString() {
      return "ClientCredentials{clientId=" + clientId() + ", clientSecret=" + REDACTED
          + ", scope=" + scope + '}';
    }
  }

  /** Refresh token grant (RFC 6749 §6). */
  static final class RefreshToken extends Credentials {
    private final String refreshToken;

    RefreshToken(String clientId, String clientSecret, String refreshToken) {
      super(require("clientId", clientId), optional("clientSecret", clientSecret));
      this.refreshToken = require("refreshToken", refreshToken);
    }


    @Override
    CredentialParts parts() {
      return new CredentialParts(Grant.REFRESH_TOKEN, clientId(), clientSecret(), null,
          refreshToken, null, null, null, null, null, null, null);
    }

    @Override
    public String toString() {
      return "RefreshToken{clientId=" + clientId() + ", clientSecret=" + secret(clientSecret())
          + ", refreshToken=" + REDACTED + '}';
    }
  }

  /**
   * Token exchange (RFC 8693): opaque like every {@code Credentials}; public for its withers
   * and token-type constants.
   */
  public static final class TokenExchange extends Credentials {
    /** {@code urn:ietf:params:oauth:token-type:access_token}. */
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    /** {@code urn:ietf:params:oauth:token-type:jwt}. */
    public static final String JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    /** {@code urn:ietf:params:oauth:token-type:id_token}. */
    public static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";

    private final String subjectToken;
    private final String subjectTokenType;
    private final String audience;
    private final String scope;

    TokenExchange(String clientId, String clientSecret, String subjectToken,
        String subjectTokenType, String audience, String scope) {
      super(require("clientId", clientId), require("clientSecret", clientSecret));
      this.subjectToken = require("subjectToken", subjectToken);
      this.subjectTokenType = require("subjectTokenType", subjectTokenType);
      this.audience = optional("audience", audience);
      this.scope = optional("scope", scope);
    }

    /**
     * A copy that asks for a token for {@code audience} (null to omit).
     *
     * @param audience the audience, or null
     * @return the copy
     */
    public TokenExchange withAudience(String audience) {
      return new TokenExchange(
          clientId(), clientSecret(), subjectToken, subjectTokenType, audience, scope);
    }

    /**
     * A copy that asks for {@code scope} (null to omit).
     *
     * @param scope the scope, or null
     * @return the copy
     */
    public TokenExchange withScope(String scope) {
      return new TokenExchange(
          clientId(), clientSecret(), subjectToken, subjectTokenType, audience, scope);
    }





    @Override
    CredentialParts parts() {
      return new CredentialParts(Grant.TOKEN_EXCHANGE, clientId(), clientSecret(), scope,
          null, subjectToken, subjectTokenType, audience, null, null, null, null);
    }

    @Override
    public String toString() {
      return "TokenExchange{clientId=" + clientId() + ", clientSecret=" + REDACTED
          + ", subjectToken=" + REDACTED + ", subjectTokenType=" + subjectTokenType
          + ", audience=" + audience + ", scope=" + scope + '}';
    }
  }

  /**
   * An authorization code and its PKCE verifier, already checked against {@code state} and
   * {@code iss}. Only {@link AuthorizationCodeFlow#complete} makes these, so the checks cannot be
   * skipped. The code is exchanged once, when the user agent first needs a token.
   */
  static final class AuthorizationCode extends Credentials {
    private final String code;
    private final String codeVerifier;
    private final URI redirectUri;

    AuthorizationCode(String clientId, String clientSecret, String code, String codeVerifier,
        URI redirectUri) {
      super(require("clientId", clientId), optional("clientSecret", clientSecret));
      this.code = require("code", code);
      this.codeVerifier = require("codeVerifier", codeVerifier);
      this.redirectUri = Objects.requireNonNull(redirectUri, "redirectUri must not be null");
    }




    @Override
    CredentialParts parts() {
      return new CredentialParts(Grant.AUTHORIZATION_CODE, clientId(), clientSecret(), null,
          null, null, null, null, code, codeVerifier, redirectUri, null);
    }

    @Override
    public String toString() {
      return "AuthorizationCode{clientId=" + clientId() + ", clientSecret="
          + secret(clientSecret()) + ", code=" + REDACTED + ", codeVerifier=" + REDACTED
          + ", redirectUri=" + redirectUri + '}';
    }
  }

  /** Tokens from an app-supplied {@link TokenProvider}. */
  static final class Provided extends Credentials {
    private final TokenProvider provider;

    Provided(TokenProvider provider) {
      super(null, null);
      this.provider = Objects.requireNonNull(provider, "provider must not be null");
    }


    @Override
    CredentialParts parts() {
      return new CredentialParts(Grant.PROVIDED, null, null, null, null, null, null, null, null,
          null, null, provider);
    }

    @Override
    public String toString() {
      return "Provided{provider=" + provider.getClass().getName() + '}';
    }
  }
}
