package dev.patchbay.internal.auth;

import java.time.Instant;
import java.util.Collection;

/** Test access to package-private token internals: the answer parser and the refresh token. */
public final class TokenProbe {
  private TokenProbe() {}

  /** A parsed token answer, as plain values. */
  public record Parsed(String accessToken, Long expiresIn, String refreshToken, String scope) {}

  /** {@code TokenEndpoint.parseAnswer}: a TokenResponse or a typed PatchbayException. */
  public static Parsed parse(int status, String body, String retryAfter,
      Collection<String> secrets, Instant now) {
    TokenResponse r = TokenEndpoint.parseAnswer(status, body, retryAfter, secrets,
        "refresh_token", now);
    return new Parsed(r.accessToken(), r.expiresIn(), r.refreshToken(), r.scope());
  }

  /** The refresh token the manager would use now (a secret: never log it). */
  public static String refreshToken(RealTokenManager m) {
    return m.refreshTokenForTests();
  }
}
