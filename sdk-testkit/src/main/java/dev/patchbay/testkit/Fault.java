package dev.patchbay.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * A field failure as an immutable value, armed with {@code Faults.arm(Fault, Trigger)}: what
 * happens. The {@link Trigger} says when and to whom. Every fault falls in one of four groups,
 * which decide what the edge does when the trigger fires:
 *
 * <ul>
 *   <li><b>endpoint faults</b> ({@link RefuseUpgrade}, {@link DelayHandshake},
 *       {@link TokenEndpointStatus}, {@link RevokeEndpointStatus}, {@link RefuseTokenRefresh})
 *       answer the next {@link Trigger#times()} requests of their endpoint;
 *   <li><b>socket faults</b> ({@link Drop}, {@link CloseWith}, {@link SendClosing},
 *       {@link ExpireTokens}) act once on the socket the trigger names;
 *   <li><b>conditions</b> ({@link WithholdPongs}, {@link DelayFrames}, {@link StallFrames},
 *       {@link DuplicateFrames}, {@link ReorderFrames}, {@link CandidatesBeforeAnswer}) hold from
 *       the firing until {@link Faults#clear()} on the socket (or user, tenant, edge) named;
 *   <li><b>tenant faults</b> ({@link MediaCapacity}, {@link NegotiationTimeout}) change a
 *       tenant's limits at run time until {@link Faults#clear()}.
 * </ul>
 *
 * <p>{@link #kind()} is the fault's name in the admin API ({@code docs/protocol.md} §4).
 */
public sealed interface Fault {

  /**
   * The fault's name in the admin API, e.g. {@code "refuseUpgrade"}.
   *
   * @return the kind
   */
  String kind();

  /**
   * Refuses an upgrade with {@code status} (4xx or 5xx) and Retry-After (null for none).
   *
   * @param status the refusal status
   * @param retryAfter the Retry-After delay, or null
   */
  record RefuseUpgrade(int status, Duration retryAfter) implements Fault {
    /**
     * Validates.
     *
     * @param status see the record
     * @param retryAfter see the record
     */
    public RefuseUpgrade {
      errorStatus(status);
    }

    @Override
    public String kind() {
      return "refuseUpgrade";
    }
  }

  /**
   * Delays an upgrade by {@code delay} before it is checked and answered.
   *
   * @param delay the delay
   */
  record DelayHandshake(Duration delay) implements Fault {
    /**
     * Validates.
     *
     * @param delay see the record
     */
    public DelayHandshake {
      notNegative("delay", delay);
    }

    @Override
    public String kind() {
      return "delayHandshake";
    }
  }

  /**
   * Answers a token request with {@code status} and the raw Retry-After value (seconds or an
   * HTTP-date; null for none).
   *
   * @param status the status
   * @param retryAfter the raw Retry-After value, or null
   */
  record TokenEndpointStatus(int status, String retryAfter) implements Fault {
    /**
     * Validates.
     *
     * @param status see the record
     * @param retryAfter see the record
     */
    public TokenEndpointStatus {
      errorStatus(status);
    }

    @Override
    public String kind() {
      return "tokenEndpointStatus";
    }
  }

  /**
   * Answers a revocation request with {@code status} and the raw Retry-After value (null for
   * none): the token still lives.
   *
   * @param status the status
   * @param retryAfter the raw Retry-After value, or null
   */
  record RevokeEndpointStatus(int status, String retryAfter) implements Fault {
    /**
     * Validates.
     *
     * @param status see the record
     * @param retryAfter see the record
     */
    public RevokeEndpointStatus {
      errorStatus(status);
    }

    @Override
    public String kind() {
      return "revokeEndpointStatus";
    }
  }

  /** A refresh-token grant fails with {@code invalid_grant}. */
  record RefuseTokenRefresh() implements Fault {
    @Override
    public String kind() {
      return "refuseTokenRefresh";
    }
  }

  /** Cuts the socket without a close frame (an abrupt 1006 at the client). */
  record Drop() implements Fault {
    @Override
    public String kind() {
      return "drop";
    }
  }

  /**
   * Closes the socket with {@code code}: one that may be sent on the wire (1000–1003,
   * 1007–1014 or 3000–4999; use {@link Drop} for an abrupt 1006).
   *
   * @param code the close code
   */
  record CloseWith(int code) implements Fault {
    /**
     * Validates.
     *
     * @param code see the record
     */
    public CloseWith {
      boolean sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
          || (code >= 3000 && code <= 4999);
      if (!sendable) {
        throw new IllegalArgumentException("code must be a sendable close code (1000-1003, "
            + "1007-1014, 3000-4999), but was " + code);
      }
    }

    @Override
    public String kind() {
      return "closeWith";
    }
  }

  /**
   * Sends {@code closing} (reason {@code maintenance}) and closes the socket (1001) after the
   * announced window.
   *
   * @param reconnectWithin the reconnect window announced in {@code closing}
   */
  record SendClosing(Duration reconnectWithin) implements Fault {
    /**
     * Validates.
     *
     * @param reconnectWithin see the record
     */
    public SendClosing {
      notNegative("reconnectWithin", reconnectWithin);
    }

    @Override
    public String kind() {
      return "sendClosing";
    }
  }

  /** Expires every access token of the socket's user: their sockets close with 4001. */
  record ExpireTokens() implements Fault {
    @Override
    public String kind() {
      return "expireTokens";
    }
  }

  /** The edge stops answering WebSocket pings with pongs. */
  record WithholdPongs() implements Fault {
    @Override
    public String kind() {
      return "withholdPongs";
    }
  }

  /**
   * Delays every edge→client frame by {@code delay} (order kept).
   *
   * @param delay the delay of each frame
   */
  record DelayFrames(Duration delay) implements Fault {
    /**
     * Validates.
     *
     * @param delay see the record
     */
    public DelayFrames {
      notNegative("delay", delay);
    }

    @Override
    public String kind() {
      return "delayFrames";
    }
  }

  /** Holds every edge→client frame until {@link Faults#releaseFrames(String)}. */
  record StallFrames() implements Fault {
    @Override
    public String kind() {
      return "stallFrames";
    }
  }

  /** Every edge→client call frame is sent twice. */
  record DuplicateFrames() implements Fault {
    @Override
    public String kind() {
      return "duplicateFrames";
    }
  }

  /** Edge→client call frames are swapped with the next one at (seeded) random. */
  record ReorderFrames() implements Fault {
    @Override
    public String kind() {
      return "reorderFrames";
    }
  }

  /**
   * The caller gets the callee's candidates before the callee's answer: a built-in party sends
   * them first; a user's answer is held until their end-of-candidates (or 200 ms).
   */
  record CandidatesBeforeAnswer() implements Fault {
    @Override
    public String kind() {
      return "candidatesBeforeAnswer";
    }
  }

  /**
   * Sets the tenant's media slots; calls holding a slot keep it, new invites queue.
   *
   * @param slots the media capacity
   */
  record MediaCapacity(int slots) implements Fault {
    /**
     * Validates.
     *
     * @param slots see the record
     */
    public MediaCapacity {
      if (slots < 0) {
        throw new IllegalArgumentException("slots must be >= 0, but was " + slots);
      }
    }

    @Override
    public String kind() {
      return "mediaCapacity";
    }
  }

  /**
   * Sets the tenant's longest wait for a media slot (invites queued from now on).
   *
   * @param timeout the negotiation timeout
   */
  record NegotiationTimeout(Duration timeout) implements Fault {
    /**
     * Validates.
     *
     * @param timeout see the record
     */
    public NegotiationTimeout {
      TenantSpec.positive("timeout", timeout);
    }

    @Override
    public String kind() {
      return "negotiationTimeout";
    }
  }

  private static void errorStatus(int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be 4xx or 5xx, but was " + status);
    }
  }

  private static void notNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0, but was " + d);
    }
  }
}
