package dev.patchbay;

import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaEngineProvider;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.internal.admission.AdmissionControl;
import dev.patchbay.internal.auth.OAuthEndpoints;
import dev.patchbay.internal.auth.OkHttpCompatibility;
import dev.patchbay.internal.auth.TokenHttp;
import dev.patchbay.internal.auth.RealTokenManager;
import dev.patchbay.internal.auth.TokenConfig;
import dev.patchbay.internal.auth.TokenManager;
import dev.patchbay.internal.concurrent.SdkThreads;
import dev.patchbay.internal.gate.TransportPolicy;
import dev.patchbay.internal.media.MediaEngineLoader;
import dev.patchbay.internal.signaling.NoDelaySocketFactory;
import dev.patchbay.internal.ua.RealUserAgent;
import dev.patchbay.internal.ua.SdkRuntime;
import static dev.patchbay.internal.Checks.positive;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root of the SDK: one per process, thread-safe. Owns the one HTTP client, the scheduler,
 * the executors, the per-tenant admission limiter, the media engine and the diagnostics.
 *
 * <pre>{@code
 * try (Patchbay patchbay = Patchbay.builder()
 *     .edge(URI.create("https://edge.example.com"))
 *     .mediaEngine(MediaEngines.signalingOnly())
 *     .build()) {
 *   UserAgent alice = patchbay.connect(Credentials.clientCredentials(id, secret),
 *       UserAgentOptions.defaults("acme")).join();
 *   Call call = alice.dial("bob").join();    // completes when media is connected
 *   call.hangUp().join();                    // completes when everything is released
 *   alice.close();
 * }
 * }</pre>
 *
 * <p>{@link #close()} is idempotent: it closes every user agent (hanging up their calls and
 * revoking their tokens), then the media engine, then every SDK thread; afterwards every count
 * of {@link #diagnostics()} is zero.
 */
public final class Patchbay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Patchbay.class);

  /** Ping interval of the first socket, until the edge's {@code hello} says otherwise. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
  /**
   * How long {@link #close()} lets the edge answer the sockets' close frames before it stops
   * waiting for the replies (one bound for all sockets; a single agent's close waits up to
   * {@link Builder#closeHandshakeTimeout}).
   */
  private static final Duration CLOSE_REPLY_BOUND = Duration.ofMillis(500);
  /** How long {@link #close()} waits for user agents to finish closing. */
  public static final Duration CLOSE_BOUND = Duration.ofSeconds(30);

  private final URI edge;
  private final SdkRuntime rt;
  private final SdkThreads threads;
  private final ExecutorService workers;
  private final ExecutorService ownedCallbacks;
  private final TokenHttp tokenHttp;
  /** Shared by every agent's token manager (three URIs each was ~1 KiB per idle agent). */
  private final OAuthEndpoints oauthEndpoints;
  private final TokenConfig tokenConfig;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Patchbay(Builder b) {
    this.edge = b.edge;
    this.threads = new SdkThreads("patchbay-", b.virtualThreads);
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(1, threads.platform("scheduler"));
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    int cpus = Math.max(2, Runtime.getRuntime().availableProcessors());
    this.workers = threads.computeExecutor("worker", cpus);
    this.ownedCallbacks = b.callbackExecutor == null ? threads.taskExecutor("callback", cpus) : null;
    Executor callbacks = b.callbackExecutor != null ? b.callbackExecutor : ownedCallbacks;
    // OkHttp serves only the OAuth calls: one client, at most 16 calls (and threads) at once
    this.oauthEndpoints = OAuthEndpoints.forEdge(edge);
    this.tokenHttp = TokenHttp.create(threads, b.sslSocketFactory, b.trustManager,
        new NoDelaySocketFactory());
    OkHttpClient http = tokenHttp.client(); // one per SDK, not per agent
    MediaEngine media = b.mediaEngine != null ? b.mediaEngine
        : MediaEngineLoader.load(Patchbay.class.getClassLoader());
    this.rt = new SdkRuntime(HttpUrl.get(edge), http, scheduler, workers, callbacks,
        new AdmissionControl(b.tenantLimits, b.defaultLimits,
            b.maxConcurrentUpgrades > 0 ? b.maxConcurrentUpgrades : defaultMaxUpgrades()),
        media, b.listenerFactory,
        threads, b.clock, new SecureRandom(), b.heartbeat.toMillis(), b.closeHandshakeTimeout);
    // one redactor per Patchbay: the codec's gate masks what the token managers register
    this.tokenConfig = TokenConfig.builder().refreshMargin(b.tokenRefreshMargin).clock(b.clock)
        .redactor(rt.codec.redactor()).allowPlaintext(b.allowPlaintext).build();
    LOG.info("Patchbay started: edge {}, media engine {}, virtual threads {}",
        TransportPolicy.withoutUserInfo(edge), media.name(),
        threads.usesVirtualThreads());
  }

  /**
   * The default of {@link Builder#maxConcurrentUpgrades}: 16 per available processor, at least
   * 16 and at most 64. Every upgrade of an instance is served by the HTTP client's one selector
   * thread, and its deadline counts from the request: enough in flight to cover the edge's
   * answer time (16 per core), few enough that the queue on a starved core stays far inside the
   * 10 s upgrade deadline. Thousands at once on one core timed out there and were retried with
   * new tokens (issue 15).
   */
  static int defaultMaxUpgrades() {
    return Math.min(64, Math.max(16, 16 * Runtime.getRuntime().availableProcessors()));
  }

  /** WebSocket upgrade slots held now (0 after close): for tests. */
  int upgradeSlotsHeld() {
    return rt.admission.upgrades().inUse();
  }

  /**
   * A builder; {@link Builder#edge(URI)} is required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Connects one user: obtains a token (its own token manager), waits for admission, upgrades
   * the signaling WebSocket and waits for {@code hello}. 429/503 refusals and network errors are
   * retried with backoff (honouring {@code Retry-After}); a 401 forces one token refresh; 403 and
   * 409 are not retried.
   *
   * @return completes with the connected agent, or exceptionally with a typed
   *     {@link PatchbayException} ({@link AuthenticationException}, {@link EdgeRejectedException},
   *     {@link ClosedException}); completions run on the app's callback executor
   * @param credentials how this user obtains its own token
   * @param options the user's tenant, user id, retry budgets and deadlines
   */
  public CompletableFuture<UserAgent> connect(Credentials credentials, UserAgentOptions options) {
    Objects.requireNonNull(credentials, "credentials must not be null");
    Objects.requireNonNull(options, "options must not be null");
    checkOpen();
    TokenManager tokens = RealTokenManager.create(credentials, oauthEndpoints,
        rt.http, rt.scheduler, tokenConfig);
    return connect(tokens, options);
  }

  /** Connects a user whose tokens come from {@code tokens} (owned by the agent from now on). */
  CompletableFuture<UserAgent> connect(TokenManager tokens, UserAgentOptions options) {
    checkOpen();
    return new RealUserAgent(rt, tokens, options).start();
  }

  /**
   * The media engine in use (explicit, or the one ServiceLoader found).
   *
   * @return the media engine
   */
  public MediaEngine mediaEngine() {
    return rt.media;
  }

  /**
   * True when SDK-owned executors run on virtual threads (Java 21+ and not disabled).
   *
   * @return true when virtual threads are in use
   */
  public boolean usesVirtualThreads() {
    return threads.usesVirtualThreads();
  }

  /**
   * What this instance holds right now.
   *
   * @return a snapshot of the counters
   */
  public Diagnostics diagnostics() {
    return new Diagnostics(rt.openSockets.get(), rt.agents.size(), rt.liveCalls.get(),
        rt.media.openSessions(), threads.live(), rt.pendingTimers(),
        rt.media.liveNativeObjects());
  }

  /**
   * Closes every user agent (bounded by {@link #CLOSE_BOUND}), then the media engine, then the
   * SDK's threads and connections. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    rt.beginShutdown(); // agents revoke their tokens while their sockets close
    tokenHttp.beginShutdown(); // with more revocations in flight
    List<CompletableFuture<Void>> agents = new ArrayList<>();
    for (RealUserAgent a : new ArrayList<>(rt.agents.keySet())) {
      a.closeAsync();
      agents.add(a.closedInternal());
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(agents.toArray(CompletableFuture[]::new));
    // one shared bound for the edge's close replies, not one per socket: then every socket
    // still closing ends at once (its close frame is out) and the agents go on to revoke
    if (!awaitAgents(all, CLOSE_REPLY_BOUND)) {
      rt.stopWaitingForCloseReplies();
      if (!awaitAgents(all, CLOSE_BOUND.minus(CLOSE_REPLY_BOUND))) {
        LOG.warn("user agents did not finish closing within {}", CLOSE_BOUND);
      }
    }
    try {
      rt.media.close();
    } catch (RuntimeException e) {
      LOG.warn("media engine {} failed to close", rt.media.name(), e);
    }
    rt.admission.close();
    rt.deadlines.close();
    rt.scheduler.shutdownNow();
    shutdown(workers);
    if (ownedCallbacks != null) {
      shutdown(ownedCallbacks);
    }
    rt.closeTransport();
    tokenHttp.close();
    await(rt.scheduler);
    awaitThreadsGone();
    LOG.info("Patchbay closed");
  }

  private static boolean awaitAgents(CompletableFuture<Void> all, Duration bound) {
    try {
      all.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true; // stop waiting
    } catch (ExecutionException e) {
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  /** Executors report termination just before their last thread exits: wait for the exit. */
  private void awaitThreadsGone() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (threads.live() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  private static void shutdown(ExecutorService e) {
    e.shutdown();
    await(e);
  }

  private static void await(ExecutorService e) {
    try {
      if (!e.awaitTermination(5, TimeUnit.SECONDS)) {
        e.shutdownNow();
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      e.shutdownNow();
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new ClosedException("Patchbay is closed");
    }
  }

  @Override
  public String toString() {
    return "Patchbay{edge=" + edge + ", " + diagnostics() + '}';
  }

  /** Validating builder; {@link #edge(URI)} is required. */
  public static final class Builder {
    private URI edge;
    private MediaEngine mediaEngine;
    private PatchbayEventListener.Factory listenerFactory =
        PatchbayEventListener.factory(PatchbayEventListener.NONE);
    private Executor callbackExecutor;
    private final Map<String, AdmissionControl.Limits> tenantLimits = new HashMap<>();
    private AdmissionControl.Limits defaultLimits = AdmissionControl.Limits.UNLIMITED;
    private Duration heartbeat = DEFAULT_HEARTBEAT;
    private Duration closeHandshakeTimeout = UserAgentOptions.DEFAULT_CLOSE_TIMEOUT;
    private Duration tokenRefreshMargin = TokenConfig.DEFAULT_REFRESH_MARGIN;
    private boolean virtualThreads = true;
    private Clock clock = Clock.systemUTC();
    private javax.net.ssl.SSLSocketFactory sslSocketFactory;
    private javax.net.ssl.X509TrustManager trustManager;
    private boolean allowPlaintext;
    private int maxConcurrentUpgrades;

    private Builder() {}

    /**
     * Accept a plaintext ({@code http://}) edge on a host that is not loopback — for a test
     * network behind a TLS-terminating proxy, say. Client secrets and tokens then travel in
     * clear; {@link #build()} logs one WARN line saying so. Default: refused.
     *
     * @return this builder
     */
    public Builder allowPlaintext() {
      this.allowPlaintext = true;
      return this;
    }

    /**
     * The TLS socket factory and the trust manager it was built from, for an edge whose
     * certificate the platform's trust store does not hold (e.g. a self-signed test edge): trust
     * exactly that certificate or its CA. Certificates and host names are always verified;
     * there is no way to turn verification off. Default: the platform's trust store.
     *
     * @param socketFactory the TLS socket factory for the edge's connections
     * @param trustManager the trust manager {@code socketFactory} was built from
     * @return this builder
     */
    public Builder tls(javax.net.ssl.SSLSocketFactory socketFactory,
        javax.net.ssl.X509TrustManager trustManager) {
      this.sslSocketFactory =
          Objects.requireNonNull(socketFactory, "socketFactory must not be null");
      this.trustManager = Objects.requireNonNull(trustManager, "trustManager must not be null");
      return this;
    }

    /**
     * The edge's base URI: {@code https://…}. A plaintext {@code http://} edge is accepted only
     * on a loopback host ({@code 127.0.0.0/8}, {@code ::1}, {@code localhost}, e.g. a local fake
     * edge) unless {@link #allowPlaintext()} was called; {@link #build()} refuses it otherwise.
     * The token endpoints derive from this URI and follow the same rule.
     *
     * @param edge the edge's base URI
     * @return this builder
     */
    public Builder edge(URI edge) {
      Objects.requireNonNull(edge, "edge must not be null");
      String scheme = edge.getScheme() == null ? "" : edge.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || edge.getHost() == null) {
        throw new IllegalArgumentException(
            "edge must be an absolute http(s) URI with a host, but was " + edge);
      }
      this.edge = edge;
      return this;
    }

    /**
     * The media engine to use; the SDK takes ownership and closes it in {@link Patchbay#close()}.
     * Without one, exactly one {@link MediaEngineProvider} must be on the classpath.
     *
     * @param engine the media engine
     * @return this builder
     */
    public Builder mediaEngine(MediaEngine engine) {
      this.mediaEngine = Objects.requireNonNull(engine, "mediaEngine must not be null");
      return this;
    }

    /**
     * Metrics and tracing hooks: one listener shared by every user agent (it must be
     * thread-safe); default {@link PatchbayEventListener#NONE}. Replaces a factory set before.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder eventListener(PatchbayEventListener listener) {
      this.listenerFactory = PatchbayEventListener.factory(
          Objects.requireNonNull(listener, "eventListener must not be null"));
      return this;
    }

    /**
     * Metrics and tracing hooks: {@code factory} creates one listener per user agent, when the
     * agent is created. Replaces a listener set before.
     *
     * @param factory the factory
     * @return this builder
     */
    public Builder eventListenerFactory(PatchbayEventListener.Factory factory) {
      this.listenerFactory =
          Objects.requireNonNull(factory, "eventListenerFactory must not be null");
      return this;
    }

    /**
     * Where app callbacks and future completions run (owned by the app, not shut down by the
     * SDK). Default: an SDK-owned executor (virtual threads on Java 21+).
     *
     * @param executor the app's executor
     * @return this builder
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor must not be null");
      return this;
    }

    /**
     * Local caps for one tenant: open sockets and concurrent media negotiations. Work above a
     * cap waits locally instead of being refused by the edge. Caps the edge advertises in
     * {@code hello} lower these further.
     *
     * @param tenant the tenant
     * @param limits the tenant's caps
     * @return this builder
     */
    public Builder tenantLimits(String tenant, TenantLimits limits) {
      Objects.requireNonNull(tenant, "tenant must not be null");
      Objects.requireNonNull(limits, "limits must not be null");
      tenantLimits.put(tenant,
          new AdmissionControl.Limits(limits.maxSockets(), limits.maxNegotiations()));
      return this;
    }

    /**
     * Caps for tenants without {@link #tenantLimits}; default unlimited.
     *
     * @param limits the caps of every other tenant
     * @return this builder
     */
    public Builder defaultTenantLimits(TenantLimits limits) {
      Objects.requireNonNull(limits, "limits must not be null");
      this.defaultLimits =
          new AdmissionControl.Limits(limits.maxSockets(), limits.maxNegotiations());
      return this;
    }

    /**
     * How many WebSocket upgrades (signaling handshakes) this instance keeps in flight at once,
     * over all tenants and user agents. A connect that finds them all taken waits (reported as
     * {@link PatchbayEventListener.AdmissionKind#UPGRADE}) within its connect budget, and its
     * upgrade deadline ({@link UserAgentOptions.Builder#upgradeTimeout}) starts only once it
     * holds a slot: thousands of simultaneous handshakes on a starved CPU then queue here
     * instead of timing out in the HTTP client and being retried. Default: 16 per available
     * processor, between 16 and 64.
     *
     * @param max the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is below 1
     */
    public Builder maxConcurrentUpgrades(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentUpgrades must be >= 1, but was " + max);
      }
      this.maxConcurrentUpgrades = max;
      return this;
    }

    /**
     * Ping interval of sockets opened before any {@code hello} was seen; afterwards the edge's
     * advertised {@code heartbeatMs} is used. Default {@link #DEFAULT_HEARTBEAT}.
     *
     * @param interval the ping interval
     * @return this builder
     */
    public Builder heartbeat(Duration interval) {
      this.heartbeat = positive("heartbeat", interval);
      return this;
    }

    /**
     * OkHttp's close-handshake deadline, after which a socket is cancelled. Default 5 s.
     *
     * @param timeout the close-handshake deadline
     * @return this builder
     */
    public Builder closeHandshakeTimeout(Duration timeout) {
      this.closeHandshakeTimeout = positive("closeHandshakeTimeout", timeout);
      return this;
    }

    /**
     * How long before expiry tokens are refreshed. Default 60 s.
     *
     * @param margin the refresh margin
     * @return this builder
     */
    public Builder tokenRefreshMargin(Duration margin) {
      this.tokenRefreshMargin = positive("tokenRefreshMargin", margin);
      return this;
    }

    /**
     * Use virtual threads when the runtime has them (Java 21+). Default true.
     *
     * @param enabled false to use platform threads even on Java 21+
     * @return this builder
     */
    public Builder virtualThreads(boolean enabled) {
      this.virtualThreads = enabled;
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Creates the instance and its executors; close it to release them.
     *
     * @return the new instance
     * @throws IllegalStateException when no edge is set
     * @throws PatchbayException when the OkHttp first on the class path is older than 4.12
     *     (an app's own {@code com.squareup.okhttp3:okhttp}); the message names the fix
     * @throws PatchbayException when no media engine is set and not exactly one
     *     {@link MediaEngineProvider} is on the classpath
     */
    public Patchbay build() {
      if (edge == null) {
        throw new IllegalStateException("edge must be set, but was null");
      }
      OkHttpCompatibility.check(); // before any OkHttp call: an old OkHttp fails here, named
      if (TransportPolicy.check("edge", edge, allowPlaintext)) {
        LOG.warn("Plaintext edge {} allowed by allowPlaintext(): client secrets and tokens travel"
            + " unencrypted", TransportPolicy.withoutUserInfo(edge));
      }
      return new Patchbay(this);
    }

  }
}
