package dev.patchbay.reliability.matrix;

import dev.patchbay.Credentials;
import dev.patchbay.Diagnostics;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.RetryPolicy;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.reliability.figures.Figures;
import dev.patchbay.testkit.FakeEdge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One repetition of one case: a fake edge and a Patchbay (signaling-only media) wired together,
 * a {@link Ledger} for the operations, fault injection that counts, and a teardown that proves
 * nothing is lost or left: every operation has an outcome, the SDK's diagnostics are back to
 * zero (sockets, agents, calls, sessions, timers, threads), no {@code patchbay-} thread is
 * alive, the edge has no socket, call or media slot left and counted no violation. The figures
 * go to {@link Figures} before the assertion, so a failing repetition shows in the table too.
 */
public final class Rig implements AutoCloseable {
  public static final String TENANT = "acme";
  /** Fast, bounded retries so fault cases finish in seconds. */
  public static final RetryPolicy FAST_RETRY = RetryPolicy.builder()
      .baseDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(400)).maxAttempts(6)
      .deadline(Duration.ofSeconds(20)).build();

  public final String caseName;
  public final long seed;
  public final Random random;
  public final FakeEdge edge;
  public final Patchbay patchbay;
  public final Ledger ledger;
  public final String icePassword;
  /** The TCP proxy between SDK and edge, or null when the SDK talks to the edge directly. */
  final ChaosProxy proxy;
  private final Map<String, String> secrets;
  private final List<UserAgent> agents = new CopyOnWriteArrayList<>();
  private long expectedEdgeViolations;
  private boolean closed;

  private Rig(Builder b) {
    this.caseName = b.caseName;
    this.seed = b.seed;
    this.random = new Random(b.seed);
    this.ledger = new Ledger(b.caseName);
    this.secrets = b.users;
    this.icePassword = "ice-pw-" + Long.toHexString(random.nextLong());
    Secrets.register(icePassword);
    FakeEdge.Builder eb = FakeEdge.builder().seed(b.seed).secretListener(Secrets::register)
        .iceServer(List.of("turn:127.0.0.1:3478?transport=udp"), "ice-user", icePassword);
    b.users.forEach((user, secret) -> {
      String[] tu = user.split("/", 2);
      eb.user(tu[0], tu[1], secret);
      Secrets.registerClient(tu[1], secret);
    });
    this.edge = b.edge.apply(eb).start();
    Patchbay pb;
    ChaosProxy px = null;
    try {
      px = b.proxied ? new ChaosProxy(edge.uri()) : null;
      pb = b.sdk.apply(Patchbay.builder().edge(px != null ? px.uri() : edge.uri())
          .mediaEngine(MediaEngines.signalingOnly())).build();
    } catch (RuntimeException | java.io.IOException e) {
      if (px != null) {
        px.close();
      }
      edge.close();
      throw new IllegalStateException("rig could not start", e);
    }
    this.proxy = px;
    this.patchbay = pb;
    Figures.repetition(caseName);
  }

  /** A case named {@code caseName} (as printed in the table), repetition {@code seed}. */
  public static Builder builder(String caseName, long seed) {
    return new Builder(caseName, seed);
  }

  /** The client secret of {@code user} (tenant {@link #TENANT} unless given as tenant/user). */
  public String secretOf(String user) {
    String s = secrets.get(user.contains("/") ? user : TENANT + "/" + user);
    if (s == null) {
      throw new IllegalArgumentException("no such user in this rig: " + user);
    }
    return s;
  }

  public UserAgentOptions.Builder options(String user) {
    return options(TENANT, user);
  }

  public UserAgentOptions.Builder options(String tenant, String user) {
    return UserAgentOptions.builder(tenant).userId(user).connectRetry(FAST_RETRY)
        .reconnectRetry(FAST_RETRY);
  }

  public Credentials credentials(String tenant, String user) {
    return Credentials.clientCredentials(user, secretOf(tenant + "/" + user));
  }

  /** Connects {@code user} of {@link #TENANT} with fast retries; tracked in the ledger. */
  public CompletableFuture<UserAgent> connect(String user) {
    return connect(options(user).build());
  }

  public CompletableFuture<UserAgent> connect(UserAgentOptions options) {
    return connect(options, credentials(options.tenant(), options.userId()));
  }

  public CompletableFuture<UserAgent> connect(UserAgentOptions options, Credentials creds) {
    CompletableFuture<UserAgent> f = patchbay.connect(creds, options);
    f.thenAccept(agents::add);
    return ledger.track("connect " + options.tenant() + "/" + options.userId(), f);
  }

  /** Connects and waits (bounded) for the agent. */
  public UserAgent connected(String user) {
    return get(connect(user), Duration.ofSeconds(30));
  }

  public UserAgent connected(UserAgentOptions options) {
    return get(connect(options), Duration.ofSeconds(30));
  }

  /** Injects one fault and counts it. */
  public void inject(String fault, Runnable injection) {
    injection.run();
    Figures.add(Figures.Count.FAULTS_INJECTED, 1);
  }

  /** The case provokes {@code n} edge violations on purpose (raw clients misusing tokens). */
  public void expectEdgeViolations(long n) {
    expectedEdgeViolations += n;
  }

  public static <T> T get(CompletableFuture<T> f, Duration bound) {
    try {
      return f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("operation failed: " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("operation did not complete within " + bound, e);
    }
  }

  /** The failure of {@code f} (unwrapped), failing if it succeeds or takes longer than bound. */
  public static Throwable failure(CompletableFuture<?> f, Duration bound) {
    try {
      f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      return dev.patchbay.internal.retry.Retrier.unwrap(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("operation did not fail within " + bound, e);
    }
    throw new AssertionError("expected the operation to fail, but it succeeded");
  }

  /** Teardown and the zero checks; see the class comment. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> problems = new ArrayList<>();
    long leaks = 0;
    try {
      // 1. close the agents as an app would; afterwards nothing may be pending
      List<CompletableFuture<Void>> closing = new ArrayList<>();
      for (UserAgent a : agents) {
        closing.add(a.closeAsync());
      }
      try {
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
            .get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        problems.add("user agents did not finish closing within 30 s: " + e);
      }
      // An agent's close waits for its token's revocation at most its close timeout; a
      // revocation still retrying then goes on in the background, bounded by the revoke
      // policy's deadline (a token left live is worse), so its timer may outlive the agent by
      // that much, never more.
      Diagnostics before = awaitDiagnostics(d -> d.openSockets() == 0 && d.userAgents() == 0
          && d.calls() == 0 && d.mediaSessions() == 0 && d.pendingTimers() == 0,
          dev.patchbay.internal.auth.TokenConfig.DEFAULT_REVOKE_POLICY.deadline()
              .plusSeconds(2));
      if (before.openSockets() + before.calls() + before.mediaSessions() + before.pendingTimers()
          > 0 && before.userAgents() == 0) {
        leaks += before.openSockets() + before.calls() + before.mediaSessions()
            + before.pendingTimers();
        problems.add("after every agent closed, the SDK still holds " + before);
      }
      // 2. close the SDK: every operation must have its outcome, every count must be zero
      patchbay.close();
      List<Ledger.Op> lost = ledger.settle(Duration.ofSeconds(10));
      if (!lost.isEmpty()) {
        problems.add(lost.size() + " operation(s) lost: " + lost);
      }
      Diagnostics after = awaitDiagnostics(d -> d.isIdle() && d.sdkThreads() == 0,
          Duration.ofSeconds(10));
      long sdkLeft = after.openSockets() + after.userAgents() + after.calls()
          + after.mediaSessions() + after.pendingTimers() + after.sdkThreads()
          + after.liveNativeObjects();
      if (sdkLeft > 0) {
        leaks += sdkLeft;
        problems.add("SDK not back to zero after close: " + after);
      }
      long threads = awaitNoSdkThreads(Duration.ofSeconds(5));
      if (threads > 0) {
        leaks += threads;
        problems.add(threads + " patchbay- thread(s) still alive after close");
      }
      if (proxy != null) {
        proxy.close(); // connections the SDK gave up on end here, as on a real network
      }
      // 3. the edge: nothing left open, no violation
      try {
        edge.assertNoLeaks(Duration.ofSeconds(3));
      } catch (AssertionError e) {
        leaks += edge.openSockets() + edge.openCalls() + edge.heldMediaSlots()
            + edge.queuedInvites();
        problems.add(e.getMessage());
      }
      long edgeViolations = edge.counters().violations() - expectedEdgeViolations;
      if (edgeViolations != 0) {
        problems.add("the edge counted " + edgeViolations + " unexpected violation(s): "
            + edge.counters().values());
      }
      List<String> ledgerViolations = ledger.violations();
      problems.addAll(ledgerViolations);
      Figures.add(Figures.Count.VIOLATIONS, Math.abs(edgeViolations) + ledgerViolations.size());
      Figures.add(Figures.Count.LEAKED_RESOURCES, leaks);
      ledger.publish();
    } finally {
      if (proxy != null) {
        proxy.close();
      }
      edge.close();
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(caseName + " (seed " + seed + "): " + String.join("\n  ", problems));
    }
  }

  private Diagnostics awaitDiagnostics(java.util.function.Predicate<Diagnostics> ok,
      Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    Diagnostics d = patchbay.diagnostics();
    while (!ok.test(d) && System.nanoTime() < deadline) {
      sleep();
      d = patchbay.diagnostics();
    }
    return d;
  }

  /** Live JVM threads the SDK named ({@code patchbay-…}). */
  public static long sdkThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("patchbay-")).count();
  }

  private static long awaitNoSdkThreads(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    long n = sdkThreadsAlive();
    while (n > 0 && System.nanoTime() < deadline) {
      sleep();
      n = sdkThreadsAlive();
    }
    return n;
  }

  private static void sleep() {
    try {
      Thread.sleep(20); // polling with a deadline
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Configures a {@link Rig}. */
  public static final class Builder {
    private final String caseName;
    private final long seed;
    private final Map<String, String> users = new LinkedHashMap<>();
    private UnaryOperator<FakeEdge.Builder> edge = b -> b;
    private UnaryOperator<Patchbay.Builder> sdk = b -> b;
    private boolean proxied;

    private Builder(String caseName, long seed) {
      this.caseName = caseName;
      this.seed = seed;
      users("acme", "alice", "bob", "carol");
    }

    /** Adds users of {@code tenant}, each with its own random secret. */
    public Builder users(String tenant, String... names) {
      Random r = new Random(seed ^ tenant.hashCode());
      for (String n : names) {
        users.put(tenant + "/" + n, n + "-secret-" + Long.toHexString(r.nextLong()));
      }
      return this;
    }

    public Builder edge(UnaryOperator<FakeEdge.Builder> config) {
      this.edge = config;
      return this;
    }

    public Builder sdk(UnaryOperator<Patchbay.Builder> config) {
      this.sdk = config;
      return this;
    }

    /** The SDK reaches the edge through a {@link ChaosProxy} ({@code rig.proxy}). */
    public Builder viaProxy() {
      this.proxied = true;
      return this;
    }

    public Rig start() {
      return new Rig(this);
    }
  }
}
