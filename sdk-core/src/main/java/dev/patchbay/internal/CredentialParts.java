package dev.patchbay.internal;

import dev.patchbay.Credentials;
import dev.patchbay.TokenProvider;
import java.net.URI;

/**
 * What a {@link Credentials} holds, for the token code: {@code Credentials} itself is opaque to
 * apps (factories only). Fields a grant does not use are null. {@link #toString()} redacts every
 * secret, like {@code Credentials}.
 *
 * @param grant which grant the credentials are for
 * @param clientId the OAuth client id, or null for {@link Grant#PROVIDED}
 * @param clientSecret the client secret, or null for a public client
 * @param scope the scope to ask for, or null
 * @param refreshToken the initial refresh token ({@link Grant#REFRESH_TOKEN})
 * @param subjectToken the subject token ({@link Grant#TOKEN_EXCHANGE})
 * @param subjectTokenType its RFC 8693 type ({@link Grant#TOKEN_EXCHANGE})
 * @param audience the audience to ask for, or null ({@link Grant#TOKEN_EXCHANGE})
 * @param code the authorization code ({@link Grant#AUTHORIZATION_CODE})
 * @param codeVerifier its PKCE verifier ({@link Grant#AUTHORIZATION_CODE})
 * @param redirectUri the redirect URI the code was issued for ({@link Grant#AUTHORIZATION_CODE})
 * @param provider the app's token source ({@link Grant#PROVIDED})
 */
public record CredentialParts(Grant grant, String clientId, String clientSecret, String scope,
    String refreshToken, String subjectToken, String subjectTokenType, String audience,
    String code, String codeVerifier, URI redirectUri, TokenProvider provider) {

  /** The grant a {@link Credentials} stands for. */
  public enum Grant {
    /** RFC 6749 §4.4. */
    CLIENT_CREDENTIALS,
    /** RFC 6749 §6. */
    REFRESH_TOKEN,
    /** RFC 8693. */
    TOKEN_EXCHANGE,
    /** RFC 6749 §4.1 with PKCE. */
    AUTHORIZATION_CODE,
    /** An app-supplied {@link TokenProvider}. */
    PROVIDED
  }

  /**
   * The parts of {@code credentials}.
   *
   * @param credentials the credentials
   * @return their parts
   */
  public static CredentialParts of(Credentials credentials) {
    return ApiAccess.get().parts(credentials);
  }

  @Override
  public String toString() {
    return "CredentialParts{grant=" + grant + ", clientId=" + clientId + ", scope=" + scope
        + ", subjectTokenType=" + subjectTokenType + ", audience=" + audience
        + ", redirectUri=" + redirectUri + " (secrets redacted)}";
  }
}
