package dev.patchbay.internal.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The frame types of protocol v1. Field names are the wire names. Records check structure
 * (required strings, call ids); the bounds of numbers, lists and free text are applied on decode
 * by {@link dev.patchbay.internal.gate.EdgeGate}.
 */
public final class Frames {
  private Frames() {}

  static String require(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return value;
  }

  static String requireCallId(String value) {
    require("callId", value);
    if (value.length() > 128) {
      throw new IllegalArgumentException("callId must be at most 128 chars");
    }
    return value;
  }

  static <T> List<T> list(List<T> value) {
    return value == null ? List.of() : List.copyOf(value);
  }

  /**
   * An ICE server advertised by the edge. {@code credential} never appears in toString. Servers
   * without a usable URL are dropped by the {@link dev.patchbay.internal.gate.EdgeGate gate}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record IceServer(List<String> urls, String username, String credential) {
    public IceServer {
      urls = list(urls);
    }

    @Override
    public String toString() {
      return "IceServer{urls=" + urls + ", username=" + username + ", credential="
          + (credential == null ? "null" : "██") + '}';
    }
  }

  /** Limits the edge advertises in {@code hello}; null means "not advertised". */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Limits(
      Integer maxFrameBytes, Integer maxCallsPerConnection, Integer tenantSockets,
      Integer tenantNegotiations) {}

  /**
   * edge→client, first frame on every connection. Numbers are checked and clamped on decode by
   * the {@link dev.patchbay.internal.gate.EdgeGate gate}, not here (so a test edge can send
   * hostile values).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Hello(
      String connectionId, String userId, String tenantId, Long heartbeatMs,
      Long resumeWindowMs, List<IceServer> iceServers, Limits limits, Boolean logout)
      implements Frame {
    public Hello {
      require("connectionId", connectionId);
      iceServers = list(iceServers);
    }

    /** A hello that does not offer {@code logout}. */
    public Hello(String connectionId, String userId, String tenantId, Long heartbeatMs,
        Long resumeWindowMs, List<IceServer> iceServers, Limits limits) {
      this(connectionId, userId, tenantId, heartbeatMs, resumeWindowMs, iceServers, limits,
          null);
    }

    /** Whether the edge takes {@code logout} on this connection (protocol 3.7). */
    public boolean offersLogout() {
      return Boolean.TRUE.equals(logout);
    }
  }

  /** client→edge: place a call. {@code callId} is client-made and is the idempotency key. */
  public record Invite(String callId, String to, String sdp) implements Frame {
    public Invite {
      requireCallId(callId);
      require("to", to);
      require("sdp", sdp);
    }

    @Override
    public String callIdOrNull() {
      return callId;
    }
  }

  /** edge→client: the callee is being alerted. */
  public record Ringing(String callId) implements Frame {
    public Ringing {
      requireCallId(callId);
    }

    @Override
    public String callIdOrNull() {
      return callId;
    }
  }

  /** Both ways: the SDP answer (edge→caller, or callee→edge for an incoming call). */
  public record Answer(String callId, String sdp) implements Frame {
    public Answer {
      requireCallId(callId);
      require("sdp", sdp);
    }

    @Override
    public String callIdOrNull() {
      return callId;
    }
  }

  /** edge→client: an incoming call with the caller's SDP offer. */
  public record Incoming(String callId, String from, String sdp) implements Frame {
    public Incoming {
      requireCallId(callId);
      require("from", from);
      require("sdp", sdp);
    }

    @Override
    public String callIdOrNull() {
      return callId;
    }
  }

  /** client→edge: decline an incoming call. {@code status} defaults to 603 (decline). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Reject(String callId, Integer status, String reason) implements Frame {
    public Reject {
      requireCallId(callId);
    }

    @Override
    public String callIdOrNull() {
      return callId;
    }
  }

  /** edge→client: the edge retracted a pending incoming call. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Cancel(String callId, String reason) implements Frame {
    public Cancel {
      requireCallId(callId);
    }

    @Override
    public String callIdOrNull() {
      return callId;
    }
  }

  /**
   * Both ways: one trickled ICE candidate, or end-of-candidates when {@code complete} is true
   * (then {@code candidate} is absent).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Candidate(
      String callId, String candidate, String sdpMid, Integer sdpMLineIndex, Boolean complete)
      implements Frame {
    public Candidate {
      requireCallId(callId);
      if (!Boolean.TRUE.equals(complete)) {
        require("candidate", candidate);
      }
    }

    @JsonIgnore
    public boolean isEndOfCandidates() {
      return Boolean.TRUE.equals(complete);
    }

    @Override
    public String callIdOrNull() {
      return callId;
    }
  }

  /** Both ways: renegotiation (hold, ICE restart) on an established call. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Offer(String callId, String sdp, Boolean iceRestart) implements Frame {
    public Offer {
      requireCallId(callId);
      require("sdp", sdp);
    }

    @Override
    public String callIdOrNull() {
      return callId;
    }
  }

  /** Both ways: end a call. The edge confirms a client's bye with {@link Ended}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Bye(String callId, String reason) implements Frame {
    public Bye {
      requireCallId(callId);
    }

    @Override
    public String callIdOrNull() {
      return callId;
    }
  }

  /** edge→client: the call is over and every edge resource for it is released. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Ended(String callId, String reason) implements Frame {
    public Ended {
      requireCallId(callId);
    }

    @Override
    public String callIdOrNull() {
      return callId;
    }
  }

  /** client→edge: a fresh access token for the open socket. {@code token} is never printed. */
  public record Reauth(String token) implements Frame {
    public Reauth {
      require("token", token);
    }

    @Override
    public String toString() {
      return "Reauth[token=██]";
    }
  }

  /**
   * client→edge, the last frame on a connection whose {@code hello} offered it: RFC 7009
   * revocation over the socket. The edge revokes each named token of the connection's user (a
   * refresh token with its family) and closes the socket with 1000 {@code logged-out}.
   */
  public record Logout(List<String> tokens) implements Frame {
    /** The most tokens one {@code logout} names; an edge refuses more. */
    public static final int MAX_TOKENS = 16;

    public Logout {
      tokens = list(tokens);
      if (tokens.isEmpty() || tokens.size() > MAX_TOKENS) {
        throw new IllegalArgumentException("tokens must name 1 to " + MAX_TOKENS + " tokens");
      }
      for (String t : tokens) {
        require("tokens[]", t);
      }
    }

    @Override
    public String toString() {
      return "Logout[tokens=" + tokens.size() + " ██]";
    }
  }

  /** client→edge after a reconnect: the previous connection and the calls still live. */
  public record Resume(String connectionId, List<String> callIds) implements Frame {
    public Resume {
      require("connectionId", connectionId);
      callIds = list(callIds);
    }
  }

  /**
   * edge→client: which calls survived the reconnect and which ended meanwhile, and for each
   * call named in the {@code resume} what the client missed while it was away ({@code calls}).
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Resumed(List<String> resumed, List<String> ended, List<CallStatus> calls)
      implements Frame {
    @JsonCreator // the canonical one: Jackson otherwise took the two-list constructor
    public Resumed {
      resumed = list(resumed);
      ended = list(ended);
      calls = list(calls);
    }

    public Resumed(List<String> resumed, List<String> ended) {
      this(resumed, ended, List.of());
    }
  }

  /**
   * The edge's view of one call named in a {@code resume}: {@code state} is one of
   * {@link #QUEUED}, {@link #RINGING}, {@link #ANSWERED} (with the callee's answer {@code sdp},
   * for the caller), {@link #ACTIVE}, or {@link #ENDED} (with {@code status} and/or
   * {@code reason}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CallStatus(String callId, String state, String sdp, Integer status,
      String reason) {
    public static final String QUEUED = "queued";
    public static final String RINGING = "ringing";
    public static final String ANSWERED = "answered";
    public static final String ACTIVE = "active";
    public static final String ENDED = "ended";
    /** {@code ended} reasons meaning the edge lost the call, not that a party hung up (§3.8). */
    private static final java.util.Set<String> LOST_AT_EDGE =
        java.util.Set.of("unknown-call", "not-resumed", "other-connection");

    public CallStatus {
      requireCallId(callId);
      require("state", state);
    }

    /** Ended, and the reason says the edge lost (or never had) the call, not how it ended. */
    public boolean lostAtEdge() {
      return ENDED.equals(state) && reason != null && LOST_AT_EDGE.contains(reason);
    }
  }

  /** edge→client: the edge will drop this socket; reconnect within {@code reconnectWithinMs}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Closing(Long reconnectWithinMs, String reason) implements Frame {}

  /** edge→client: a failure, for a call when {@code callId} is set, else for the connection. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Error(String callId, Integer status, String message, Long retryAfterMs)
      implements Frame {
    public Error {
      if (callId != null) {
        requireCallId(callId);
      }
    }

    @Override
    public String callIdOrNull() {
      return callId;
    }
  }
}
