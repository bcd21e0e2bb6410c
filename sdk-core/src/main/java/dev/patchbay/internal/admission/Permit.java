package dev.patchbay.internal.admission;

/** One admitted socket or negotiation. {@link #release()} is idempotent. */
public interface Permit {
  /** A permit that guards nothing (no limit configured). */
  Permit NONE = () -> {};

  void release();
}
