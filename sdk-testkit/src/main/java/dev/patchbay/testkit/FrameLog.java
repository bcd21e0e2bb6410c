package dev.patchbay.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * The frames of one user (all of their connections, both directions), in the order the edge
 * saw them. {@link #take(Duration)} consumes; {@link #snapshot()} does not. Bounded: when full,
 * the oldest unconsumed frame is dropped. Thread-safe.
 */
public final class FrameLog {
  private final String user;
  private final int capacity;
  private final LinkedBlockingDeque<LoggedFrame> pending;
  private final LinkedBlockingDeque<LoggedFrame> history;

  /**
   * Creates an empty log (used by the edge; tests get logs from {@link FakeEdge#frames}).
   *
   * @param user the user the log belongs to
   * @param capacity the most frames kept (oldest dropped)
   */
  public FrameLog(String user, int capacity) {
    this.user = user;
    this.capacity = capacity;
    this.pending = new LinkedBlockingDeque<>();
    this.history = new LinkedBlockingDeque<>();
  }

  /**
   * Appends a frame (called by the edge).
   *
   * @param frame the frame
   */
  public void append(LoggedFrame frame) {
    add(pending, frame);
    add(history, frame);
  }

  private void add(LinkedBlockingDeque<LoggedFrame> q, LoggedFrame frame) {
    while (q.size() >= capacity) {
      q.pollFirst();
    }
    q.offerLast(frame);
  }

  /**
   * The next frame, waiting up to {@code timeout}; AssertionError if none arrives.
   *
   * @param timeout how long to wait
   * @return the frame
   */
  public LoggedFrame take(Duration timeout) {
    return poll(timeout).orElseThrow(() -> new AssertionError(
        "no frame for " + user + " within " + timeout.toMillis() + " ms"));
  }

  /**
   * The next frame, waiting up to {@code timeout}, or empty.
   *
   * @param timeout how long to wait
   * @return the frame, or empty
   */
  public Optional<LoggedFrame> poll(Duration timeout) {
    try {
      return Optional.ofNullable(pending.pollFirst(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a frame for " + user, e);
    }
  }

  /**
   * The next frame of {@code type} in {@code direction}, consuming (and skipping) frames before
   * it; AssertionError if none arrives within {@code timeout}.
   *
   * @param direction the direction
   * @param type the frame's {@code type}, e.g. {@code "incoming"}
   * @param timeout how long to wait
   * @return the frame
   */
  public LoggedFrame take(LoggedFrame.Direction direction, String type, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Optional<LoggedFrame> f = left <= 0 ? Optional.empty() : poll(Duration.ofNanos(left));
      if (f.isEmpty()) {
        throw new AssertionError("no " + direction + " " + type + " frame for "
            + user + " within " + timeout.toMillis() + " ms");
      }
      if (f.get().direction() == direction && type.equals(f.get().type())) {
        return f.get();
      }
    }
  }

  /**
   * Shorthand for the next edge→client frame of {@code type}.
   *
   * @param type the frame's {@code type}
   * @param timeout how long to wait
   * @return the frame
   */
  public LoggedFrame takeSent(String type, Duration timeout) {
    return take(LoggedFrame.Direction.TO_CLIENT, type, timeout);
  }

  /**
   * Shorthand for the next client→edge frame of {@code type}.
   *
   * @param type the frame's {@code type}
   * @param timeout how long to wait
   * @return the frame
   */
  public LoggedFrame takeReceived(String type, Duration timeout) {
    return take(LoggedFrame.Direction.FROM_CLIENT, type, timeout);
  }

  /**
   * Every frame still in the history (consumed or not), oldest first.
   *
   * @return the frames, oldest first
   */
  public List<LoggedFrame> snapshot() {
    return new ArrayList<>(history);
  }

  /**
   * Frames of {@code type} sent to the client so far (history, not consuming).
   *
   * @param type the frame's {@code type}
   * @return the frames, oldest first
   */
  public List<LoggedFrame> sent(String type) {
    List<LoggedFrame> out = new ArrayList<>();
    for (LoggedFrame f : history) {
      if (f.direction() == LoggedFrame.Direction.TO_CLIENT && type.equals(f.type())) {
        out.add(f);
      }
    }
    return out;
  }

  /** Forgets everything. */
  public void clear() {
    pending.clear();
    history.clear();
  }
}
