package dev.patchbay.examples.edge;

import dev.patchbay.testkit.EdgeOptions;
import dev.patchbay.testkit.FakeEdge;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code edge}: the fake edge as a standalone server (for the softphone, or a load test from
 * another process), with the testkit launcher's options ({@link EdgeOptions}); only the
 * defaults differ: port 8080 and, when no user option is given, the users
 * {@code acme:alice:alice-secret} and {@code acme:bob:bob-secret}. Runs until SIGTERM / Ctrl-C
 * (or {@code --run-for}); a shutdown hook closes it.
 */
public final class EdgeCommand {
  static final String USAGE = "usage: java -jar patchbay-examples.jar edge [options]\n"
      + "  (defaults: --port 8080 --users acme:alice:alice-secret,acme:bob:bob-secret)\n"
      + EdgeOptions.USAGE;

  private EdgeCommand() {}

  public static int run(String[] argv) {
    return run(argv, System.out, System.err);
  }

  public static int run(String[] argv, PrintStream out, PrintStream err) {
    FakeEdge edge;
    Duration runFor;
    try {
      EdgeOptions o = EdgeOptions.parse(withDefaults(argv));
      if (o.help()) {
        out.println(USAGE);
        return 0;
      }
      runFor = o.runFor().orElse(null);
      // admin endpoints so that loadtest --edge can provision users and read counters
      edge = o.builder().adminEndpoints(true).start();
      edge.frameLog(o.frameLog());
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

  /** The command's defaults, before the given options (a later option wins, lists add up). */
  static String[] withDefaults(String[] argv) {
    List<String> args = new ArrayList<>(List.of("--port", "8080"));
    List<String> given = List.of(argv);
    if (!given.contains("--users") && !given.contains("--user")) {
      args.addAll(List.of("--users", "acme:alice:alice-secret,acme:bob:bob-secret"));
    }
    args.addAll(given);
    return args.toArray(new String[0]);
  }
}
