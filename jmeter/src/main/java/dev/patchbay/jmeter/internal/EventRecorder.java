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
 * Routes the SDK's retry and connect-phase events to the JMeter thread whose user they concern
 * (by tenant and user id; every JMeter thread connects its own user), so a sample can say which
 * refusals the SDK absorbed and how long each phase of a connect took. Called synchronously on
 * SDK threads: cheap and non-blocking.
 */
public final class EventRecorder extends PatchbayEventListener {
  /** One retry the SDK scheduled: what was refused, with which status, and the delay. */
  public record Retry(String what, int retry, int status, long atNanos, Duration delay,
      String cause) {}

  /**
   * One event of a first connect: {@code start}, {@code token} (token at hand), {@code upgrade}
   * (WebSocket upgraded), {@code hello} (connected), {@code retry} (the attempt was refused:
   * status or cause, and the backoff delay) or {@code failed} (connect failed for good).
   */
  public record Mark(String what, long atNanos, int status, Duration delay, String cause) {}

  private final Map<String, List<Retry>> retries = new ConcurrentHashMap<>();
  /** Marks of the first connect in progress, per user; reconnects are not recorded. */
  private final Map<String, List<Mark>> connects = new ConcurrentHashMap<>();

  private void mark(UserAgent ua, String what, boolean begin, int status, Duration delay,
      String cause) {
    String userId = ua.userId();
    if (userId == null) {
      return;
    }
    long now = System.nanoTime();
    String key = key(ua.tenant(), userId);
    List<Mark> list = begin ? connects.computeIfAbsent(key, k -> new ArrayList<>())
        : connects.get(key);
    if (list == null) {
      return; // no first connect in progress (a reconnect, or already drained)
    }
    synchronized (list) {
      if (!begin && (list.isEmpty() || isEnd(list.get(list.size() - 1)))) {
        return;
      }
      if (begin) {
        list.clear();
      }
      list.add(new Mark(what, now, status, delay, cause));
    }
  }

  private static boolean isEnd(Mark m) {
    return m.what().equals("hello") || m.what().equals("failed");
  }

  @Override
  public void connectStart(UserAgent ua, boolean reconnect) {
    if (!reconnect) {
      mark(ua, "start", true, 0, Duration.ZERO, "");
    }
  }

  @Override
  public void tokenObtained(UserAgent ua) {
    mark(ua, "token", false, 0, Duration.ZERO, "");
  }

  @Override
  public void socketUpgraded(UserAgent ua) {
    mark(ua, "upgrade", false, 0, Duration.ZERO, "");
  }

  @Override
  public void connectEnd(UserAgent ua, String connectionId, Duration took) {
    mark(ua, "hello", false, 0, Duration.ZERO, "");
  }

  @Override
  public void connectFailed(UserAgent ua, PatchbayException cause) {
    mark(ua, "failed", false, cause.status().orElse(0), Duration.ZERO,
        cause.getClass().getSimpleName());
  }

  /** Takes (and forgets) the marks of this user's first connect. */
  public List<Mark> drainConnect(String tenant, String userId) {
    List<Mark> list = connects.remove(key(tenant, userId));
    if (list == null) {
      return List.of();
    }
    synchronized (list) {
      return List.copyOf(list);
    }
  }

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
    if (kind == RetryKind.CONNECT) {
      mark(ua, "retry", false, status, delay, text);
    }
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
    connects.remove(key(tenant, userId));
  }
}
