package dev.patchbay;

/**
 * Local admission caps of one tenant: how many signaling sockets may be open at once and how many
 * media negotiations may run at once. Work above a cap waits locally instead of being refused by
 * the edge; caps the edge advertises in {@code hello} lower these further.
 *
 * @param maxSockets the most sockets open at once, 1 or more
 * @param maxNegotiations the most media negotiations at once, 1 or more
 */
public record TenantLimits(int maxSockets, int maxNegotiations) {
  private static final TenantLimits UNLIMITED =
      new TenantLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);

  /**
   * Checks the caps.
   *
   * @param maxSockets the most sockets open at once, 1 or more
   * @param maxNegotiations the most media negotiations at once, 1 or more
   * @throws IllegalArgumentException when a cap is below 1
   */
  public TenantLimits {
    if (maxSockets < 1) {
      throw new IllegalArgumentException("maxSockets must be >= 1, but was " + maxSockets);
    }
    if (maxNegotiations < 1) {
      throw new IllegalArgumentException(
          "maxNegotiations must be >= 1, but was " + maxNegotiations);
    }
  }

  /**
   * Caps of one tenant.
   *
   * @param maxSockets the most sockets open at once, 1 or more
   * @param maxNegotiations the most media negotiations at once, 1 or more
   * @return the caps
   */
  public static TenantLimits of(int maxSockets, int maxNegotiations) {
    return new TenantLimits(maxSockets, maxNegotiations);
  }

  /**
   * No local caps (the default): only the edge's advertised caps apply.
   *
   * @return the unlimited caps
   */
  public static TenantLimits unlimited() {
    return UNLIMITED;
  }
}
