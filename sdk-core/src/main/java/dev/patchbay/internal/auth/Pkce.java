package dev.patchbay.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** PKCE (RFC 7636), S256 only, and the random {@code state} values of the authorization flow. */
public final class Pkce {
  /** Shortest verifier RFC 7636 allows. */
  public static final int MIN_VERIFIER_LENGTH = 43;
  /** Longest verifier RFC 7636 allows. */
  public static final int MAX_VERIFIER_LENGTH = 128;
  /** The only method the SDK uses; {@code plain} is never offered. */
  public static final String METHOD = "S256";

  private static final char[] UNRESERVED =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".toCharArray();

  private Pkce() {}

  /** A verifier of {@code length} unreserved characters drawn from {@code random}. */
  public static String verifier(SecureRandom random, int length) {
    if (length < MIN_VERIFIER_LENGTH || length > MAX_VERIFIER_LENGTH) {
      throw new IllegalArgumentException("verifier length must be in [" + MIN_VERIFIER_LENGTH
          + ", " + MAX_VERIFIER_LENGTH + "], but was " + length);
    }
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = UNRESERVED[random.nextInt(UNRESERVED.length)];
    }
    return new String(out);
  }

  /** {@code BASE64URL(SHA-256(ASCII(verifier)))} without padding. */
  public static String challenge(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** An unguessable {@code state}: 32 random bytes, base64url. */
  public static String state(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
