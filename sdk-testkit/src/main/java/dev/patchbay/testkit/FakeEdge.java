package dev.patchbay.testkit;

import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.internal.CounterSet;
import dev.patchbay.testkit.internal.Directory;
import dev.patchbay.testkit.internal.EdgeModel;
import dev.patchbay.testkit.internal.EdgeServer;
import dev.patchbay.testkit.internal.EdgeSettings;
import dev.patchbay.testkit.internal.FaultState;
import dev.patchbay.testkit.internal.OAuthHandler;
import dev.patchbay.testkit.internal.TenantLimits;
import dev.patchbay.testkit.internal.TokenStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake Patchbay edge: a real HTTP/WebSocket server on 127.0.0.1 (Jetty 12, port 0 by default)
 * that implements protocol v1 ({@code docs/protocol.md}) and reproduces the field failures on
 * demand ({@link #faults()}). Thread-safe; {@link #close()} is idempotent.
 *
 * <pre>{@code
 * try (FakeEdge edge = FakeEdge.builder()
 *     .tenant("acme", t -> t.mediaCapacity(10).negotiationTimeout(Duration.ofMillis(500)))
 *     .user("acme", "alice", "alice-secret")
 *     .start()) {
 *   URI base = edge.uri();
 *   ...
 *   edge.assertNoLeaks();
 * }
 * }</pre>
 */
public final class FakeEdge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FakeEdge.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final EdgeSettings settings;
  private final Directory directory;
  private final TokenStore tokens;
  private final CounterSet counters;
  private final FaultState faultState;
  private final EdgeModel model;
  private final EdgeServer server;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Faults faults;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Duration tokenTtl;
  private volatile URI base;

  private FakeEdge(EdgeSettings settings, int maxThreads,
      org.eclipse.jetty.util.ssl.SslContextFactory.Server tls) {
    this.settings = settings;
    this.tokenTtl = settings.tokenTtl();
    Clock clock = Clock.systemUTC();
    int n = INSTANCES.incrementAndGet();
    this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "fake-edge-timer-" + n);
      t.setDaemon(true);
      return t;
    });
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.directory = new Directory(settings.clients());
    this.tokens = new TokenStore(clock);
    TokenStore store = tokens;
    scheduler.scheduleWithFixedDelay(() -> store.purgeExpired(Duration.ofMinutes(10)), 1, 1,
        TimeUnit.MINUTES);
    this.counters = new CounterSet();
    this.faultState = new FaultState(settings.seed(), clock, scheduler, counters);
    this.model = new EdgeModel(settings, directory, tokens, counters, faultState, scheduler,
        clock);
    this.server = new EdgeServer(model, settings.host(), settings.port(), maxThreads, tls);
    this.server.oauth(new OAuthHandler(model, directory, tokens, counters, faultState,
        () -> tokenTtl, () -> uri().toString(), clock));
    this.faults = new Faults(faultState, model);
  }

  /**
   * A builder with {@link Profile#LENIENT} defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The HTTP base URI, e.g. {@code http://127.0.0.1:41234}.
   *
   * @return the base URI
   */
  public URI uri() {
    return base;
  }

  /**
   * The signaling WebSocket URI, e.g. {@code ws://127.0.0.1:41234/v1/signaling}.
   *
   * @return the signaling URI
   */
  public URI signalingUri() {
    String ws = "https".equals(base.getScheme()) ? "wss://" : "ws://";
    return URI.create(ws + base.getHost() + ":" + base.getPort() + "/v1/signaling");
  }

  /**
   * The bound port.
   *
   * @return the port
   */
  public int port() {
    return base.getPort();
  }

  /**
   * Scriptable faults.
   *
   * @return the faults of this edge
   */
  public Faults faults() {
    return faults;
  }

  /**
   * An immutable snapshot of the counters.
   *
   * @return the counters
   */
  public Counters counters() {
    return new Counters(counters.snapshot(), counters.refusalSnapshot());
  }

  /**
   * Times of every upgrade attempt attributed to the user (refused ones included).
   *
   * @param user the user id
   * @return the upgrade times, oldest first
   */
  public List<Instant> handshakes(String user) {
    return model.handshakes(user);
  }

  /**
   * When each of the user's opened sockets ended, as the edge saw it (refused upgrades are not
   * listed): with {@link #handshakes(String)} and the {@code hello} frames in
   * {@link #frames(String)}, how long the edge had no socket of the user, by the edge's clock.
   *
   * @param user the user id
   * @return the socket ends, oldest first
   */
  public List<SocketEnd> socketEnds(String user) {
    return model.socketEnds(user);
  }

  /**
   * The frame log of a user (all their connections, both directions).
   *
   * @param user the user id
   * @return the user's frame log
   */
  public FrameLog frames(String user) {
    return model.frames(user);
  }

  /**
   * Upgraded sockets not yet closed (draining ones included).
   *
   * @return the number of open sockets
   */
  public int openSockets() {
    return model.openSockets();
  }

  /**
   * Calls not yet ended (queued, ringing, active, or waiting for a resume).
   *
   * @return the number of open calls
   */
  public int openCalls() {
    return model.openCalls();
  }

  /**
   * Media slots held, summed over tenants.
   *
   * @return the number of held media slots
   */
  public int heldMediaSlots() {
    return model.heldMediaSlots();
  }

  /**
   * Invites waiting for a media slot, summed over tenants.
   *
   * @return the number of queued invites
   */
  public int queuedInvites() {
    return model.queuedInvites();
  }

  /**
   * Access tokens neither expired nor revoked.
   *
   * @return the number of live tokens
   */
  public int liveTokens() {
    return tokens.liveAccessTokens();
  }

  /**
   * The newest protocol violations clients committed (at most 256), oldest first.
   *
   * @return the violations
   */
  public List<Violation> violations() {
    return model.violations();
  }

  /**
   * Access tokens of {@code user} that are neither expired nor revoked.
   *
   * @param user the user id
   * @return the number of the user's live tokens
   */
  public int liveTokens(String user) {
    return tokens.liveAccessTokensOf(user).size();
  }

  /**
   * When each live access token of {@code user} was issued (the edge's clock), oldest first: a
   * token issued while the network cut its response never reached the client, which therefore
   * cannot revoke it.
   *
   * @param user the user id
   * @return the issue times of the user's live access tokens, oldest first
   */
  public List<java.time.Instant> liveTokenIssueTimes(String user) {
    return tokens.liveAccessTokensOf(user);
  }

  /**
   * When the edge received the request that made each live access token of {@code user}, oldest
   * first. A request in flight when the network cut its connection may still be answered (a
   * busy edge issues the token later, even after the network is back), and that answer never
   * reaches the client: the arrival time, not the issue time, tells whether a cut could have
   * lost the answer.
   *
   * @param user the user id
   * @return the arrival times of the requests of the user's live access tokens, oldest first
   */
  public List<java.time.Instant> liveTokenRequestTimes(String user) {
    return tokens.liveAccessTokenRequestsOf(user);
  }

  /**
   * Server threads Jetty currently holds.
   *
   * @return the number of server threads
   */
  public int serverThreads() {
    return server.serverThreads();
  }

  /**
   * An opaque user assertion for token exchange ({@code subject_token_type =
   * urn:ietf:params:oauth:token-type:id_token}), as an identity provider would issue it.
   *
   * @param user the user id
   * @return the subject token
   */
  public String subjectTokenFor(String user) {
    var u = directory.user(user);
    if (u == null) {
      throw new IllegalArgumentException("user must be configured, but was " + user);
    }
    return tokens.mintSubjectToken(u.tenant(), u.clientId());
  }

  /**
   * The edge itself calls a connected user: the user gets {@code incoming} from {@code from}
   * with a valid generated SDP offer. If the user answers, the edge trickles one host candidate
   * and end-of-candidates and answers renegotiation offers; a {@code reject} or {@code bye}
   * ends the call; an unanswered call is retracted with {@code cancel} after the incoming
   * timeout. Edge-originated calls take no media slot.
   *
   * @return the callId
   * @param from the caller's name as the user sees it
   * @param toUser the connected user to call
   * @throws IllegalStateException if the user has no open socket
   */
  public String placeCall(String from, String toUser) {
    return model.placeCall(from, toUser);
  }

  /**
   * Hangs up an edge-originated call: {@code cancel} while it rings, {@code bye} once
   * answered. Returns false if the call is already gone.
   *
   * @param callId the id {@link #placeCall} returned
   * @return true when the call was hung up, false when it was already gone
   */
  public boolean hangUp(String callId) {
    return model.hangUp(callId, "remote-hangup");
  }

  /**
   * Adds a user at run time (e.g. from a load test).
   *
   * @param tenant the tenant (declared if needed)
   * @param user the user id (its OAuth client id)
   * @param secret the user's client secret
   * @return this edge
   */
  public FakeEdge addUser(String tenant, String user, String secret) {
    directory.add(new EdgeSettings.Client(tenant, user, secret, false));
    return this;
  }

  /**
   * Adds a tenant's backend client at run time.
   *
   * @param tenant the tenant
   * @param clientId the backend's OAuth client id
   * @param secret the backend's client secret
   * @return this edge
   */
  public FakeEdge addBackendClient(String tenant, String clientId, String secret) {
    directory.add(new EdgeSettings.Client(tenant, clientId, secret, true));
    return this;
  }

  /**
   * Changes the lifetime of tokens issued from now on.
   *
   * @param ttl the token lifetime
   * @return this edge
   */
  public FakeEdge tokenTtl(Duration ttl) {
    this.tokenTtl = TenantSpec.positive("tokenTtl", ttl);
    return this;
  }

  /**
   * Changes a tenant's limits at run time (declaring the tenant if needed): the values set in
   * {@code spec} replace the tenant's, the others stay. A larger media capacity starts queued
   * invites at once; calls holding a slot keep it under a smaller one. Faults that change
   * limits ({@link Fault.MediaCapacity}, {@link Fault.NegotiationTimeout}) apply over these
   * until cleared.
   *
   * @param tenant the tenant id
   * @param spec sets the limits to change
   * @return this edge
   */
  public FakeEdge tenantLimits(String tenant, Consumer<TenantSpec> spec) {
    Builder.requireName("tenant", tenant);
    TenantSpec s = new TenantSpec();
    Objects.requireNonNull(spec, "spec").accept(s);
    model.configureTenant(tenant, s.resolve(model.configuredLimits(tenant)));
    return this;
  }

  /**
   * What is still open, one line each (sockets, calls, tenants holding media slots or queued
   * invites): what {@link #assertNoLeaks()} prints when it fails. Empty when nothing is open.
   *
   * @return the description
   */
  public String describeOpen() {
    return model.describeOpen().strip();
  }

  /**
   * Turns the frame logs on or off (off for throughput runs).
   *
   * @param enabled true to log frames
   * @return this edge
   */
  public FakeEdge frameLog(boolean enabled) {
    model.frameLogEnabled(enabled);
    return this;
  }

  /**
   * Asserts, waiting up to the builder's leak grace period (default 2 s), that no socket,
   * call, media slot or queued invite is left open. Throws AssertionError listing what is left.
   */
  public void assertNoLeaks() {
    assertNoLeaks(settings.leakGrace());
  }

  /**
   * {@link #assertNoLeaks()} with an explicit grace period.
   *
   * @param grace how long to wait for things to close
   */
  public void assertNoLeaks(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    while (true) {
      if (openSockets() == 0 && openCalls() == 0 && heldMediaSlots() == 0
          && queuedInvites() == 0) {
        return;
      }
      if (System.nanoTime() >= deadline) {
        throw new AssertionError("fake edge leaks after " + grace.toMillis() + " ms: "
            + openSockets() + " open sockets, " + openCalls() + " open calls, "
            + heldMediaSlots() + " held media slots, " + queuedInvites() + " queued invites"
            + model.describeOpen());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while checking leaks", e);
      }
    }
  }

  /**
   * Closes every socket (1001), ends every call, clears faults, counters, frame logs,
   * handshakes and socket ends; tokens and users stay. For reuse across tests and the admin
   * endpoint.
   */
  public void reset() {
    model.closeAll(1001, "edge reset");
    awaitSocketsClosed(1000);
    model.resetState();
    faults.clear();
    counters.reset();
  }

  /** Stops the server; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    model.closeAll(1001, "edge stopped");
    awaitSocketsClosed(300); // give clients the close handshake before the server goes away
    server.stop();
    model.shutdown();
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.debug("fake edge on {} stopped", base);
  }

  private void awaitSocketsClosed(long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (model.openSockets() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  EdgeModel model() {
    return model;
  }

  EdgeServer server() {
    return server;
  }

  /** Configures a {@link FakeEdge}. */
  public static final class Builder {
    private final Map<String, List<Consumer<TenantSpec>>> tenants = new LinkedHashMap<>();
    private final List<EdgeSettings.Client> clients = new ArrayList<>();
    private final List<Frames.IceServer> iceServers = new ArrayList<>();
    private Profile profile = Profile.LENIENT;
    private String host = "127.0.0.1";
    private int port;
    private Duration tokenTtl = Duration.ofHours(1);
    private Duration heartbeat = Duration.ofSeconds(10);
    private Duration resumeWindow;
    private Duration incomingTimeout;
    private Duration noAnswerTimeout;
    private Duration slowAnswerDelay;
    private Duration handshakeDelayMin;
    private Duration handshakeDelayMax;
    private long seed = 42;
    private int maxFrameChars = FrameCodec.DEFAULT_MAX_FRAME_CHARS;
    private boolean logout = true;
    private int frameLogCapacity = 10_000;
    private Duration leakGrace = Duration.ofSeconds(2);
    private int maxThreads = 64;
    private Consumer<String> secretListener;
    private java.security.KeyStore tlsKeyStore;
    private char[] tlsPassword;
    private boolean adminEndpoints;

    private Builder() {}

    /**
     * Serves {@code https}/{@code wss} with the (e.g. self-signed) key in {@code keyStore}
     * instead of plain http/ws. Clients must trust that certificate explicitly.
     *
     * @param keyStore the key store holding the server key and certificate
     * @param password the password of the key store and key
     * @return this builder
     */
    public Builder tls(java.security.KeyStore keyStore, char[] password) {
      this.tlsKeyStore = Objects.requireNonNull(keyStore, "keyStore");
      this.tlsPassword = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /**
     * Told every secret the edge mints (access and refresh tokens, authorization codes, subject
     * tokens), e.g. to register them with a log-capture check. Called on server threads; must be
     * cheap and thread-safe.
     *
     * @param listener called with each secret
     * @return this builder
     */
    public Builder secretListener(Consumer<String> listener) {
      this.secretListener = Objects.requireNonNull(listener, "secretListener");
      return this;
    }

    /**
     * Declares a tenant with profile defaults.
     *
     * @param id the tenant id
     * @return this builder
     */
    public Builder tenant(String id) {
      return tenant(id, t -> { });
    }

    /**
     * Declares a tenant and sets its limits.
     *
     * @param id the tenant id
     * @param spec sets the tenant's limits
     * @return this builder
     */
    public Builder tenant(String id, Consumer<TenantSpec> spec) {
      requireName("tenant", id);
      Objects.requireNonNull(spec, "spec").accept(new TenantSpec()); // validate now, not at start
      tenants.computeIfAbsent(id, k -> new ArrayList<>()).add(spec);
      return this;
    }

    /**
     * A user: an OAuth client whose client id is the user id. Declares the tenant if needed.
     *
     * @param tenant the user's tenant
     * @param user the user id
     * @param secret the user's client secret
     * @return this builder
     */
    public Builder user(String tenant, String user, String secret) {
      requireName("user", user);
      tenant(tenant);
      clients.add(new EdgeSettings.Client(tenant, user, requireSecret(secret), false));
      return this;
    }

    /**
     * A tenant's backend service allowed to use token exchange for that tenant's users.
     *
     * @param tenant the tenant
     * @param clientId the backend's OAuth client id
     * @param secret the backend's client secret
     * @return this builder
     */
    public Builder backendClient(String tenant, String clientId, String secret) {
      requireName("clientId", clientId);
      tenant(tenant);
      clients.add(new EdgeSettings.Client(tenant, clientId, requireSecret(secret), true));
      return this;
    }

    /**
     * Field-like or lenient defaults (explicit settings win).
     *
     * @param profile the profile
     * @return this builder
     */
    public Builder profile(Profile profile) {
      this.profile = Objects.requireNonNull(profile, "profile");
      return this;
    }

    /**
     * Host to bind (default 127.0.0.1).
     *
     * @param host the host name or address
     * @return this builder
     */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * Port to bind (default 0: any free port).
     *
     * @param port the port, or 0
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, but was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Lifetime of access tokens (default 1 h; seconds work for expiry tests).
     *
     * @param ttl the token lifetime
     * @return this builder
     */
    public Builder tokenTtl(Duration ttl) {
      this.tokenTtl = TenantSpec.positive("tokenTtl", ttl);
      return this;
    }

    /**
     * Ping interval; a ping unanswered by the next one closes the socket with 4008.
     *
     * @param interval the ping interval
     * @return this builder
     */
    public Builder heartbeat(Duration interval) {
      this.heartbeat = TenantSpec.positive("heartbeat", interval);
      return this;
    }

    /**
     * How long calls survive a lost socket waiting for {@code resume} (LENIENT 1 s, FIELD 30 s).
     *
     * @param window the resume window
     * @return this builder
     */
    public Builder resumeWindow(Duration window) {
      Objects.requireNonNull(window, "resumeWindow");
      if (window.isNegative()) {
        throw new IllegalArgumentException("resumeWindow must be >= 0, but was " + window);
      }
      this.resumeWindow = window;
      return this;
    }

    /**
     * How long an incoming call rings before the edge sends {@code cancel} (LENIENT 10 s).
     *
     * @param timeout the ringing time
     * @return this builder
     */
    public Builder incomingTimeout(Duration timeout) {
      this.incomingTimeout = TenantSpec.positive("incomingTimeout", timeout);
      return this;
    }

    /**
     * When {@code no-answer} gives up with error 480 (LENIENT 2 s, FIELD 30 s).
     *
     * @param timeout the no-answer time
     * @return this builder
     */
    public Builder noAnswerTimeout(Duration timeout) {
      this.noAnswerTimeout = TenantSpec.positive("noAnswerTimeout", timeout);
      return this;
    }

    /**
     * How long {@code slow-answer} rings before answering (LENIENT 1 s, FIELD 8 s).
     *
     * @param delay the ringing time before the answer
     * @return this builder
     */
    public Builder slowAnswerDelay(Duration delay) {
      this.slowAnswerDelay = TenantSpec.positive("slowAnswerDelay", delay);
      return this;
    }

    /**
     * Random delay range of every handshake (FIELD: 50–500 ms; LENIENT: none).
     *
     * @param min the shortest delay
     * @param max the longest delay
     * @return this builder
     */
    public Builder handshakeDelay(Duration min, Duration max) {
      Objects.requireNonNull(min, "min");
      Objects.requireNonNull(max, "max");
      if (min.isNegative() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("handshake delay must be 0 <= min <= max, but was "
            + min + ".." + max);
      }
      this.handshakeDelayMin = min;
      this.handshakeDelayMax = max;
      return this;
    }

    /**
     * Seed of every random fault decision (default 42).
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Whether {@code hello} offers {@code logout} (protocol 3.7; default true): a client's last
     * frame names the tokens to revoke and the edge closes with 1000 {@code logged-out}. Off,
     * the edge behaves like one that predates it ({@code logout} answers {@code error} 400) and
     * clients revoke over {@code POST /oauth/revoke}.
     *
     * @param offered whether to offer it
     * @return this builder
     */
    public Builder logout(boolean offered) {
      this.logout = offered;
      return this;
    }

    /**
     * Largest accepted text frame in chars (default 65,536); longer ones close with 1009.
     *
     * @param chars the largest frame, in chars
     * @return this builder
     */
    public Builder maxFrameChars(int chars) {
      if (chars < 256) {
        throw new IllegalArgumentException("maxFrameChars must be >= 256, but was " + chars);
      }
      this.maxFrameChars = chars;
      return this;
    }

    /**
     * Frames kept per user in {@link FrameLog} (default 10,000; oldest dropped).
     *
     * @param frames the frames kept per user
     * @return this builder
     */
    public Builder frameLogCapacity(int frames) {
      if (frames < 1) {
        throw new IllegalArgumentException("frameLogCapacity must be >= 1, but was " + frames);
      }
      this.frameLogCapacity = frames;
      return this;
    }

    /**
     * How long {@link FakeEdge#assertNoLeaks()} waits for things to close (default 2 s).
     *
     * @param grace the grace period
     * @return this builder
     */
    public Builder leakGrace(Duration grace) {
      this.leakGrace = Objects.requireNonNull(grace, "leakGrace");
      return this;
    }

    /**
     * An ICE server advertised in {@code hello} (none by default).
     *
     * @param urls the server's {@code stun:}/{@code turn:} URIs
     * @param username the TURN user name, or null
     * @param credential the TURN credential, or null
     * @return this builder
     */
    public Builder iceServer(List<String> urls, String username, String credential) {
      iceServers.add(new Frames.IceServer(urls, username, credential));
      return this;
    }

    /**
     * Jetty's thread-pool ceiling (default 64).
     *
     * @param threads the most threads
     * @return this builder
     */
    public Builder maxThreads(int threads) {
      if (threads < 8) {
        throw new IllegalArgumentException("maxThreads must be >= 8, but was " + threads);
      }
      this.maxThreads = threads;
      return this;
    }

    /**
     * Serves the admin endpoints under {@code /admin/} (counters, reset, users, faults,
     * subject tokens, handshakes; see {@code docs/protocol.md}). Off by default; the
     * standalone launcher turns them on.
     *
     * @param on true to serve them
     * @return this builder
     */
    public Builder adminEndpoints(boolean on) {
      this.adminEndpoints = on;
      return this;
    }

    /**
     * Starts the edge; it listens when this returns.
     *
     * @return the running edge
     */
    public FakeEdge start() {
      Map<String, TenantLimits> resolved = new LinkedHashMap<>();
      tenants.forEach((id, specs) -> {
        TenantSpec s = new TenantSpec();
        specs.forEach(c -> c.accept(s));
        resolved.put(id, s.resolve(profile.tenantLimits()));
      });
      TenantLimits fallback = profile.tenantLimits();
      Map<String, TenantLimits> frozen = Map.copyOf(resolved);
      EdgeSettings settings = new EdgeSettings(host, port, tokenTtl, heartbeat,
          or(resumeWindow, profile.resumeWindow()),
          or(incomingTimeout, profile.incomingTimeout()),
          or(noAnswerTimeout, profile.noAnswerTimeout()),
          or(slowAnswerDelay, profile.slowAnswerDelay()),
          or(handshakeDelayMin, profile.handshakeDelayMin()),
          or(handshakeDelayMax, profile.handshakeDelayMax()),
          seed, maxFrameChars, frameLogCapacity, leakGrace, List.copyOf(iceServers), frozen,
          t -> frozen.getOrDefault(t, fallback), List.copyOf(clients), logout);
      org.eclipse.jetty.util.ssl.SslContextFactory.Server tls = null;
      if (tlsKeyStore != null) {
        tls = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
        tls.setKeyStore(tlsKeyStore);
        tls.setKeyStorePassword(new String(tlsPassword));
      }
      FakeEdge edge = new FakeEdge(settings, maxThreads, tls);
      if (secretListener != null) {
        edge.tokens.secretSink(secretListener);
      }
      if (adminEndpoints) {
        edge.server.routes(new AdminEndpoints(edge).routes());
      }
      try {
        edge.server.start();
        edge.base = URI.create((tls != null ? "https://" : "http://") + host + ":"
            + edge.server.port());
      } catch (Exception e) {
        edge.close();
        throw new IllegalStateException("fake edge could not start on " + host + ":" + port, e);
      }
      LOG.debug("fake edge listening on {}", edge.uri());
      return edge;
    }

    private static <T> T or(T v, T fallback) {
      return v != null ? v : fallback;
    }

    static void requireName(String what, String v) {
      if (v == null || v.isBlank() || v.length() > 128) {
        throw new IllegalArgumentException(what + " must be 1..128 non-blank chars, but was "
            + (v == null ? "null" : "\"" + v + "\""));
      }
    }

    private static String requireSecret(String secret) {
      if (secret == null || secret.isEmpty()) {
        throw new IllegalArgumentException("secret must be non-empty");
      }
      return secret;
    }
  }
}
