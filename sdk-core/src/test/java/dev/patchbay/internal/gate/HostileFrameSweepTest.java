package dev.patchbay.internal.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.protocol.FrameDecodingException;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testing.LogCapture;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A seeded sweep of hostile values over every field of every frame type the codec decodes:
 * decode either yields a frame whose every value is inside the bounds of docs/protocol.md
 * §3.9.1 (and that re-decodes to itself), or a {@link FrameDecodingException} — never another
 * exception. Registered secrets never survive in free text. {@code -Dpatchbay.sweep.cases=N}
 * (per frame type, default 200: 3,200 cases) and {@code -Dpatchbay.sweep.seed=S} for a long or replayed run.
 */
class HostileFrameSweepTest {
  private static final int CASES = Integer.getInteger("patchbay.sweep.cases", 200);
  private static final long SEED = Long.getLong("patchbay.sweep.seed", 20_250_611L);
  private static final String SECRET = "sweep-Secret/4711+x";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Wire fields of each frame type and the kind of value each takes. */
  private static final Map<String, Map<String, Kind>> TYPES = new LinkedHashMap<>();

  private enum Kind { ID, TEXT, NUMBER, BOOL, IDS, ICE, LIMITS, STATUSES }

  static {
    type("hello", "connectionId", Kind.ID, "userId", Kind.ID, "tenantId", Kind.ID,
        "heartbeatMs", Kind.NUMBER, "resumeWindowMs", Kind.NUMBER, "iceServers", Kind.ICE,
        "limits", Kind.LIMITS);
    type("invite", "callId", Kind.ID, "to", Kind.ID, "sdp", Kind.TEXT);
    type("ringing", "callId", Kind.ID);
    type("answer", "callId", Kind.ID, "sdp", Kind.TEXT);
    type("incoming", "callId", Kind.ID, "from", Kind.ID, "sdp", Kind.TEXT);
    type("reject", "callId", Kind.ID, "status", Kind.NUMBER, "reason", Kind.TEXT);
    type("cancel", "callId", Kind.ID, "reason", Kind.TEXT);
    type("candidate", "callId", Kind.ID, "candidate", Kind.TEXT, "sdpMid", Kind.ID,
        "sdpMLineIndex", Kind.NUMBER, "complete", Kind.BOOL);
    type("offer", "callId", Kind.ID, "sdp", Kind.TEXT, "iceRestart", Kind.BOOL);
    type("bye", "callId", Kind.ID, "reason", Kind.TEXT);
    type("ended", "callId", Kind.ID, "reason", Kind.TEXT);
    type("reauth", "token", Kind.TEXT);
    type("resume", "connectionId", Kind.ID, "callIds", Kind.IDS);
    type("resumed", "resumed", Kind.IDS, "ended", Kind.IDS, "calls", Kind.STATUSES);
    type("closing", "reconnectWithinMs", Kind.NUMBER, "reason", Kind.TEXT);
    type("error", "callId", Kind.ID, "status", Kind.NUMBER, "message", Kind.TEXT,
        "retryAfterMs", Kind.NUMBER);
  }

  private static void type(String name, Object... fields) {
    Map<String, Kind> m = new LinkedHashMap<>();
    for (int i = 0; i < fields.length; i += 2) {
      m.put((String) fields[i], (Kind) fields[i + 1]);
    }
    TYPES.put(name, m);
  }

  private final FrameCodec codec = new FrameCodec();
  private Random random;

  @Test
  void everyFieldOfEveryFrameIsClampedOrRefusedTyped() throws Exception {
    codec.redactor().register(SECRET);
    for (String form : Redactor.formsOf(SECRET)) {
      LogCapture.registerSecret(form);
    }
    random = new Random(SEED);
    int decoded = 0;
    int refused = 0;
    for (String type : TYPES.keySet()) {
      for (int i = 0; i < CASES; i++) {
        String text = JSON.writeValueAsString(frame(type));
        Frame f;
        try {
          f = codec.decode(text);
        } catch (FrameDecodingException expected) {
          assertThat(expected.getMessage()).isNotBlank().doesNotContain(SECRET);
          refused++;
          continue;
        } catch (RuntimeException | Error e) {
          throw new AssertionError("seed " + SEED + ", " + type + " case " + i
              + ": decode threw " + e + " for " + abbreviate(text), e);
        }
        try {
          assertWithinBounds(f);
          assertThat(codec.decode(codec.encode(f))).as("the gate is idempotent").isEqualTo(f);
        } catch (AssertionError e) {
          throw new AssertionError("seed " + SEED + ", " + type + " case " + i + ": "
              + e.getMessage() + " for " + abbreviate(text), e);
        }
        decoded++;
      }
    }
    // the sweep must exercise both outcomes, or it proves nothing
    assertThat(decoded).as("frames decoded").isGreaterThan(CASES);
    assertThat(refused).as("frames refused").isGreaterThan(CASES);
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…(" + s.length() + " chars)" : s;
  }

  // ------------------------------------------------------------------ the invariants

  private static void assertWithinBounds(Frame f) {
    if (f instanceof Frames.Hello h) {
      assertIn(EdgeGate.HEARTBEAT_MS, h.heartbeatMs());
      assertIn(EdgeGate.RESUME_WINDOW_MS, h.resumeWindowMs());
      assertId(h.connectionId());
      assertId(h.userId());
      assertId(h.tenantId());
      assertThat(h.iceServers()).hasSizeLessThanOrEqualTo(EdgeGate.MAX_ICE_SERVERS);
      for (Frames.IceServer s : h.iceServers()) {
        assertThat(s.urls()).isNotEmpty().hasSizeLessThanOrEqualTo(EdgeGate.MAX_ICE_URLS)
            .allMatch(u -> u.matches("(?i)(stuns?|turns?):.*")
                && u.length() <= EdgeGate.MAX_ICE_FIELD_CHARS);
      }
      if (h.limits() != null) {
        assertInOrNull(EdgeGate.MAX_FRAME_BYTES, h.limits().maxFrameBytes());
        assertInOrNull(EdgeGate.MAX_CALLS_PER_CONNECTION, h.limits().maxCallsPerConnection());
        assertInOrNull(EdgeGate.TENANT_SOCKETS, h.limits().tenantSockets());
        assertInOrNull(EdgeGate.TENANT_NEGOTIATIONS, h.limits().tenantNegotiations());
      }
    } else if (f instanceof Frames.Error e) {
      assertIn(EdgeGate.STATUS, e.status().longValue());
      assertInOrNull(EdgeGate.RETRY_AFTER_MS, e.retryAfterMs());
      assertText(e.message());
    } else if (f instanceof Frames.Closing c) {
      assertIn(EdgeGate.RECONNECT_WITHIN_MS, c.reconnectWithinMs());
      assertText(c.reason());
    } else if (f instanceof Frames.Resumed r) {
      assertThat(r.resumed()).hasSizeLessThanOrEqualTo(EdgeGate.MAX_LIST)
          .allMatch(id -> !id.isEmpty() && id.length() <= EdgeGate.MAX_CALL_ID_CHARS);
      assertThat(r.ended()).hasSizeLessThanOrEqualTo(EdgeGate.MAX_LIST);
      assertThat(r.calls()).hasSizeLessThanOrEqualTo(EdgeGate.MAX_LIST);
      for (Frames.CallStatus s : r.calls()) {
        assertInOrNull(EdgeGate.STATUS, s.status() == null ? null : s.status().longValue());
        assertText(s.reason());
      }
    } else if (f instanceof Frames.Resume r) {
      assertThat(r.callIds()).hasSizeLessThanOrEqualTo(EdgeGate.MAX_LIST);
    } else if (f instanceof Frames.Reject r) {
      assertInOrNull(EdgeGate.STATUS, r.status() == null ? null : r.status().longValue());
      assertText(r.reason());
    } else if (f instanceof Frames.Cancel c) {
      assertText(c.reason());
    } else if (f instanceof Frames.Bye b) {
      assertText(b.reason());
    } else if (f instanceof Frames.Ended e) {
      assertText(e.reason());
    } else if (f instanceof Frames.Incoming in) {
      assertId(in.from());
    } else if (f instanceof Frames.Candidate c) {
      assertId(c.sdpMid());
      assertInOrNull(EdgeGate.SDP_MLINE_INDEX,
          c.sdpMLineIndex() == null ? null : c.sdpMLineIndex().longValue());
    }
    String callId = f.callIdOrNull();
    if (callId != null) {
      assertThat(callId).isNotEmpty().hasSizeLessThanOrEqualTo(EdgeGate.MAX_CALL_ID_CHARS);
    }
  }

  private static void assertIn(EdgeGate.Bounds b, Long v) {
    assertThat(v).as(b.field()).isNotNull().isBetween(b.min(), b.max());
  }

  private static void assertInOrNull(EdgeGate.Bounds b, Number v) {
    if (v != null) {
      assertThat(v.longValue()).as(b.field()).isBetween(b.min(), b.max());
    }
  }

  private static void assertId(String id) {
    if (id != null) {
      assertThat(id).hasSizeLessThanOrEqualTo(EdgeGate.MAX_ID_CHARS)
          .matches(s -> s.chars().noneMatch(Character::isISOControl), "no control characters");
    }
  }

  private static void assertText(String text) {
    if (text != null) {
      assertThat(text).hasSizeLessThanOrEqualTo(EdgeGate.MAX_TEXT_CHARS)
          .matches(s -> s.chars().noneMatch(Character::isISOControl), "no control characters");
      for (String form : Redactor.formsOf(SECRET)) {
        assertThat(text).doesNotContain(form);
      }
    }
  }

  // ------------------------------------------------------------------ the generator

  private Map<String, Object> frame(String type) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    for (Map.Entry<String, Kind> field : TYPES.get(type).entrySet()) {
      int dice = random.nextInt(100);
      if (dice < 10) {
        continue; // absent
      }
      Object v = dice < 20 ? anyValue(random.nextInt(Kind.values().length)) : value(field.getValue());
      m.put(field.getKey(), v);
    }
    if (random.nextInt(10) == 0) {
      m.put("unknownField" + random.nextInt(5), value(Kind.TEXT));
    }
    return m;
  }

  private Object anyValue(int kind) {
    return value(Kind.values()[kind]);
  }

  private Object value(Kind kind) {
    return switch (kind) {
      case ID -> pick(() -> "call-" + random.nextInt(1_000), () -> "c", () -> "",
          () -> "x".repeat(128), () -> "x".repeat(129), () -> "y".repeat(257),
          () -> "a\u0000b", () -> "a\nb", () -> "\ud800", () -> "\u202e-rtl", () -> null,
          () -> SECRET, () -> "conn-" + random.nextLong());
      case TEXT -> pick(() -> "fine", () -> "", () -> null, () -> "z".repeat(300),
          () -> "z".repeat(5_000 + random.nextInt(5_000)), () -> "line1\r\nline2\u0007",
          () -> "token " + SECRET + " rejected",
          () -> "Authorization: Basic " + Redactor.formsOf(SECRET).get(3),
          () -> "sent " + Redactor.formsOf(SECRET).get(1), () -> "Bearer abcdef0123456789",
          () -> "v=0\r\na=ice-pwd:0123456789abcdef01234567\r\n", () -> "\u202e\u200b",
          () -> "ü€😀" + SECRET.substring(0, 8));
      case NUMBER -> pick(() -> Long.MAX_VALUE, () -> Long.MIN_VALUE, () -> 0L, () -> 1L,
          () -> -1L, () -> 99L, () -> 100L, () -> 999L, () -> 1_000L,
          () -> (long) Integer.MAX_VALUE, () -> (long) Integer.MAX_VALUE + 1,
          () -> new java.math.BigInteger("92233720368547758080"), () -> 1e308, () -> 1.5,
          () -> random.nextLong(), () -> (long) random.nextInt(1_000_000), () -> "123",
          () -> null);
      case BOOL -> pick(() -> true, () -> false, () -> null, () -> "true", () -> 1);
      case IDS -> pick(() -> List.of(), () -> null, () -> ids(random.nextInt(10)),
          () -> ids(1_000 + random.nextInt(2_000)), () -> Collections.singletonList(null),
          () -> List.of(1, 2), () -> List.of(List.of("nested")), () -> "not-a-list",
          () -> List.of("", "x".repeat(200), "ok"));
      case ICE -> pick(() -> List.of(), () -> null, () -> iceServers(random.nextInt(40)),
          () -> Collections.singletonList(null), () -> List.of(Map.of("urls", "stun:x")),
          () -> List.of(Map.of()), () -> "ice");
      case LIMITS -> pick(() -> null, () -> Map.of(), () -> limits(), () -> "limits",
          () -> List.of(1));
      case STATUSES -> pick(() -> List.of(), () -> null, () -> statuses(random.nextInt(5)),
          () -> statuses(1_100), () -> Collections.singletonList(null),
          () -> List.of(Map.of("callId", "c")));
    };
  }

  @SafeVarargs
  private Object pick(Supplier<Object>... choices) {
    return choices[random.nextInt(choices.length)].get();
  }

  private List<Object> ids(int n) {
    List<Object> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(random.nextInt(20) == 0 ? value(Kind.ID) : "call-" + i);
    }
    return out;
  }

  private List<Object> iceServers(int n) {
    List<Object> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> s = new LinkedHashMap<>();
      List<Object> urls = new ArrayList<>();
      int u = random.nextInt(12);
      for (int j = 0; j < u; j++) {
        urls.add(pick(() -> "turn:t" + random.nextInt(99) + ".example.com", () -> "stun:s",
            () -> "http://x", () -> "turns:" + "h".repeat(600), () -> null, () -> 5,
            () -> "TURN:upper", () -> "stun:a\u0000b"));
      }
      s.put("urls", urls);
      if (random.nextBoolean()) {
        s.put("username", value(Kind.ID));
      }
      if (random.nextBoolean()) {
        s.put("credential", pick(() -> "ice-pw-" + random.nextInt(), () -> "c".repeat(600),
            () -> null, () -> 7));
      }
      out.add(s);
    }
    return out;
  }

  private Map<String, Object> limits() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k : List.of("maxFrameBytes", "maxCallsPerConnection", "tenantSockets",
        "tenantNegotiations")) {
      if (random.nextBoolean()) {
        m.put(k, pick(() -> Integer.MAX_VALUE, () -> Integer.MIN_VALUE, () -> 0, () -> -1,
            () -> 1, () -> 50, () -> 5_000_000_000L, () -> null, () -> "7"));
      }
    }
    return m;
  }

  private List<Object> statuses(int n) {
    List<Object> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("callId", random.nextInt(10) == 0 ? value(Kind.ID) : "call-" + i);
      s.put("state", pick(() -> "ringing", () -> "ended", () -> "", () -> null, () -> "weird"));
      if (random.nextBoolean()) {
        s.put("status", value(Kind.NUMBER));
      }
      if (random.nextBoolean()) {
        s.put("reason", value(Kind.TEXT));
      }
      out.add(s);
    }
    return out;
  }
}
