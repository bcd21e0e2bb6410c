package dev.patchbay.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Proves the suite-wide secret check can fail: it finds secrets wherever an event holds them. */
class LogCaptureTest {
  private static final Logger log = LoggerFactory.getLogger("dev.patchbay.capture-self-test");

  private static String secret() {
    String s = "sekrit-" + UUID.randomUUID();
    LogCapture.registerSecret(s);
    return s;
  }

  @Test
  void theExtensionInstalledTheCapture() {
    assertThat(LogCapture.installed()).isTrue();
  }

  @Test
  void findsASecretInAnArgumentTheMdcAThrowableCauseAndAKeyValuePair() {
    LogCapture.newLeaks(); // start clean
    String inArg = secret();
    String inMdc = secret();
    String inCause = secret();
    String inKv = secret();
    String unused = secret();

    log.debug("argument {}", inArg);
    MDC.put("user", inMdc);
    try {
      log.info("with mdc");
    } finally {
      MDC.remove("user");
    }
    log.warn("with throwable", new IllegalStateException("outer",
        new RuntimeException("inner " + inCause)));
    log.atTrace().addKeyValue("token", inKv).log("fluent");

    List<String> leaks = LogCapture.newLeaks();
    assertThat(leaks).hasSize(4);
    assertThat(String.join("\n", leaks)).doesNotContain(inArg, inMdc, inCause, inKv, unused)
        .contains("<SECRET#");
    assertThat(LogCapture.newLeaks()).as("each leak is reported once").isEmpty();
  }

  @Test
  void aSecretRegisteredAfterTheEventWasLoggedIsStillFound() {
    LogCapture.newLeaks();
    String late = "late-sekrit-" + UUID.randomUUID();
    log.debug("value {}", late);
    assertThat(LogCapture.newLeaks()).isEmpty();

    LogCapture.registerSecret(late);

    assertThat(LogCapture.newLeaks()).hasSize(1);
  }

  @Test
  void pastTheBoundEventsAreCheckedAtOnceThenDroppedAndTheLeakIsStillReported() {
    LogCapture.newLeaks();
    String s = secret();
    LogCapture.record("early " + s);
    String filler = "x".repeat(1 << 20); // one string: the events share it
    for (long c = 0; c <= LogCapture.MAX_CHARS; c += filler.length()) {
      LogCapture.record(filler);
    }

    assertThat(LogCapture.eventsSince(0)).as("checked events dropped past the bound")
        .noneMatch(e -> e.startsWith("early "));
    assertThat(LogCapture.newLeaks()).hasSize(1).allMatch(l -> l.startsWith("secret #")
        && l.contains("early <SECRET#"));
  }

  @Test
  void capturesEveryEventFromManyThreads() throws Exception {
    LogCapture.newLeaks();
    String s = secret();
    int threads = 16;
    int perThread = 500;
    int before = LogCapture.eventCount();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            log.debug("thread {} event {} {}", id, i, id == 7 && i == 321 ? s : "-");
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(LogCapture.eventCount() - before).isGreaterThanOrEqualTo(threads * perThread);
    assertThat(LogCapture.newLeaks()).hasSize(1).allMatch(l -> l.contains("thread 7 event 321"));
  }

  @Test
  void ignoresTooShortSecretsAndNull() {
    LogCapture.newLeaks();
    LogCapture.registerSecret(null);
    LogCapture.registerSecret("abc");
    log.debug("abc abc");
    assertThat(LogCapture.newLeaks()).isEmpty();
  }
}
