package dev.patchbay.internal.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.patchbay.internal.gate.EdgeGate;
import dev.patchbay.internal.gate.Redactor;
import java.util.HashMap;
import java.util.Map;

/**
 * Encodes and decodes protocol v1 frames. Thread-safe. Decoding never throws anything but
 * {@link FrameDecodingException}, whose message names the problem but never echoes the payload
 * (frames may carry tokens or SDP with ICE passwords). Every decoded frame has passed the
 * {@link EdgeGate}: numbers clamped, lists capped, free text redacted with this codec's
 * {@link #redactor()} (one codec, and so one redactor, per {@code Patchbay}).
 */
public final class FrameCodec {
  /** Default largest text frame accepted, in UTF-16 chars (SDP offers are a few KiB). */
  public static final int DEFAULT_MAX_FRAME_CHARS = 64 * 1024;

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(1 << 20).build());
  }

  private static final ObjectReader READER = MAPPER.readerFor(Frame.class);
  private static final ObjectWriter WRITER = MAPPER.writerFor(Frame.class);
  private static final Map<Class<?>, String> NAMES = new HashMap<>();

  static {
    for (JsonSubTypes.Type t : Frame.class.getAnnotation(JsonSubTypes.class).value()) {
      NAMES.put(t.value(), t.name());
    }
  }

  private final int maxFrameChars;
  private final EdgeGate gate;

  public FrameCodec() {
    this(DEFAULT_MAX_FRAME_CHARS);
  }

  public FrameCodec(int maxFrameChars) {
    this(maxFrameChars, new Redactor());
  }

  /** A codec whose gate redacts with {@code redactor}. */
  public FrameCodec(int maxFrameChars, Redactor redactor) {
    if (maxFrameChars < 256) {
      throw new IllegalArgumentException("maxFrameChars must be >= 256, but was " + maxFrameChars);
    }
    this.maxFrameChars = maxFrameChars;
    this.gate = new EdgeGate(redactor);
  }

  /** The redactor of this codec's gate: register the secrets of every agent using the codec. */
  public Redactor redactor() {
    return gate.redactor();
  }

  /** The gate decoded frames pass. */
  public EdgeGate gate() {
    return gate;
  }

  public int maxFrameChars() {
    return maxFrameChars;
  }

  static String typeName(Class<?> type) {
    return NAMES.get(type);
  }

  public String encode(Frame frame) {
    try {
      return WRITER.writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + frame.type() + " frame", e);
    }
  }

  public Frame decode(String text) throws FrameDecodingException {
    if (text == null) {
      throw new FrameDecodingException(FrameDecodingException.Kind.MALFORMED, "null frame", null);
    }
    if (text.length() > maxFrameChars) {
      throw new FrameDecodingException(FrameDecodingException.Kind.TOO_LARGE,
          "frame of " + text.length() + " chars exceeds the limit of " + maxFrameChars, null);
    }
    Frame f = read(text);
    if (f == null) {
      throw new FrameDecodingException(FrameDecodingException.Kind.MALFORMED,
          "frame is JSON null", null);
    }
    return admit(f);
  }

  private static Frame read(String text) throws FrameDecodingException {
    try {
      return READER.readValue(text);
    } catch (InvalidTypeIdException e) {
      String id = e.getTypeId();
      String message = id == null ? "frame has no \"type\""
          : "unknown frame type \"" + printable(id) + "\"";
      throw new FrameDecodingException(FrameDecodingException.Kind.UNKNOWN_TYPE, message, null);
    } catch (ValueInstantiationException e) {
      Throwable root = e.getCause() != null ? e.getCause() : e;
      throw new FrameDecodingException(FrameDecodingException.Kind.INVALID_FIELD,
          "invalid frame: " + root.getMessage(), null);
    } catch (MismatchedInputException e) {
      throw new FrameDecodingException(FrameDecodingException.Kind.INVALID_FIELD,
          "invalid frame: wrong type for field " + path(e), null);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new FrameDecodingException(FrameDecodingException.Kind.MALFORMED,
          at == null ? "malformed JSON"
              : "malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr(),
          null);
    } catch (java.io.IOException | RuntimeException e) {
      throw new FrameDecodingException(FrameDecodingException.Kind.MALFORMED,
          "undecodable frame (" + e.getClass().getSimpleName() + ")", null);
    }
  }

  private Frame admit(Frame f) throws FrameDecodingException {
    try {
      return gate.admit(f);
    } catch (IllegalArgumentException e) { // the gate never quotes the value
      throw new FrameDecodingException(FrameDecodingException.Kind.INVALID_FIELD,
          "invalid " + f.type() + " frame: " + e.getMessage(), null);
    } catch (RuntimeException e) { // e.g. a null list element: still a typed refusal
      throw new FrameDecodingException(FrameDecodingException.Kind.INVALID_FIELD,
          "invalid " + f.type() + " frame (" + e.getClass().getSimpleName() + ")", null);
    }
  }

  private static String path(MismatchedInputException e) {
    StringBuilder sb = new StringBuilder();
    e.getPath().forEach(r -> {
      if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(printable(r.getFieldName()));
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    });
    return sb.length() == 0 ? "(root)" : '"' + sb.toString() + '"';
  }

  /** Type ids and field names come from the peer: bound and sanitise before printing. */
  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return cut.replaceAll("[^\\p{Alnum}_.\\-]", "?");
  }
}
