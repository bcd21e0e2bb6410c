package dev.patchbay.testkit;

import java.time.Instant;
import java.util.Objects;

/**
 * One of a user's opened WebSockets ending, as the fake edge saw it: closed by the client or by
 * the edge, or lost. For a connection with calls it is also when the edge's resume window for
 * those calls starts (see {@code docs/protocol.md}).
 *
 * @param at when the edge saw the socket end (the edge's clock)
 * @param connectionId the connection's id (as in its {@code hello} and in {@link LoggedFrame})
 * @param status the WebSocket close status the edge saw (1006 when the socket was lost)
 */
public record SocketEnd(Instant at, String connectionId, int status) {
  /**
   * Checks the required components.
   *
   * @param at when the edge saw the socket end
   * @param connectionId the connection's id
   * @param status the close status
   */
  public SocketEnd {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(connectionId, "connectionId");
  }
}
