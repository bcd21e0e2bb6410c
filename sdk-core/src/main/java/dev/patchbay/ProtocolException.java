package dev.patchbay;

/**
 * A frame or an answer broke the edge protocol: malformed JSON, an unknown frame type, a
 * missing or wrong-typed field, an oversized frame, an unparseable token response. Never
 * carries the raw payload, which may hold secrets.
 */
public class ProtocolException extends PatchbayException {
  private static final long serialVersionUID = 1L;

  /**
   * A protocol violation.
   *
   * @param message what was wrong (never the payload)
   */
  protected ProtocolException(String message) {
    super(message);
  }

  /**
   * A protocol violation with its cause.
   *
   * @param message what was wrong (never the payload)
   * @param cause the underlying failure
   */
  protected ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
