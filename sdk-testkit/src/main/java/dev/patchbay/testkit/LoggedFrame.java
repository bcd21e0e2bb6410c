package dev.patchbay.testkit;

import dev.patchbay.internal.protocol.Frame;
import java.time.Instant;

/**
 * One frame seen by the fake edge on a user's connection.
 *
 * @param direction who sent it
 * @param connectionId the edge's id of the connection
 * @param type the frame's {@code type}, or {@code "?"} if it could not be decoded
 * @param frame the decoded frame, or null when the client sent something undecodable
 * @param at when the edge received or wrote it
 */
public record LoggedFrame(Direction direction, String connectionId, String type, Frame frame,
    Instant at) {

  /** Who sent a frame. */
  public enum Direction {
    /** client→edge */
    FROM_CLIENT,
    /** edge→client */
    TO_CLIENT
  }

  /**
   * The frame as the given type; throws AssertionError when it is another type.
   *
   * @param <T> the frame type
   * @param type the frame class
   * @return the frame
   */
  public <T extends Frame> T as(Class<T> type) {
    if (!type.isInstance(frame)) {
      throw new AssertionError("expected a " + type.getSimpleName() + " frame but was " + this.type);
    }
    return type.cast(frame);
  }

  @Override
  public String toString() {
    return direction + " " + type + " on " + connectionId + " at " + at;
  }
}
