package dev.patchbay;

import java.time.Instant;
import java.util.Objects;

/**
 * A bearer access token and when it expires (on the local clock, already corrected for the
 * moment it was received). {@link #toString()} never shows the token.
 */
public final class AccessToken {
  private final String value;
  private final Instant expiresAt;
  private final String scope;

  /**
   * @param expiresAt null when the server gave no lifetime
   * @param scope null when the server did not say
   * @param value the token string sent as {@code Authorization: Bearer} (a secret: never log it)
   */
  public AccessToken(String value, Instant expiresAt, String scope) {
    this.value = Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("access token must not be blank");
    }
    this.expiresAt = expiresAt;
    this.scope = scope;
  }

  /**
   * The secret token value. Never log it.
   *
   * @return the token value
   */
  public String value() {
    return value;
  }

  /**
   * When the server said it expires, or null when it did not say.
   *
   * @return the expiry the server gave, or null
   */
  public Instant expiresAt() {
    return expiresAt;
  }

  /**
   * The scope the server granted.
   *
   * @return the granted scope, or null when the server did not say
   */
  public String scope() {
    return scope;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AccessToken t && value.equals(t.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "AccessToken{██, expiresAt=" + expiresAt + ", scope=" + scope + '}';
  }
}
