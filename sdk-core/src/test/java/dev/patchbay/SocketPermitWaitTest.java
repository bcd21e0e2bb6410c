package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.media.MediaEngines;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wait for a socket permit is bounded by the connect budget (issue 10 item 8), but only the
 * wait: once the permit arrives, the upgrade and hello run under their own deadlines. A bound
 * that fired mid-handshake abandoned a socket the edge was admitting, failed the connect with
 * "no free socket permit" although the permit had come, and left the socket's token bound at
 * the edge while the SDK could present it again (the generator's d-token-reuse, issue 10).
 */
class SocketPermitWaitTest {
  /** Bob's connect budget: his upgrade is answered after it has run out. */
  private static final Duration BUDGET = Duration.ofSeconds(3);
  private static final long SLOW_UPGRADE_MS = 5_000;

  private final AtomicInteger queued = new AtomicInteger();
  private ScriptedEdge edge;
  private Patchbay patchbay;

  @BeforeEach
  void start() throws Exception {
    edge = new ScriptedEdge();
    edge.limits = new Frames.Limits(null, null, 1, null); // the tenant may hold one socket
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .eventListenerFactory(ua -> new PatchbayEventListener() {
          @Override
          public void admissionQueued(UserAgent userAgent, AdmissionKind kind) {
            if (kind == AdmissionKind.SOCKET) {
              queued.incrementAndGet();
            }
          }
        }).build();
  }

  @AfterEach
  void stop() {
    patchbay.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Diagnostics d = patchbay.diagnostics();
      assertThat(d.isIdle()).as("%s", d).isTrue();
      assertThat(d.sdkThreads()).as("SDK threads after close").isZero();
    });
    edge.close();
  }

  private static UserAgentOptions options(String user) {
    RetryPolicy budget = RetryPolicy.builder().baseDelay(Duration.ofMillis(20))
        .maxDelay(Duration.ofMillis(100)).maxAttempts(3).deadline(BUDGET).build();
    return UserAgentOptions.builder("acme").userId(user).connectRetry(budget)
        .reconnectRetry(budget).upgradeTimeout(Duration.ofSeconds(20))
        .helloTimeout(Duration.ofSeconds(20)).build();
  }

  @Test
  void aPermitThatArrivesWithinTheBudgetIsNotWithdrawnDuringTheHandshake() throws Exception {
    UserAgent alice = patchbay.connect(new FakeTokenManager(), options("alice"))
        .get(10, TimeUnit.SECONDS);
    edge.upgradeDelayMs.put(2, SLOW_UPGRADE_MS); // bob's upgrade outlasts his connect budget

    CompletableFuture<UserAgent> bob = patchbay.connect(new FakeTokenManager(), options("bob"));
    await().atMost(Duration.ofSeconds(5)).until(() -> queued.get() == 1); // alice holds it
    alice.close(); // the permit passes to bob at once, well within his budget

    UserAgent connected;
    try {
      connected = bob.get(SLOW_UPGRADE_MS + 10_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("bob's connect failed although his permit came within the"
          + " budget: " + e.getCause(), e.getCause());
    }
    assertThat(connected.state()).isEqualTo(UserAgent.State.CONNECTED);
    assertThat(edge.upgradeNanos).as("one upgrade each: bob's socket was not abandoned")
        .hasSize(2);
    assertThat(edge.authorizations.get(1)).isEqualTo("Bearer token-1");
    connected.close();
  }
}
