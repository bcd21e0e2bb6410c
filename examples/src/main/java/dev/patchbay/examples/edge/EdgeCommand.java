package dev.patchbay.examples.edge;

import dev.patchbay.examples.cli.Args;
import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.testkit.Profile;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code edge}: the fake edge as a standalone server (for the softphone, or a load test from
 * another process). Runs until SIGTERM / Ctrl-C (or {@code --run-for}); a shutdown hook closes
 * it.
 */
public final class EdgeCommand {
  static final String USAGE = """
      usage: java -jar patchbay-examples.jar edge [options]
        --port N          port on 127.0.0.1 (default 8080; 0 = any free port)
        --profile P       lenient (default) or field (caps, rate limits, 504s, slow handshakes)
        --users LIST      users as tenant:user:secret, comma-separated
                          (default acme:alice:alice-secret,acme:bob:bob-secret)
        --backends LIST   backend clients (token exchange) as tenant:client:secret, comma-separated
        --seed N          seed of the edge's random faults (default 42)
        --run-for D       stop after this (default: until SIGTERM / Ctrl-C)""";

  private EdgeCommand() {}

  public static int run(String[] argv) {
    return run(argv, System.out, System.err);
  }

  public static int run(String[] argv, PrintStream out, PrintStream err) {
    FakeEdge edge;
    Duration runFor;
    try {
      Args a = Args.parse(argv, Set.of("help"),
          Set.of("port", "profile", "users", "backends", "seed", "run-for"));
      if (a.flag("help")) {
        out.println(USAGE);
        return 0;
      }
      String profile = a.string("profile", "lenient").toUpperCase(Locale.ROOT);
      FakeEdge.Builder b = FakeEdge.builder().port(a.integer("port", 8080))
          .profile(Profile.valueOf(profile)).seed(a.longValue("seed", 42))
          .adminEndpoints(true); // so loadtest --edge can provision users and read counters
      for (String[] u : triples("users", a.string("users",
          "acme:alice:alice-secret,acme:bob:bob-secret"))) {
        b.user(u[0], u[1], u[2]);
      }
      if (a.has("backends")) {
        for (String[] c : triples("backends", a.string("backends", ""))) {
          b.backendClient(c[0], c[1], c[2]);
        }
      }
      runFor = a.duration("run-for", null);
      edge = b.start();
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("edge: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      edge.close();
      stopped.countDown();
    }, "edge-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("fake edge listening on " + edge.uri() + " (signaling " + edge.signalingUri()
        + "); Ctrl-C to stop");
    out.flush();
    try {
      if (runFor == null) {
        stopped.await();
      } else if (!stopped.await(runFor.toMillis(), TimeUnit.MILLISECONDS)) {
        Runtime.getRuntime().removeShutdownHook(hook);
        edge.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      edge.close();
    }
    out.println("fake edge stopped");
    return 0;
  }

  private static java.util.List<String[]> triples(String option, String list) {
    java.util.List<String[]> out = new java.util.ArrayList<>();
    for (String item : list.split(",")) {
      String[] p = item.trim().split(":");
      if (p.length != 3) {
        throw new IllegalArgumentException("--" + option
            + " entries must be tenant:name:secret, but was " + item.trim());
      }
      out.add(p);
    }
    return out;
  }
}
