package dev.patchbay.examples.loadtest;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.PatchbayException;
import dev.patchbay.benchmarks.compare.LoadRecorder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The load test's {@link PatchbayEventListener}: every call the SDK starts is tracked from
 * {@code callStart} to {@code callEnd}, so a call that never reaches a terminal state (with a
 * reason) is found at the end; retries and local admission waits are counted by kind and status.
 */
final class CallTracker extends PatchbayEventListener {
  private final LoadRecorder rec;
  /** Calls started and not yet ended: key → established. */
  private final Map<String, Boolean> open = new ConcurrentHashMap<>();
  /** When the current connect or invite attempt of a user started (nanoTime): for the JTL. */
  private final Map<String, Long> attemptStart = new ConcurrentHashMap<>();

  CallTracker(LoadRecorder rec) {
    this.rec = rec;
  }

  /** Calls started that never reached a terminal state. */
  int unterminated() {
    return open.size();
  }

  @Override
  public void connectStart(String tenant, String userId, boolean reconnect) {
    if (userId != null) {
      attemptStart.put(key(tenant, userId, "connect"), System.nanoTime());
    }
  }

  @Override
  public void connectEnd(String tenant, String userId, String connectionId, Duration took) {
    attemptStart.remove(key(tenant, userId, "connect"));
  }

  @Override
  public void connectFailed(String tenant, String userId, PatchbayException cause) {
    if (userId != null) {
      attemptStart.remove(key(tenant, userId, "connect"));
    }
  }

  @Override
  public void callStart(String tenant, String userId, String callId, Call.Direction direction) {
    if (direction == Call.Direction.INBOUND) {
      return; // the answering leg of an agent-to-agent call: counted once, by its caller
    }
    attemptStart.put(key(tenant, userId, "invite"), System.nanoTime());
    open.put(key(tenant, userId, callId), Boolean.FALSE);
    rec.callAttempted();
  }

  @Override
  public void callActive(String tenant, String userId, String callId, Duration setup) {
    if (open.replace(key(tenant, userId, callId), Boolean.TRUE) != null) {
      rec.callEstablished(setup);
    }
  }

  @Override
  public void callEnd(String tenant, String userId, String callId, CallState state,
      EndReason reason, Duration took) {
    attemptStart.remove(key(tenant, userId, "invite"));
    Boolean established = open.remove(key(tenant, userId, callId));
    if (established == null) {
      return; // never started here (cannot happen) or reported twice
    }
    boolean success = established && state == CallState.ENDED
        && (reason == EndReason.LOCAL_HANGUP || reason == EndReason.REMOTE_HANGUP);
    rec.callEnded(established, success, reason == null ? "NO_REASON" : reason.name());
  }

  @Override
  public void retryScheduled(String tenant, String userId, String what, int retry,
      Duration delay, PatchbayException cause) {
    String code = LoadFailures.describe(cause);
    rec.retry(what + " after " + code);
    rec.refused(code);
    if (userId != null) { // one row per refused attempt the SDK absorbed (not an error)
      long now = System.nanoTime();
      String k = key(tenant, userId, what.equals("invite") ? "invite" : "connect");
      Long start = attemptStart.put(k, now + delay.toNanos());
      rec.step(what + " · refused, retried",
          userId, start == null ? now : Math.min(start, now), now, code, true,
          what + " attempt " + retry + " refused (" + code + "); retried after "
              + delay.toMillis() + " ms");
    }
  }

  @Override
  public void admissionQueued(String tenant, String what) {
    rec.retry("waited locally for a " + what + " slot");
  }

  private static String key(String tenant, String user, String callId) {
    return tenant + '/' + user + '/' + callId;
  }
}
