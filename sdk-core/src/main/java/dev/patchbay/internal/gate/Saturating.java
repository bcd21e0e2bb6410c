package dev.patchbay.internal.gate;

import java.time.Duration;
import java.time.Instant;

/**
 * Duration and instant arithmetic that cannot overflow: every result saturates at the largest
 * (or smallest) representable value instead of throwing {@link ArithmeticException} or
 * {@link java.time.DateTimeException}. Use it wherever a value the edge or the app supplied
 * takes part in the arithmetic.
 */
public final class Saturating {
  private Saturating() {}

  /** {@code a + b}, saturated at {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE}. */
  public static long add(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) { // both operands have the sign the result lost
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  /** {@code a * b}, saturated. */
  public static long multiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
  }

  /** {@code d} in milliseconds, saturated (a {@link Duration} spans more than a long of ms). */
  public static long toMillis(Duration d) {
    return add(multiply(d.getSeconds(), 1_000L), d.getNano() / 1_000_000);
  }

  /** {@code d} in nanoseconds, saturated. */
  public static long toNanos(Duration d) {
    return add(multiply(d.getSeconds(), 1_000_000_000L), d.getNano());
  }

  /** {@code t + d}, saturated at {@link Instant#MAX} / {@link Instant#MIN}. */
  public static Instant plus(Instant t, Duration d) {
    long seconds = add(t.getEpochSecond(), d.getSeconds());
    if (seconds > Instant.MAX.getEpochSecond()) {
      return Instant.MAX;
    }
    if (seconds < Instant.MIN.getEpochSecond()) {
      return Instant.MIN;
    }
    long nanos = (long) t.getNano() + d.getNano(); // < 2e9: no overflow
    if (seconds == Instant.MAX.getEpochSecond() && nanos >= 1_000_000_000L) {
      return Instant.MAX;
    }
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** {@code t + seconds}, saturated. */
  public static Instant plusSeconds(Instant t, long seconds) {
    return plus(t, Duration.ofSeconds(seconds));
  }

  /** {@code d} limited to {@code [min, max]}. */
  public static Duration clamp(Duration d, Duration min, Duration max) {
    if (d.compareTo(min) < 0) {
      return min;
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  /** {@code v} limited to {@code [min, max]}. */
  public static long clamp(long v, long min, long max) {
    return Math.max(min, Math.min(max, v));
  }
}
