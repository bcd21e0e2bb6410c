package dev.patchbay.testkit;

import static dev.patchbay.testkit.support.EdgeClients.T;
import static dev.patchbay.testkit.support.EdgeClients.hello;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.RawWebSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Protocol 3.7 {@code logout}: RFC 7009 revocation carried by the socket's last frame. */
class LogoutTest {
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
