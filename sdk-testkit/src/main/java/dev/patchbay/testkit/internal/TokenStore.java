package dev.patchbay.testkit.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Access tokens, rotating refresh tokens (with reuse detection by family), authorization codes
 * and minted subject tokens. Thread-safe (every method synchronized). Tokens are opaque random
 * strings bound to (tenant, user); nothing here ever logs a token.
 */
public final class TokenStore {
  /** A live or dead access token. */
  public static final class AccessGrant {
    final String token;
    final String tenant;
    final String user;
    final String family;
    final Instant issuedAt;
    /** When the edge received the request that made this token (before it was issued). */
    final Instant requestedAt;
    volatile Instant expiresAt;
    volatile boolean revoked;

    AccessGrant(String token, String tenant, String user, String family, Instant requestedAt,
        Instant issuedAt, Instant expiresAt) {
      this.token = token;
      this.tenant = tenant;
      this.user = user;
      this.family = family;
      this.requestedAt = requestedAt;
      this.issuedAt = issuedAt;
      this.expiresAt = expiresAt;
    }

    public String tenant() {
      return tenant;
    }

    public String user() {
      return user;
    }

    public Instant expiresAt() {
      return expiresAt;
    }

    public boolean validAt(Instant now) {
      return !revoked && now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
      return "AccessGrant{user=" + user + ", tenant=" + tenant + ", expiresAt=" + expiresAt + '}';
    }
  }

  private static final class RefreshGrant {
    final String tenant;
    final String user;
    final String family;
    boolean used;

    RefreshGrant(String tenant, String user, String family) {
      this.tenant = tenant;
      this.user = user;
      this.family = family;
    }
  }

  /** What a refresh attempt found. */
  public enum RefreshOutcome { OK, UNKNOWN, REUSED }

  /** Result of issuing tokens. */
  public record Issued(String accessToken, String refreshToken, long expiresInSeconds,
      String tenant, String user) {
    @Override
    public String toString() {
      return "Issued{user=" + user + ", tenant=" + tenant + '}';
    }
  }

  /** A pending authorization code. */
  public record CodeGrant(String tenant, String user, String clientId, String redirectUri,
      String codeChallenge, Instant expiresAt) {
    @Override
    public String toString() {
      return "CodeGrant{user=" + user + ", clientId=" + clientId + '}';
    }
  }

  private final Clock clock;
  private final Map<String, AccessGrant> access = new HashMap<>();
  private final Map<String, RefreshGrant> refresh = new HashMap<>();
  private final Map<String, Set<String>> familyTokens = new HashMap<>();
  private final Set<String> deadFamilies = new HashSet<>();
  private final Map<String, CodeGrant> codes = new HashMap<>();
  private final Map<String, String[]> subjectTokens = new HashMap<>();

  private volatile java.util.function.Consumer<String> secretSink = s -> { };

  public TokenStore(Clock clock) {
    this.clock = clock;
  }

  /**
   * Told every secret this store mints (access and refresh tokens, codes, subject tokens), so a
   * test can check that none of them ever reaches a log line. Called under the store's lock:
   * must be cheap and must not call back into the store.
   */
  public void secretSink(java.util.function.Consumer<String> sink) {
    this.secretSink = java.util.Objects.requireNonNull(sink, "sink");
  }

  /**
   * Issues an access token (and a refresh token when {@code withRefresh}) in a new family.
   *
   * @param requestedAt when the edge received the request (null: now)
   */
  public synchronized Issued issue(String tenant, String user, Duration ttl, boolean withRefresh,
      Instant requestedAt) {
    return issueInFamily(tenant, user, ttl, withRefresh, Ids.shortId("f-"), requestedAt);
  }

  private Issued issueInFamily(String tenant, String user, Duration ttl, boolean withRefresh,
      String family, Instant requestedAt) {
    String at = Ids.opaque("at-");
    secretSink.accept(at);
    Instant now = clock.instant();
    access.put(at, new AccessGrant(at, tenant, user, family,
        requestedAt == null ? now : requestedAt, now, now.plus(ttl)));
    familyTokens.computeIfAbsent(family, f -> new HashSet<>()).add(at);
    String rt = null;
    if (withRefresh) {
      rt = Ids.opaque("rt-");
      secretSink.accept(rt);
      refresh.put(rt, new RefreshGrant(tenant, user, family));
      familyTokens.get(family).add(rt);
    }
    return new Issued(at, rt, Math.max(1, ttl.toSeconds()), tenant, user);
  }

  /**
   * Rotates a refresh token. A token used twice revokes its whole family (every access and
   * refresh token issued from the same original grant) and reports {@link RefreshOutcome#REUSED}.
   */
  public synchronized Object refresh(String refreshToken, Duration ttl, Instant requestedAt) {
    RefreshGrant g = refresh.get(refreshToken);
    if (g == null || deadFamilies.contains(g.family)) {
      return RefreshOutcome.UNKNOWN;
    }
    if (g.used) {
      revokeFamily(g.family);
      return RefreshOutcome.REUSED;
    }
    g.used = true;
    return issueInFamily(g.tenant, g.user, ttl, true, g.family, requestedAt);
  }

  private void revokeFamily(String family) {
    deadFamilies.add(family);
    for (String t : familyTokens.getOrDefault(family, Set.of())) {
      AccessGrant a = access.get(t);
      if (a != null) {
        a.revoked = true;
      }
    }
  }

  /** The grant for an access token, or null if unknown (expired or revoked grants are returned). */
  public synchronized AccessGrant lookup(String accessToken) {
    return accessToken == null ? null : access.get(accessToken);
  }

  /** RFC 7009: revokes an access token, or a refresh token together with its family. */
  public synchronized boolean revoke(String token) {
    AccessGrant a = access.get(token);
    if (a != null) {
      boolean was = !a.revoked;
      a.revoked = true;
      return was;
    }
    RefreshGrant r = refresh.get(token);
    if (r != null && !deadFamilies.contains(r.family)) {
      revokeFamily(r.family);
      return true;
    }
    return false;
  }

  /**
   * Revokes {@code token} like {@link #revoke} when it was issued to {@code user} of
   * {@code tenant} (a {@code logout} names tokens of the connection's own user only); another
   * user's or an unknown token is left alone. Returns whether it named a token of that user.
   */
  public synchronized boolean revokeOwn(String tenant, String user, String token) {
    AccessGrant a = access.get(token);
    RefreshGrant r = a == null ? refresh.get(token) : null;
    String owner = a != null ? a.user : r != null ? r.user : null;
    String ownerTenant = a != null ? a.tenant : r != null ? r.tenant : null;
    if (!user.equals(owner) || !tenant.equals(ownerTenant)) {
      return false;
    }
    revoke(token);
    return true;
  }

  /** Makes every access token of the user expire now (a fault). Returns how many. */
  public synchronized int expireUser(String user) {
    Instant now = clock.instant();
    int n = 0;
    for (AccessGrant a : access.values()) {
      if (a.user.equals(user) && a.validAt(now)) {
        a.expiresAt = now;
        n++;
      }
    }
    return n;
  }

  /** Live (not expired, not revoked) access tokens. */
  public synchronized int liveAccessTokens() {
    Instant now = clock.instant();
    int n = 0;
    for (AccessGrant a : access.values()) {
      if (a.validAt(now)) {
        n++;
      }
    }
    return n;
  }

  /** When each live access token of {@code user} was issued, oldest first. */
  public synchronized List<Instant> liveAccessTokensOf(String user) {
    return liveOf(user, false);
  }

  /** When the requests of the live access tokens of {@code user} arrived, oldest first. */
  public synchronized List<Instant> liveAccessTokenRequestsOf(String user) {
    return liveOf(user, true);
  }

  private List<Instant> liveOf(String user, boolean requested) {
    Instant now = clock.instant();
    List<Instant> out = new ArrayList<>();
    for (AccessGrant a : access.values()) {
      if (a.user.equals(user) && a.validAt(now)) {
        out.add(requested ? a.requestedAt : a.issuedAt);
      }
    }
    out.sort(null);
    return out;
  }

  public synchronized String newCode(CodeGrant grant) {
    String code = Ids.opaque("code-");
    secretSink.accept(code);
    codes.put(code, grant);
    return code;
  }

  /** Single use: the code is removed whatever the outcome. */
  public synchronized CodeGrant takeCode(String code) {
    return code == null ? null : codes.remove(code);
  }

  public synchronized String mintSubjectToken(String tenant, String user) {
    String t = Ids.opaque("idt-");
    secretSink.accept(t);
    subjectTokens.put(t, new String[] {tenant, user});
    return t;
  }

  /** {tenant, user} of a minted subject (id) token, or null. */
  public synchronized String[] subject(String idToken) {
    return idToken == null ? null : subjectTokens.get(idToken);
  }

  public synchronized void clear() {
    access.clear();
    refresh.clear();
    familyTokens.clear();
    deadFamilies.clear();
    codes.clear();
    subjectTokens.clear();
  }

  /** Purges expired grants (keeps memory bounded in long load runs). */
  public synchronized void purgeExpired(Duration olderThan) {
    Instant cutoff = clock.instant().minus(olderThan);
    List<String> dead = new ArrayList<>();
    access.forEach((k, v) -> {
      if (v.expiresAt.isBefore(cutoff)) {
        dead.add(k);
      }
    });
    dead.forEach(access::remove);
  }
}
