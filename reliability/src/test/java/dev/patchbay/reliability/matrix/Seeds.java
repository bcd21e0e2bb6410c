package dev.patchbay.reliability.matrix;

import java.util.stream.LongStream;

/**
 * Seeds of the repetitions of each case: the fake edge's fault randomness and the case's own
 * choices come from them, so a failing repetition is replayed by its seed. CI
 * ({@code reliability.full=false}) runs every case with 2 seeds (heavy cases once); the full run
 * 8 (heavy cases 3).
 */
public final class Seeds {
  private Seeds() {}

  public static boolean full() {
    return Boolean.getBoolean("reliability.full");
  }

  /** For {@code @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")}. */
  public static LongStream seeds() {
    return LongStream.rangeClosed(1, full() ? 8 : 2).map(i -> 7919L * i);
  }

  /** Heavy cases (hundreds of user agents): once in CI, 3 times in the full run. */
  public static LongStream heavy() {
    return LongStream.rangeClosed(1, full() ? 3 : 1).map(i -> 7919L * i);
  }

  /** CI and full sizes of a scaled case. */
  public static int scale(int ci, int full) {
    return full() ? full : ci;
  }
}
