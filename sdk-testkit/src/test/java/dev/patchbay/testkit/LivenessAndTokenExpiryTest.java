package dev.patchbay.testkit;

import static dev.patchbay.testkit.support.EdgeClients.T;
import static dev.patchbay.testkit.support.EdgeClients.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
}
