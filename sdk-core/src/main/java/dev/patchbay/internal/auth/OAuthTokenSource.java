package dev.patchbay.internal.auth;

import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.Credentials;
import dev.patchbay.internal.CredentialParts;
import dev.patchbay.PatchbayException;
import dev.patchbay.internal.Errors;
import dev.patchbay.internal.gate.Redactor;
import dev.patchbay.internal.gate.Saturating;
import dev.patchbay.internal.retry.Retrier;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens from one OAuth grant. Keeps the newest refresh token (rotation: a refresh answer that
 * carries a new one replaces the old; one without leaves the old in place). An authorization
 * code is exchanged once; after that only its refresh token can renew the access token.
 * Client-credentials and token-exchange grants simply repeat the grant.
 */
final class OAuthTokenSource implements TokenSource {
  static final String TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
  private static final Logger log = LoggerFactory.getLogger(OAuthTokenSource.class);

  private final CredentialParts credentials;
  private final ClientAuth auth;
  private final TokenEndpoint endpoint;
  private final Clock clock;
  private final Retrier revokeRetrier;
  private final Redactor.Holder secrets;
  private final Object lock = new Object();
  private String refreshToken; // guarded by lock; the newest one
  private boolean codeConsumed; // guarded by lock
  private boolean cleared; // guarded by lock

  /**
   * @param secrets where every secret of the grant is registered from now on (client secret
   *     with its Basic forms, subject token, code, verifier, and each refresh and access token
   *     as it is obtained); released by {@link #release()}
   */
  OAuthTokenSource(Credentials credentials, TokenEndpoint endpoint, Clock clock,
      Retrier revokeRetrier, Redactor.Holder secrets) {
    this.credentials = CredentialParts.of(credentials);
    this.auth = new ClientAuth(this.credentials.clientId(), this.credentials.clientSecret());
    this.endpoint = endpoint;
    this.clock = clock;
    this.revokeRetrier = revokeRetrier;
    this.secrets = secrets;
    CredentialParts c = this.credentials;
    secrets.holdClient("client", c.clientId(), c.clientSecret());
    if (c.grant() == CredentialParts.Grant.REFRESH_TOKEN) {
      this.refreshToken = c.refreshToken();
      secrets.hold("refresh", c.refreshToken());
    } else if (c.grant() == CredentialParts.Grant.TOKEN_EXCHANGE) {
      secrets.hold("grant", c.subjectToken());
    } else if (c.grant() == CredentialParts.Grant.AUTHORIZATION_CODE) {
      secrets.hold("grant", c.code(), c.codeVerifier());
    }
  }

  /** The refresh token the next refresh would use (tests). */
  String currentRefreshToken() {
    synchronized (lock) {
      return refreshToken;
    }
  }

  private record Grant(Map<String, String> params, List<String> secrets, boolean replaySafe,
      boolean usesCode) {}

  @Override
  public CompletableFuture<Issued> fetch(AccessToken rejected) {
    Grant grant;
    try {
      grant = nextGrant();
    } catch (AuthenticationException e) {
      return CompletableFuture.failedFuture(e);
    }
    Instant sent = clock.instant();
    CompletableFuture<TokenResponse> answer =
        endpoint.token(auth, grant.params, grant.secrets, grant.replaySafe);
    return answer.handle((r, error) -> {
      synchronized (lock) {
        // A retryable failure of a code exchange means the server did not take the code (a
        // 429/503 answer, or no connection at all); anything else may have consumed it.
        if (grant.usesCode && !(Retrier.unwrap(error) instanceof PatchbayException e
            && e.retryable())) {
          codeConsumed = true; // never send it again
        }
        if (r != null && r.refreshToken() != null && !cleared) {
          refreshToken = r.refreshToken();
        }
      }
      if (r != null) { // registered before anyone can see them
        secrets.hold("access", r.accessToken());
        if (r.refreshToken() != null) {
          secrets.hold("refresh", r.refreshToken());
        }
      }
      if (error != null) {
        throw Retrier.unwrap(error) instanceof RuntimeException re ? re
            : new IllegalStateException(error);
      }
      Instant expiresAt = r.expiresIn() == null ? null
          : Saturating.plusSeconds(sent, r.expiresIn());
      return new Issued(new AccessToken(r.accessToken(), expiresAt, r.scope()), sent);
    });
  }

  private Grant nextGrant() {
    Map<String, String> p = new LinkedHashMap<>();
    List<String> secrets = new ArrayList<>();
    if (credentials.clientSecret() != null) {
      secrets.add(credentials.clientSecret());
    }
    synchronized (lock) {
      if (cleared) {
        throw reauthenticate("the grant was rejected earlier (invalid_grant)");
      }
      CredentialParts c = credentials;
      if (c.grant() == CredentialParts.Grant.CLIENT_CREDENTIALS) {
        p.put("grant_type", "client_credentials");
        putIfPresent(p, "scope", c.scope());
        return new Grant(p, secrets, true, false);
      }
      if (c.grant() == CredentialParts.Grant.TOKEN_EXCHANGE) {
        p.put("grant_type", TOKEN_EXCHANGE_GRANT);
        p.put("subject_token", c.subjectToken());
        p.put("subject_token_type", c.subjectTokenType());
        putIfPresent(p, "audience", c.audience());
        putIfPresent(p, "scope", c.scope());
        secrets.add(c.subjectToken());
        return new Grant(p, secrets, true, false);
      }
      if (refreshToken != null) {
        p.put("grant_type", "refresh_token");
        p.put("refresh_token", refreshToken);
        secrets.add(refreshToken);
        return new Grant(p, secrets, false, false);
      }
      if (c.grant() == CredentialParts.Grant.AUTHORIZATION_CODE && !codeConsumed) {
        p.put("grant_type", "authorization_code");
        p.put("code", c.code());
        p.put("redirect_uri", c.redirectUri().toString());
        p.put("code_verifier", c.codeVerifier());
        secrets.add(c.code());
        secrets.add(c.codeVerifier());
        return new Grant(p, secrets, false, true);
      }
    }
    throw reauthenticate("the authorization code was already exchanged and the server issued"
        + " no refresh token");
  }

  private static AuthenticationException reauthenticate(String why) {
    return Errors.authentication(
        why + ": authenticate the user again", "invalid_grant", null, false, 0, null);
  }

  private static void putIfPresent(Map<String, String> p, String key, String value) {
    if (value != null) {
      p.put(key, value);
    }
  }

  @Override
  public void clear() {
    synchronized (lock) {
      cleared = true;
      refreshToken = null;
      codeConsumed = true;
    }
  }

  @Override
  public CompletableFuture<Void> revoke(AccessToken current) {
    String refresh;
    synchronized (lock) {
      refresh = refreshToken;
      refreshToken = null;
    }
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    if (refresh != null) {
      all.add(revokeOne(refresh, "refresh_token"));
    }
    if (current != null) {
      all.add(revokeOne(current.value(), "access_token"));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  @Override
  public CompletableFuture<Boolean> revokeAccess(AccessToken superseded) {
    return revokeOne(superseded.value(), "access_token");
  }

  private CompletableFuture<Boolean> revokeOne(String token, String hint) {
    return revokeRetrier.execute("token revocation (" + hint + ")",
            () -> endpoint.revoke(auth, token, hint))
        .handle((ok, error) -> {
          Throwable cause = Retrier.unwrap(error);
          if (cause instanceof AuthenticationException ae
              && "unsupported_token_type".equals(ae.error())) {
            log.debug("The server does not revoke {}s (RFC 7009 unsupported_token_type)", hint);
          } else if (error != null) {
            log.warn("Revoking the {} failed; it stays valid until it expires: {}", hint,
                cause.getMessage());
            return false;
          } else {
            log.debug("Revoked the {}", hint);
          }
          return true;
        });
  }

  @Override
  public void cancel() {
    endpoint.cancelAll();
  }

  @Override
  public void release() {
    secrets.close();
  }
}
