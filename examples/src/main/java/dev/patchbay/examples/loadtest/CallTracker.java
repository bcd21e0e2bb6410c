package dev.patchbay.examples.loadtest;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import dev.patchbay.benchmarks.compare.LoadRecorder;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The load test's {@link PatchbayEventListener}: every call the SDK starts is tracked from
 * {@code callStart} to {@code callEnd}, so a call that never reaches a terminal state (with a
 * reason) is found at the end; retries and local admission waits are counted by kind and status.
 */
final class CallTracker extends PatchbayEventListener {
  private final LoadRecorder rec;
  /** Calls started and not yet ended: call → established. */
  private final Map<Call, Boolean> open = new ConcurrentHashMap<>();
  /**
   * When the current connect attempt of an agent, or invite attempt of a call, started
   * (nanoTime): for the JTL.
   */
  private final Map<Object, Long> attemptStart = new ConcurrentHashMap<>();

  CallTracker(LoadRecorder rec) {
    this.rec = rec;
  }

  /** Calls started that never reached a terminal state. */
  int unterminated() {
    return open.size();
  }

  @Override
  public void connectStart(UserAgent ua, boolean reconnect) {
    if (ua.userId() != null) {
      attemptStart.put(ua, System.nanoTime());
    }
  }

  @Override
  public void connectEnd(UserAgent ua, String connectionId, Duration took) {
    attemptStart.remove(ua);
  }

  @Override
  public void connectFailed(UserAgent ua, PatchbayException cause) {
    attemptStart.remove(ua);
  }

  @Override
  public void callStart(Call call) {
    if (call.direction() == Call.Direction.INBOUND) {
      return; // the answering leg of an agent-to-agent call: counted once, by its caller
    }
    attemptStart.put(call, System.nanoTime());
    open.put(call, Boolean.FALSE);
    rec.callAttempted();
  }

  @Override
  public void callActive(Call call, Duration setup) {
    if (open.replace(call, Boolean.TRUE) != null) {
      rec.callEstablished(setup);
    }
  }

  @Override
  public void callEnd(Call call, CallState state, EndReason reason, Duration took) {
    attemptStart.remove(call);
    Boolean established = open.remove(call);
    if (established == null) {
      return; // never started here (an inbound leg) or reported twice
    }
    boolean success = established && state == CallState.ENDED
        && (reason == EndReason.LOCAL_HANGUP || reason == EndReason.REMOTE_HANGUP);
    rec.callEnded(established, success, reason == null ? "NO_REASON" : reason.name());
  }

  @Override
  public void retryScheduled(UserAgent ua, RetryKind kind, int status, int retry,
      Duration delay, Call call, PatchbayException cause) {
    String what = kind.name().toLowerCase(Locale.ROOT);
    String code = LoadFailures.describe(cause);
    String reason = LoadFailures.reason(cause);
    rec.retry(what + " after " + reason);
    rec.refused(code);
    String userId = ua.userId();
    if (userId != null) { // one row per refused attempt the SDK absorbed (not an error)
      long now = System.nanoTime();
      Object k = call != null ? call : ua;
      Long start = attemptStart.put(k, now + delay.toNanos());
      rec.step(what + " · refused, retried",
          userId, start == null ? now : Math.min(start, now), now, code, true,
          what + " attempt " + retry + " refused (" + reason + "); retried after "
              + delay.toMillis() + " ms");
    }
  }

  @Override
  public void admissionQueued(UserAgent ua, AdmissionKind kind) {
    String what = kind.name().toLowerCase(Locale.ROOT);
    rec.retry("waited locally for " + (what.startsWith("u") ? "an " : "a ") + what + " slot");
  }
}
