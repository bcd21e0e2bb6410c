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
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  /**
   * The access tokens of {@link #refreshToken}'s family (issued with it or by refreshing it),
   * expired ones dropped: revoking the refresh token revokes them too (docs/protocol.md 2.3, RFC
   * 7009 2.1), so {@link #revoke} revokes them one by one only when that fails. Guarded by lock.
   */
  private final List<AccessToken> family = new ArrayList<>(1);
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
    boolean refreshGrant = "refresh_token".equals(grant.params.get("grant_type"));
    return answer.handle((r, error) -> {
      AccessToken token = null;
      if (r != null) {
        Instant expiresAt = r.expiresIn() == null ? null
            : Saturating.plusSeconds(sent, r.expiresIn());
        token = new AccessToken(r.accessToken(), expiresAt, r.scope());
      }
      synchronized (lock) {
        // A retryable failure of a code exchange means the server did not take the code (a
        // 429/503 answer, or no connection at all); anything else may have consumed it.
        if (grant.usesCode && !(Retrier.unwrap(error) instanceof PatchbayException e
            && e.retryable())) {
          codeConsumed = true; // never send it again
        }
        if (r != null && !cleared) {
          if (r.refreshToken() != null) {
            if (!refreshGrant) { // a new grant: a new family
              family.clear();
            }
            refreshToken = r.refreshToken();
            joinFamilyLocked(token);
          } else if (refreshGrant && refreshToken != null) { // the refresh token stays
            joinFamilyLocked(token);
          }
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
      return new Issued(token, sent);
    });
  }

  private void joinFamilyLocked(AccessToken token) {
    Instant now = clock.instant();
    family.removeIf(t -> t.expiresAt() != null && !t.expiresAt().isAfter(now));
    family.add(token);
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
      family.clear();
      codeConsumed = true;
    }
  }

  /**
   * Revokes the refresh token and the live access tokens not of its family at once; the
   * family's access tokens only if the refresh token's revocation failed or the server does not
   * revoke refresh tokens (then they may still be live). One request per agent at close instead
   * of two.
   */
  @Override
  public CompletableFuture<Void> revoke(List<AccessToken> live) {
    String refresh;
    List<AccessToken> covered = new ArrayList<>();
    List<AccessToken> others = new ArrayList<>();
    synchronized (lock) {
      refresh = refreshToken;
      refreshToken = null;
      for (AccessToken t : live) {
        (refresh != null && family.contains(t) ? covered : others).add(t);
      }
      family.clear();
    }
    List<CompletableFuture<?>> all = new ArrayList<>();
    if (refresh != null) {
      all.add(revokeOne(refresh, "refresh_token").thenCompose(outcome ->
          outcome == Outcome.REVOKED ? CompletableFuture.completedFuture(null)
              : revokeEach(covered)));
    }
    all.add(revokeEach(others));
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  @Override
  public List<String> revocationPlan(List<AccessToken> live) {
    List<String> values = new ArrayList<>();
    synchronized (lock) {
      if (refreshToken != null) {
        values.add(refreshToken);
      }
      for (AccessToken t : live) {
        if (refreshToken == null || !family.contains(t)) {
          values.add(t.value());
        }
      }
    }
    return values;
  }

  @Override
  public Set<AccessToken> revokedByEdge(Collection<String> values) {
    synchronized (lock) {
      if (refreshToken == null || !values.contains(refreshToken)) {
        return Set.of();
      }
      refreshToken = null;
      Set<AccessToken> covered = new HashSet<>(family);
      family.clear();
      return covered;
    }
  }

  private CompletableFuture<Void> revokeEach(List<AccessToken> tokens) {
    return CompletableFuture.allOf(tokens.stream()
        .map(t -> revokeOne(t.value(), "access_token")).toArray(CompletableFuture[]::new));
  }

  @Override
  public CompletableFuture<Boolean> revokeAccess(AccessToken superseded) {
    return revokeOne(superseded.value(), "access_token").thenApply(o -> {
      if (o == Outcome.REVOKED) {
        synchronized (lock) {
          family.remove(superseded);
        }
      }
      return o != Outcome.FAILED;
    });
  }

  private enum Outcome { REVOKED, UNSUPPORTED, FAILED }

  private CompletableFuture<Outcome> revokeOne(String token, String hint) {
    return revokeRetrier.execute("token revocation (" + hint + ")",
            () -> endpoint.revoke(auth, token, hint))
        .handle((ok, error) -> {
          Throwable cause = Retrier.unwrap(error);
          if (cause instanceof AuthenticationException ae
              && "unsupported_token_type".equals(ae.error())) {
            log.debug("The server does not revoke {}s (RFC 7009 unsupported_token_type)", hint);
            return Outcome.UNSUPPORTED;
          } else if (error != null) {
            log.warn("Revoking the {} failed; it stays valid until it expires: {}", hint,
                cause.getMessage());
            return Outcome.FAILED;
          }
          log.debug("Revoked the {}", hint);
          return Outcome.REVOKED;
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
