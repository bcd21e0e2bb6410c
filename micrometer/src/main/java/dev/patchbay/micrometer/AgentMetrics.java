package dev.patchbay.micrometer;

import dev.patchbay.AuthenticationException;
import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The listener of one user agent: keeps the start times the events do not carry (connect phase,
 * hang-up) and records into the registry. Connect events of one agent arrive one at a time;
 * call events may arrive concurrently for different calls.
 */
final class AgentMetrics extends PatchbayEventListener {
  /** Tag keys the meters set; extra tags must not use them. */
  static final Set<String> OWN_KEYS = Set.of("tenant", "reconnect", "outcome", "phase",
      "refresh", "direction", "reason", "kind", "status");

  private enum Phase { NONE, TOKEN, UPGRADE, HELLO }

  private final MeterRegistry registry;
  private final Tags base;

  // connect state: guarded by this
  private boolean reconnect;
  private long connectStartNanos;
  private long phaseStartNanos;
  private Phase phase = Phase.NONE;

  private volatile boolean tokenRefresh;
  private final Map<Call, Long> hangUps = new ConcurrentHashMap<>();

  AgentMetrics(MeterRegistry registry, Tags base) {
    this.registry = registry;
    this.base = base;
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static String outcome(boolean ok) {
    return ok ? "success" : "failure";
  }

  private Timer timer(String name, String description, String... tags) {
    return Timer.builder(name).description(description).tags(base).tags(tags)
        .register(registry);
  }

  private Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(base).tags(tags)
        .register(registry);
  }

  private void phaseTimer(Phase p, long nanos, boolean ok) {
    phaseTimer(p.name().toLowerCase(Locale.ROOT), nanos, ok);
  }

  private void phaseTimer(String p, long nanos, boolean ok) {
    timer(PatchbayMetrics.CONNECT_PHASE, "One phase of a connect attempt", "phase", p,
        "outcome", outcome(ok)).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  private void refusal(String kind, int status) {
    if (status > 0) {
      counter(PatchbayMetrics.REFUSALS, "Error answers (refusals), retried or final",
          "kind", kind, "status", Integer.toString(status)).increment();
    }
  }

  /** Ends the current phase at {@code now} and starts {@code next} (NONE: no phase runs). */
  private void nextPhase(long now, Phase next, boolean ok) {
    if (phase != Phase.NONE) {
      phaseTimer(phase, now - phaseStartNanos, ok);
    }
    phase = next;
    phaseStartNanos = now;
  }

  @Override
  public synchronized void connectStart(UserAgent userAgent, boolean reconnect) {
    long now = System.nanoTime();
    this.reconnect = reconnect;
    connectStartNanos = now;
    phase = Phase.TOKEN;
    phaseStartNanos = now;
  }

  @Override
  public synchronized void tokenObtained(UserAgent userAgent) {
    nextPhase(System.nanoTime(), Phase.UPGRADE, true);
  }

  @Override
  public synchronized void socketUpgraded(UserAgent userAgent) {
    nextPhase(System.nanoTime(), Phase.HELLO, true);
  }

  @Override
  public synchronized void connectEnd(UserAgent userAgent, String connectionId, Duration took) {
    nextPhase(System.nanoTime(), Phase.NONE, true);
    timer(PatchbayMetrics.CONNECT, "Connect or reconnect to hello or failure, retries included",
        "reconnect", Boolean.toString(reconnect), "outcome", outcome(true)).record(took);
  }

  @Override
  public synchronized void connectFailed(UserAgent userAgent, PatchbayException cause) {
    long now = System.nanoTime();
    nextPhase(now, Phase.NONE, false);
    timer(PatchbayMetrics.CONNECT, "Connect or reconnect to hello or failure, retries included",
        "reconnect", Boolean.toString(reconnect), "outcome", outcome(false))
        .record(Math.max(0, now - connectStartNanos), TimeUnit.NANOSECONDS);
    if (!(cause instanceof AuthenticationException)) { // token failures count as token
      refusal(reconnect ? "reconnect" : "connect", cause.status().orElse(0));
    }
  }

  @Override
  public void tokenRequestStart(UserAgent userAgent, boolean refresh) {
    tokenRefresh = refresh;
  }

  @Override
  public void tokenRequestEnd(UserAgent userAgent, Duration took) {
    timer(PatchbayMetrics.TOKEN_REQUEST, "Token request, retries included",
        "refresh", Boolean.toString(tokenRefresh), "outcome", outcome(true)).record(took);
  }

  @Override
  public void tokenRequestFailed(UserAgent userAgent, PatchbayException cause, Duration took) {
    timer(PatchbayMetrics.TOKEN_REQUEST, "Token request, retries included",
        "refresh", Boolean.toString(tokenRefresh), "outcome", outcome(false)).record(took);
    refusal("token", cause.status().orElse(0));
  }

  @Override
  public void retryScheduled(UserAgent userAgent, RetryKind kind, int status, int retry,
      Duration delay, Call call, PatchbayException cause) {
    String k = lower(kind);
    counter(PatchbayMetrics.RETRIES, "Retries the SDK scheduled", "kind", k,
        "status", Integer.toString(status)).increment();
    boolean connecting = kind == RetryKind.CONNECT || kind == RetryKind.RECONNECT;
    if (!(connecting && cause instanceof AuthenticationException)) {
      refusal(k, status);
    }
    if (connecting) {
      synchronized (this) {
        long now = System.nanoTime();
        nextPhase(now, Phase.NONE, false);
        phaseTimer("backoff", delay.toNanos(), true);
        phase = Phase.TOKEN; // the next attempt starts after the delay
        phaseStartNanos = now + delay.toNanos();
      }
    }
  }

  @Override
  public void admissionAdmitted(UserAgent userAgent, AdmissionKind kind, Duration waited) {
    timer(PatchbayMetrics.ADMISSION_WAIT, "Waits in a local admission limiter (tenant sockets and negotiations, process-wide upgrades)",
        "kind", lower(kind)).record(waited);
  }

  @Override
  public void callsResumed(UserAgent userAgent, List<String> resumed, List<String> lost) {
    counter(PatchbayMetrics.CALLS_RESUMED, "Calls after a reconnect's resume",
        "outcome", "resumed").increment(resumed.size());
    counter(PatchbayMetrics.CALLS_RESUMED, "Calls after a reconnect's resume",
        "outcome", "lost").increment(lost.size());
  }

  @Override
  public void callActive(Call call, Duration setup) {
    timer(PatchbayMetrics.CALL_SETUP, "Call start (dial or offer) to connected media",
        "direction", lower(call.direction())).record(setup);
  }

  @Override
  public void hangUpStart(Call call) {
    hangUps.putIfAbsent(call, System.nanoTime());
  }

  @Override
  public void callEnd(Call call, CallState state, EndReason reason, Duration took) {
    long now = System.nanoTime();
    String direction = lower(call.direction());
    counter(PatchbayMetrics.CALLS_ENDED, "Ended calls by end reason", "direction", direction,
        "reason", lower(reason)).increment();
    Long hangUp = hangUps.remove(call);
    if (hangUp != null) {
      timer(PatchbayMetrics.CALL_HANGUP, "Hang-up start to released", "direction", direction,
          "reason", lower(reason)).record(Math.max(0, now - hangUp), TimeUnit.NANOSECONDS);
    }
    call.failure().ifPresent(f -> refusal("invite", f.status().orElse(0)));
  }

  @Override
  public void userAgentClosed(UserAgent userAgent) {
    hangUps.clear();
  }
}
