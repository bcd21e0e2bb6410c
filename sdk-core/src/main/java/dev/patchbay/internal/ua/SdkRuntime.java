package dev.patchbay.internal.ua;

import dev.patchbay.media.MediaEngine;
import dev.patchbay.internal.admission.AdmissionControl;
import dev.patchbay.internal.concurrent.DeadlineTimer;
import dev.patchbay.internal.concurrent.SdkThreads;
import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.signaling.JdkWsTransport;
import dev.patchbay.internal.signaling.NioWsTransport;
import dev.patchbay.internal.signaling.SocketSetup;
import dev.patchbay.internal.signaling.WsTransport;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
  /** Makes each agent's event listener. */
  public final dev.patchbay.PatchbayEventListener.Factory eventFactory;
  public final FrameCodec codec = new FrameCodec();
  public final SdkThreads threads;
  public final Clock clock;
  public final RandomGenerator random;
  public final AtomicInteger openSockets = new AtomicInteger();
  public final AtomicInteger liveCalls = new AtomicInteger();
  public final Map<RealUserAgent, Boolean> agents = new ConcurrentHashMap<>();
  private final AtomicLong heartbeatMillis;
  /** The signaling WebSocket transport: one per Patchbay, shared by every socket. */
  private final WsTransport transport;
  private final Duration closeTimeout;
  private volatile boolean shuttingDown;

  public SdkRuntime(HttpUrl edge, OkHttpClient http, ScheduledThreadPoolExecutor scheduler,
      Executor workers, Executor callbacks, AdmissionControl admission, MediaEngine media,
      dev.patchbay.PatchbayEventListener.Factory eventFactory, SdkThreads threads, Clock clock, RandomGenerator random,
      long initialHeartbeatMillis, Duration closeTimeout) {
    this.edge = edge;
    this.signalingUrl = edge.newBuilder().addPathSegments("v1/signaling").build();
    this.http = http;
    this.scheduler = scheduler;
    this.deadlines = new DeadlineTimer(scheduler, java.time.Duration.ofMillis(50));
    this.workers = workers;
    this.callbacks = callbacks;
    this.admission = admission;
    this.media = media;
    this.eventFactory = eventFactory;
    this.threads = threads;
    this.clock = clock;
    this.random = random;
    this.heartbeatMillis = new AtomicLong(SocketSetup.clampHeartbeat(initialHeartbeatMillis));
    this.closeTimeout = closeTimeout;
    // Same trust as the OAuth client (the app's, or the platform's); the JDK verifies host names.
    this.transport = newTransport(sslContext(http.x509TrustManager()), scheduler,
        Duration.ofMillis(http.connectTimeoutMillis()), closeTimeout, clock, threads);
  }

  /** The system property that picks the signaling transport: {@code nio} (default) or {@code jdk}. */
  public static final String TRANSPORT_PROPERTY = "patchbay.signaling.transport";

  /**
   * The signaling transport: {@link NioWsTransport} (one selector thread, counted among the SDK's
   * threads; {@code ws://} and {@code wss://}), or {@link JdkWsTransport} when
   * {@value #TRANSPORT_PROPERTY} is {@code jdk} (kept for comparison and as a fallback).
   */
  static WsTransport newTransport(javax.net.ssl.SSLContext ssl,
      ScheduledThreadPoolExecutor scheduler, Duration connectTimeout, Duration closeTimeout,
      Clock clock, SdkThreads threads) {
    if ("jdk".equalsIgnoreCase(System.getProperty(TRANSPORT_PROPERTY, "nio").trim())) {
      return new JdkWsTransport(ssl, scheduler, connectTimeout, closeTimeout, clock);
    }
    return new NioWsTransport(ssl, scheduler, connectTimeout, closeTimeout, clock,
        threads.platform("signaling-io"));
  }

  private static javax.net.ssl.SSLContext sslContext(javax.net.ssl.X509TrustManager trust) {
    if (trust == null) {
      return null;
    }
    try {
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS for the signaling socket", e);
    }
  }

  /**
   * How the next signaling socket is opened: the shared transport, pinging at the heartbeat the
   * edge last advertised (clamped). Nothing is cached per heartbeat value.
   */
  SocketSetup nextSocketSetup() {
    return new SocketSetup(transport, scheduler, heartbeatMillis.get(), closeTimeout);
  }

  /** Marks the SDK as shutting down (Patchbay.close()): agents then revoke while closing. */
  public void beginShutdown() {
    shuttingDown = true;
  }

  /** True once {@link #beginShutdown()} was called. */
  public boolean shuttingDown() {
    return shuttingDown;
  }

  /**
   * Sockets closing stop waiting for the edge's close reply, now and from now on (the SDK is
   * shutting down); called by Patchbay after a short shared bound.
   */
  public void stopWaitingForCloseReplies() {
    transport.stopWaitingForCloseReplies();
  }

  /** Aborts sockets still open and releases the transport's threads; called by Patchbay. */
  public void closeTransport() {
    transport.close();
  }

  /** Timers pending: scheduler tasks (without the deadline ticker) plus armed deadlines. */
  public int pendingTimers() {
    return deadlines.queuedBesidesTicker(scheduler.getQueue()) + deadlines.pending();
  }

  long heartbeatMillis() {
    return heartbeatMillis.get();
  }

  /** Records the heartbeat an edge advertised, clamped; later sockets ping at it. */
  void learnHeartbeat(long millis) {
    if (millis > 0) {
      heartbeatMillis.set(SocketSetup.clampHeartbeat(millis));
    }
  }
}
