package dev.patchbay;

import java.time.Clock;

/** Test access to package-private SDK settings (the SDK's clock, for skew cases). */
public final class PatchbayAccess {
  private PatchbayAccess() {}

  public static Patchbay.Builder clock(Patchbay.Builder b, Clock clock) {
    return b.clock(clock);
  }
}
