package dev.patchbay.testkit;

import java.time.Instant;
import java.util.Objects;

/**
 * One protocol violation the fake edge saw a client commit (each is also counted in
 * {@link Counters#violations()}): what, by whom, on which connection, when. Never holds a token.
 *
 * @param at when the edge saw it (the edge's clock)
 * @param kind {@code tokenTwoConnections}, {@code tokenOtherUser} or {@code refreshReuse}
 * @param user the user the token belongs to (null when the edge cannot tell)
 * @param connectionId the live connection the token is bound to, or null
 * @param detail what the client did, in words
 */
public record Violation(Instant at, String kind, String user, String connectionId,
    String detail) {
  /**
   * Checks the required components.
   *
   * @param at when the edge saw it
   * @param kind the kind of violation
   * @param user the token's user, or null
   * @param connectionId the connection the token is bound to, or null
   * @param detail what the client did
   */
  public Violation {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }
}
