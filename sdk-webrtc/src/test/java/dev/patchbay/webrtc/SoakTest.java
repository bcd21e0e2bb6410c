package dev.patchbay.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.IcePolicy;
import dev.patchbay.webrtc.fixtures.Netns;
import dev.patchbay.webrtc.fixtures.SessionPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The JVM survives 200 connected call cycles and the native object count returns to zero. */
class SoakTest {
  private static final int CYCLES = 200;

  @Test
  void jvmSurvives200ConnectedCallCyclesAndReleasesEverything() throws IOException {
    Netns.require();
    WebRtcMediaEngine alice = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(440, 0.3))
        .build();
    WebRtcMediaEngine bob = WebRtcMediaEngine.builder().build();
    long rssAfterWarmup = 0;
    try {
      for (int i = 0; i < CYCLES; i++) {
        if (i == 20) {
          rssAfterWarmup = rssKib();
        }
        SessionPair pair = new SessionPair(alice, bob, IcePolicy.defaults(), "soak-" + i)
            .connect();
        pair.close();
        // Between calls only the shared factory and audio module of each engine are alive, and
        // its warm spare peer (peer connection, track, source) for the next call.
        assertThat(alice.liveNativeObjects()).isEqualTo(5);
        assertThat(alice.openSessions()).isZero();
      }
      long growth = rssKib() - rssAfterWarmup;
      double perCycle = growth / (double) (CYCLES - 20);
      System.out.printf("RSS growth over %d cycles: %d KiB (%.1f KiB per cycle)%n",
          CYCLES - 20, growth, perCycle);
      // Gross-leak guard: a leaked peer connection costs far more (see README limitations).
      assertThat(perCycle).isLessThan(1024);
    } finally {
      alice.close();
      bob.close();
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(alice.liveNativeObjects()).isZero();
      assertThat(bob.liveNativeObjects()).isZero();
    });
  }

  private static long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
