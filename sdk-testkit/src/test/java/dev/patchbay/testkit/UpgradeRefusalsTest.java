package dev.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.RawWebSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpgradeRefusalsTest {
  static final Duration T = Duration.ofSeconds(5);
  FakeEdge edge;

  @BeforeEach
  void start() {
    edge = FakeEdge.builder()
        .tenant("acme", t -> t.socketCap(3).userSocketLimit(2).retryAfter(Duration.ofSeconds(7)))
        .user("acme", "alice", "alice-secret")
        .user("acme", "bob", "bob-secret")
        .user("acme", "carol", "carol-secret")
        .start();
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  String token(String user) throws Exception {
    return OAuthClient.accessToken(edge.uri(), user, user + "-secret");
  }

  static JsonNode body(RawWebSocket ws) throws Exception {
    return OAuthClient.JSON.readTree(ws.handshake.body());
  }

  @Test
  void missingOrUnknownTokenIs401WithJsonBody() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), null, null)) {
      assertThat(ws.handshake.status()).isEqualTo(401);
      assertThat(body(ws).get("status").asInt()).isEqualTo(401);
      assertThat(body(ws).get("error").asText()).isEqualTo("invalid_token");
    }
    try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), "at-forged", null)) {
      assertThat(ws.handshake.status()).isEqualTo(401);
    }
    assertThat(edge.counters().refusals(401)).isEqualTo(2);
    assertThat(edge.counters().upgradeAttempts()).isEqualTo(2);
  }

  @Test
  void tokenOfAnotherUserIs403AndACountedViolation() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), token("alice"), "bob")) {
      assertThat(ws.handshake.status()).isEqualTo(403);
      assertThat(body(ws).get("error").asText()).isEqualTo("token_user_mismatch");
    }
    assertThat(edge.counters().tokenOtherUserViolations()).isEqualTo(1);
  }

  @Test
  void sameTokenOnTwoLiveConnectionsIs409AndACountedViolation() throws Exception {
    String t = token("alice");
    try (RawWebSocket first = RawWebSocket.connect(edge.signalingUri(), t, "alice");
        RawWebSocket second = RawWebSocket.connect(edge.signalingUri(), t, "alice")) {
      assertThat(first.upgraded()).isTrue();
      assertThat(second.handshake.status()).isEqualTo(409);
      assertThat(body(second).get("error").asText()).isEqualTo("token_in_use");
    }
    assertThat(edge.counters().tokenTwoConnectionsViolations()).isEqualTo(1);
    edge.assertNoLeaks();
    // once the first socket is closed the token is free again
    try (RawWebSocket again = RawWebSocket.connect(edge.signalingUri(), t, "alice")) {
      assertThat(again.upgraded()).isTrue();
    }
  }

  @Test
  void aRepeatOfTheSameUpgradeReplacesTheConnectionItGotNotA409() throws Exception {
    String t = token("alice");
    Map<String, String> upgrade = Map.of("Authorization", "Bearer " + t, "Patchbay-User", "alice",
        "Patchbay-Upgrade-Id", "0123456789abcdef0123456789abcdef");
    // the first connection was admitted, then (in the field) cut before its answer arrived; the
    // client's HTTP stack repeats the same request on a new connection
    try (RawWebSocket first = RawWebSocket.connect(edge.signalingUri(), upgrade);
        RawWebSocket repeat = RawWebSocket.connect(edge.signalingUri(), upgrade)) {
      assertThat(first.upgraded()).isTrue();
      assertThat(repeat.upgraded()).as("the repeat is admitted").isTrue();
      org.awaitility.Awaitility.await().atMost(T).until(() -> edge.openSockets() == 1);
      // another upgrade with the token of a live connection is still a 409
      Map<String, String> other = new java.util.HashMap<>(upgrade);
      other.put("Patchbay-Upgrade-Id", "fedcba9876543210fedcba9876543210");
      try (RawWebSocket second = RawWebSocket.connect(edge.signalingUri(), other);
          RawWebSocket none = RawWebSocket.connect(edge.signalingUri(), t, "alice")) {
        assertThat(second.handshake.status()).isEqualTo(409);
        assertThat(none.handshake.status()).isEqualTo(409);
      }
    }
    assertThat(edge.counters().get("upgradeRepeats")).isEqualTo(1);
    assertThat(edge.counters().tokenTwoConnectionsViolations()).isEqualTo(2);
  }

  @Test
  void tenantCapIs503WithRetryAfterAndUserLimitIs429() throws Exception {
    try (RawWebSocket a1 = RawWebSocket.connect(edge.signalingUri(), token("alice"), null);
        RawWebSocket a2 = RawWebSocket.connect(edge.signalingUri(), token("alice"), null);
        RawWebSocket a3 = RawWebSocket.connect(edge.signalingUri(), token("alice"), null);
        RawWebSocket b1 = RawWebSocket.connect(edge.signalingUri(), token("bob"), null);
        RawWebSocket c1 = RawWebSocket.connect(edge.signalingUri(), token("carol"), null)) {
      assertThat(a1.upgraded()).isTrue();
      assertThat(a2.upgraded()).isTrue();
      assertThat(a3.handshake.status()).isEqualTo(429);
      assertThat(body(a3).get("error").asText()).isEqualTo("user_socket_limit");
      assertThat(a3.handshake.header("Retry-After")).isEqualTo("7");
      assertThat(b1.upgraded()).isTrue();
      assertThat(c1.handshake.status()).isEqualTo(503);
      assertThat(c1.handshake.header("Retry-After")).isEqualTo("7");
      assertThat(body(c1).get("error").asText()).isEqualTo("tenant_socket_cap");
      org.awaitility.Awaitility.await().atMost(T).until(() -> edge.openSockets() == 3);
    }
    assertThat(edge.counters().refusals(503)).isEqualTo(1);
    assertThat(edge.counters().refusals(429)).isEqualTo(1);
    edge.assertNoLeaks();
  }

  @Test
  void upgradeRateLimitIs429WithRetryAfter() throws Exception {
    try (FakeEdge limited = FakeEdge.builder()
        .tenant("acme", t -> t.upgradeRateLimit(1, 1))
        .user("acme", "alice", "alice-secret").start()) {
      String t1 = OAuthClient.accessToken(limited.uri(), "alice", "alice-secret");
      String t2 = OAuthClient.accessToken(limited.uri(), "alice", "alice-secret");
      try (RawWebSocket ok = RawWebSocket.connect(limited.signalingUri(), t1, null);
          RawWebSocket limitedWs = RawWebSocket.connect(limited.signalingUri(), t2, null)) {
        assertThat(ok.upgraded()).isTrue();
        assertThat(limitedWs.handshake.status()).isEqualTo(429);
        assertThat(limitedWs.handshake.header("Retry-After")).isEqualTo("1");
        assertThat(body(limitedWs).get("error").asText()).isEqualTo("rate_limited");
      }
      limited.assertNoLeaks();
    }
  }

  @Test
  void subprotocolIsRequired() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(),
        Map.of("Authorization", "Bearer " + token("alice"), "Sec-WebSocket-Protocol", "x.v9"))) {
      assertThat(ws.handshake.status()).isEqualTo(400);
      assertThat(body(ws).get("error").asText()).isEqualTo("unsupported_subprotocol");
    }
  }

  @Test
  void plainGetWithoutUpgradeIs400() throws Exception {
    var r = OAuthClient.get(edge.uri().resolve("/v1/signaling"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("not_websocket");
  }

  @Test
  void scriptedRefusalsAreCountedAndRecordedAsHandshakes() throws Exception {
    edge.faults().refuseUpgrades(503, Duration.ofSeconds(3), 2);
    String t = token("alice");
    for (int i = 0; i < 2; i++) {
      try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), t, null)) {
        assertThat(ws.handshake.status()).isEqualTo(503);
        assertThat(ws.handshake.header("Retry-After")).isEqualTo("3");
      }
    }
    try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), t, null)) {
      assertThat(ws.upgraded()).isTrue();
      assertThat(ws.next(Frames.Hello.class, T).userId()).isEqualTo("alice");
    }
    assertThat(edge.handshakes("alice")).hasSize(3);
    assertThat(edge.handshakes("alice").get(0)).isBeforeOrEqualTo(edge.handshakes("alice").get(2));
    assertThat(edge.counters().refusals(503)).isEqualTo(2);
    assertThat(edge.counters().upgrades()).isEqualTo(1);
  }

  @Test
  void socketEndsListEveryOpenedSocketOnceWithItsConnectionIdAndStatus() throws Exception {
    edge.faults().refuseUpgrades(429, Duration.ofSeconds(1), 1);
    try (RawWebSocket refused = RawWebSocket.connect(edge.signalingUri(), token("alice"), null)) {
      assertThat(refused.handshake.status()).isEqualTo(429);
    }
    String closedId;
    try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), token("alice"), null)) {
      closedId = ws.next(Frames.Hello.class, T).connectionId();
    } // a close frame, 1000
    RawWebSocket lost = RawWebSocket.connect(edge.signalingUri(), token("alice"), null);
    String lostId = lost.next(Frames.Hello.class, T).connectionId();
    long beforeLoss = System.currentTimeMillis();
    lost.drop(); // no close frame
    edge.assertNoLeaks();

    assertThat(edge.socketEnds("alice")).extracting(SocketEnd::connectionId)
        .containsExactly(closedId, lostId);
    assertThat(edge.socketEnds("alice")).extracting(SocketEnd::status).containsExactly(1000, 1006);
    assertThat(edge.socketEnds("alice").get(1).at().toEpochMilli())
        .isGreaterThanOrEqualTo(beforeLoss);
    assertThat(edge.socketEnds("bob")).isEmpty();
    edge.reset();
    assertThat(edge.socketEnds("alice")).isEmpty();
  }
}
