package dev.patchbay.examples.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.PatchbayEventListener.RetryKind;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import dev.patchbay.benchmarks.compare.LoadRecorder;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Retries the SDK absorbed are counted by their short reason, not only by class. */
class CallTrackerTest {

  @Test
  void retriesWithoutAStatusAreCountedByTheirReason() {
    LoadRecorder rec = new LoadRecorder(1);
    CallTracker tracker = new CallTracker(rec);
    UserAgent ua = (UserAgent) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {UserAgent.class}, (p, m, a) -> null); // userId() null: no JTL row

    tracker.retryScheduled(ua, RetryKind.CONNECT, 0, 1, Duration.ofMillis(50), null,
        new Failure("the WebSocket upgrade did not complete within PT10S"));
    tracker.retryScheduled(ua, RetryKind.CONNECT, 0, 2, Duration.ofMillis(90), null,
        new Failure("the edge sent no hello within PT5S"));
    tracker.retryScheduled(ua, RetryKind.CONNECT, 0, 3, Duration.ofMillis(90), null,
        new Failure("the edge sent no hello within PT5S"));

    assertThat(rec.retries()).containsEntry(
        "connect after Failure: the WebSocket upgrade did not complete within PTN", 1L)
        .containsEntry("connect after Failure: the edge sent no hello within PTN", 2L);
  }

  private static final class Failure extends PatchbayException {
    Failure(String message) {
      super(message, null, true, 0, null);
    }
  }
}
