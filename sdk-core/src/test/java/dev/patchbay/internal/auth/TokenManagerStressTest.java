package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.status;
import static dev.patchbay.internal.auth.OAuthTestServer.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.AccessToken;
import dev.patchbay.Credentials;
import dev.patchbay.PatchbayException;
import dev.patchbay.internal.retry.Retrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

/**
 * token(), invalidate(), clock jumps and close() race from many threads against a server that
 * is slow, sometimes 503 and sometimes refuses the grant: every future completes (a token or a
 * typed error), and nothing is left running (the fixture checks calls, timers and threads).
 */
class TokenManagerStressTest {
  private final TokenFixture f;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  TokenManagerStressTest() throws Exception {
    f = new TokenFixture();
  }

  @AfterEach
  void tearDown() throws Exception {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    f.close();
  }

  @RepeatedTest(3)
  void everyCallEndsAndNothingLeaks() throws Exception {
    AtomicInteger n = new AtomicInteger();
    Random serverRandom = new Random(n.hashCode());
    f.server.token = r -> {
      int i = n.incrementAndGet();
      int roll;
      synchronized (serverRandom) {
        roll = serverRandom.nextInt(10);
      }
      MockResponse m = roll == 0 ? status(503, null) : token("stress-token-" + i, 600, null);
      return m.newBuilder().headersDelay(roll * 3L, TimeUnit.MILLISECONDS).build();
    };
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"));
    List<CompletableFuture<AccessToken>> all = java.util.Collections.synchronizedList(
        new ArrayList<>());
    m.token().get(10, TimeUnit.SECONDS); // warm: the race is what follows
    java.util.concurrent.CountDownLatch halfway = new java.util.concurrent.CountDownLatch(8);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int seed = t;
      workers.add(pool.submit(() -> {
        Random r = new Random(seed);
        for (int i = 0; i < 150; i++) {
          if (i == 75) {
            halfway.countDown();
          }
          int op = r.nextInt(10);
          if (op < 6) {
            all.add(m.token());
          } else if (op < 9) {
            AccessToken rejected = new AccessToken("stress-token-" + r.nextInt(n.get() + 1),
                null, null);
            all.add(m.invalidate(rejected));
          } else {
            f.clock.advance(Duration.ofSeconds(r.nextInt(5))); // ~12 min in all
          }
        }
      }));
    }
    assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> closed = m.closeAsync(); // races the second half
    for (Future<?> w : workers) {
      w.get(30, TimeUnit.SECONDS);
    }
    closed.get(30, TimeUnit.SECONDS);

    int ok = 0;
    java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
    synchronized (all) {
      for (CompletableFuture<AccessToken> c : all) {
        try {
          c.get(10, TimeUnit.SECONDS);
          ok++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(Retrier.unwrap(e)).isInstanceOf(PatchbayException.class);
          String kind = Retrier.unwrap(e).getClass().getSimpleName() + ": "
              + Retrier.unwrap(e).getMessage().replaceAll("\\(.*", "");
          kinds.merge(kind, 1, Integer::sum);
        }
      }
    }
    assertThat(all).hasSizeGreaterThan(700).allMatch(CompletableFuture::isDone);
    assertThat(ok).as("successes; failures: %s", kinds).isPositive();
  }
}
