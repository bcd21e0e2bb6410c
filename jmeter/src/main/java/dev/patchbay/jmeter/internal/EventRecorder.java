package dev.patchbay.jmeter.internal;

import dev.patchbay.Call;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes the SDK's retry events to the JMeter thread whose user they concern (by tenant and user
 * id; every JMeter thread connects its own user), so a sample can say which refusals the SDK
 * absorbed. Called synchronously on SDK threads: cheap and non-blocking.
 */
public final class EventRecorder extends PatchbayEventListener {
  /** One retry the SDK scheduled: what was refused, with which status, and the delay. */
  public record Retry(String what, int retry, int status, long atNanos, Duration delay,
      String cause) {}

  private final Map<String, List<Retry>> retries = new ConcurrentHashMap<>();

  private static String key(String tenant, String userId) {
    return tenant + '\u0000' + userId;
  }

  @Override
  public void retryScheduled(UserAgent ua, RetryKind kind, int status, int retry,
      Duration delay, Call call, PatchbayException cause) {
    String tenant = ua.tenant();
    String userId = ua.userId();
    if (userId == null) {
      return;
    }
    String what = kind.name().toLowerCase(Locale.ROOT); // connect, reconnect, token, invite, ...
    String text = cause == null ? "" : cause.getClass().getSimpleName();
    List<Retry> list = retries.computeIfAbsent(key(tenant, userId), k -> new ArrayList<>());
    synchronized (list) {
      list.add(new Retry(what, retry, status, System.nanoTime(), delay, text));
    }
  }

  /** Takes (and forgets) the retries of {@code what} recorded for this user so far. */
  public List<Retry> drain(String tenant, String userId, String what) {
    List<Retry> list = retries.get(key(tenant, userId));
    if (list == null) {
      return List.of();
    }
    List<Retry> out = new ArrayList<>();
    synchronized (list) {
      list.removeIf(r -> {
        if (r.what().equals(what)) {
          out.add(r);
          return true;
        }
        return false;
      });
    }
    return out;
  }

  /** Forgets everything recorded for this user (its agent is closed). */
  public void forget(String tenant, String userId) {
    retries.remove(key(tenant, userId));
  }
}
