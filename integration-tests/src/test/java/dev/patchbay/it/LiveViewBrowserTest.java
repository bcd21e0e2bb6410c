package dev.patchbay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.Call;
import dev.patchbay.CallFailedException;
import dev.patchbay.RetryPolicy;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.Counters;
import dev.patchbay.testkit.FakeEdge;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The live view in a real browser: headless Debian chromium loads {@code /admin/} of an edge
 * under load (sdk-core agents connected in two tenants, calls active, ringing, queued for
 * media, invites that got 504, upgrades refused with 429 and 503, a violation), lets the page
 * poll for a few seconds, and the numbers it rendered must be the edge's own. The screenshot is
 * kept as {@code target/live-view/admin.png}.
 */
class LiveViewBrowserTest extends EdgeFixture {
  private static final String BETA = "beta";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final RetryPolicy INVITE_RETRY = RetryPolicy.builder()
      .baseDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(200)).maxAttempts(3)
      .deadline(Duration.ofSeconds(10)).build();
  private static final Path SCREENSHOT = Path.of("target", "live-view", "admin.png");

  @Test
  void pageShowsTheEdgesNumbersLiveUnderLoad() throws Exception {
    Path chromium = HeadlessChromium.find();
    start(b -> b.adminEndpoints(true)
        .tenant(TENANT, t -> t.mediaCapacity(3).mediaQueueLimit(1)
            .negotiationTimeout(Duration.ofSeconds(60)))
        .tenant(BETA, t -> t.mediaCapacity(1).negotiationTimeout(Duration.ofMillis(300))
            .retryAfter(Duration.ofMillis(100)))
        .user(TENANT, "dave", "dave-secret")
        .user(BETA, "erin", "erin-secret")
        .user(BETA, "frank", "frank-secret")
        .user(BETA, "mallory", "mallory-secret")
        .noAnswerTimeout(Duration.ofSeconds(60)));
    patchbay();

    // refusals: the next two upgrades get 503, the three after 429 (the SDK backs off, retries)
    edge.faults().refuseUpgrades(503, null, 2);
    UserAgent alice = connect("alice");
    edge.faults().refuseUpgrades(429, null, 3);
    UserAgent bob = connect("bob");
    UserAgent carol = connect("carol");
    UserAgent dave = connect("dave");
    UserAgent erin = connect("erin", beta("erin").build());
    UserAgent frank = connect("frank", beta("frank").inviteRetry(INVITE_RETRY).build());

    // acme: two active calls and one ringing fill its 3 media slots; one invite waits for one
    Call a = get(alice.dial("auto-answer"));
    Call b = get(bob.dial("auto-answer"));
    CompletableFuture<Call> ringing = carol.dial("no-answer");
    await().atMost(Duration.ofSeconds(10)).until(() -> edge.heldMediaSlots() == 3);
    CompletableFuture<Call> queued = dave.dial("auto-answer");
    await().atMost(Duration.ofSeconds(10)).until(() -> edge.queuedInvites() == 1);
    // beta: one slot, taken; the other invite gets 504 three times and fails
    Call e = get(erin.dial("auto-answer"));
    assertThat(failureOf(frank.dial("auto-answer"))).isInstanceOf(CallFailedException.class)
        .hasMessageContaining("504");
    // a violation: mallory's token presented for erin (403)
    String malloryToken = accessToken("mallory");
    assertThat(upgradeStatus(malloryToken, "erin")).isEqualTo(403);

    // steady: nothing moves any more, and the per-second samples have caught up with it all
    JsonNode before = awaitSteadyStats();

    HeadlessChromium.Page page = HeadlessChromium.load(chromium, edge.uri().resolve("/admin/"),
        Duration.ofMillis(3500), SCREENSHOT, 1280, 1200);

    Counters c = edge.counters();
    Map<String, Long> edgeSide = new LinkedHashMap<>();
    edgeSide.put("totals.openSockets", (long) edge.openSockets());
    edgeSide.put("tenant.acme.openSockets", 4L);
    edgeSide.put("tenant.beta.openSockets", 2L);
    edgeSide.put("totals.openCalls", (long) edge.openCalls());
    edgeSide.put("totals.activeCalls", 3L);
    edgeSide.put("totals.ringingCalls", 1L);
    edgeSide.put("totals.queuedCalls", 1L);
    edgeSide.put("tenant.acme.activeCalls", 2L);
    edgeSide.put("tenant.acme.ringingCalls", 1L);
    edgeSide.put("tenant.acme.queuedCalls", 1L);
    edgeSide.put("tenant.beta.activeCalls", 1L);
    edgeSide.put("totals.heldMediaSlots", (long) edge.heldMediaSlots());
    edgeSide.put("tenant.acme.heldMediaSlots", 3L);
    edgeSide.put("tenant.acme.mediaCapacity", 3L);
    edgeSide.put("tenant.beta.heldMediaSlots", 1L);
    edgeSide.put("totals.queuedInvites", (long) edge.queuedInvites());
    edgeSide.put("tenant.acme.queuedInvites", 1L);
    edgeSide.put("totals.liveTokens", (long) edge.liveTokens());
    edgeSide.put("refusals.429", c.refusals(429));
    edgeSide.put("refusals.503", c.refusals(503));
    edgeSide.put("refusals.403", c.refusals(403));
    edgeSide.put("rate.refused429.window", c.refusals(429));
    edgeSide.put("rate.refused503.window", c.refusals(503));
    edgeSide.put("rate.errors504.window", c.errors504());
    edgeSide.put("rate.errors504.total", c.errors504());
    edgeSide.put("rate.calls.window", c.calls());
    edgeSide.put("rate.upgrades.window", c.upgrades());
    edgeSide.put("violations.total", c.violations());
    edgeSide.put("violations.byKind.tokenOtherUser", c.tokenOtherUserViolations());

    Map<String, String> shown = page.stats();
    StringBuilder report = new StringBuilder("live view numbers (page / edge):");
    edgeSide.forEach((name, value) -> report.append(String.format("%n  %-34s %6s / %d", name,
        shown.get(name), value)));
    System.out.println(report);

    edgeSide.forEach((name, value) -> assertThat(shown.get(name)).as("%s on the page%n%s", name,
        report).isEqualTo(Long.toString(value)));
    // the edge's own totals, as set up: the comparison above is not of zeros
    assertThat(edge.openSockets()).isEqualTo(6);
    assertThat(edge.openCalls()).isEqualTo(5);
    assertThat(edge.heldMediaSlots()).isEqualTo(4);
    assertThat(c.refusals(429)).isEqualTo(3);
    assertThat(c.refusals(503)).isEqualTo(2);
    assertThat(c.errors504()).isEqualTo(3);
    assertThat(edge.violations()).hasSize(1);
    assertThat(edge.liveTokens()).isGreaterThanOrEqualTo(7);
    // it refreshed on its own (one poll a second) and says it is live
    assertThat(Integer.parseInt(attribute(page.dom(), "data-updates"))).isGreaterThanOrEqualTo(2);
    assertThat(page.dom()).contains("class=\"status ok\">live<", "tokenOtherUser", "mallory");
    assertThat(page.dom()).doesNotContain(malloryToken);
    assertThat(steady(stats())).as("the edge did not move while the page was read")
        .isEqualTo(steady(before));
    byte[] png = Files.readAllBytes(SCREENSHOT);
    assertThat(png.length).as("screenshot size").isGreaterThan(10_000);
    assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    System.out.println("screenshot: " + SCREENSHOT.toAbsolutePath() + " (" + png.length
        + " bytes)");

    revoke(malloryToken);
    for (Call call : new Call[] {a, b, e}) {
      get(call.hangUp());
    }
    for (UserAgent ua : new UserAgent[] {alice, bob, carol, dave, erin, frank}) {
      ua.close();
    }
    // closing the agents ends the ringing and the queued call (a dial ends, not hangs)
    await().atMost(Duration.ofSeconds(10)).until(() -> ringing.isDone() && queued.isDone());
    assertAllReleased();
  }

  private UserAgentOptions.Builder beta(String user) {
    return UserAgentOptions.builder(BETA).userId(user).connectRetry(FAST_RETRY)
        .reconnectRetry(FAST_RETRY);
  }

  /** Stats twice in a row equal (but for the clock) with the rates caught up with the totals. */
  private JsonNode awaitSteadyStats() {
    JsonNode[] last = {null};
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
      JsonNode s = stats();
      boolean caughtUp = sum(s, "refused429") == edge.counters().refusals(429)
          && sum(s, "refused503") == edge.counters().refusals(503)
          && sum(s, "errors504") == edge.counters().errors504()
          && sum(s, "calls") == edge.counters().calls()
          && sum(s, "upgrades") == edge.counters().upgrades();
      boolean same = last[0] != null && steady(s).equals(steady(last[0]));
      last[0] = s;
      return caughtUp && same;
    });
    return last[0];
  }

  /** The stats without what moves on its own (the clock, threads, the rate window's length). */
  private static JsonNode steady(JsonNode stats) {
    ObjectNode s = stats.deepCopy();
    s.remove("at");
    s.remove("perSecond");
    ((ObjectNode) s.get("totals")).remove("serverThreads");
    ObjectNode counters = (ObjectNode) s.get("counters");
    for (Iterator<String> names = counters.fieldNames(); names.hasNext(); ) {
      if (names.next().startsWith("frames")) { // heartbeats are not load
        names.remove();
      }
    }
    return s;
  }

  private static long sum(JsonNode stats, String series) {
    long n = 0;
    for (JsonNode v : stats.get("perSecond").get(series)) {
      n += v.asLong();
    }
    return n;
  }

  private JsonNode stats() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(edge.uri().resolve("/admin/stats"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private String accessToken(String user) throws Exception {
    HttpResponse<String> r = HTTP.send(form("/oauth/token", "grant_type=client_credentials")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (user + ":" + user + "-secret").getBytes(StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body()).get("access_token").asText();
  }

  private void revoke(String token) throws Exception {
    HttpResponse<String> r = HTTP.send(form("/oauth/revoke", "token=" + token).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  private HttpRequest.Builder form(String path, String body) {
    return HttpRequest.newBuilder(edge.uri().resolve(path)).timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  /** The status of an upgrade with {@code token} claiming to be {@code user}. */
  private int upgradeStatus(String token, String user) throws Exception {
    try {
      WebSocket ws = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
          .header("Patchbay-User", user).subprotocols("patchbay.v1")
          .buildAsync(edge.signalingUri(), new WebSocket.Listener() { })
          .get(10, TimeUnit.SECONDS);
      ws.abort();
      return 101;
    } catch (ExecutionException x) {
      if (x.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw x;
    }
  }

  private static String attribute(String dom, String name) {
    int at = dom.indexOf(name + "=\"");
    assertThat(at).as("attribute %s in the DOM", name).isNotNegative();
    int from = at + name.length() + 2;
    return dom.substring(from, dom.indexOf('"', from));
  }
}
