package dev.patchbay.examples.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.Credentials;
import dev.patchbay.Diagnostics;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.FakeEdge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The multi-tenant backend: one token per user by token exchange, answers calls, closes clean. */
class BackendTest {
  private FakeEdge edge;
  private Backend backend;
  private final List<Backend.User> users = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    FakeEdge.Builder b = FakeEdge.builder()
        .backendClient("t0", "backend-0", "secret-0").backendClient("t1", "backend-1", "secret-1")
        .user("t0", "caller-0", "caller-0-secret").user("t1", "caller-1", "caller-1-secret");
    for (int t = 0; t < 2; t++) {
      for (int u = 0; u < 10; u++) {
        b.user("t" + t, "u" + t + "-" + u, "unused-secret");
        users.add(new Backend.User("t" + t, "u" + t + "-" + u));
      }
    }
    edge = b.start();
    backend = new Backend(edge.uri(), Map.of("t0", new Backend.BackendClient("backend-0",
        "secret-0"), "t1", new Backend.BackendClient("backend-1", "secret-1")),
        u -> edge.subjectTokenFor(u.userId()));
    backend.start(users).get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    backend.close();
    edge.close();
  }

  @Test
  void everyUserHasItsOwnExchangedTokenAndNoTokenIsShared() {
    assertThat(backend.connectedUsers()).isEqualTo(20);
    assertThat(edge.counters().get("tokenExchanges")).isEqualTo(20);
    assertThat(edge.counters().violations()).isZero();
  }

  @Test
  void answersCallsOfEveryTenantAndShutsDownWithNothingLeftOpen() throws Exception {
    try (Patchbay customers = Patchbay.builder().edge(edge.uri())
        .mediaEngine(MediaEngines.signalingOnly()).build()) {
      List<Call> calls = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        UserAgent caller = customers.connect(
            Credentials.clientCredentials("caller-" + t, "caller-" + t + "-secret"),
            UserAgentOptions.builder("t" + t).userId("caller-" + t).build())
            .get(20, TimeUnit.SECONDS);
        for (int u = 0; u < 3; u++) {
          calls.add(caller.dial("u" + t + "-" + u).get(20, TimeUnit.SECONDS));
        }
      }
      assertThat(calls).allMatch(c -> c.state() == CallState.ACTIVE);
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.callsAnswered() == 6);
      assertThat(backend.liveCalls()).isEqualTo(6);

      backend.close(); // graceful shutdown while calls are up: the backend hangs them up

      for (Call c : calls) {
        c.ended().get(20, TimeUnit.SECONDS);
        assertThat(c.endReason()).as("the customer sees the backend hang up").isPresent();
      }
      Diagnostics d = backend.settledDiagnostics(Duration.ofSeconds(10));
      assertThat(d.isIdle()).as("%s", d).isTrue();
      assertThat(d.sdkThreads()).isZero();
      assertThat(backend.callsEnded()).isEqualTo(6);
    }
    edge.assertNoLeaks();
    assertThat(edge.liveTokens()).as("every user's token was revoked").isZero();
  }
}
