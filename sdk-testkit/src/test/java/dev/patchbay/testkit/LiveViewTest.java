package dev.patchbay.testkit;

import static dev.patchbay.testkit.support.EdgeClients.OFFER;
import static dev.patchbay.testkit.support.EdgeClients.T;
import static dev.patchbay.testkit.support.EdgeClients.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.RawWebSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/} and {@code GET /admin/stats}: what they report and who may read them. */
class LiveViewTest {
  FakeEdge edge;
  EdgeClients clients;

  @BeforeEach
  void start() {
    edge = FakeEdge.builder().adminEndpoints(true)
        .tenant("acme", t -> t.mediaCapacity(1).mediaQueueLimit(2)
            .negotiationTimeout(Duration.ofSeconds(30)))
        .user("acme", "alice", "alice-secret")
        .user("acme", "bob", "bob-secret")
        .user("beta", "carol", "carol-secret")
        .noAnswerTimeout(Duration.ofSeconds(30))
        .start();
    clients = new EdgeClients(edge);
  }

  @AfterEach
  void stop() {
    clients.close();
    edge.close();
  }

  JsonNode stats() throws Exception {
    HttpResponse<String> r = OAuthClient.get(edge.uri().resolve("/admin/stats"));
    assertThat(r.statusCode()).isEqualTo(200);
    return OAuthClient.JSON.readTree(r.body());
  }

  @Test
  void statsBreakSocketsCallsAndMediaDownPerTenantAndAddUpToTheEdgesGetters() throws Exception {
    RawWebSocket alice = clients.connect("alice");
    hello(alice);
    alice.send(new Frames.Invite("c1", "auto-answer", OFFER));
    alice.next(Frames.Answer.class, T);                        // active, the only media slot
    alice.send(new Frames.Invite("c2", "auto-answer", OFFER)); // queued for it
    hello(clients.connect("bob"));
    RawWebSocket carol = clients.connect("carol");
    hello(carol);
    carol.send(new Frames.Invite("c3", "no-answer", OFFER));
    carol.next(Frames.Ringing.class, T);
    await().atMost(T).until(() -> edge.queuedInvites() == 1);

    JsonNode s = stats();
    JsonNode totals = s.get("totals");
    assertThat(totals.get("openSockets").asInt()).isEqualTo(edge.openSockets()).isEqualTo(3);
    assertThat(totals.get("openCalls").asInt()).isEqualTo(edge.openCalls()).isEqualTo(3);
    assertThat(totals.get("activeCalls").asInt()).isEqualTo(1);
    assertThat(totals.get("queuedCalls").asInt()).isEqualTo(1);
    assertThat(totals.get("ringingCalls").asInt()).isEqualTo(1);
    assertThat(totals.get("heldMediaSlots").asInt()).isEqualTo(edge.heldMediaSlots()).isEqualTo(2);
    assertThat(totals.get("queuedInvites").asInt()).isEqualTo(edge.queuedInvites());
    assertThat(totals.get("liveTokens").asInt()).isEqualTo(edge.liveTokens()).isEqualTo(3);
    assertThat(totals.get("serverThreads").asInt()).isPositive();
    JsonNode acme = tenant(s, "acme");
    assertThat(acme.get("openSockets").asInt()).isEqualTo(2);
    assertThat(acme.get("activeCalls").asInt()).isEqualTo(1);
    assertThat(acme.get("queuedCalls").asInt()).isEqualTo(1);
    assertThat(acme.get("heldMediaSlots").asInt()).isEqualTo(1);
    assertThat(acme.get("mediaCapacity").asInt()).isEqualTo(1);
    assertThat(acme.get("queuedInvites").asInt()).isEqualTo(1);
    assertThat(acme.get("mediaQueueLimit").asInt()).isEqualTo(2);
    JsonNode beta = tenant(s, "beta");
    assertThat(beta.get("openSockets").asInt()).isEqualTo(1);
    assertThat(beta.get("ringingCalls").asInt()).isEqualTo(1);
    assertThat(beta.get("heldMediaSlots").asInt()).isEqualTo(1);
  }

  @Test
  void perSecondRatesAddUpToTheCountersAndViolationsAreListed() throws Exception {
    String token = clients.token("alice");
    edge.faults().refuseUpgrades(429, null, 2);
    for (int i = 0; i < 2; i++) {
      try (RawWebSocket refused = RawWebSocket.connect(edge.signalingUri(), token, null)) {
        assertThat(refused.handshake.status()).isEqualTo(429);
      }
    }
    try (RawWebSocket other = RawWebSocket.connect(edge.signalingUri(), token, "bob")) {
      assertThat(other.handshake.status()).isEqualTo(403); // a violation: alice's token as bob
    }

    // one sample a second: the series catch up with the counters within about a second
    await().atMost(Duration.ofSeconds(5)).until(() -> sum(stats().get("perSecond")
        .get("refused429")) == edge.counters().refusals(429));
    JsonNode s = stats();
    assertThat(sum(s.get("perSecond").get("refused429"))).isEqualTo(2);
    assertThat(s.get("perSecond").get("refused429").size()).isBetween(1, 60);
    assertThat(sum(s.get("perSecond").get("upgrades"))).isZero();
    assertThat(s.get("refusalsByStatus").get("429").asLong()).isEqualTo(2);
    assertThat(s.get("refusalsByStatus").get("403").asLong()).isEqualTo(1);
    JsonNode v = s.get("violations");
    assertThat(v.get("total").asLong()).isEqualTo(edge.counters().violations()).isEqualTo(1);
    assertThat(v.get("byKind").get("tokenOtherUser").asLong()).isEqualTo(1);
    assertThat(v.get("recent")).hasSize(edge.violations().size()).hasSize(1);
    assertThat(v.get("recent").get(0).get("kind").asText()).isEqualTo("tokenOtherUser");
    assertThat(v.get("recent").get(0).get("user").asText()).isEqualTo("alice");
    assertThat(v.get("recent").get(0).toString()).doesNotContain(token);
  }

  @Test
  void pageIsOneSelfContainedDocumentUnderAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> r = OAuthClient.get(edge.uri().resolve("/admin/"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
    String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).startsWith("default-src 'none'; script-src 'sha256-")
        .contains("connect-src 'self'").doesNotContain("unsafe");
    String html = r.body();
    assertThat(html).contains("<script>", "/admin/stats", "data-stat=\"totals.openSockets\"");
    // nothing loaded from elsewhere: no src, no stylesheet or font link, no CSS url()/@import
    assertThat(html).doesNotContain(" src=", "url(", "@import", "@font-face", "<link rel=\"style");
    Matcher links = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
    while (links.find()) {
      assertThat(links.group(1)).as("link target").startsWith("data:");
    }
    HttpResponse<String> bare = OAuthClient.get(edge.uri().resolve("/admin"));
    assertThat(bare.statusCode()).isEqualTo(302);
    assertThat(bare.headers().firstValue("Location")).hasValue("/admin/");
  }

  @Test
  void answersOnlyGetFromLoopbackHostNames() throws Exception {
    assertThat(rawGet("/admin/stats", "evil.example:" + edge.port())).startsWith("HTTP/1.1 403");
    assertThat(rawGet("/admin/", "127.0.0.1.evil.example")).startsWith("HTTP/1.1 403");
    assertThat(rawGet("/admin/stats", "localhost:" + edge.port())).startsWith("HTTP/1.1 200");
    HttpResponse<String> post = OAuthClient.HTTP.send(HttpRequest.newBuilder(
        edge.uri().resolve("/admin/stats")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    try (FakeEdge plain = FakeEdge.builder().start()) {
      assertThat(OAuthClient.get(plain.uri().resolve("/admin/")).statusCode()).isEqualTo(404);
      assertThat(OAuthClient.get(plain.uri().resolve("/admin/stats")).statusCode())
          .isEqualTo(404);
    }
  }

  private String rawGet(String path, String host) throws Exception {
    try (Socket s = new Socket("127.0.0.1", edge.port())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonNode tenant(JsonNode stats, String id) {
    for (JsonNode t : stats.get("tenants")) {
      if (t.get("tenant").asText().equals(id)) {
        return t;
      }
    }
    throw new AssertionError("no tenant " + id + " in " + stats.get("tenants"));
  }

  private static long sum(JsonNode series) {
    long n = 0;
    for (JsonNode v : series) {
      n += v.asLong();
    }
    return n;
  }
}
