package dev.patchbay.reliability.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.EdgeRejectedException;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The token endpoint under 429/503 (every Retry-After form), storms, and 100 % 5xx. */
class TokenEndpointFaultsTest {

  enum Form { SECONDS, HTTP_DATE, PAST_DATE, GARBAGE }

  static Stream<Arguments> statusFormSeed() {
    List<Arguments> out = new ArrayList<>();
    for (int status : new int[] {429, 503}) {
      for (Form f : Form.values()) {
        Seeds.seeds().forEach(s -> out.add(Arguments.of(status, f, s)));
      }
    }
    return out.stream();
  }

  private static String retryAfter(Form form) {
    return switch (form) {
      case SECONDS -> "1";
      case HTTP_DATE -> DateTimeFormatter.RFC_1123_DATE_TIME.format(
          ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2).withNano(0));
      case PAST_DATE -> "Wed, 21 Oct 2015 07:28:00 GMT";
      case GARBAGE -> "soon, maybe";
    };
  }

  @ParameterizedTest(name = "{0} Retry-After {1}, seed {2}")
  @MethodSource("statusFormSeed")
  void tokenEndpointRefusalIsRetriedHonouringRetryAfter(int status, Form form, long seed) {
    try (Rig rig = Rig.builder("token endpoint " + status + " + Retry-After " + form, seed)
        .start()) {
      rig.inject("token endpoint " + status, () ->
          rig.edge.faults().tokenEndpointStatus(status, retryAfter(form), 1));
      long start = System.nanoTime();

      UserAgent alice = rig.connected("alice");

      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
      assertThat(rig.edge.counters().tokenRequests()).isEqualTo(2);
      assertThat(rig.edge.counters().refusals(status)).isEqualTo(1);
      switch (form) {
        case SECONDS, HTTP_DATE -> assertThat(tookMs)
            .as("the retry waited for Retry-After").isGreaterThanOrEqualTo(900);
        case PAST_DATE, GARBAGE -> assertThat(tookMs)
            .as("a past or unreadable Retry-After falls back to the normal short backoff")
            .isLessThan(900);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#heavy")
  void tooManyRequestsStormDrainsEachAgentsBudgetAndFailsTyped(long seed) {
    int agents = Seeds.scale(40, 200);
    try (Rig rig = Rig.builder("429 storm across " + agents + " agents (Retry-After 1 s)", seed)
        .edge(b -> b).start()) {
      rig.inject("token endpoint 429 for every request", () ->
          rig.edge.faults().tokenEndpointStatus(429, "1", Integer.MAX_VALUE));
      List<CompletableFuture<UserAgent>> all = new ArrayList<>();
      for (int i = 0; i < agents; i++) {
        rig.edge.addUser(Rig.TENANT, "storm" + i, "storm-secret-" + seed + "-" + i);
        Secrets.registerClient("storm" + i, "storm-secret-" + seed + "-" + i);
        all.add(rig.ledger.track("connect storm" + i, rig.patchbay.connect(
            dev.patchbay.Credentials.clientCredentials("storm" + i,
                "storm-secret-" + seed + "-" + i),
            rig.options("storm" + i).build())));
      }
      for (CompletableFuture<UserAgent> f : all) {
        Throwable e = Rig.failure(f, Duration.ofSeconds(90));
        assertThat(e).isInstanceOf(EdgeRejectedException.class);
        assertThat(((PatchbayException) e).status()).hasValue(429);
      }
      long requests = rig.edge.counters().tokenRequests();
      assertThat(requests).as("each agent retried, within its own budget of 6 attempts")
          .isGreaterThan(agents).isLessThanOrEqualTo(agents * 6L);
      assertThat(rig.edge.counters().upgradeAttempts()).isZero();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void retryAfterBeyondTheDeadlineFailsCallersFastAndTyped(long seed) {
    int agents = Seeds.scale(40, 200);
    try (Rig rig = Rig.builder("429 storm, Retry-After beyond the deadline: fail fast", seed)
        .start()) {
      rig.inject("token endpoint 429 Retry-After 3600 for every request", () ->
          rig.edge.faults().tokenEndpointStatus(429, "3600", Integer.MAX_VALUE));
      long start = System.nanoTime();
      List<CompletableFuture<UserAgent>> all = new ArrayList<>();
      for (int i = 0; i < agents; i++) {
        String user = i % 3 == 0 ? "alice" : i % 3 == 1 ? "bob" : "carol";
        all.add(rig.connect(user));
      }
      for (CompletableFuture<UserAgent> f : all) {
        Throwable e = Rig.failure(f, Duration.ofSeconds(30));
        assertThat(e).isInstanceOf(EdgeRejectedException.class);
        // the edge's 3600 s is clamped to the gate's 10 min ceiling (docs/protocol.md §3.9.1)
        assertThat(((PatchbayException) e).retryAfter()).hasValue(Duration.ofMinutes(10));
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(rig.edge.counters().tokenRequests()).isEqualTo(agents);
    }
  }

  enum Server5xx { TOKEN_500, TOKEN_502, UPGRADE_500, UPGRADE_503 }

  static Stream<Arguments> fiveHundreds() {
    List<Arguments> out = new ArrayList<>();
    for (Server5xx k : Server5xx.values()) {
      Seeds.seeds().forEach(s -> out.add(Arguments.of(k, s)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("fiveHundreds")
  void everyAnswerA5xxEndsInATypedFailureWithinTheBudget(Server5xx kind, long seed) {
    try (Rig rig = Rig.builder("100 % 5xx from the edge: " + kind, seed).start()) {
      rig.inject(kind.name(), () -> {
        switch (kind) {
          case TOKEN_500 -> rig.edge.faults().tokenEndpointStatus(500, null, Integer.MAX_VALUE);
          case TOKEN_502 -> rig.edge.faults().tokenEndpointStatus(502, null, Integer.MAX_VALUE);
          case UPGRADE_500 -> rig.edge.faults().refuseUpgrades(500, null, Integer.MAX_VALUE);
          case UPGRADE_503 -> rig.edge.faults().refuseUpgrades(503, null, Integer.MAX_VALUE);
        }
      });
      List<CompletableFuture<UserAgent>> all = List.of(
          rig.connect("alice"), rig.connect("bob"), rig.connect("carol"));
      for (CompletableFuture<UserAgent> f : all) {
        Throwable e = Rig.failure(f, Duration.ofSeconds(30));
        assertThat(e).isInstanceOf(EdgeRejectedException.class);
        assertThat(((PatchbayException) e).status()).isPresent();
      }
      switch (kind) {
        case TOKEN_500, TOKEN_502 -> {
          assertThat(rig.edge.counters().tokenRequests()).isBetween(3L, 3L * 6);
          assertThat(rig.edge.counters().upgradeAttempts()).isZero();
        }
        case UPGRADE_500, UPGRADE_503 -> assertThat(rig.edge.counters().upgradeAttempts())
            .as("every agent stopped at its budget of %d attempts",
                Rig.FAST_RETRY.maxAttempts())
            .isEqualTo(3L * Rig.FAST_RETRY.maxAttempts());
      }
    }
  }
}
