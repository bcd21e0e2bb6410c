package dev.patchbay.benchmarks.edge;

import dev.patchbay.testkit.FakeEdge;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Capacity figures of the fake edge (not a unit test; run it by hand, see README):
 *
 * <ol>
 *   <li>Idle WebSockets: a second JVM opens N signaling sockets (default 10,000); this JVM
 *       (the edge) reports server threads and retained heap per connection.</li>
 *   <li>Relay: two more JVMs — callers and callees — establish K calls through the edge and
 *       the callers stream {@code candidate} frames; the callees count what the edge relayed.</li>
 * </ol>
 *
 * <p>Arguments: {@code [sockets] [pairs] [seconds]} (defaults 10000 20 10). Everything runs on
 * 127.0.0.1; every loop is bounded in count and time.
 */
public final class EdgeBenchmark {
  private EdgeBenchmark() {}

  public static void main(String[] args) throws Exception {
    // no configuration on this class path means logback's DEBUG default: gigabytes of log
    // that also drag the figures down (issue 15)
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(ch.qos.logback.classic.Level.WARN);
    int sockets = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int users = 100;
    FakeEdge.Builder b = FakeEdge.builder()
        .tenant("bench", t -> t.socketCap(sockets + 1000).userSocketLimit(sockets + 1000)
            .mediaCapacity(10_000))
        .heartbeat(Duration.ofSeconds(30))
        .frameLogCapacity(16);
    for (int i = 0; i < users; i++) {
      b.user("bench", "u" + i, "secret");
    }
    for (int i = 0; i < pairs; i++) {
      b.user("bench", "a" + i, "secret");
      b.user("bench", "b" + i, "secret");
    }
    try (FakeEdge edge = b.start()) {
      edge.frameLog(false);
      idle(edge, sockets, users);
      relay(edge, pairs, seconds);
    }
  }

  private static void idle(FakeEdge edge, int sockets, int users) throws Exception {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long before = settledHeap(mem);
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    long t0 = System.nanoTime();
    Process client = child("idle", edge.uri().toString(), Integer.toString(sockets),
        Integer.toString(users));
    BufferedReader out = reader(client);
    String line = awaitLine(out, "OPEN", Duration.ofMinutes(5));
    long openMs = (System.nanoTime() - t0) / 1_000_000;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (edge.openSockets() < sockets && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    int open = edge.openSockets();
    long after = settledHeap(mem);
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    double perConn = (after - before) / (double) Math.max(1, open);
    System.out.printf(Locale.ROOT,
        "IDLE sockets=%d (client: %s) openedIn=%d ms serverThreads(jetty)=%d jvmThreads=%d "
            + "(before %d) heapBefore=%.1f MiB heapAfter=%.1f MiB heapPerConnection=%.1f KiB%n",
        open, line, openMs, edge.serverThreads(), threads, threadsBefore, before / 1048576.0,
        after / 1048576.0, perConn / 1024);
    // hold them idle through two heartbeats' worth of pings, then check nothing was dropped
    Thread.sleep(5_000);
    System.out.printf(Locale.ROOT, "IDLE after 5 s: open=%d heartbeatTimeouts=%d%n",
        edge.openSockets(), edge.counters().get("heartbeatTimeouts"));
    stop(client);
    long closeDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (edge.openSockets() > 0 && System.nanoTime() < closeDeadline) {
      Thread.sleep(100);
    }
    System.out.printf(Locale.ROOT, "IDLE closed: open=%d serverErrors=%d%n", edge.openSockets(),
        edge.counters().get("serverErrors"));
  }

  private static void relay(FakeEdge edge, int pairs, int seconds) throws Exception {
    Process callees = child("callee", edge.uri().toString(), Integer.toString(pairs));
    BufferedReader calleeOut = reader(callees);
    awaitLine(calleeOut, "READY", Duration.ofMinutes(1));
    Process callers = child("caller", edge.uri().toString(), Integer.toString(pairs),
        Integer.toString(seconds));
    BufferedReader callerOut = reader(callers);
    String sent = awaitLine(callerOut, "SENT", Duration.ofSeconds(seconds + 60L));
    PrintWriter cmd = new PrintWriter(callees.getOutputStream(), true, StandardCharsets.UTF_8);
    String received = "";
    String previous = null;
    for (int i = 0; i < 60 && !received.equals(previous); i++) { // until the backlog drained
      previous = received;
      Thread.sleep(1_000);
      cmd.println("report");
      received = awaitLine(calleeOut, "RECEIVED", Duration.ofSeconds(30));
    }
    System.out.println("RELAY callers: " + sent);
    System.out.println("RELAY callees: " + received);
    System.out.printf(Locale.ROOT, "RELAY edge: calls=%d framesIn=%d framesOut=%d "
            + "serverThreads(jetty)=%d serverErrors=%d%n",
        edge.counters().calls(), edge.counters().get("framesIn"),
        edge.counters().get("framesOut"), edge.serverThreads(),
        edge.counters().get("serverErrors"));
    stop(callers);
    stop(callees);
  }

  static long settledHeap(MemoryMXBean mem) throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(300);
      best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  private static Process child(String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx2g", "-cp",
        System.getProperty("java.class.path"), LoadClients.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static BufferedReader reader(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  private static String awaitLine(BufferedReader in, String prefix, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String line = in.readLine();
      if (line == null) {
        throw new IllegalStateException("load client exited before printing " + prefix);
      }
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
    }
    throw new IllegalStateException("no " + prefix + " line within " + timeout);
  }

  private static void stop(Process p) throws Exception {
    p.getOutputStream().close(); // children exit when stdin closes
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }
}
