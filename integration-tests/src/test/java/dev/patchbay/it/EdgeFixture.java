package dev.patchbay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Credentials;
import dev.patchbay.Diagnostics;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.RetryPolicy;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.FakeEdge;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;

/**
 * Shared fixture: one fake edge and one Patchbay (signaling-only media) per test. After each
 * test the SDK is closed and both sides must be back to zero: the edge has no socket, call or
 * media slot left, the SDK no socket, agent, call, session, timer or thread.
 */
abstract class EdgeFixture {
  static final String TENANT = "acme";
  static final RetryPolicy FAST_RETRY = RetryPolicy.builder().baseDelay(Duration.ofMillis(50))
      .maxDelay(Duration.ofMillis(500)).maxAttempts(5).deadline(Duration.ofSeconds(20)).build();

  protected FakeEdge edge;
  protected Patchbay patchbay;

  /** Starts the edge (users alice, bob, carol in tenant acme unless the builder adds more). */
  protected FakeEdge start(UnaryOperator<FakeEdge.Builder> config) {
    FakeEdge.Builder b = FakeEdge.builder()
        .user(TENANT, "alice", "alice-secret")
        .user(TENANT, "bob", "bob-secret")
        .user(TENANT, "carol", "carol-secret");
    edge = config.apply(b).start();
    return edge;
  }

  protected FakeEdge start() {
    return start(b -> b);
  }

  protected Patchbay patchbay() {
    return patchbay(b -> b);
  }

  protected Patchbay patchbay(UnaryOperator<Patchbay.Builder> config) {
    patchbay = config.apply(Patchbay.builder().edge(edge.uri())
        .mediaEngine(MediaEngines.signalingOnly())).build();
    return patchbay;
  }

  protected UserAgentOptions.Builder options(String user) {
    return UserAgentOptions.builder(TENANT).userId(user).connectRetry(FAST_RETRY)
        .reconnectRetry(FAST_RETRY);
  }

  protected CompletableFuture<UserAgent> connectAsync(String user, UserAgentOptions options) {
    return patchbay.connect(Credentials.clientCredentials(user, user + "-secret"), options);
  }

  protected UserAgent connect(String user) throws Exception {
    return connect(user, options(user).build());
  }

  protected UserAgent connect(String user, UserAgentOptions options) throws Exception {
    return connectAsync(user, options).get(20, TimeUnit.SECONDS);
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  /** The exception a future failed with (unwrapped). */
  static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the future to fail, but it completed");
  }

  /** Closes the SDK and asserts that the SDK and the edge are both back to zero. */
  protected void assertAllReleased() {
    if (patchbay != null) {
      patchbay.close();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Diagnostics d = patchbay.diagnostics();
        assertThat(d.isIdle()).as("SDK diagnostics after close: %s", d).isTrue();
        assertThat(d.sdkThreads()).as("SDK threads after close").isZero();
      });
    }
    if (edge != null) {
      edge.assertNoLeaks();
    }
  }

  @AfterEach
  void releaseEverything() {
    try {
      assertAllReleased();
    } finally {
      if (edge != null) {
        edge.close();
      }
    }
  }
}
