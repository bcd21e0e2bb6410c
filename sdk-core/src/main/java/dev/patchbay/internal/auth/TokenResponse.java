package dev.patchbay.internal.auth;

/**
 * A successful token endpoint answer (RFC 6749 §5.1), already validated.
 *
 * @param expiresIn seconds, or null when the server did not say
 * @param refreshToken null when none was issued (the previous one then stays valid)
 */
record TokenResponse(String accessToken, Long expiresIn, String refreshToken, String scope) {
  @Override
  public String toString() {
    return "TokenResponse{accessToken=██, expiresIn=" + expiresIn + ", refreshToken="
        + (refreshToken == null ? "null" : "██") + ", scope=" + scope + '}';
  }
}
