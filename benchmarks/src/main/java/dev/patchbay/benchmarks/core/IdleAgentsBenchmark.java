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
 * agent, threads, and {@code Patchbay.close()} with a timeline (sockets closed, agents closed
 * with their tokens revoked, SDK threads gone) and what the edge still holds afterwards. Each
 * agent has its own token manager and WebSocket (the JDK's client: no thread per socket).
 * {@code BENCH_HISTO=1} prints a heap histogram ({@code -Dbench.histoLines=N} lines);
 * {@code BENCH_JFR=dir} records both JVMs during close ({@code dir/close-sdk.jfr},
 * {@code dir/close-edge.jfr}). {@code BENCH_LOGOUT=false} runs an edge that offers no
 * {@code logout}, so the tokens are revoked over RFC 7009 requests (the close before protocol
 * 3.7's logout).
 *
 * <p>Args: [agents=10000] [virtualThreads=true]; {@code -Dbench.warmup=N} agents connected and
 * closed by a first {@code Patchbay} before the measured one (default: as many as measured; 0: a
 * cold close), {@code -Dbench.warmupRounds=R} times (default 1); then {@code -Dbench.closeRuns=M}
 * measured rounds (default 3), each with a new {@code Patchbay}, and their median close time.
 * Before each measured close it waits until both JVMs' JIT compiler threads were idle for
 * 500 ms (at most 30 s), and it prints how much of the close's CPU was still JIT
 * ({@code -Dbench.quiesce=false}: no wait).
 * {@code -Dbench.tls=true}: the edge serves {@code https}/{@code wss} with a self-signed
 * certificate made by keytool for this run, which the SDK trusts explicitly
 * ({@code Patchbay.builder().tls(...)}). {@code -Dbench.transports=jdk,nio}: the whole run once
 * per signaling transport ({@code -Dpatchbay.signaling.transport}), against the same edge, with
 * a summary line of the heap per agent of each.
 */
public final class IdleAgentsBenchmark {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    boolean virtual = args.length <= 1 || Boolean.parseBoolean(args[1]);
    Bench.quietLogs();
    String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java";
    List<String> edgeCmd = new ArrayList<>(List.of(javaBin, "-Xmx3g", "-cp",
        System.getProperty("java.class.path"), EdgeProcess.class.getName(), Integer.toString(n),
        Boolean.toString(!"false".equals(System.getenv("BENCH_LOGOUT")))));
    if (Boolean.getBoolean("bench.tls")) {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("bench-tls");
      java.nio.file.Path store = dir.resolve("edge.p12");
      trust = selfSigned(store);
      edgeCmd.add(store.toString());
      edgeCmd.add(new String(PASSWORD));
    }
    List<String> transports = List.of(System.getProperty("bench.transports",
        System.getProperty("patchbay.signaling.transport", "nio")).split(","));
    Process edgeJvm = new ProcessBuilder(edgeCmd)
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
      URI edgeUri = URI.create(line.substring(5).trim());
      StringBuilder summary = new StringBuilder();
      for (String transport : transports) {
        System.setProperty("patchbay.signaling.transport", transport.trim());
        Bench.out("== signaling transport %s, edge %s", transport.trim(), edgeUri);
        double kib = run(edgeUri, n, virtual, edgeJvm.pid());
        summary.append(String.format(" %s %.1f KiB;", transport.trim(), kib));
      }
      Bench.out("summary: heap per idle agent (%s://, %,d agents):%s load average %s",
          trust != null ? "wss" : "ws", n, summary, loadAverage());
      java.io.Writer toEdge = new java.io.OutputStreamWriter(edgeJvm.getOutputStream(),
          StandardCharsets.UTF_8);
      toEdge.write("STATS\n");
      toEdge.flush();
      while ((line = out.readLine()) != null && !line.startsWith("STATS ")) {
        // skip
      }
      Bench.out("  edge after close: %s", line == null ? "no answer" : line.substring(6));
    } finally {
      edgeJvm.getOutputStream().close();
      if (!edgeJvm.waitFor(20, TimeUnit.SECONDS)) {
        edgeJvm.destroyForcibly();
      }
    }
  }

  private static final char[] PASSWORD = "bench-only-key".toCharArray();
  /** With {@code bench.tls}: trusts exactly the edge's certificate; else null. */
  private static javax.net.ssl.X509TrustManager trust;

  private static Patchbay patchbay(URI edge, int n, boolean virtual) throws Exception {
    Patchbay.Builder b = Patchbay.builder().edge(edge).mediaEngine(MediaEngines.signalingOnly())
        .tenantLimits("bench",
            TenantLimits.builder().maxSockets(n + 10).maxNegotiations(100).build())
        .virtualThreads(virtual);
    if (trust != null) {
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
      b.tls(ctx.getSocketFactory(), trust);
    }
    return b.build();
  }

  /** Makes a self-signed EC key for 127.0.0.1 in {@code store}; a trust manager for it. */
  private static javax.net.ssl.X509TrustManager selfSigned(java.nio.file.Path store)
      throws Exception {
    Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/keytool",
        "-genkeypair", "-alias", "edge", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass",
        new String(PASSWORD), "-keypass", new String(PASSWORD)).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + out);
    }
    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    java.security.KeyStore trusted = java.security.KeyStore.getInstance(
        java.security.KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("edge", keys.getCertificate("edge"));
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    return (javax.net.ssl.X509TrustManager) tmf.getTrustManagers()[0];
  }

  /** Connects users u0 … u{n-1}, 200 at a time; returns the seconds it took. */
  private static double connectAll(Patchbay patchbay, int n) throws Exception {
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
    for (CompletableFuture<UserAgent> f : agents) {
      f.get(60, TimeUnit.SECONDS);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Warm-up rounds, then the measured rounds; returns the median heap per agent in KiB. */
  private static double run(URI edge, int n, boolean virtual, long edgePid) throws Exception {
    // A process that closes its agents at shutdown has usually connected and closed agents
    // before (log-offs during the day): a first Patchbay does so with `bench.warmup` agents (as
    // many as are measured: C2 compiles a method after ~5,000-15,000 calls), so the close
    // measured below is not also the first run of the close code in both JVMs (the JIT
    // compiling it took ~40 % of the CPU of a cold close). 0: measure the cold close.
    int warm = Math.min(n, Integer.getInteger("bench.warmup", n));
    int rounds = warm > 0 ? Integer.getInteger("bench.warmupRounds", 1) : 0;
    for (int r = 1; r <= rounds; r++) {
      Patchbay first = patchbay(edge, warm, virtual);
      connectAll(first, warm);
      long w0 = System.nanoTime();
      first.close();
      Bench.out("warm-up %d/%d: %,d agents connected, then closed in %.2f s%s", r, rounds, warm,
          (System.nanoTime() - w0) / 1e9, r == 1 ? " (a first close: cold code)" : "");
    }
    // The close of 10,000 agents on 2 cores moves by +-20 % from run to run (CPU of both JVMs,
    // the JIT): measured `bench.closeRuns` times, each with a new Patchbay, and the median told.
    int runs = Math.max(1, Integer.getInteger("bench.closeRuns", 3));
    List<Round> measured = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      Bench.out("-- measured run %d/%d", r, runs);
      measured.add(measure(edge, n, virtual, edgePid));
    }
    Bench.out("  Patchbay.close() with %,d agents, median of %d runs: %.2f s (runs %s s; CPU"
        + " SDK %s s, edge %s s; of it JIT compiler threads SDK %s s, edge %s s) (goal <= 2 s)",
        n, runs, median(measured, Round::closeSeconds), each(measured, Round::closeSeconds),
        each(measured, Round::sdkCpu), each(measured, Round::edgeCpu),
        each(measured, Round::sdkJit), each(measured, Round::edgeJit));
    return median(measured, Round::heapKib);
  }

  /** One measured round's figures. */
  private record Round(double heapKib, double closeSeconds, double sdkCpu, double edgeCpu,
      double sdkJit, double edgeJit) {}

  private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> f) {
    double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String each(List<Round> rounds, java.util.function.ToDoubleFunction<Round> f) {
    StringBuilder b = new StringBuilder();
    for (Round r : rounds) {
      b.append(b.length() == 0 ? "" : " / ").append(String.format("%.2f", f.applyAsDouble(r)));
    }
    return b.toString();
  }

  /** One measured round: connect n agents, heap and threads, then the close with its timeline. */
  private static Round measure(URI edge, int n, boolean virtual, long edgePid) throws Exception {
    Patchbay patchbay = patchbay(edge, n, virtual);
    long baseline = usedHeapAfterGc();
    long rssBefore = rssKb();
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

    double connectSeconds = connectAll(patchbay, n);
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
          .lines().limit(Integer.getInteger("bench.histoLines", 40)).forEach(l -> Bench.out("  %s", l));
      p.waitFor(30, TimeUnit.SECONDS);
    }
    long selfPid = ProcessHandle.current().pid();
    if (!"false".equals(System.getProperty("bench.quiesce"))) {
      // The connect of 10,000 agents leaves both JITs compiling for seconds; measure the
      // close, not that: wait until neither JVM's compiler threads worked for 500 ms.
      double waited = quiesce(selfPid, edgePid);
      Bench.out("  waited %.1f s for both JVMs' JIT compilers to go quiet before the close%s",
          waited, waited >= 30 ? " (gave up)" : "");
    }
    // close, with a timeline sampled from the diagnostics (every 20 ms, on a thread of its own:
    // diagnostics() counts the pending timers, 30,000 of them here; sampled every 2 ms it took
    // ~14 % of the SDK's CPU during close and slowed what it measured)
    long[] firstZero = {-1, -1, -1}; // sockets, agents (tokens revoked), SDK threads
    StringBuilder every250ms = new StringBuilder(); // open sockets / agents not yet closed
    String jfr = System.getenv("BENCH_JFR"); // a directory: profile both JVMs during close
    if (jfr != null) {
      for (long pid : new long[] {selfPid, edgePid}) {
        jcmd(pid, "JFR.start", "name=close", "settings=profile");
      }
    }
    long sdkJit0 = jitCpuNanos(selfPid);
    long edgeJit0 = jitCpuNanos(edgePid);
    long sdkCpu0 = processCpuNanos();
    long edgeCpu0 = cpuNanosOf(edgePid);
    long c0 = System.nanoTime();
    Thread sampler = new Thread(() -> {
      long nextMark = 0;
      while (!Thread.currentThread().isInterrupted()) {
        Diagnostics now = patchbay.diagnostics();
        long t = System.nanoTime() - c0;
        if (t >= nextMark && firstZero[1] < 0) {
          every250ms.append(String.format(" %.2fs:%d/%d", t / 1e9, now.openSockets(),
              now.userAgents()));
          nextMark += 250_000_000L;
        }
        int[] counts = {now.openSockets(), now.userAgents(), now.sdkThreads()};
        for (int i = 0; i < 3; i++) {
          if (firstZero[i] < 0 && counts[i] == 0) {
            firstZero[i] = t;
          }
        }
        if (firstZero[2] >= 0) {
          return;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "close-timeline");
    sampler.setDaemon(true);
    sampler.start();
    patchbay.close();
    double closeSeconds = (System.nanoTime() - c0) / 1e9;
    double sdkCpu = (processCpuNanos() - sdkCpu0) / 1e9;
    double edgeCpu = (cpuNanosOf(edgePid) - edgeCpu0) / 1e9;
    double sdkJit = (jitCpuNanos(selfPid) - sdkJit0) / 1e9;
    double edgeJit = (jitCpuNanos(edgePid) - edgeJit0) / 1e9;
    if (jfr != null) {
      jcmd(selfPid, "JFR.stop", "name=close", "filename=" + jfr + "/close-sdk.jfr");
      jcmd(edgePid, "JFR.stop", "name=close", "filename=" + jfr + "/close-edge.jfr");
    }
    sampler.interrupt();
    sampler.join();
    Diagnostics after = patchbay.diagnostics(); // close() returns once these are gone: a
    int[] left = {after.openSockets(), after.userAgents(), after.sdkThreads()}; // zero the
    for (int i = 0; i < 3; i++) { // sampler missed (it samples every 20 ms) is reached by then
      if (firstZero[i] < 0 && left[i] == 0) {
        firstZero[i] = (long) (closeSeconds * 1e9);
      }
    }
    Bench.out("  Patchbay.close() with %,d agents: %.2f s (goal <= 2 s); afterwards %s", n,
        closeSeconds, patchbay.diagnostics());
    Bench.out("  close timeline: sockets closed at %s, agents closed (tokens revoked) at %s,"
        + " SDK threads gone at %s", at(firstZero[0]), at(firstZero[1]), at(firstZero[2]));
    Bench.out("  open sockets/agents every 250 ms:%s", every250ms);
    Bench.out("  CPU during close: SDK %.2f s, edge %.2f s (wall %.2f s, %d cores; load average"
        + " %s); of it JIT compiler threads: SDK %.2f s, edge %.2f s", sdkCpu, edgeCpu,
        closeSeconds, Runtime.getRuntime().availableProcessors(), loadAverage(), sdkJit, edgeJit);
    return new Round((used - baseline) / 1024.0 / n, closeSeconds, sdkCpu, edgeCpu, sdkJit,
        edgeJit);
  }

  private static String at(long nanos) {
    return nanos < 0 ? "never" : String.format("%.2f s", nanos / 1e9);
  }

  private static void jcmd(long pid, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/jcmd",
        Long.toString(pid)));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  /** CPU time (user + system) this JVM used so far, in ns. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** CPU time (user + system) of another process so far, in ns (Linux), or 0 elsewhere. */
  private static long cpuNanosOf(long pid) {
    try {
      return cpuNanos(java.nio.file.Files.readString(
          java.nio.file.Path.of("/proc/" + pid + "/stat")));
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }

  /** User + system CPU time in a {@code /proc/<pid>[/task/<tid>]/stat} line, in ns. */
  private static long cpuNanos(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // 100 ticks/s
  }

  /**
   * CPU time (user + system) of a JVM's JIT compiler threads ("C1/C2 CompilerThread…") so far,
   * in ns (Linux), or 0 elsewhere.
   */
  private static long jitCpuNanos(long pid) {
    long sum = 0;
    try (java.util.stream.Stream<java.nio.file.Path> tasks =
        java.nio.file.Files.list(java.nio.file.Path.of("/proc/" + pid + "/task"))) {
      for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
        try {
          String stat = java.nio.file.Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            sum += cpuNanos(stat);
          }
        } catch (java.io.IOException | RuntimeException gone) {
          // the thread ended meanwhile
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
    return sum;
  }

  /**
   * Waits until neither JVM's compiler threads used CPU over 500 ms (at most 30 s); returns the
   * seconds waited.
   */
  private static double quiesce(long... pids) throws InterruptedException {
    long t0 = System.nanoTime();
    long[] last = new long[pids.length];
    for (int i = 0; i < pids.length; i++) {
      last[i] = jitCpuNanos(pids[i]);
    }
    while (System.nanoTime() - t0 < 30_000_000_000L) {
      Thread.sleep(500);
      boolean quiet = true;
      for (int i = 0; i < pids.length; i++) {
        long now = jitCpuNanos(pids[i]);
        quiet &= now - last[i] <= 10_000_000L; // one clock tick of slack
        last[i] = now;
      }
      if (quiet) {
        break;
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
          .substring(0, 14);
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
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
