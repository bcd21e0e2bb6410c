package dev.patchbay;

/** The operation was refused or abandoned because its owner was closed. */
public final class ClosedException extends PatchbayException {
  private static final long serialVersionUID = 1L;

  /**
   * An operation refused because its owner was closed.
   *
   * @param message what was refused
   */
  ClosedException(String message) {
    super(message);
  }
}
