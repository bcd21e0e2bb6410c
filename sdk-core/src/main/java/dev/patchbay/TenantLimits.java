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
   * No local caps (the default): only the edge's advertised caps apply.
   *
   * @return the caps with no local limit
   */
  public static TenantLimits defaults() {
    return UNLIMITED;
  }

  /**
   * A builder with no local caps; set the ones to apply.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder(UNLIMITED);
  }

  /**
   * A builder starting from these caps.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds {@link TenantLimits}; a cap left unset means no local cap. */
  public static final class Builder {
    private int maxSockets;
    private int maxNegotiations;

    private Builder(TenantLimits from) {
      this.maxSockets = from.maxSockets;
      this.maxNegotiations = from.maxNegotiations;
    }

    /**
     * The most signaling sockets open at once.
     *
     * @param maxSockets 1 or more
     * @return this builder
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxSockets(int maxSockets) {
      this.maxSockets = check("maxSockets", maxSockets);
      return this;
    }

    /**
     * The most media negotiations running at once.
     *
     * @param maxNegotiations 1 or more
     * @return this builder
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxNegotiations(int maxNegotiations) {
      this.maxNegotiations = check("maxNegotiations", maxNegotiations);
      return this;
    }

    /**
     * The caps.
     *
     * @return the caps
     */
    public TenantLimits build() {
      return new TenantLimits(maxSockets, maxNegotiations);
    }

    private static int check(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be >= 1, but was " + value);
      }
      return value;
    }
  }
}
