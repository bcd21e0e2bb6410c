package dev.patchbay.testkit;

import static dev.patchbay.testkit.support.EdgeClients.T;
import static dev.patchbay.testkit.support.EdgeClients.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.RawWebSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Liveness and tokens on an open socket (protocol 3.6, 3.7): heartbeat, expiry, reauth, logout. */
class LivenessAndTokenExpiryTest {
  FakeEdge edge;
  EdgeClients clients;

  void start(FakeEdge.Builder b) {
    edge = b.user("acme", "alice", "alice-secret").user("acme", "bob", "bob-secret").start();
    clients = new EdgeClients(edge);
  }

  @AfterEach
  void stop() {
    clients.close();
    edge.assertNoLeaks();
    edge.close();
  }

  @Test
  void edgePingsAtTheHeartbeatAndClosesWith4008WhenPongsStop() throws Exception {
    start(FakeEdge.builder().heartbeat(Duration.ofMillis(200)));
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    await().atMost(T).until(() -> ws.pingsReceived() >= 3);
    assertThat(ws.isClosed()).isFalse();
    ws.answerPings(false);
    assertThat(ws.closeCode(T)).isEqualTo(4008);
    assertThat(edge.counters().get("heartbeatTimeouts")).isEqualTo(1);
  }

  @Test
  void edgeAnswersClientPingsUnlessPongsAreWithheld() throws Exception {
    start(FakeEdge.builder());
    edge.faults().withholdPongs("alice");
    try (var jdk = dev.patchbay.testkit.support.JdkPingClient.connect(edge, clients.token("bob"))) {
      assertThat(jdk.pingAndAwaitPong(T)).isTrue();
    }
    try (var jdk = dev.patchbay.testkit.support.JdkPingClient.connect(edge,
        clients.token("alice"))) {
      assertThat(jdk.pingAndAwaitPong(Duration.ofMillis(500))).isFalse();
    }
  }

  @Test
  void tokenExpiryMidSessionClosesWith4001() throws Exception {
    start(FakeEdge.builder().tokenTtl(Duration.ofMillis(1500)));
    long t0 = System.nanoTime(); // before the token is issued: expiry cannot come earlier
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    assertThat(ws.closeCode(T)).isEqualTo(4001);
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(1400);
    assertThat(edge.counters().get("tokenExpiryCloses")).isEqualTo(1);
  }

  @Test
  void reauthWithAFreshTokenOfTheSameUserKeepsTheSocket() throws Exception {
    start(FakeEdge.builder().tokenTtl(Duration.ofMillis(1500)));
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    edge.tokenTtl(Duration.ofMinutes(5));
    ws.send(new Frames.Reauth(clients.token("alice")));
    await().atMost(T).until(() -> edge.counters().get("reauths") == 1);
    assertThat(ws.pollText(Duration.ofMillis(2000))).isNull();
    assertThat(ws.isClosed()).isFalse();
  }

  @Test
  void badReauthIsError401AndTheSocketStillClosesAtExpiry() throws Exception {
    start(FakeEdge.builder().tokenTtl(Duration.ofMillis(1500)));
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    ws.send(new Frames.Reauth(clients.token("bob")));
    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(401);
    ws.send(new Frames.Reauth("at-garbage"));
    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(401);
    assertThat(ws.closeCode(T)).isEqualTo(4001);
    assertThat(edge.counters().get("reauthFailures")).isEqualTo(2);
  }

  @Test
  void expireTokensFaultClosesAtOnce() throws Exception {
    start(FakeEdge.builder());
    RawWebSocket ws = clients.connect("alice");
    hello(ws);
    edge.faults().expireTokens("alice");
    assertThat(ws.closeCode(T)).isEqualTo(4001);
  }

  // ---- logout (protocol 3.7): RFC 7009 revocation carried by the socket's last frame ----

  @Test
  void logoutRevokesTheNamedTokensWithTheRefreshFamilyAndClosesLoggedOut() throws Exception {
    start(FakeEdge.builder());
    OAuthClient.Answer grant = OAuthClient.clientCredentials(edge.uri(), "alice", "alice-secret");
    String refresh = grant.field("refresh_token");
    OAuthClient.Answer rotated = OAuthClient.refresh(edge.uri(), refresh, "alice", "alice-secret");
    String other = clients.token("alice"); // another grant of alice: named on its own
    RawWebSocket ws = clients.connectWith(rotated.field("access_token"));
    assertThat(hello(ws).offersLogout()).isTrue();
    assertThat(edge.liveTokens("alice")).isEqualTo(3);

    ws.send(new Frames.Logout(List.of(rotated.field("refresh_token"), other)));

    assertThat(ws.closeCode(T)).isEqualTo(1000);
    assertThat(ws.closeReason()).isEqualTo("logged-out");
    assertThat(edge.liveTokens("alice")).as("the family and the named token").isZero();
    assertThat(OAuthClient.refresh(edge.uri(), rotated.field("refresh_token"), "alice",
        "alice-secret").field("error")).isEqualTo("invalid_grant");
    assertThat(edge.counters().get("logouts")).isEqualTo(1);
    assertThat(edge.counters().get("logoutRevocations")).isEqualTo(2);
    assertThat(edge.counters().get("revocations")).as("no RFC 7009 request").isZero();
  }

  @Test
  void aTokenOfAnotherUserIsNotRevokedByALogout() throws Exception {
    start(FakeEdge.builder());
    String bobs = clients.token("bob");
    RawWebSocket ws = clients.connect("alice");
    hello(ws);

    ws.send(new Frames.Logout(List.of(bobs, "unknown-token")));

    assertThat(ws.closeCode(T)).isEqualTo(1000);
    assertThat(ws.closeReason()).isEqualTo("logged-out");
    assertThat(edge.liveTokens("bob")).isEqualTo(1);
    assertThat(edge.liveTokens("alice")).as("alice named none of hers").isEqualTo(1);
    assertThat(edge.counters().get("logoutForeignTokens")).isEqualTo(2);
    try (RawWebSocket bob = clients.connectWith(bobs)) {
      assertThat(bob.upgraded()).isTrue();
    }
  }

  @Test
  void anEdgeWithoutLogoutDoesNotOfferItAndAnswersError400() throws Exception {
    start(FakeEdge.builder().logout(false));
    String token = clients.token("alice");
    RawWebSocket ws = clients.connectWith(token);
    assertThat(hello(ws).offersLogout()).isFalse();

    ws.send(new Frames.Logout(List.of(token)));

    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(400);
    assertThat(ws.isClosed()).isFalse();
    assertThat(edge.liveTokens("alice")).isEqualTo(1);
    assertThat(edge.counters().get("logouts")).isZero();
  }

  @Test
  void theLaunchersNoLogoutOptionTurnsItOff() throws Exception {
    start(EdgeOptions.parse("--no-logout").builder());
    assertThat(hello(clients.connect("alice")).offersLogout()).isFalse();
  }

  @Test
  void aLogoutNamingTooManyTokensIsRefusedAndRevokesNothing() throws Exception {
    start(FakeEdge.builder());
    String token = clients.token("alice");
    RawWebSocket ws = clients.connectWith(token);
    hello(ws);
    StringBuilder many = new StringBuilder("{\"type\":\"logout\",\"tokens\":[");
    for (int i = 0; i <= Frames.Logout.MAX_TOKENS; i++) {
      many.append(i == 0 ? "\"" : ",\"").append(token).append('"');
    }

    ws.sendText(many.append("]}").toString());

    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(400);
    assertThat(edge.liveTokens("alice")).isEqualTo(1);
  }
}
