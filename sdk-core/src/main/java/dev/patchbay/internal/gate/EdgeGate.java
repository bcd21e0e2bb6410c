package dev.patchbay.internal.gate;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The one gate for everything the edge says. Every number the edge advertises or sends, every
 * list it sends and every free-text field it sends passes through here before anything in the
 * SDK uses it: numbers are clamped into the bounds below, lists are capped, identifiers are
 * checked, and free text is redacted ({@link Redactor}), stripped of control characters and
 * cut. {@code docs/protocol.md} §3.9.1 lists the same table; change both together.
 *
 * <p>Callers: {@link dev.patchbay.internal.protocol.FrameCodec#decode} for every frame (through
 * {@link #admit}), the token endpoint for {@code expires_in} and OAuth error text, and
 * {@link dev.patchbay.internal.retry.RetryAfter} for {@code Retry-After} and
 * {@code retryAfterMs}.
 *
 * <p>A value that cannot be made sensible (a status that is not a 3-digit code, a required
 * field missing, an over-long identifier) is refused with {@link IllegalArgumentException},
 * which the codec turns into a typed {@code FrameDecodingException}; its message never quotes
 * the value.
 */
public final class EdgeGate {
  /** An inclusive range a number from the edge is clamped into. */
  public record Bounds(String field, long min, long max) {
    public long clamp(long value) {
      return Saturating.clamp(value, min, max);
    }

    public boolean contains(long value) {
      return value >= min && value <= max;
    }
  }

  private static final long MINUTE_MS = 60_000;

  // ---------------------------------------------------------------- the clamps (§3.9.1)
  public static final Bounds HEARTBEAT_MS = new Bounds("hello.heartbeatMs", 1_000, 5 * MINUTE_MS);
  public static final Bounds RESUME_WINDOW_MS =
      new Bounds("hello.resumeWindowMs", 0, 5 * MINUTE_MS);
  public static final Bounds MAX_FRAME_BYTES =
      new Bounds("hello.limits.maxFrameBytes", 1_024, 1 << 20);
  public static final Bounds MAX_CALLS_PER_CONNECTION =
      new Bounds("hello.limits.maxCallsPerConnection", 1, 1_000);
  public static final Bounds TENANT_SOCKETS =
      new Bounds("hello.limits.tenantSockets", 1, 100_000);
  public static final Bounds TENANT_NEGOTIATIONS =
      new Bounds("hello.limits.tenantNegotiations", 1, 100_000);
  public static final Bounds RECONNECT_WITHIN_MS =
      new Bounds("closing.reconnectWithinMs", 0, 5 * MINUTE_MS);
  /** {@code error.retryAfterMs}, {@code resumed} and {@code Retry-After} headers alike. */
  public static final Bounds RETRY_AFTER_MS = new Bounds("retryAfterMs", 0, 10 * MINUTE_MS);
  /** OAuth {@code expires_in}, seconds: at least 1 s, at most one year. */
  public static final Bounds EXPIRES_IN_S = new Bounds("expires_in", 1, 365L * 24 * 3600);
  /** Status codes ({@code error.status}, {@code resumed.calls[].status}, {@code reject}). */
  public static final Bounds STATUS = new Bounds("status", 100, 999);
  /** {@code candidate.sdpMLineIndex}. */
  public static final Bounds SDP_MLINE_INDEX = new Bounds("sdpMLineIndex", 0, 1_023);

  /** ICE servers kept from one {@code hello}; the rest are dropped. */
  public static final int MAX_ICE_SERVERS = 16;
  /** URLs kept per ICE server. */
  public static final int MAX_ICE_URLS = 8;
  /** Longest ICE URL, username or credential; a server with a longer one is dropped. */
  public static final int MAX_ICE_FIELD_CHARS = 512;
  /** Entries kept per list ({@code resumed}, {@code ended}, {@code calls}, {@code callIds}). */
  public static final int MAX_LIST = 1_000;
  /** Longest identifier ({@code connectionId}, {@code userId}, {@code from}, …). */
  public static final int MAX_ID_CHARS = 256;
  /** Longest call id (protocol §3.2). */
  public static final int MAX_CALL_ID_CHARS = 128;
  /** Free text ({@code message}, {@code reason}, OAuth descriptions) is cut to this many chars. */
  public static final int MAX_TEXT_CHARS = 256;
  /** ICE credentials of this many recent {@code hello}s stay registered with the redactor. */
  static final int ICE_CREDENTIALS_KEPT = 64;

  private final Redactor redactor;
  private final Redactor.Holder iceCredentials;

  public EdgeGate(Redactor redactor) {
    this.redactor = Objects.requireNonNull(redactor, "redactor");
    this.iceCredentials = redactor.holder(ICE_CREDENTIALS_KEPT - 1);
  }

  public Redactor redactor() {
    return redactor;
  }

  // ---------------------------------------------------------------- single values

  /** A heartbeat the edge advertised, clamped (null stays null). */
  public static Long heartbeatMs(Long v) {
    return v == null ? null : HEARTBEAT_MS.clamp(v);
  }

  /** {@code expires_in} seconds, clamped to {@link #EXPIRES_IN_S} (null: not said). */
  public static Long expiresInSeconds(Long v) {
    return v == null ? null : EXPIRES_IN_S.clamp(v);
  }

  /** A server-requested retry delay, clamped to {@link #RETRY_AFTER_MS}. */
  public static Duration retryAfter(Duration d) {
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return Saturating.clamp(d, Duration.ZERO, Duration.ofMillis(RETRY_AFTER_MS.max()));
  }

  /** {@code retryAfterMs} as sent: null means "not said"; otherwise clamped. */
  public static Optional<Duration> retryAfterMillis(Long millis) {
    return millis == null ? Optional.empty()
        : Optional.of(Duration.ofMillis(RETRY_AFTER_MS.clamp(millis)));
  }

  /**
   * Free text from the edge made fit for a log line, an exception message or an event: secrets
   * masked, control characters replaced by {@code ?}, cut to {@link #MAX_TEXT_CHARS} (ending in
   * {@code …}). Null stays null. Idempotent.
   */
  public String text(String s) {
    return tame(redactor.redact(s), MAX_TEXT_CHARS);
  }

  /** Same as {@link #text} with an explicit length (already-redacted text). */
  public static String tame(String s, int maxChars) {
    if (s == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), maxChars));
    int limit = s.length() > maxChars ? maxChars - 1 : s.length();
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
          ? '?' : c);
    }
    if (s.length() > maxChars) {
      b.append('…');
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- frames

  /**
   * The frame as the SDK may use it: every field within its bounds, free text tamed. Refuses
   * (with {@link IllegalArgumentException}) a frame no clamp can make sensible.
   */
  public Frame admit(Frame f) {
    String callId = f.callIdOrNull();
    if (callId != null && redactor.containsSecret(callId)) {
      throw refused("callId", "holds a secret the agent holds");
    }
    if (f instanceof Frames.Hello h) {
      return hello(h);
    } else if (f instanceof Frames.Error e) {
      return new Frames.Error(e.callId(), status("error.status", e.status(), true),
          text(e.message()), e.retryAfterMs() == null ? null
              : RETRY_AFTER_MS.clamp(e.retryAfterMs()));
    } else if (f instanceof Frames.Closing c) {
      return new Frames.Closing(RECONNECT_WITHIN_MS.clamp(
          required("closing.reconnectWithinMs", c.reconnectWithinMs())), text(c.reason()));
    } else if (f instanceof Frames.Resumed r) {
      List<Frames.CallStatus> calls = new ArrayList<>();
      for (Frames.CallStatus s : cap(r.calls())) {
        if (redactor.containsSecret(s.callId())) {
          continue; // cannot name a call of this agent
        }
        calls.add(new Frames.CallStatus(s.callId(), s.state(), s.sdp(),
            status("resumed.calls[].status", s.status(), false), text(s.reason())));
      }
      return new Frames.Resumed(callIds(r.resumed()), callIds(r.ended()), calls);
    } else if (f instanceof Frames.Incoming in) {
      identifier("incoming.from", in.from());
      return in;
    } else if (f instanceof Frames.Candidate c) {
      identifier("candidate.sdpMid", c.sdpMid());
      if (c.sdpMLineIndex() != null && !SDP_MLINE_INDEX.contains(c.sdpMLineIndex())) {
        throw refused("candidate.sdpMLineIndex", "outside " + range(SDP_MLINE_INDEX));
      }
      return c;
    } else if (f instanceof Frames.Cancel c) {
      return new Frames.Cancel(c.callId(), text(c.reason()));
    } else if (f instanceof Frames.Bye b) {
      return new Frames.Bye(b.callId(), text(b.reason()));
    } else if (f instanceof Frames.Ended e) {
      return new Frames.Ended(e.callId(), text(e.reason()));
    } else if (f instanceof Frames.Reject r) {
      return new Frames.Reject(r.callId(), status("reject.status", r.status(), false),
          text(r.reason()));
    } else if (f instanceof Frames.Resume r) {
      identifier("resume.connectionId", r.connectionId());
      return new Frames.Resume(r.connectionId(), callIds(r.callIds()));
    } else if (f instanceof Frames.Invite i) {
      identifier("invite.to", i.to());
      return i;
    }
    // ringing, answer, offer, reauth: ids and SDP are bounded by the frame limit and records
    return f;
  }

  private Frames.Hello hello(Frames.Hello h) {
    identifier("hello.connectionId", h.connectionId());
    identifier("hello.userId", h.userId());
    identifier("hello.tenantId", h.tenantId());
    long heartbeat = HEARTBEAT_MS.clamp(required("hello.heartbeatMs", h.heartbeatMs()));
    long resumeWindow = h.resumeWindowMs() == null ? 0 : RESUME_WINDOW_MS.clamp(h.resumeWindowMs());
    List<Frames.IceServer> servers = new ArrayList<>();
    List<String> credentials = new ArrayList<>();
    for (Frames.IceServer s : h.iceServers()) {
      if (servers.size() == MAX_ICE_SERVERS) {
        break;
      }
      if (s == null || tooLong(s.username()) || tooLong(s.credential())) {
        continue;
      }
      List<String> urls = new ArrayList<>();
      for (String u : s.urls()) {
        if (urls.size() < MAX_ICE_URLS && u != null && !tooLong(u) && iceUrl(u)) {
          urls.add(u);
        }
      }
      if (!urls.isEmpty()) {
        servers.add(new Frames.IceServer(urls, s.username(), s.credential()));
        credentials.add(s.credential());
      }
    }
    if (!credentials.isEmpty()) {
      // ICE passwords are secrets; the sets of the last ICE_CREDENTIALS_KEPT hellos stay masked
      iceCredentials.hold("ice", credentials.toArray(String[]::new));
    }
    Frames.Limits l = h.limits();
    Frames.Limits limits = l == null ? null : new Frames.Limits(
        clampInt(MAX_FRAME_BYTES, l.maxFrameBytes()),
        clampInt(MAX_CALLS_PER_CONNECTION, l.maxCallsPerConnection()),
        clampInt(TENANT_SOCKETS, l.tenantSockets()),
        clampInt(TENANT_NEGOTIATIONS, l.tenantNegotiations()));
    return new Frames.Hello(h.connectionId(), h.userId(), h.tenantId(), heartbeat, resumeWindow,
        servers, limits, h.offersLogout() ? Boolean.TRUE : null);
  }

  private static boolean iceUrl(String u) {
    String s = u.toLowerCase(Locale.ROOT);
    return (s.startsWith("stun:") || s.startsWith("stuns:") || s.startsWith("turn:")
        || s.startsWith("turns:")) && u.chars().noneMatch(Character::isISOControl);
  }

  private static boolean tooLong(String s) {
    return s != null && s.length() > MAX_ICE_FIELD_CHARS;
  }

  private static Integer clampInt(Bounds b, Integer v) {
    return v == null ? null : (int) b.clamp(v);
  }

  private static long required(String field, Long v) {
    if (v == null) {
      throw refused(field, "is required");
    }
    return v;
  }

  private static Integer status(String field, Integer v, boolean required) {
    if (v == null) {
      if (required) {
        throw refused(field, "is required");
      }
      return null;
    }
    if (!STATUS.contains(v)) {
      throw refused(field, "must be a 3-digit code");
    }
    return v;
  }

  /**
   * Refuses an identifier that is too long, holds a control character or echoes a secret (ids
   * are logged and sent back as they are, so they cannot be masked).
   */
  private void identifier(String field, String v) {
    if (v == null) {
      return;
    }
    if (redactor.containsSecret(v)) {
      throw refused(field, "holds a secret the agent holds");
    }
    if (v.length() > MAX_ID_CHARS) {
      throw refused(field, "is longer than " + MAX_ID_CHARS + " chars");
    }
    for (int i = 0; i < v.length(); i++) {
      if (Character.isISOControl(v.charAt(i))) {
        throw refused(field, "contains a control character");
      }
    }
  }

  /**
   * Valid call ids, at most {@link #MAX_LIST}; others (and ids echoing a secret) cannot name a
   * call and are dropped.
   */
  private List<String> callIds(List<String> ids) {
    List<String> out = new ArrayList<>(Math.min(ids.size(), MAX_LIST));
    for (String id : ids) {
      if (out.size() == MAX_LIST) {
        break;
      }
      if (id != null && !id.isEmpty() && id.length() <= MAX_CALL_ID_CHARS
          && !redactor.containsSecret(id)) {
        out.add(id);
      }
    }
    return out;
  }

  private static <T> List<T> cap(List<T> list) {
    return list.size() <= MAX_LIST ? list : list.subList(0, MAX_LIST);
  }

  private static String range(Bounds b) {
    return "[" + b.min() + ", " + b.max() + "]";
  }

  private static IllegalArgumentException refused(String field, String why) {
    return new IllegalArgumentException(field + " " + why);
  }
}
