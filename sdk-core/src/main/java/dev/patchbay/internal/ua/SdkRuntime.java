package dev.patchbay.internal.ua;

import dev.patchbay.MediaEngine;
import dev.patchbay.internal.admission.AdmissionControl;
import dev.patchbay.internal.concurrent.DeadlineTimer;
import dev.patchbay.internal.concurrent.SdkThreads;
import dev.patchbay.internal.protocol.FrameCodec;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * What every user agent of one {@code Patchbay} shares: the HTTP client, the scheduler, the
 * executors, admission, the media engine, the listener and the resource counters. Owned and
 * closed by {@code Patchbay}.
 */
public final class SdkRuntime {
  public final HttpUrl edge;
  public final HttpUrl signalingUrl;
  public final OkHttpClient http;
  public final ScheduledThreadPoolExecutor scheduler;
  /** Call-phase and connect deadlines: armed and cancelled without waking a thread. */
  public final DeadlineTimer deadlines;
  public final Executor workers;
  public final Executor callbacks;
  public final AdmissionControl admission;
  public final MediaEngine media;
  public final Events events;
  public final FrameCodec codec = new FrameCodec();
  public final SdkThreads threads;
  public final Clock clock;
  public final RandomGenerator random;
  public final AtomicInteger openSockets = new AtomicInteger();
  public final AtomicInteger liveCalls = new AtomicInteger();
  public final Map<RealUserAgent, Boolean> agents = new ConcurrentHashMap<>();
  private final AtomicLong heartbeatMillis;
  private final Map<Long, OkHttpClient> clientsByPing = new ConcurrentHashMap<>();

  public SdkRuntime(HttpUrl edge, OkHttpClient http, ScheduledThreadPoolExecutor scheduler,
      Executor workers, Executor callbacks, AdmissionControl admission, MediaEngine media,
      Events events, SdkThreads threads, Clock clock, RandomGenerator random,
      long initialHeartbeatMillis) {
    this.edge = edge;
    this.signalingUrl = edge.newBuilder().addPathSegments("v1/signaling").build();
    this.http = http;
    this.scheduler = scheduler;
    this.deadlines = new DeadlineTimer(scheduler, java.time.Duration.ofMillis(50));
    this.workers = workers;
    this.callbacks = callbacks;
    this.admission = admission;
    this.media = media;
    this.events = events;
    this.threads = threads;
    this.clock = clock;
    this.random = random;
    this.heartbeatMillis = new AtomicLong(initialHeartbeatMillis);
  }

  /**
   * The client for the next WebSocket: pings at the edge's heartbeat as last learned from a
   * {@code hello} (OkHttp fixes the ping interval per client, so one derived client per interval
   * is kept; they share the connection pool and dispatcher).
   */
  OkHttpClient clientForNextSocket() {
    long ping = heartbeatMillis.get();
    return clientsByPing.computeIfAbsent(ping,
        p -> http.newBuilder().pingInterval(p, TimeUnit.MILLISECONDS).build());
  }

  /** Timers pending: scheduler tasks (without the deadline ticker) plus armed deadlines. */
  public int pendingTimers() {
    return deadlines.queuedBesidesTicker(scheduler.getQueue()) + deadlines.pending();
  }

  long heartbeatMillis() {
    return heartbeatMillis.get();
  }

  /** Records the heartbeat an edge advertised; later sockets ping at it. */
  void learnHeartbeat(long millis) {
    if (millis > 0) {
      heartbeatMillis.set(millis);
    }
  }
}
