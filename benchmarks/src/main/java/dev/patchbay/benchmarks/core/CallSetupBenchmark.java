package dev.patchbay.benchmarks.core;

import dev.patchbay.Call;
import dev.patchbay.Credentials;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.FakeEdge;
import java.util.concurrent.TimeUnit;

/**
 * Figure: call set-up + tear-down through the SDK vs the minimal hand-written client
 * ({@link RawClient}), against the same fake edge in the same run, alternating blocks so both
 * see the same JIT and machine state. Prints medians and the ratio (goal: SDK ≤ 1.05× the tuned client).
 *
 * <p>Args: [rounds=10] [cyclesPerRound=200] [warmupCycles=6000]
 */
public final class CallSetupBenchmark {
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 6000; // 500 inflated the ratio by 0.1-0.2
    Bench.quietLogs();
    try (FakeEdge edge = FakeEdge.builder().user("bench", "sdk-user", "s1")
            .user("bench", "raw-user", "s2").user("bench", "tuned-user", "s3")
            .frameLogCapacity(16).start();
        Patchbay patchbay = Patchbay.builder().edge(edge.uri())
            .mediaEngine(MediaEngines.signalingOnly()).build();
        RawClient raw = new RawClient(edge.uri(), "raw-user", "s2", false);
        RawClient tuned = new RawClient(edge.uri(), "tuned-user", "s3", true)) {
      edge.frameLog(false);
      UserAgent ua = patchbay.connect(Credentials.clientCredentials("sdk-user", "s1"),
          UserAgentOptions.builder("bench").userId("sdk-user").build()).get(10, TimeUnit.SECONDS);

      for (int i = 0; i < warmup; i++) {
        sdkCycle(ua);
        raw.callCycle("auto-answer");
        tuned.callCycle("auto-answer");
      }
      long[] sdk = new long[rounds * perRound];
      long[] hand = new long[rounds * perRound];
      long[] handNoDelay = new long[rounds * perRound];
      int n = 0;
      for (int r = 0; r < rounds; r++) {
        int start = n;
        for (int i = 0; i < perRound; i++) {
          long t0 = System.nanoTime();
          sdkCycle(ua);
          sdk[start + i] = System.nanoTime() - t0;
        }
        for (int i = 0; i < perRound; i++) {
          long t0 = System.nanoTime();
          raw.callCycle("auto-answer");
          hand[start + i] = System.nanoTime() - t0;
        }
        for (int i = 0; i < perRound; i++) {
          long t0 = System.nanoTime();
          tuned.callCycle("auto-answer");
          handNoDelay[start + i] = System.nanoTime() - t0;
        }
        n += perRound;
      }
      long[] s = Bench.sorted(sdk, n);
      long[] h = Bench.sorted(hand, n);
      long[] t = Bench.sorted(handNoDelay, n);
      Bench.out("call set-up + tear-down, %d cycles each (after %d warm-up), Java %s, %s",
          n, warmup, Runtime.version().feature(),
          patchbay.usesVirtualThreads() ? "virtual threads" : "platform threads");
      Bench.out("  SDK         median %s  p90 %s  p99 %s", Bench.micros(Bench.percentile(s, 50)),
          Bench.micros(Bench.percentile(s, 90)), Bench.micros(Bench.percentile(s, 99)));
      Bench.out("  hand-written (OkHttp defaults) median %s  p90 %s  p99 %s", Bench.micros(Bench.percentile(h, 50)),
          Bench.micros(Bench.percentile(h, 90)), Bench.micros(Bench.percentile(h, 99)));
      Bench.out("  hand-written, TCP_NODELAY  median %s  p90 %s  p99 %s",
          Bench.micros(Bench.percentile(t, 50)), Bench.micros(Bench.percentile(t, 90)),
          Bench.micros(Bench.percentile(t, 99)));
      Bench.out("  ratio median SDK / hand-written: %.3f; / hand-written with TCP_NODELAY: %.3f"
          + " (goal <= 1.05 vs TCP_NODELAY)", (double) Bench.percentile(s, 50) / Bench.percentile(h, 50),
          (double) Bench.percentile(s, 50) / Bench.percentile(t, 50));
      ua.close();
    }
  }

  private static void sdkCycle(UserAgent ua) throws Exception {
    Call call = ua.dial("auto-answer").get(10, TimeUnit.SECONDS);
    call.hangUp().get(10, TimeUnit.SECONDS);
  }
}
