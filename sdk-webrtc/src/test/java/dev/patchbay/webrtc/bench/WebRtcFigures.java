package dev.patchbay.webrtc.bench;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.patchbay.Call;
import dev.patchbay.Credentials;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.webrtc.AudioInput;
import dev.patchbay.webrtc.WebRtcMediaEngine;
import dev.patchbay.webrtc.internal.NativeHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Figures for the WebRTC engine (printed; not a timed test). Run inside the test network
 * namespace with {@code sdk-webrtc/src/test/netns/run-figures.sh}.
 *
 * <ol>
 *   <li>Call → media connected: Patchbay (user agent → fake edge → user agent, WebRTC engines)
 *       against a raw webrtc-java peer pair doing the same exchange in the same process;
 *       interleaved, medians and their ratio.
 *   <li>Resident memory growth per call cycle over N cycles through the SDK (VmRSS), after
 *       {@code -DrssWarmup} cycles (default 200) whose growth is printed apart. Run with
 *       a fixed, pre-touched heap ({@code -Xms} = {@code -Xmx}, {@code -XX:+AlwaysPreTouch}, as
 *       the script does) it is native growth: a young generation growing into pages it never
 *       used before otherwise shows up as growth per call (tens of KiB per cycle over 200
 *       cycles, up to the heap's maximum).
 * </ol>
 */
public final class WebRtcFigures {
  private static final java.util.concurrent.ExecutorService SIGNALING =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "raw-signaling");
        t.setDaemon(true);
        return t;
      });

  /**
   * Whether each SDK call waits, after both sides ended, until both engines released its peer
   * connections and made their next warm spares (as the raw and engine pairs do, synchronously,
   * outside their timed window). {@code -Dsettle=false}: back to back, the next call's set-up
   * queued behind the last call's release on each media thread.
   */
  private static final boolean SETTLE =
      Boolean.parseBoolean(System.getProperty("settle", "true"));
  private static final List<WebRtcMediaEngine> ENGINES = new ArrayList<>();

  private WebRtcFigures() {}

  public static void main(String[] args) throws Exception {
    int calls = Integer.getInteger("calls", 40);
    int cycles = Integer.getInteger("cycles", 200);
    int warmup = Integer.getInteger("warmup", 100);
    System.out.printf("webrtc figures: %d latency samples after %d warm-up calls of each kind, "
        + "%d memory cycles, pc leak mitigation %s%n", calls, warmup, cycles,
        NativeHandles.available() ? "ON" : "OFF");

    FakeEdge edge = FakeEdge.builder().user("acme", "alice", "a-secret")
        .user("acme", "bob", "b-secret").start();
    WebRtcMediaEngine aliceEngine = WebRtcMediaEngine.builder()
        .audioInput(AudioInput.tone(440, 0.3)).build();
    WebRtcMediaEngine bobEngine = WebRtcMediaEngine.builder().build();
    ENGINES.add(aliceEngine);
    ENGINES.add(bobEngine);
    Patchbay alicePb = Patchbay.builder().edge(edge.uri()).mediaEngine(aliceEngine).build();
    Patchbay bobPb = Patchbay.builder().edge(edge.uri()).mediaEngine(bobEngine).build();
    HeadlessAudioDeviceModule admA = new HeadlessAudioDeviceModule();
    HeadlessAudioDeviceModule admB = new HeadlessAudioDeviceModule();
    PeerConnectionFactory fa = new PeerConnectionFactory(admA);
    PeerConnectionFactory fb = new PeerConnectionFactory(admB);
    try {
      UserAgent alice = alicePb.connect(Credentials.clientCredentials("alice", "a-secret"),
          UserAgentOptions.builder("acme").userId("alice").build()).get(20, TimeUnit.SECONDS);
      UserAgent bob = bobPb.connect(Credentials.clientCredentials("bob", "b-secret"),
          UserAgentOptions.builder("acme").userId("bob").build()).get(20, TimeUnit.SECONDS);
      AtomicReference<CompletableFuture<Call>> incoming = new AtomicReference<>();
      bob.onIncomingCall(in -> in.accept().thenAccept(c -> incoming.get().complete(c)));

      // Warm-up: JIT, factories, sockets; the same number of calls for each kind. The SDK's
      // and the fake edge's Java code needs it (the raw pair is mostly native code): with 5
      // warm-up calls the SDK's median was ~1.55x the raw pair's, with 100 ~0.95x.
      List<Double> coldSdk = new ArrayList<>();
      List<Double> coldRaw = new ArrayList<>();
      for (int i = 0; i < warmup; i++) {
        double sdkMs = sdkCall(alice, incoming);
        double rawMs = rawCall(fa, fb);
        engineCall(aliceEngine, bobEngine);
        if (i < 5) {
          coldSdk.add(sdkMs);
          coldRaw.add(rawMs);
        }
      }
      List<Double> sdk = new ArrayList<>();
      List<Double> raw = new ArrayList<>();
      List<Double> engineOnly = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        sdk.add(sdkCall(alice, incoming));
        raw.add(rawCall(fa, fb));
        engineOnly.add(engineCall(aliceEngine, bobEngine));
      }
      double sdkMedian = median(sdk);
      double rawMedian = median(raw);
      System.out.printf("call -> media connected, median of %d: SDK+fake edge %.1f ms, raw "
          + "webrtc-java pair %.1f ms, ratio %.2fx (p90 SDK %.1f ms, raw %.1f ms) - goal <= 1.5x "
          + "%s (java %s)%n", calls,
          sdkMedian, rawMedian, sdkMedian / rawMedian, percentile(sdk, 0.9),
          percentile(raw, 0.9), sdkMedian / rawMedian <= 1.5 ? "MET" : "NOT MET",
          Runtime.version().feature());
      if (!coldSdk.isEmpty()) {
        System.out.printf("  the first %d warm-up calls (cold code), median: SDK+fake edge %.1f "
            + "ms, raw pair %.1f ms, ratio %.2fx%n", coldSdk.size(), median(coldSdk),
            median(coldRaw), median(coldSdk) / median(coldRaw));
      }
      System.out.printf("  of which the engine: two WebRtcMediaEngine sessions wired directly "
          + "(no signaling) %.1f ms, ratio to raw %.2fx%n", median(engineOnly),
          median(engineOnly) / rawMedian);

      if (Boolean.getBoolean("timeline")) {
        engineTimeline(aliceEngine, bobEngine);
        timeline(edge, alice, incoming);
      }
      if (cycles > 0) {
        memoryCycles(alice, incoming, Integer.getInteger("rssWarmup", 200), cycles);
        System.out.printf("live native objects now: alice %d, bob %d%n",
            aliceEngine.liveNativeObjects(), bobEngine.liveNativeObjects());
      }
      alice.close();
      bob.close();
    } finally {
      alicePb.close();
      bobPb.close();
      edge.close();
      try {
        fa.dispose();
        fb.dispose();
      } catch (Throwable t) {
        System.out.println("raw factory dispose: " + t.getMessage() + " (the upstream leak)");
      }
      admA.dispose();
      admB.dispose();
    }
    System.out.printf("after close: live native objects alice %d, bob %d%n",
        aliceEngine.liveNativeObjects(), bobEngine.liveNativeObjects());
    System.exit(0);
  }

  private static double sdkCall(UserAgent alice, AtomicReference<CompletableFuture<Call>> incoming)
      throws Exception {
    CompletableFuture<Call> answered = new CompletableFuture<>();
    incoming.set(answered);
    long t0 = System.nanoTime();
    Call call = alice.dial("bob").get(30, TimeUnit.SECONDS);
    double ms = (System.nanoTime() - t0) / 1e6;
    Call other = answered.get(30, TimeUnit.SECONDS);
    call.hangUp().get(30, TimeUnit.SECONDS);
    other.ended().get(30, TimeUnit.SECONDS);
    if (SETTLE) {
      awaitReleased();
    }
    return ms;
  }

  /**
   * Where the time of an SDK call goes, from the edge's frame log relative to dial(): the
   * medians of each milestone over {@code -Dtimeline.calls} calls, then one call frame by frame.
   */
  private static void timeline(FakeEdge edge, UserAgent alice,
      AtomicReference<CompletableFuture<Call>> incoming) throws Exception {
    String[][] milestones = {
        {"alice", "->edge", "invite"}, {"bob", "edge->", "incoming"},
        {"alice", "->edge", "candidate"}, {"bob", "->edge", "answer"},
        {"alice", "edge->", "answer"}, {"bob", "->edge", "candidate"}};
    int n = Integer.getInteger("timeline.calls", 40);
    List<List<Double>> at = new ArrayList<>();
    for (int m = 0; m <= milestones.length; m++) {
      at.add(new ArrayList<>());
    }
    List<String> lines = new ArrayList<>();
    double last = 0;
    for (int i = 0; i < n; i++) {
      edge.frames("alice").clear();
      edge.frames("bob").clear();
      java.time.Instant t0 = java.time.Instant.now();
      last = sdkCall(alice, incoming);
      lines.clear();
      double[] first = new double[milestones.length];
      java.util.Arrays.fill(first, Double.NaN);
      for (String user : List.of("alice", "bob")) {
        for (dev.patchbay.testkit.LoggedFrame f : edge.frames(user).snapshot()) {
          double ms = java.time.Duration.between(t0, f.at()).toNanos() / 1e6;
          String dir = f.direction() == dev.patchbay.testkit.LoggedFrame.Direction.FROM_CLIENT
              ? "->edge" : "edge->";
          lines.add(String.format("%8.1f ms  %-5s %-11s %s", ms, user, dir, f.type()));
          for (int m = 0; m < milestones.length; m++) {
            if (Double.isNaN(first[m]) && milestones[m][0].equals(user)
                && milestones[m][1].equals(dir) && milestones[m][2].equals(f.type())) {
              first[m] = ms;
            }
          }
        }
      }
      for (int m = 0; m < milestones.length; m++) {
        if (!Double.isNaN(first[m])) {
          at.get(m).add(first[m]);
        }
      }
      at.get(milestones.length).add(last);
    }
    System.out.printf("timeline, medians of %d SDK calls (edge clock, ms after dial()):%n", n);
    for (int m = 0; m < milestones.length; m++) {
      System.out.printf("  %-5s %-6s first %-9s %6.1f ms (p90 %.1f)%n", milestones[m][0],
          milestones[m][1], milestones[m][2], median(at.get(m)), percentile(at.get(m), 0.9));
    }
    System.out.printf("  alice  dial() completes (ACTIVE)  %6.1f ms (p90 %.1f)%n",
        median(at.get(milestones.length)), percentile(at.get(milestones.length), 0.9));
    System.out.printf("the last of them (dial -> ACTIVE %.1f ms), frame by frame:%n", last);
    Collections.sort(lines, (x, y) -> Double.compare(Double.parseDouble(x.substring(0, 8).trim()),
        Double.parseDouble(y.substring(0, 8).trim())));
    lines.forEach(System.out::println);
  }

  /** The same milestones for two engine sessions wired directly. */
  private static void engineTimeline(WebRtcMediaEngine a, WebRtcMediaEngine b) throws Exception {
    String[] names = {"offer created", "answer created", "answer set", "a connected"};
    int n = Integer.getInteger("timeline.calls", 40);
    List<List<Double>> at = new ArrayList<>();
    for (int m = 0; m < names.length; m++) {
      at.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      EnginePair pair = new EnginePair(a, b, SIGNALING);
      pair.connect();
      pair.close();
      for (int m = 0; m < names.length; m++) {
        at.get(m).add(pair.milestones[m] / 1e6);
      }
    }
    System.out.printf("timeline, medians of %d engine pairs (ms after createOffer()):%n", n);
    for (int m = 0; m < names.length; m++) {
      System.out.printf("  %-15s %6.1f ms (p90 %.1f)%n", names[m], median(at.get(m)),
          percentile(at.get(m), 0.9));
    }
  }

  /**
   * RSS growth per SDK call: {@code warmup} cycles first, whose growth is printed apart (the C
   * allocator's high-water mark: libwebrtc's threads fill malloc arenas, and freed memory stays
   * with them), then the measured {@code cycles}, whose growth per cycle is the figure: a leak
   * grows the same in both (the peer connections leaked without the mitigation: ~200 KiB per
   * cycle), a high-water mark levels off. Each with where the resident memory grew.
   */
  private static void memoryCycles(UserAgent alice,
      AtomicReference<CompletableFuture<Call>> incoming, int warmup, int cycles)
      throws Exception {
    Memory m0 = Memory.after(0, alice, incoming);
    Memory m1 = Memory.after(warmup, alice, incoming);
    Memory m2 = Memory.after(cycles, alice, incoming);
    String heap = heapPreTouched() ? "fixed and pre-touched"
        : "NOT pre-touched: includes its growth";
    if (warmup > 0) {
      System.out.printf("RSS growth over the first %d SDK call cycles: %d KiB (%s)%n", warmup,
          m1.rssKib() - m0.rssKib(), m1.growthSince(m0));
    }
    double perCycle = (m2.rssKib() - m1.rssKib()) / (double) cycles;
    System.out.printf("RSS growth over the next %d SDK call cycles: %d KiB = %.1f KiB per cycle "
        + "(two peer connections per cycle, one per side; Java heap %s; %s) - goal <= 64 KiB "
        + "%s%n", cycles, m2.rssKib() - m1.rssKib(), perCycle, heap, m2.growthSince(m1),
        perCycle <= 64 ? "MET" : "NOT MET");
  }

  /** Resident memory after some SDK calls and a GC: in all, and by mapping (start address). */
  private record Memory(long rssKib, Map<Long, Mapping> mappings) {
    static Memory after(int calls, UserAgent alice,
        AtomicReference<CompletableFuture<Call>> incoming) throws Exception {
      for (int i = 0; i < calls; i++) {
        sdkCall(alice, incoming);
      }
      System.gc();
      Thread.sleep(200);
      return new Memory(WebRtcFigures.rssKib(), WebRtcFigures.mappings());
    }

    /** How much each kind of mapping grew since {@code before}. */
    String growthSince(Memory before) {
      Map<String, Long> growth = new TreeMap<>();
      mappings.forEach((start, m) -> growth.merge(m.kind(), m.rssKib(), Long::sum));
      before.mappings.forEach((start, m) -> growth.merge(m.kind(), -m.rssKib(), Long::sum));
      StringBuilder b = new StringBuilder();
      growth.forEach((kind, kib) -> b.append(b.length() == 0 ? "" : ", ")
          .append(String.format("%s %+d KiB", kind, kib)));
      return b.toString();
    }
  }

  /** A mapping of this process: what it holds and how much of it is resident. */
  private record Mapping(String kind, long rssKib) {}

  /** This process's mappings by start address (Linux {@code /proc/self/smaps}). */
  private static Map<Long, Mapping> mappings() throws Exception {
    Map<Long, Mapping> m = new HashMap<>();
    long start = -1;
    String kind = null;
    for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
      int dash = line.indexOf('-');
      int space = line.indexOf(' ');
      if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
        start = Long.parseUnsignedLong(line.substring(0, dash), 16);
        long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
        String[] f = line.split("\\s+", 6);
        String name = f.length > 5 ? f[5].trim() : "";
        if (name.equals("[heap]")) {
          kind = "C heap";
        } else if (f[1].contains("x") && name.isEmpty()) {
          kind = "JIT code";
        } else if (name.isEmpty() && start % (64L << 20) == 0 && end - start <= (64L << 20)) {
          kind = "malloc arenas"; // glibc's per-thread arenas: 64 MiB-aligned, at most 64 MiB
        } else {
          kind = "other";
        }
      } else if (line.startsWith("Rss:") && kind != null) {
        m.put(start, new Mapping(kind, Long.parseLong(line.replaceAll("[^0-9]", ""))));
        kind = null;
      }
    }
    return m;
  }

  /** Waits until no session of either engine is open (released, spare made); bounded. */
  private static void awaitReleased() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ENGINES.stream().anyMatch(e -> e.openSessions() > 0)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("sessions still open 10 s after the call ended: "
            + ENGINES);
      }
      Thread.sleep(1);
    }
  }

  private static double engineCall(WebRtcMediaEngine a, WebRtcMediaEngine b) throws Exception {
    long t0 = System.nanoTime();
    EnginePair pair = new EnginePair(a, b, SIGNALING);
    pair.connect();
    double ms = (System.nanoTime() - t0) / 1e6;
    pair.close();
    return ms;
  }

  private static double rawCall(PeerConnectionFactory fa, PeerConnectionFactory fb)
      throws Exception {
    long t0 = System.nanoTime();
    RawPeerPair pair = new RawPeerPair(fa, fb, SIGNALING);
    pair.connect();
    double ms = (System.nanoTime() - t0) / 1e6;
    pair.close();
    return ms;
  }

  private static double median(List<Double> v) {
    return percentile(v, 0.5);
  }

  private static double percentile(List<Double> v, double p) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, (int) Math.floor(p * s.size())));
  }

  private static boolean heapPreTouched() {
    List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean()
        .getInputArguments();
    return args.contains("-XX:+AlwaysPreTouch") && Runtime.getRuntime().totalMemory()
        == Runtime.getRuntime().maxMemory();
  }

  private static long rssKib() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
