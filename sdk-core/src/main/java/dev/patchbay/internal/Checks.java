package dev.patchbay.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the builders; messages read "x must be …, but was y". */
public final class Checks {
  private Checks() {}

  /** Returns {@code value} when it is a positive duration. */
  public static Duration positive(String name, Duration value) {
    Objects.requireNonNull(value, name + " must not be null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, but was " + value);
    }
    return value;
  }
}
