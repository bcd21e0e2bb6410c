package dev.patchbay.testkit.internal;

import java.security.SecureRandom;
import java.util.Base64;

/** Opaque random identifiers and secrets (tokens, codes). Not seeded: they are never replayed. */
final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  static String opaque(String prefix) {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String shortId(String prefix) {
    byte[] b = new byte[9];
    RANDOM.nextBytes(b);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
