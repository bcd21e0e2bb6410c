package dev.patchbay.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a fake edge as its own process, with admin endpoints under {@code /admin/} for load
 * tests in another process:
 *
 * <pre>
 * java -jar patchbay-testkit-standalone-VERSION.jar --port 8080 --profile field \
 *     --tenant load --users 1000 [--user acme:alice:alice-secret] [--backend acme:svc:s3cret]
 * </pre>
 *
 * <p>The options are those of {@link EdgeOptions} (the examples' {@code edge} command takes the
 * same). Users made by {@code --users N} are {@code user-0 … user-(N-1)} in the {@code --tenant},
 * all with secret {@code --secret} (default {@code secret}). The process runs until it is
 * killed (a shutdown hook closes the edge) or {@code --run-for} has passed. This is a
 * command-line program: it writes its status lines to standard output.
 */
public final class FakeEdgeLauncher {
  private FakeEdgeLauncher() {}

  /**
   * Starts the edge and runs until the process is killed.
   *
   * @param args the options of {@link EdgeOptions}; {@code --help} lists them all
   * @throws Exception when the edge cannot start
   */
  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    FakeEdge edge;
    EdgeOptions o;
    try {
      o = EdgeOptions.parse(args);
      if (o.help()) {
        out.println(USAGE);
        return;
      }
      edge = o.builder().adminEndpoints(true).start();
      edge.frameLog(o.frameLog());
    } catch (IllegalArgumentException e) {
      System.err.println("fake edge: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    FakeEdge running = edge;
    Thread hook = new Thread(() -> {
      running.close();
      stopped.countDown();
    }, "fake-edge-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (o.portFile().isPresent()) {
      writePort(o.portFile().get(), edge.port());
    }
    out.println("fake edge listening on " + edge.uri() + " (signaling " + edge.signalingUri()
        + ", admin " + edge.uri() + "/admin/counters, live view " + edge.uri() + "/admin/)");
    out.flush();
    if (o.runFor().isEmpty()) {
      stopped.await();
    } else if (!stopped.await(o.runFor().get().toMillis(), TimeUnit.MILLISECONDS)) {
      Runtime.getRuntime().removeShutdownHook(hook);
      edge.close();
    }
  }

  private static void writePort(Path file, int port) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, Integer.toString(port), StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static final String USAGE = "usage: java -jar patchbay-testkit-standalone.jar [options]\n"
      + EdgeOptions.USAGE;
}
