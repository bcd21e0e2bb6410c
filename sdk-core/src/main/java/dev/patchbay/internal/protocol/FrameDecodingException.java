package dev.patchbay.internal.protocol;

import dev.patchbay.ProtocolException;

/** A text frame could not be decoded; {@link #kind()} says how, for close-code mapping. */
public final class FrameDecodingException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  /** How decoding failed. */
  public enum Kind {
    /** Not JSON, or not a JSON object. Close code 1007. */
    MALFORMED,
    /** No {@code type}, or a type this version does not know. Answered with an error frame. */
    UNKNOWN_TYPE,
    /** A required field is missing, empty or of the wrong JSON type. Error frame (400). */
    INVALID_FIELD,
    /** Longer than the negotiated limit. Close code 1009. */
    TOO_LARGE
  }

  private final Kind kind;

  public FrameDecodingException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
