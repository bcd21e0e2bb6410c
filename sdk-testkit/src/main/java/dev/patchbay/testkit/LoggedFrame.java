package dev.patchbay.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;

/**
 * One frame seen by the fake edge on a user's connection, as the text that crossed the wire.
 *
 * @param direction who sent it
 * @param connectionId the edge's id of the connection
 * @param type the frame's {@code type}, or {@code "?"} if it could not be decoded
 * @param callId the frame's {@code callId}, or null (connection frames, undecodable frames)
 * @param text the frame's JSON text as sent or received
 * @param at when the edge received or wrote it
 */
public record LoggedFrame(Direction direction, String connectionId, String type, String callId,
    String text, Instant at) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Who sent a frame. */
  public enum Direction {
    /** client→edge */
    FROM_CLIENT,
    /** edge→client */
    TO_CLIENT
  }

  /**
   * A top-level field of the frame as text (numbers and booleans as written, nested objects as
   * JSON), or null when the frame has no such field or is not JSON.
   *
   * @param name the field name, e.g. {@code "status"}
   * @return the field's value as text, or null
   */
  public String field(String name) {
    try {
      JsonNode node = JSON.readTree(text).get(name);
      if (node == null || node.isNull()) {
        return null;
      }
      return node.isValueNode() ? node.asText() : node.toString();
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * Asserts the frame is of {@code expectedType} and returns it.
   *
   * @param expectedType the expected {@code type}, e.g. {@code "error"}
   * @return this frame
   * @throws AssertionError when it is of another type
   */
  public LoggedFrame expect(String expectedType) {
    if (!expectedType.equals(type)) {
      throw new AssertionError("expected a " + expectedType + " frame but was " + type);
    }
    return this;
  }

  @Override
  public String toString() {
    return direction + " " + type + " on " + connectionId + " at " + at;
  }
}
