package dev.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.RawWebSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminEndpointsTest {
  FakeEdge edge;

  @BeforeEach
  void start() {
    edge = FakeEdge.builder().adminEndpoints(true).backendClient("load", "svc", "svc-secret")
        .start();
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  JsonNode getJson(String path) throws Exception {
    var r = OAuthClient.get(edge.uri().resolve(path));
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return OAuthClient.JSON.readTree(r.body());
  }

  OAuthClient.Answer admin(String path, Map<String, String> form) throws Exception {
    return OAuthClient.post(edge.uri(), path, form, null, null);
  }

  @Test
  void addsUsersDrivesFaultsReportsCountersAndResets() throws Exception {
    assertThat(getJson("/admin/health").get("status").asText()).isEqualTo("ok");
    assertThat(admin("/admin/users", Map.of("tenant", "load", "secret", "s", "count", "3"))
        .status()).isEqualTo(200);
    String token = OAuthClient.accessToken(edge.uri(), "user-2", "s");

    Map<String, String> fault = new LinkedHashMap<>();
    fault.put("fault", "refuseUpgrades");
    fault.put("status", "503");
    fault.put("retryAfterMs", "2000");
    fault.put("count", "1");
    assertThat(admin("/admin/faults", fault).status()).isEqualTo(200);
    try (RawWebSocket refused = RawWebSocket.connect(edge.signalingUri(), token, null)) {
      assertThat(refused.handshake.status()).isEqualTo(503);
      assertThat(refused.handshake.header("Retry-After")).isEqualTo("2");
    }
    try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), token, null)) {
      ws.next(Frames.Hello.class, EdgeClients.T);
      JsonNode state = getJson("/admin/counters");
      assertThat(state.get("openSockets").asInt()).isEqualTo(1);
      assertThat(state.get("counters").get("upgrades").asLong()).isEqualTo(1);
      assertThat(state.get("refusalsByStatus").get("503").asLong()).isEqualTo(1);
      assertThat(getJson("/admin/handshakes?user=user-2").get("handshakes")).hasSize(2);
      assertThat(admin("/admin/faults", Map.of("fault", "closeWith", "user", "user-2",
          "code", "4090")).status()).isEqualTo(200);
      assertThat(ws.closeCode(EdgeClients.T)).isEqualTo(4090);
    }
    org.awaitility.Awaitility.await().atMost(EdgeClients.T).until(() -> edge.openSockets() == 0);
    assertThat(admin("/admin/reset", Map.of()).status()).isEqualTo(200);
    assertThat(getJson("/admin/counters").get("counters").size()).isZero();
    // admin traffic never counts as sockets
    edge.assertNoLeaks();
  }

  @Test
  void subjectTokensFromAdminWorkForTokenExchange() throws Exception {
    admin("/admin/users", Map.of("tenant", "load", "user", "agent", "secret", "s"));
    String subject = getJson("/admin/subject-token?user=agent").get("subject_token").asText();
    Map<String, String> f = new LinkedHashMap<>();
    f.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
    f.put("subject_token", subject);
    f.put("subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
    assertThat(OAuthClient.post(edge.uri(), "/oauth/token", f, "svc", "svc-secret").status())
        .isEqualTo(200);
  }

  @Test
  void badAdminInputIs400AndUnknownFaultIsNamed() throws Exception {
    var a = admin("/admin/faults", Map.of("fault", "meteor"));
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.field("error")).contains("meteor");
    assertThat(admin("/admin/users", Map.of("tenant", "load")).status()).isEqualTo(400);
    assertThat(OAuthClient.get(edge.uri().resolve("/admin/reset")).statusCode()).isEqualTo(405);
  }

  @Test
  void adminEndpointsAreOffByDefault() throws Exception {
    try (FakeEdge plain = FakeEdge.builder().start()) {
      assertThat(OAuthClient.get(plain.uri().resolve("/admin/counters")).statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  void launcherOptionsParseIntoABuilder() {
    EdgeOptions o = EdgeOptions.parse("--profile", "field", "--users", "2", "--tenant", "t1",
        "--media-capacity", "3", "--user", "acme:alice:pw", "--no-frame-log",
        "--limits", "acme:socketCap=7,negotiationTimeoutMs=900", "--run-for", "2s");
    try (FakeEdge e = o.builder().start()) {
      assertThat(e.model().limits("t1").mediaCapacity()).isEqualTo(3);
      assertThat(e.model().limits("t1").socketCap()).isEqualTo(200);
      assertThat(e.model().limits("acme").socketCap()).isEqualTo(7);
      assertThat(e.model().limits("acme").negotiationTimeout()).hasMillis(900);
      assertThat(e.subjectTokenFor("user-1")).isNotEmpty();
      assertThat(o.frameLog()).isFalse();
      assertThat(o.runFor()).contains(java.time.Duration.ofSeconds(2));
    }
  }

  @Test
  void theExamplesUserListSyntaxIsAcceptedToo() {
    EdgeOptions o = EdgeOptions.parse("--users", "acme:alice:a-secret,acme:bob:b-secret",
        "--backends", "acme:svc:s3cret");
    try (FakeEdge e = o.builder().start()) {
      assertThat(e.subjectTokenFor("bob")).isNotEmpty();
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EdgeOptions.parse("--users",
        "acme:alice")).hasMessageContaining("TENANT:ID:SECRET");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EdgeOptions.parse("--limits",
        "acme:meteors=3")).hasMessageContaining("meteors");
  }

  @Test
  void readsWhatTheInProcessApiReadsAndSetsLimitsOfAnyTenant() throws Exception {
    // /admin/users sets limits of the user's tenant; /admin/tenants those of any tenant
    assertThat(admin("/admin/users", Map.of("tenant", "acme", "user", "alice", "secret",
        "alice-secret", "mediaCapacity", "1", "socketCap", "5")).status()).isEqualTo(200);
    assertThat(admin("/admin/tenants", Map.of("tenant", "other", "userSocketLimit", "3",
        "negotiationTimeoutMs", "700")).status()).isEqualTo(200);
    JsonNode tenants = getJson("/admin/tenants").get("tenants");
    assertThat(tenants.get("acme").get("limits").get("mediaCapacity").asInt()).isEqualTo(1);
    assertThat(tenants.get("acme").get("limits").get("socketCap").asInt()).isEqualTo(5);
    assertThat(tenants.get("other").get("limits").get("userSocketLimit").asInt()).isEqualTo(3);
    assertThat(edge.model().limits("other").negotiationTimeout()).hasMillis(700);
    // a fault squeezes the capacity in force, not the configured one
    assertThat(admin("/admin/faults", Map.of("fault", "mediaCapacity", "slots", "0",
        "tenant", "acme")).status()).isEqualTo(200);
    tenants = getJson("/admin/tenants").get("tenants");
    assertThat(tenants.get("acme").get("limits").get("mediaCapacity").asInt()).isZero();
    assertThat(tenants.get("acme").get("configured").get("mediaCapacity").asInt()).isEqualTo(1);
    assertThat(getJson("/admin/faults").get("fired").get(0).get("fault").asText())
        .isEqualTo("mediaCapacity");

    String token = OAuthClient.accessToken(edge.uri(), "alice", "alice-secret");
    JsonNode tokens = getJson("/admin/tokens?user=alice");
    assertThat(tokens.get("userLiveTokens").asInt()).isEqualTo(1);
    assertThat(tokens.get("issuedAt")).hasSize(1);
    assertThat(java.time.Instant.parse(tokens.get("requestedAt").get(0).asText()))
        .as("the request arrived before the token was issued")
        .isBeforeOrEqualTo(java.time.Instant.parse(tokens.get("issuedAt").get(0).asText()));
    try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), token, null)) {
      ws.next(Frames.Hello.class, EdgeClients.T);
      ws.send(new Frames.Invite("q", "auto-answer", EdgeClients.OFFER)); // queued: 0 slots
      org.awaitility.Awaitility.await().atMost(EdgeClients.T)
          .until(() -> edge.queuedInvites() == 1);
      JsonNode open = getJson("/admin/open");
      assertThat(open.get("queuedInvites").asInt()).isEqualTo(1);
      assertThat(open.get("description").asText()).isEqualTo(edge.describeOpen())
          .contains("open connection").contains("q");
      JsonNode log = getJson("/admin/frame-log?user=alice");
      assertThat(log.get("frames").get(0).get("type").asText()).isEqualTo("hello");
      assertThat(log.get("frames").get(1).get("text").asText()).contains("\"invite\"");
      int next = log.get("next").asInt();
      assertThat(getJson("/admin/frame-log?user=alice&since=" + next).get("frames")).isEmpty();
      assertThat(admin("/admin/raw-frame", Map.of("user", "alice", "text", "{\"type\":\"x\"}"))
          .json().get("sockets").asInt()).isEqualTo(1);
      assertThat(ws.nextText(EdgeClients.T)).isEqualTo("{\"type\":\"x\"}");
      assertThat(admin("/admin/faults", Map.of("fault", "clear")).status()).isEqualTo(200);
      ws.next(Frames.Answer.class, EdgeClients.T); // the restored capacity starts the call
      ws.send(new Frames.Bye("q", null));
      ws.next(Frames.Ended.class, EdgeClients.T);
    }
    org.awaitility.Awaitility.await().atMost(EdgeClients.T).until(() -> edge.openSockets() == 0);
    assertThat(getJson("/admin/open").get("description").asText()).isEmpty();
  }
}
