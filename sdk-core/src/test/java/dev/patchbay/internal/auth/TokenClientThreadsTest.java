package dev.patchbay.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Credentials;
import dev.patchbay.internal.concurrent.SdkThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import mockwebserver3.MockResponse;
import okhttp3.Dispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many agents asking for their first token at once (10,000 connecting) must not cost a thread
 * each: the SDK's one token client runs at most {@link TokenHttp#MAX_CONCURRENT} calls at once
 * on as many platform threads, the rest wait in its queue; while the SDK shuts down at most
 * {@link TokenHttp#SHUTDOWN_CONCURRENT}.
 */
class TokenClientThreadsTest {
  private static final int AGENTS = 48;

  private final OAuthTestServer server;
  private final SdkThreads threads = new SdkThreads("test-", false); // platform: Java 17's case
  private final TokenHttp http = TokenHttp.create(threads, null, null, SocketFactory.getDefault());
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  private final AtomicInteger atServer = new AtomicInteger();
  private final CountDownLatch answer = new CountDownLatch(1);
  private final List<RealTokenManager> managers = new ArrayList<>();

  TokenClientThreadsTest() throws Exception {
    server = new OAuthTestServer();
    server.token = r -> {
      atServer.incrementAndGet();
      try {
        answer.await(); // hold every request until all of them are at the server or queued
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return OAuthTestServer.token("access-token-" + r.form().size(), 3600, null);
    };
    server.revoke = r -> new MockResponse.Builder().code(200).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    answer.countDown();
    try {
      for (RealTokenManager m : managers) {
        m.closeAsync().get(10, TimeUnit.SECONDS);
      }
    } finally {
      http.close();
      scheduler.shutdownNow();
      server.close();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> threads.live() == 0);
  }

  @Test
  void manyAgentsAskingAtOnceUseABoundedNumberOfThreads() throws Exception {
    List<CompletableFuture<?>> tokens = askAtOnce(AGENTS);
    Dispatcher dispatcher = http.client().dispatcher();

    // every request is either held at the server (its thread blocked in it) or queued
    await().atMost(Duration.ofSeconds(30))
        .until(() -> atServer.get() + dispatcher.queuedCallsCount() == AGENTS);

    assertThat(atServer.get()).as("requests in flight at once").isEqualTo(TokenHttp.MAX_CONCURRENT);
    assertThat(threads.peak()).as("SDK threads at most, ever")
        .isLessThanOrEqualTo(TokenHttp.MAX_CONCURRENT);

    answer.countDown();
    CompletableFuture.allOf(tokens.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(server.tokenRequests()).hasSize(AGENTS);
    assertThat(threads.peak()).isLessThanOrEqualTo(TokenHttp.MAX_CONCURRENT);
  }

  /** Patchbay.close(): every agent revokes at once; more calls in flight, still a bound. */
  @Test
  void whileTheSdkShutsDownTheBoundRisesToShutdownConcurrent() throws Exception {
    int agents = TokenHttp.SHUTDOWN_CONCURRENT + 16;
    http.beginShutdown();
    List<CompletableFuture<?>> tokens = askAtOnce(agents);
    Dispatcher dispatcher = http.client().dispatcher();

    await().atMost(Duration.ofSeconds(30))
        .until(() -> atServer.get() + dispatcher.queuedCallsCount() == agents);

    assertThat(atServer.get()).as("requests in flight at once")
        .isEqualTo(TokenHttp.SHUTDOWN_CONCURRENT);
    assertThat(threads.peak()).as("SDK threads at most, ever")
        .isLessThanOrEqualTo(TokenHttp.SHUTDOWN_CONCURRENT);

    answer.countDown();
    CompletableFuture.allOf(tokens.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(server.tokenRequests()).hasSize(agents);
  }

  private List<CompletableFuture<?>> askAtOnce(int agents) {
    TokenConfig config = TokenConfig.builder().requestTimeout(Duration.ofSeconds(60)).build();
    List<CompletableFuture<?>> tokens = new ArrayList<>();
    for (int i = 0; i < agents; i++) {
      RealTokenManager m = RealTokenManager.create(
          Credentials.clientCredentials("agent-" + i, "secret-" + i), server.endpoints(),
          http.client(), scheduler, config);
      managers.add(m);
      tokens.add(m.token());
    }
    return tokens;
  }
}
