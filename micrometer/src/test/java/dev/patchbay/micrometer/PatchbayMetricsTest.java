package dev.patchbay.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.Credentials;
import dev.patchbay.Patchbay;
import dev.patchbay.TenantLimits;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.testkit.FakeEdge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every meter, recorded from real connects, calls, hang-ups and refusals against the fake edge
 * into a {@link SimpleMeterRegistry}, with its tags; and never a user, call or connection id as
 * a tag value.
 */
class PatchbayMetricsTest {
  private static final String TENANT = "acme";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Set<String> ids = new HashSet<>(); // user, call and connection ids seen
  private FakeEdge edge;
  private Patchbay patchbay;

  @AfterEach
  void stop() {
    if (patchbay != null) {
      patchbay.close();
    }
    if (edge != null) {
      edge.close();
    }
  }

  private FakeEdge startEdge() {
    return FakeEdge.builder().user(TENANT, "alice", "alice-secret")
        .user(TENANT, "bob", "bob-secret").resumeWindow(Duration.ofSeconds(30)).start();
  }

  private UserAgent connect(String user) throws Exception {
    UserAgent ua = connectAsync(user).get(15, TimeUnit.SECONDS);
    ids.add(user);
    ua.connectionId().ifPresent(ids::add);
    return ua;
  }

  private CompletableFuture<UserAgent> connectAsync(String user) {
    return patchbay.connect(Credentials.clientCredentials(user, user + "-secret"),
        UserAgentOptions.builder(TENANT).userId(user).build());
  }

  private Timer timer(String name, String... tags) {
    return registry.get(name).tags(tags).timer();
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void connectDialHangUpAndRefusalsRecordEachMeterWithItsTags() throws Exception {
    edge = startEdge();
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .eventListenerFactory(PatchbayMetrics.of(registry)).build();
    new PatchbayDiagnosticsMetrics(patchbay).bindTo(registry);
    edge.faults().tokenEndpointStatus(429, "0", 1); // the first token request
    edge.faults().refuseUpgrades(503, Duration.ZERO, 1); // the first upgrade

    UserAgent alice = connect("alice");
    assertThat(registry.get("patchbay.user.agents").gauge().value()).isEqualTo(1);
    assertThat(registry.get("patchbay.sockets.open").gauge().value()).isEqualTo(1);

    Call call = alice.dial("auto-answer").get(15, TimeUnit.SECONDS);
    ids.add(call.id());
    assertThat(registry.get("patchbay.calls.live").gauge().value()).isEqualTo(1);
    call.hangUp().get(15, TimeUnit.SECONDS);

    CompletableFuture<Call> busy = alice.dial("busy");
    assertThatThrownBy(() -> busy.get(15, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    alice.calls().forEach(c -> ids.add(c.id()));
    alice.close();

    // connect: one success after one retry; its phases, the refused attempt's, the backoff
    Timer connect = timer("patchbay.connect", "reconnect", "false", "outcome", "success");
    assertThat(connect.count()).isEqualTo(1);
    for (String phase : List.of("token", "upgrade", "hello")) {
      Timer t = timer("patchbay.connect.phase", "phase", phase, "outcome", "success");
      // two attempts: both got their token (the second from the cache), one was upgraded
      assertThat(t.count()).as(phase).isEqualTo(phase.equals("token") ? 2 : 1);
      assertThat(t.totalTime(TimeUnit.NANOSECONDS)).as(phase).isPositive()
          .isLessThanOrEqualTo(connect.totalTime(TimeUnit.NANOSECONDS));
    }
    assertThat(timer("patchbay.connect.phase", "phase", "upgrade", "outcome", "failure")
        .count()).as("the refused upgrade").isEqualTo(1);
    assertThat(timer("patchbay.connect.phase", "phase", "backoff", "outcome", "success")
        .count()).isEqualTo(1);
    System.out.printf("connect %.1f ms: token %.1f ms (both attempts), upgrade %.1f ms,"
            + " hello %.1f ms (after a 429 token answer and a 503 upgrade)%n",
        connect.totalTime(TimeUnit.MILLISECONDS),
        timer("patchbay.connect.phase", "phase", "token", "outcome", "success")
            .totalTime(TimeUnit.MILLISECONDS),
        timer("patchbay.connect.phase", "phase", "upgrade", "outcome", "success")
            .totalTime(TimeUnit.MILLISECONDS),
        timer("patchbay.connect.phase", "phase", "hello", "outcome", "success")
            .totalTime(TimeUnit.MILLISECONDS));

    // token request with its 429 retry, refusals and retries by kind and status
    assertThat(timer("patchbay.token.request", "refresh", "false", "outcome", "success")
        .count()).isEqualTo(1);
    assertThat(count("patchbay.retries", "kind", "token", "status", "429")).isEqualTo(1);
    assertThat(count("patchbay.retries", "kind", "connect", "status", "503")).isEqualTo(1);
    assertThat(count("patchbay.refusals", "kind", "token", "status", "429")).isEqualTo(1);
    assertThat(count("patchbay.refusals", "kind", "connect", "status", "503")).isEqualTo(1);
    assertThat(count("patchbay.refusals", "kind", "invite", "status", "486")).isEqualTo(1);

    // calls: setup, hang-up, ended by reason
    assertThat(timer("patchbay.call.setup", "direction", "outbound").count()).isEqualTo(1);
    Timer hangUp = timer("patchbay.call.hangup", "direction", "outbound",
        "reason", "local_hangup");
    assertThat(hangUp.count()).isEqualTo(1);
    assertThat(hangUp.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(count("patchbay.calls.ended", "direction", "outbound", "reason", "local_hangup"))
        .isEqualTo(1);
    assertThat(count("patchbay.calls.ended", "direction", "outbound", "reason", "busy"))
        .isEqualTo(1);

    // diagnostics back to zero once closed
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(registry.get("patchbay.user.agents").gauge().value()).isZero();
      assertThat(registry.get("patchbay.sockets.open").gauge().value()).isZero();
      assertThat(registry.get("patchbay.calls.live").gauge().value()).isZero();
    });
    assertNoIdTags();
    assertThat(tagKeys()).doesNotContain("tenant");
  }

  @Test
  void admissionWaitsResumedCallsAndTheTenantTagWhenAskedFor() throws Exception {
    edge = startEdge();
    CountDownLatch bobQueued = new CountDownLatch(1);
    AtomicInteger admitted = new AtomicInteger(); // after a wait, any agent
    PatchbayMetrics metrics = PatchbayMetrics.builder(registry).tenantTag(true)
        .tags(Tags.of("instance", "test")).build();
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .tenantLimits(TENANT, new TenantLimits(1, 10)) // one socket: bob waits for alice's
        .eventListenerFactory(ua -> new Forwarding(metrics.create(ua),
            "bob".equals(ua.userId()) ? bobQueued : new CountDownLatch(1), admitted)).build();

    UserAgent alice = connect("alice");
    Call call = alice.dial("auto-answer").get(15, TimeUnit.SECONDS);
    ids.add(call.id());
    edge.faults().drop("alice"); // reconnect, resume keeps the call
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
        registry.find("patchbay.calls.resumed").tags("outcome", "resumed").counter())
        .isNotNull().satisfies(c -> assertThat(c.count()).isEqualTo(1)));
    alice.connectionId().ifPresent(ids::add);
    assertThat(timer("patchbay.connect", "reconnect", "true", "outcome", "success").count())
        .isEqualTo(1);

    CompletableFuture<UserAgent> bob = connectAsync("bob");
    assertThat(bobQueued.await(15, TimeUnit.SECONDS)).as("bob waits for a socket permit").isTrue();
    alice.close(); // frees the tenant's socket
    UserAgent b = bob.get(15, TimeUnit.SECONDS);
    ids.add("bob");
    b.connectionId().ifPresent(ids::add);
    b.close();

    Timer wait = timer("patchbay.admission.wait", "kind", "socket");
    assertThat(admitted.get()).as("bob's wait, and maybe alice's reconnect's").isPositive();
    assertThat(wait.count()).isEqualTo(admitted.get());
    assertThat(wait.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(registry.getMeters()).isNotEmpty().allSatisfy(m -> {
      assertThat(m.getId().getTag("tenant")).as(m.getId().getName()).isEqualTo(TENANT);
      assertThat(m.getId().getTag("instance")).as(m.getId().getName()).isEqualTo("test");
    });
    assertNoIdTags();
  }

  @Test
  void extraTagsMayNotTakeTheMetersOwnKeys() {
    PatchbayMetrics.Builder b = PatchbayMetrics.builder(registry);
    assertThatThrownBy(() -> b.tags(Tags.of("tenant", "acme")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant");
    assertThatThrownBy(() -> b.tags(Tags.of("status", "x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PatchbayMetrics.of(registry).tenantTag()).isFalse();
  }

  private Set<String> tagKeys() {
    Set<String> keys = new HashSet<>();
    for (Meter m : registry.getMeters()) {
      m.getId().getTags().forEach(t -> keys.add(t.getKey()));
    }
    return keys;
  }

  private void assertNoIdTags() {
    assertThat(ids).contains("alice");
    List<String> offending = new ArrayList<>();
    for (Meter m : registry.getMeters()) {
      for (Tag t : m.getId().getTags()) {
        if (ids.contains(t.getValue())) {
          offending.add(m.getId().getName() + " " + t);
        }
      }
    }
    assertThat(offending).as("tags carrying a user, call or connection id").isEmpty();
    assertThat(tagKeys()).doesNotContain("user", "userId", "call", "callId", "connection");
  }
}
