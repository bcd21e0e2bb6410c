package dev.patchbay.internal.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SdkThreadsTest {

  @Test
  void countsLiveThreadsOfEveryExecutorBackToZeroAfterShutdown() throws Exception {
    SdkThreads threads = new SdkThreads("test-", true);
    ExecutorService compute = threads.computeExecutor("worker", 2);
    ExecutorService blocking = threads.blockingExecutor("io");
    CountDownLatch started = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    for (ExecutorService e : new ExecutorService[] {compute, blocking}) {
      e.execute(() -> {
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      });
    }
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(threads.live()).isEqualTo(2);

    release.countDown();
    compute.shutdown();
    blocking.shutdown();
    assertThat(compute.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(blocking.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(2)).until(() -> threads.live() == 0);
  }

  @Test
  void platformThreadsAreNamedDaemons() {
    SdkThreads threads = new SdkThreads("test-", false);
    Thread t = threads.platform("scheduler").newThread(() -> {});
    assertThat(t.getName()).startsWith("test-scheduler-");
    assertThat(t.isDaemon()).isTrue();
    assertThat(threads.usesVirtualThreads()).isFalse();
  }
}
