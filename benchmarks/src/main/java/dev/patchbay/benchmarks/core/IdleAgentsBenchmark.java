package dev.patchbay.benchmarks.core;

import dev.patchbay.TenantLimits;
import dev.patchbay.Credentials;
import dev.patchbay.Diagnostics;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Figure: N connected idle user agents in one JVM (the fake edge runs in a child JVM): heap per
 * agent and threads. Each agent has its own token manager and WebSocket; OkHttp's WebSocket
 * reader holds one thread per socket (a virtual thread on Java 21+, a platform thread on 17).
 *
 * <p>Args: [agents=10000] [virtualThreads=true]
 */
public final class IdleAgentsBenchmark {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    boolean virtual = args.length <= 1 || Boolean.parseBoolean(args[1]);
    Bench.quietLogs();
    String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java";
    Process edgeJvm = new ProcessBuilder(javaBin, "-Xmx3g", "-cp",
        System.getProperty("java.class.path"), EdgeProcess.class.getName(), Integer.toString(n))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(edgeJvm.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("EDGE ")) {
        // skip
      }
      if (line == null) {
        throw new IllegalStateException("the edge process did not start");
      }
      run(URI.create(line.substring(5).trim()), n, virtual);
    } finally {
      edgeJvm.getOutputStream().close();
      if (!edgeJvm.waitFor(20, TimeUnit.SECONDS)) {
        edgeJvm.destroyForcibly();
      }
    }
  }

  private static void run(URI edge, int n, boolean virtual) throws Exception {
    Patchbay patchbay = Patchbay.builder().edge(edge).mediaEngine(MediaEngines.signalingOnly())
        .tenantLimits("bench",
            TenantLimits.builder().maxSockets(n + 10).maxNegotiations(100).build())
        .virtualThreads(virtual).build();
    long baseline = usedHeapAfterGc();
    long rssBefore = rssKb();
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

    long t0 = System.nanoTime();
    Semaphore inFlight = new Semaphore(200);
    List<CompletableFuture<UserAgent>> agents = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      CompletableFuture<UserAgent> f = patchbay.connect(
          Credentials.clientCredentials("u" + i, "s" + i),
          UserAgentOptions.builder("bench").userId("u" + i).build());
      f.whenComplete((ua, e) -> inFlight.release());
      agents.add(f);
    }
    List<UserAgent> connected = new ArrayList<>(n);
    for (CompletableFuture<UserAgent> f : agents) {
      connected.add(f.get(60, TimeUnit.SECONDS));
    }
    double connectSeconds = (System.nanoTime() - t0) / 1e9;
    Thread.sleep(2_000); // let connect-time garbage and transient threads settle
    long used = usedHeapAfterGc();
    long rssAfter = rssKb();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    Diagnostics d = patchbay.diagnostics();

    Bench.out("%,d idle user agents, Java %s, %s threads", n, Runtime.version().feature(),
        patchbay.usesVirtualThreads() ? "virtual" : "platform");
    Bench.out("  connected in %.1f s (%.0f agents/s, 200 connects in flight)", connectSeconds,
        n / connectSeconds);
    Bench.out("  heap: %,.1f MiB for %,d agents = %,.1f KiB per agent (goal <= 12 KiB)",
        (used - baseline) / 1048576.0, n, (used - baseline) / 1024.0 / n);
    Bench.out("  RSS: %,.1f MiB for %,d agents = %,.1f KiB per agent (Linux VmRSS)",
        (rssAfter - rssBefore) / 1024.0, n, (rssAfter - rssBefore) / (double) n);
    Bench.out("  JVM threads: %,d before, %,d with the agents connected (goal <= 64 platform"
        + " threads on Java 17)", threadsBefore, threads);
    Bench.out("  SDK threads (platform + virtual): %,d; open sockets %,d; pending timers %,d",
        d.sdkThreads(), d.openSockets(), d.pendingTimers());

    if (System.getenv("BENCH_HISTO") != null) { // where the heap goes: top classes
      Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/jcmd",
          Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
          .redirectErrorStream(true).start();
      new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
          .lines().limit(40).forEach(l -> Bench.out("  %s", l));
      p.waitFor(30, TimeUnit.SECONDS);
    }
    long c0 = System.nanoTime();
    patchbay.close();
    Bench.out("  Patchbay.close() with %,d agents: %.1f s (goal <= 2 s); afterwards %s", n,
        (System.nanoTime() - c0) / 1e9, patchbay.diagnostics());
  }

  /** Resident set size of this JVM in KiB (Linux), or 0 elsewhere. */
  private static long rssKb() {
    try {
      for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux
    }
    return 0;
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
