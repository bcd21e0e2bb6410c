package dev.patchbay.internal.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

  @Test
  void runsTasksOneAtATimeInSubmissionOrder() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      SerialExecutor serial = new SerialExecutor(pool, "test");
      List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger running = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(10_000);
      for (int i = 0; i < 10_000; i++) {
        int n = i;
        serial.execute(() -> {
          if (running.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
          }
          seen.add(n);
          running.decrementAndGet();
          done.countDown();
        });
      }
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(overlaps.get()).isZero();
      for (int i = 0; i < seen.size(); i++) {
        assertThat(seen.get(i)).isEqualTo(i);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aThrowingTaskDoesNotStopTheOnesAfterIt() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      SerialExecutor serial = new SerialExecutor(pool, "test");
      CountDownLatch after = new CountDownLatch(1);
      serial.execute(() -> {
        throw new IllegalStateException("boom");
      });
      serial.execute(after::countDown);
      assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tasksStillRunWhenTheBackingExecutorIsShutDown() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    pool.shutdown();
    SerialExecutor serial = new SerialExecutor(pool, "test");
    AtomicInteger ran = new AtomicInteger();

    serial.execute(ran::incrementAndGet);

    assertThat(ran.get()).isEqualTo(1);
  }
}
