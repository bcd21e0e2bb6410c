package dev.patchbay.reliability.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.Credentials;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.PatchbayException;
import dev.patchbay.RetryPolicy;
import dev.patchbay.UserAgent;
import dev.patchbay.reliability.figures.Figures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 1,000 user agents lose the edge at once (every connection reset, upgrades refused for 2 s, as
 * in a restart behind a load balancer) and come back: no reconnect storm in lockstep — their reconnect times spread and
 * the backoff stays random at its cap.
 */
class EdgeRestartTest {
  private static final RetryPolicy RECONNECT = RetryPolicy.builder()
      .baseDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(400)).maxAttempts(30)
      .deadline(Duration.ofSeconds(60)).build();

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#heavy")
  void thousandAgentsReconnectSpreadOutWithJitterAtTheCap(long seed) {
    int agents = Seeds.scale(300, 1000);
    ConcurrentLinkedQueue<long[]> retries = new ConcurrentLinkedQueue<>(); // {retry, delayMs}
    Map<String, Long> reconnectedAt = new ConcurrentHashMap<>();
    long[] upAt = {Long.MAX_VALUE};
    PatchbayEventListener listener = new PatchbayEventListener() {
      @Override
      public void retryScheduled(UserAgent ua, RetryKind kind, int status, int retry,
          Duration delay, Call call, PatchbayException cause) {
        if (kind == RetryKind.RECONNECT) {
          retries.add(new long[] {retry, delay.toMillis()});
        }
      }

      @Override
      public void connectEnd(UserAgent ua, String connectionId, Duration took) {
        long now = System.nanoTime();
        if (now > upAt[0]) {
          reconnectedAt.putIfAbsent(ua.userId(), now);
        }
      }
    };
    try (Rig rig = Rig.builder(agents + " agents reconnecting after an edge restart", seed)
        .viaProxy().edge(b -> b.maxThreads(32).frameLogCapacity(1).tenant(Rig.TENANT,
            t -> t.socketCap(agents + 10).userSocketLimit(3)))
        .sdk(b -> b.eventListener(listener)).start()) {
      List<CompletableFuture<UserAgent>> connects = new ArrayList<>();
      for (int i = 0; i < agents; i++) {
        String user = "u" + i;
        String secret = "u-secret-" + seed + "-" + i;
        rig.edge.addUser(Rig.TENANT, user, secret);
        Secrets.registerClient(user, secret);
        connects.add(rig.connect(rig.options(user).reconnectRetry(RECONNECT).build(),
            Credentials.clientCredentials(user, secret)));
      }
      List<UserAgent> all = new ArrayList<>();
      for (CompletableFuture<UserAgent> f : connects) {
        all.add(Rig.get(f, Duration.ofSeconds(120)));
      }

      // the edge restarts behind its load balancer: every socket is reset, upgrades are answered
      // 503 until it is back (the token service, separate in the field, stays up)
      rig.inject("edge restart: reset every connection, 503 on upgrades for 2+ s", () -> {
        rig.edge.faults().refuseUpgrades(503, null, Integer.MAX_VALUE);
        rig.proxy.resetAll();
      });
      await().atMost(Duration.ofSeconds(30)).until(() ->
          all.stream().allMatch(a -> a.state() != UserAgent.State.CONNECTED));
      // down for at least 2 s and until the backoff reached its cap often enough to judge its
      // jitter: a fixed window measured fewer retries on a loaded machine (a flaky count)
      await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30)).until(() ->
          retries.stream().filter(r -> r[0] >= 3).count() > agents);
      upAt[0] = System.nanoTime();
      rig.edge.faults().clear();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline
          && !all.stream().allMatch(a -> a.state() == UserAgent.State.CONNECTED)) {
        await().pollDelay(Duration.ofMillis(200)).until(() -> true);
      }
      assertThat(all.stream().collect(java.util.stream.Collectors.groupingBy(
          UserAgent::state, java.util.stream.Collectors.counting())))
          .as("agent states after the restart (edge: %s)", rig.edge.counters().values())
          .containsOnlyKeys(UserAgent.State.CONNECTED);

      // jitter at the cap: retries 3+ wait random(0, 400 ms), never in lockstep
      List<Long> atCap = retries.stream().filter(r -> r[0] >= 3).map(r -> r[1]).toList();
      assertThat(atCap).hasSizeGreaterThan(agents);
      double mean = atCap.stream().mapToLong(Long::longValue).average().orElse(0);
      double sd = Math.sqrt(atCap.stream().mapToDouble(d -> (d - mean) * (d - mean))
          .average().orElse(0));
      assertThat(atCap).allSatisfy(d -> assertThat(d).isBetween(0L, 400L));
      assertThat(sd).as("uniform jitter on [0, 400] ms has sd ~115 ms").isGreaterThan(80);
      assertThat(atCap.stream().distinct().count()).isGreaterThan(200);
      // reconnect times after the edge came back: spread, not a spike
      List<Long> ms = reconnectedAt.values().stream().map(t -> (t - upAt[0]) / 1_000_000)
          .sorted().toList();
      assertThat(ms).hasSize(agents);
      long p10 = ms.get(agents / 10);
      long p90 = ms.get(agents * 9 / 10);
      long biggestBucket = ms.stream().collect(java.util.stream.Collectors.groupingBy(
          m -> m / 50, java.util.stream.Collectors.counting())).values().stream()
          .mapToLong(Long::longValue).max().orElse(0);
      Figures.note(String.format("edge restart, %d agents: reconnect p10 %d ms, p50 %d ms, "
          + "p90 %d ms after the edge came back; %d retries at the cap, delay sd %.0f ms",
          agents, p10, ms.get(agents / 2), p90, atCap.size(), sd));
      assertThat(p90 - p10).as("reconnects spread over time").isGreaterThan(150);
      assertThat(biggestBucket).as("no 50 ms window holds a third of the agents")
          .isLessThan(agents / 3);
    }
  }
}
