package dev.patchbay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Generates hostile but mostly decodable edge→client frames, as JSON-ready maps, over every
 * field of every frame type the client decodes: absurd numbers, huge and odd strings, control
 * characters, lists past their caps, call ids of live calls and of calls nobody has, and echoes
 * of the secrets the agent holds. Seeded: the same {@link Random} gives the same frames.
 */
final class HostileEdgeFrames {
  /** Edge→client frame types the client decodes ({@code resumed} and {@code hello} included). */
  static final List<String> TYPES = List.of("hello", "closing", "error", "resumed", "incoming",
      "answer", "ringing", "candidate", "offer", "bye", "ended", "cancel");

  private final Random random;
  /** Call ids the agent holds now (live outbound or inbound calls). */
  private final List<String> knownCallIds;
  /** Secrets the agent holds, in every form the edge could echo (raw, Basic, URL-encoded…). */
  private final List<String> secrets;
  /** ICE credentials this generator put in hostile hellos (the test registers them). */
  final List<String> iceCredentials = new ArrayList<>();
  /** Those of servers the gate keeps (a usable URL, within the caps): the agent holds them. */
  final List<String> heldIceCredentials = new ArrayList<>();

  HostileEdgeFrames(Random random, List<String> knownCallIds, List<String> secrets) {
    this.random = random;
    this.knownCallIds = knownCallIds;
    this.secrets = secrets;
  }

  /** One frame of {@code type}; each field present with a hostile or ordinary value. */
  Map<String, Object> frame(String type) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    switch (type) {
      case "hello" -> {
        m.put("connectionId", pick(() -> "conn-h" + random.nextInt(1_000_000),
            () -> "h".repeat(256), () -> "\u202econn-" + random.nextInt(99), () -> echo()));
        optional(m, "userId", this::id);
        optional(m, "tenantId", this::id);
        m.put("heartbeatMs", number());
        optional(m, "resumeWindowMs", this::number);
        optional(m, "iceServers", this::iceServers);
        optional(m, "limits", this::limits);
      }
      case "closing" -> {
        m.put("reconnectWithinMs", number());
        optional(m, "reason", this::text);
      }
      case "error" -> {
        optional(m, "callId", this::callId);
        m.put("status", status());
        optional(m, "message", this::text);
        optional(m, "retryAfterMs", this::number);
      }
      case "resumed" -> {
        optional(m, "resumed", this::callIds);
        optional(m, "ended", this::callIds);
        optional(m, "calls", this::statuses);
      }
      case "incoming" -> {
        m.put("callId", pick(() -> "in-" + random.nextInt(1_000_000), this::callId));
        m.put("from", id());
        m.put("sdp", sdp());
      }
      case "answer", "offer" -> {
        m.put("callId", callId());
        m.put("sdp", sdp());
        if (type.equals("offer")) {
          optional(m, "iceRestart", () -> pick(() -> true, () -> false));
        }
      }
      case "ringing" -> m.put("callId", callId());
      case "candidate" -> {
        m.put("callId", callId());
        boolean complete = random.nextInt(4) == 0;
        if (complete) {
          m.put("complete", true);
        } else {
          m.put("candidate", pick(
              () -> "candidate:1 1 udp 2122260223 127.0.0.1 " + random.nextInt(65_536)
                  + " typ host", this::text));
          optional(m, "sdpMid", () -> pick(() -> "0", () -> "audio", () -> "m".repeat(256),
              () -> echo()));
          optional(m, "sdpMLineIndex", () -> pick(() -> 0, () -> 1, () -> 1_023,
              () -> random.nextInt(1_024)));
        }
      }
      case "bye", "ended", "cancel" -> {
        m.put("callId", callId());
        optional(m, "reason", this::text);
      }
      default -> throw new IllegalArgumentException(type);
    }
    if (random.nextInt(8) == 0) {
      m.put("x-unknown-" + random.nextInt(3), text());
    }
    return m;
  }

  private void optional(Map<String, Object> m, String field, Supplier<Object> value) {
    if (random.nextInt(6) != 0) {
      m.put(field, value.get());
    }
  }

  @SafeVarargs
  private Object pick(Supplier<Object>... choices) {
    return choices[random.nextInt(choices.length)].get();
  }

  // ------------------------------------------------------------------ values

  Object number() {
    return pick(() -> Long.MAX_VALUE, () -> Long.MIN_VALUE, () -> 0L, () -> 1L, () -> -1L,
        () -> (long) Integer.MAX_VALUE, () -> (long) Integer.MAX_VALUE + 1, () -> 1L << 53,
        () -> 10_000_000_000_000_000L, () -> random.nextLong(),
        () -> (long) random.nextInt(1_000_000), () -> 999L, () -> 1_000L, () -> 15_000L);
  }

  Object status() {
    return pick(() -> 100, () -> 199, () -> 200, () -> 302, () -> 400, () -> 401, () -> 403,
        () -> 404, () -> 408, () -> 409, () -> 429, () -> 480, () -> 486, () -> 487, () -> 500,
        () -> 503, () -> 504, () -> 603, () -> 999, () -> 100 + random.nextInt(900));
  }

  /** A secret the agent holds, bare or inside text, as the edge might echo it. */
  String echo() {
    if (secrets.isEmpty()) {
      return "no-secret";
    }
    String s = secrets.get(random.nextInt(secrets.size()));
    return (String) pick(() -> s, () -> "token " + s + " rejected", () -> "Bearer " + s,
        () -> "Authorization: Basic " + s, () -> "x" + s + "y", () -> s + "\n" + s);
  }

  Object text() {
    return pick(() -> "fine", () -> "", () -> null, () -> "z".repeat(300),
        () -> "z".repeat(10_000 + random.nextInt(10_000)),
        () -> "line1\r\nline2\u0007\u0000\u001b[31mred",
        () -> "\n12:00:00.000 [main] ERROR dev.patchbay.Fake - forged line",
        () -> "\u202e\u200b\ufeff", () -> "ü€😀", () -> "\ud800 lone surrogate",
        () -> "%s %n {} ${jndi:ldap://127.0.0.1/x}", this::echo, this::echo);
  }

  Object id() {
    return pick(() -> "bob", () -> "u" + random.nextInt(1_000), () -> "x".repeat(256),
        () -> "\u202ertl", () -> "ü€😀", () -> "%s{}", this::echo);
  }

  Object callId() {
    if (!knownCallIds.isEmpty() && random.nextInt(5) < 3) {
      return knownCallIds.get(random.nextInt(knownCallIds.size()));
    }
    return pick(() -> "unknown-" + random.nextInt(1_000), () -> "x".repeat(128),
        () -> "\u202e-rtl", () -> "ü€😀", () -> "probe-" + random.nextInt(3));
  }

  Object sdp() {
    return pick(() -> ScriptedEdge.SDP, () -> ScriptedEdge.SDP, () -> "not an sdp",
        () -> "v=0\r\n" + "m=audio 9 RTP/AVP 0\r\n".repeat(1_000),
        () -> "v=0\r\na=ice-pwd:" + "p".repeat(20_000) + "\r\n",
        () -> ScriptedEdge.SDP + "a=x:\u0000\u0007\r\n", () -> "v=0\r\n" + text());
  }

  Object callIds() {
    return pick(() -> List.of(), () -> new ArrayList<>(knownCallIds), () -> ids(5),
        () -> ids(1_000 + random.nextInt(1_500)), () -> Collections.singletonList(null),
        () -> List.of("", "x".repeat(200), "ok"));
  }

  private List<Object> ids(int n) {
    List<Object> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(i < knownCallIds.size() && random.nextBoolean() ? knownCallIds.get(i)
          : "gone-" + i);
    }
    return out;
  }

  Object statuses() {
    int n = (int) pick(() -> 0, () -> 1, () -> 3, () -> 1_100);
    List<Object> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("callId", i < knownCallIds.size() ? knownCallIds.get(i) : callId());
      s.put("state", pick(() -> "queued", () -> "ringing", () -> "answered", () -> "active",
          () -> "ended", () -> "weird", () -> "ENDED"));
      if (n < 10 && random.nextBoolean()) {
        s.put("sdp", sdp());
      }
      if (random.nextBoolean()) {
        s.put("status", status());
      }
      if (n < 10 && random.nextBoolean()) {
        s.put("reason", text());
      }
      out.add(s);
    }
    return out;
  }

  Object iceServers() {
    int n = (int) pick(() -> 0, () -> 1, () -> 3, () -> 40);
    List<Object> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> s = new LinkedHashMap<>();
      List<Object> urls = new ArrayList<>();
      int u = random.nextInt(12);
      for (int j = 0; j < u; j++) {
        urls.add(pick(() -> "turn:127.0.0.1:" + (3478 + random.nextInt(9)), () -> "stun:s",
            () -> "http://127.0.0.1/x", () -> "turns:" + "h".repeat(600), () -> "TURN:upper",
            () -> "turn:" + echo()));
      }
      s.put("urls", urls);
      Object username = random.nextBoolean() ? id() : null;
      if (username != null) {
        s.put("username", username);
      }
      if (random.nextBoolean()) {
        String credential = "ice-pw-" + Long.toHexString(random.nextLong());
        iceCredentials.add(credential);
        boolean kept = i < 16 && urls.stream().anyMatch(x -> x instanceof String url
            && url.length() <= 512 && url.matches("(?is)(stuns?|turns?):.*")
            && url.chars().noneMatch(Character::isISOControl))
            && (username == null || username.toString().length() <= 512);
        if (kept) {
          heldIceCredentials.add(credential);
        }
        s.put("credential", credential);
      }
      out.add(s);
    }
    return out;
  }

  Object limits() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k : List.of("maxFrameBytes", "maxCallsPerConnection", "tenantSockets",
        "tenantNegotiations")) {
      if (random.nextBoolean()) {
        m.put(k, pick(() -> Integer.MAX_VALUE, () -> Integer.MIN_VALUE, () -> 0, () -> -1,
            () -> 1, () -> 2, () -> 50, () -> 5_000_000_000L));
      }
    }
    return m;
  }
}
