package dev.patchbay.reliability.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.Diagnostics;
import dev.patchbay.UserAgent;
import dev.patchbay.reliability.figures.Figures;
import dev.patchbay.reliability.matrix.Rig;
import dev.patchbay.reliability.matrix.Seeds;
import dev.patchbay.testing.LogCapture;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Signaling-only call cycles (dial, media connected, hang up, released) — 10,000 in the full run,
 * 1,000 in CI — then open sockets, live calls, SDK threads, heap after GC and resident memory
 * against the baseline taken after a warm-up. The 200 real-media cycles run in sdk-webrtc's
 * network-namespace tests.
 */
class SignalingSoakTest {

  private record Snapshot(Diagnostics sdk, int edgeCalls, long heapAfterGc, long rssKb,
      int jvmThreads) {
    @Override
    public String toString() {
      return String.format("sockets %d, live calls %d (edge %d), SDK threads %d, timers %d, "
          + "native objects %d, heap after GC %.1f MiB, RSS %.1f MiB, JVM threads %d",
          sdk.openSockets(), sdk.calls(), edgeCalls, sdk.sdkThreads(), sdk.pendingTimers(),
          sdk.liveNativeObjects(), heapAfterGc / 1048576.0, rssKb / 1024.0, jvmThreads);
    }
  }

  private static Snapshot snapshot(Rig rig) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return new Snapshot(rig.patchbay.diagnostics(), rig.edge.openCalls(), heap, rssKb(),
        Thread.activeCount());
  }

  private static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  private static void cycle(Rig rig, UserAgent alice, boolean track) {
    Call call = Rig.get(track ? rig.ledger.track("dial", alice.dial("auto-answer"))
        : alice.dial("auto-answer"), Duration.ofSeconds(20));
    if (track) {
      rig.ledger.watch(call);
    }
    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    Rig.get(call.hangUp(), Duration.ofSeconds(20));
  }

  @Test
  void callCyclesLeaveEverythingAtBaseline() {
    int cycles = Seeds.scale(1_000, 10_000);
    try (Rig rig = Rig.builder("soak: " + cycles + " signaling-only call cycles", 7919L)
        .edge(b -> b.frameLogCapacity(16)).start()) {
      UserAgent alice = rig.connected("alice");
      for (int i = 0; i < 200; i++) { // warm-up: JIT, pools, caches
        cycle(rig, alice, false);
      }
      assertThat(LogCapture.newLeaks()).isEmpty();
      Snapshot base = snapshot(rig);
      long start = System.nanoTime();
      for (int i = 0; i < cycles; i++) {
        cycle(rig, alice, true);
        if (i % 1000 == 999) { // the secret check, incrementally (bounds the captured text)
          assertThat(LogCapture.newLeaks()).isEmpty();
        }
      }
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      await().atMost(Duration.ofSeconds(10)).until(() -> rig.edge.openCalls() == 0
          && rig.patchbay.diagnostics().calls() == 0);
      assertThat(LogCapture.newLeaks()).isEmpty();
      Snapshot end = snapshot(rig);

      Figures.note(String.format("soak, %d signaling-only call cycles in %.1f s (%.2f ms/cycle):",
          cycles, tookMs / 1000.0, (double) tookMs / cycles));
      Figures.note("  baseline: " + base);
      Figures.note("  end:      " + end);
      assertThat(end.sdk().openSockets()).isEqualTo(base.sdk().openSockets()).isOne();
      assertThat(end.sdk().calls()).isZero();
      assertThat(end.edgeCalls()).isZero();
      assertThat(end.sdk().pendingTimers()).isLessThanOrEqualTo(base.sdk().pendingTimers());
      assertThat(end.sdk().sdkThreads()).isLessThanOrEqualTo(base.sdk().sdkThreads() + 4);
      assertThat(end.heapAfterGc() - base.heapAfterGc()).as("heap growth after GC")
          .isLessThan(48L << 20); // the log capture alone may hold up to 32 MiB of text
    }
  }
}
