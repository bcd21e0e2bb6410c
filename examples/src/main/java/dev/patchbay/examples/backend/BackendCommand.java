package dev.patchbay.examples.backend;

import dev.patchbay.Credentials;
import dev.patchbay.Diagnostics;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.examples.cli.Args;
import dev.patchbay.testkit.FakeEdge;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code backend}: runs the multi-tenant {@link Backend} against an embedded fake edge, with a
 * few simulated customers calling its users, until SIGTERM / Ctrl-C (or {@code --run-for}). The
 * shutdown hook stops the customers, closes the backend and prints what was left open (nothing).
 */
public final class BackendCommand {
  static final String USAGE = """
      usage: java -jar patchbay-examples.jar backend [options]
        --tenants N     tenants (default 2)
        --users N       users per tenant the backend acts for (default 25)
        --callers N     simulated customers per tenant calling the users (default 2)
        --status-every D  print a status line this often (default 5s)
        --run-for D     stop after this (default: until SIGTERM / Ctrl-C)""";

  private BackendCommand() {}

  public static int run(String[] argv) {
    return run(argv, System.out, System.err);
  }

  public static int run(String[] argv, PrintStream out, PrintStream err) {
    int tenants;
    int users;
    int callers;
    Duration runFor;
    Duration statusEvery;
    try {
      Args a = Args.parse(argv, Set.of("help"),
          Set.of("tenants", "users", "callers", "run-for", "status-every"));
      if (a.flag("help")) {
        out.println(USAGE);
        return 0;
      }
      tenants = a.integer("tenants", 2);
      users = a.integer("users", 25);
      callers = a.integer("callers", 2);
      runFor = a.duration("run-for", null);
      statusEvery = a.duration("status-every", Duration.ofSeconds(5));
      if (tenants < 1 || users < 1 || callers < 0) {
        throw new IllegalArgumentException("--tenants and --users must be >= 1, --callers >= 0");
      }
    } catch (IllegalArgumentException e) {
      err.println("backend: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }

    FakeEdge.Builder eb = FakeEdge.builder();
    Map<String, Backend.BackendClient> clients = new HashMap<>();
    List<Backend.User> all = new ArrayList<>();
    for (int t = 0; t < tenants; t++) {
      String tenant = "tenant-" + t;
      clients.put(tenant, new Backend.BackendClient("backend-" + t, "backend-" + t + "-secret"));
      eb.backendClient(tenant, "backend-" + t, "backend-" + t + "-secret");
      for (int u = 0; u < users; u++) {
        String id = "user-" + t + "-" + u;
        eb.user(tenant, id, id + "-secret");
        all.add(new Backend.User(tenant, id));
      }
      for (int c = 0; c < callers; c++) {
        String id = "customer-" + t + "-" + c;
        eb.user(tenant, id, id + "-secret");
      }
    }
    FakeEdge edge = eb.start();
    Backend backend = new Backend(edge.uri(), clients,
        u -> edge.subjectTokenFor(u.userId())); // the identity provider's assertion per user
    Customers customers = new Customers(edge, tenants, users, callers);
    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean clean = new AtomicBoolean();
    Runnable shutdown = () -> {
      out.println("shutting down: closing every user agent, then the SDK");
      out.flush();
      customers.close();
      backend.close();
      try {
        Diagnostics d = backend.settledDiagnostics(Duration.ofSeconds(10));
        boolean edgeClean = edgeClean(edge);
        out.println("shutdown complete: answered " + backend.callsAnswered() + " calls; left open:"
            + " " + d.openSockets() + " sockets, " + d.userAgents() + " user agents, "
            + d.calls() + " calls, " + d.sdkThreads() + " SDK threads, " + d.pendingTimers()
            + " timers; edge: " + edge.openSockets() + " sockets, " + edge.openCalls()
            + " calls, " + edge.liveTokens() + " live tokens");
        clean.set(d.isIdle() && d.sdkThreads() == 0 && edgeClean);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        edge.close();
        out.flush();
        done.countDown();
      }
    };
    Thread hook = new Thread(shutdown, "backend-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      backend.start(all).get(120, TimeUnit.SECONDS);
      out.println("backend ready: " + backend.connectedUsers() + " users in " + tenants
          + " tenants connected, each with its own token (token exchange); edge " + edge.uri());
      customers.start();
      customers.every(statusEvery, () -> out.println("status: " + backend.connectedUsers()
          + " users connected, " + backend.callsAnswered() + " calls answered, "
          + backend.liveCalls() + " in progress"));
      out.flush();
      if (runFor == null) {
        done.await();
        return 0;
      }
      if (!done.await(runFor.toMillis(), TimeUnit.MILLISECONDS)) {
        Runtime.getRuntime().removeShutdownHook(hook);
        shutdown.run();
      }
      return clean.get() ? 0 : 1;
    } catch (Exception e) {
      err.println("backend: " + e);
      Runtime.getRuntime().removeShutdownHook(hook);
      shutdown.run();
      return 1;
    }
  }

  private static boolean edgeClean(FakeEdge edge) {
    try {
      edge.assertNoLeaks();
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  /** Simulated customers: each calls a random user of its tenant, talks 1-3 s, hangs up, again. */
  static final class Customers implements AutoCloseable {
    private final FakeEdge edge;
    private final int tenants;
    private final int users;
    private final int callers;
    private final Patchbay patchbay;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final SplittableRandom random = new SplittableRandom(7);
    private final AtomicBoolean closed = new AtomicBoolean();

    Customers(FakeEdge edge, int tenants, int users, int callers) {
      this.edge = edge;
      this.tenants = tenants;
      this.users = users;
      this.callers = callers;
      this.patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
          .build();
    }

    void start() {
      for (int t = 0; t < tenants; t++) {
        for (int c = 0; c < callers; c++) {
          String id = "customer-" + t + "-" + c;
          int tenant = t;
          patchbay.connect(Credentials.clientCredentials(id, id + "-secret"),
              UserAgentOptions.builder("tenant-" + t).userId(id).build())
              .thenAccept(ua -> callLoop(ua, tenant));
        }
      }
    }

    void every(Duration period, Runnable task) {
      timer.scheduleAtFixedRate(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void callLoop(UserAgent ua, int tenant) {
      if (closed.get()) {
        return;
      }
      String to = "user-" + tenant + "-" + nextInt(users);
      ua.dial(to).whenComplete((call, error) -> {
        long next = 200 + nextInt(800);
        if (error != null) {
          schedule(() -> callLoop(ua, tenant), next);
          return;
        }
        schedule(() -> call.hangUp().thenRun(() -> schedule(() -> callLoop(ua, tenant), next)),
            1000 + nextInt(2000));
      });
    }

    private synchronized int nextInt(int bound) {
      return random.nextInt(bound);
    }

    private void schedule(Runnable r, long ms) {
      try {
        timer.schedule(r, ms, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        // shutting down
      }
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        timer.shutdownNow();
        patchbay.close();
      }
    }
  }
}
