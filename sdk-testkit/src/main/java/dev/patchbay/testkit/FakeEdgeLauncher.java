package dev.patchbay.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a fake edge as its own process, with admin endpoints under {@code /admin/} for load
 * tests in another process:
 *
 * <pre>
 * java -jar patchbay-testkit-standalone-VERSION.jar --port 8080 --profile field \
 *     --tenant load --users 1000 [--user acme:alice:alice-secret] [--backend acme:svc:s3cret]
 * </pre>
 *
 * <p>Users made by {@code --users N} are {@code user-0 … user-(N-1)} in the {@code --tenant},
 * all with secret {@code --secret} (default {@code secret}). The process runs until it is
 * killed (a shutdown hook closes the edge). This is a command-line program: it writes its
 * status lines to standard output.
 */
public final class FakeEdgeLauncher {
  private FakeEdgeLauncher() {}

  /**
   * Starts the edge and runs until the process is killed.
   *
   * @param args the options shown above; {@code --help} lists them all
   * @throws Exception when the edge cannot start
   */
  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    FakeEdge edge;
    Path portFile = null;
    try {
      Options o = Options.parse(args);
      if (o.help) {
        out.println(USAGE);
        return;
      }
      portFile = o.portFile;
      edge = o.builder().adminEndpoints(true).start();
      edge.frameLog(o.frameLog);
    } catch (IllegalArgumentException e) {
      System.err.println("fake edge: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    FakeEdge running = edge;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      stopped.countDown();
    }, "fake-edge-shutdown"));
    if (portFile != null) {
      writePort(portFile, edge.port());
    }
    out.println("fake edge listening on " + edge.uri() + " (signaling " + edge.signalingUri()
        + ", admin " + edge.uri() + "/admin/counters)");
    out.flush();
    stopped.await();
  }

  private static void writePort(Path file, int port) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, Integer.toString(port), StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static final String USAGE = String.join("\n",
      "usage: java -jar patchbay-testkit-standalone.jar [options]",
      "  --host H                  bind address (default 127.0.0.1)",
      "  --port N                  port (default 0 = any free port)",
      "  --port-file F             write the bound port to F",
      "  --profile lenient|field   default limits (see docs/protocol.md)",
      "  --tenant T                tenant of --users (default load)",
      "  --users N                 create user-0..user-N-1 in --tenant",
      "  --secret S                their secret (default secret)",
      "  --user T:ID:SECRET        add one user (repeatable)",
      "  --backend T:ID:SECRET     add a backend client for token exchange (repeatable)",
      "  --socket-cap N --user-socket-limit N --media-capacity N --media-queue N",
      "  --negotiation-timeout-ms N --token-ttl-ms N --heartbeat-ms N --resume-window-ms N",
      "  --seed N                  seed of random faults (default 42)",
      "  --no-frame-log            do not keep frame logs (throughput runs)",
      "  --max-threads N           Jetty thread-pool ceiling (default 64)");

  static final class Options {
    boolean help;
    boolean frameLog = true;
    Path portFile;
    final FakeEdge.Builder b = FakeEdge.builder();
    String tenant = "load";
    int users;
    String secret = "secret";
    Integer socketCap;
    Integer userLimit;
    Integer mediaCapacity;
    Integer mediaQueue;
    Long negotiationMs;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          o.help = true;
          continue;
        }
        if (a.equals("--no-frame-log")) {
          o.frameLog = false;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        String v = args[++i];
        switch (a) {
          case "--host" -> o.b.host(v);
          case "--port" -> o.b.port(Integer.parseInt(v));
          case "--port-file" -> o.portFile = Path.of(v);
          case "--profile" -> o.b.profile(Profile.valueOf(v.toUpperCase(Locale.ROOT)));
          case "--tenant" -> o.tenant = v;
          case "--users" -> o.users = Integer.parseInt(v);
          case "--secret" -> o.secret = v;
          case "--user" -> {
            String[] p = triple(a, v);
            o.b.user(p[0], p[1], p[2]);
          }
          case "--backend" -> {
            String[] p = triple(a, v);
            o.b.backendClient(p[0], p[1], p[2]);
          }
          case "--socket-cap" -> o.socketCap = Integer.parseInt(v);
          case "--user-socket-limit" -> o.userLimit = Integer.parseInt(v);
          case "--media-capacity" -> o.mediaCapacity = Integer.parseInt(v);
          case "--media-queue" -> o.mediaQueue = Integer.parseInt(v);
          case "--negotiation-timeout-ms" -> o.negotiationMs = Long.parseLong(v);
          case "--token-ttl-ms" -> o.b.tokenTtl(Duration.ofMillis(Long.parseLong(v)));
          case "--heartbeat-ms" -> o.b.heartbeat(Duration.ofMillis(Long.parseLong(v)));
          case "--resume-window-ms" -> o.b.resumeWindow(Duration.ofMillis(Long.parseLong(v)));
          case "--seed" -> o.b.seed(Long.parseLong(v));
          case "--max-threads" -> o.b.maxThreads(Integer.parseInt(v));
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      return o;
    }

    FakeEdge.Builder builder() {
      b.tenant(tenant, t -> {
        if (socketCap != null) {
          t.socketCap(socketCap);
        }
        if (userLimit != null) {
          t.userSocketLimit(userLimit);
        }
        if (mediaCapacity != null) {
          t.mediaCapacity(mediaCapacity);
        }
        if (mediaQueue != null) {
          t.mediaQueueLimit(mediaQueue);
        }
        if (negotiationMs != null) {
          t.negotiationTimeout(Duration.ofMillis(negotiationMs));
        }
      });
      for (int i = 0; i < users; i++) {
        b.user(tenant, "user-" + i, secret);
      }
      return b;
    }

    private static String[] triple(String opt, String v) {
      String[] p = v.split(":", 3);
      if (p.length != 3) {
        throw new IllegalArgumentException(opt + " must be TENANT:ID:SECRET, but was " + v);
      }
      return p;
    }
  }
}
