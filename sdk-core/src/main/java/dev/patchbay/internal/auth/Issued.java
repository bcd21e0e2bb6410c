package dev.patchbay.internal.auth;

import dev.patchbay.AccessToken;
import java.time.Instant;

/**
 * A token as obtained, with the local instant its lifetime is counted from (for OAuth grants
 * the moment the request was sent, a lower bound of when the server issued it).
 */
record Issued(AccessToken token, Instant issuedAt) {
  @Override
  public String toString() {
    return "Issued{" + token + ", issuedAt=" + issuedAt + '}';
  }
}
