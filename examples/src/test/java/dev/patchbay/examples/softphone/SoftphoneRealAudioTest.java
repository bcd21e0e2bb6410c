package dev.patchbay.examples.softphone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.testkit.FakeEdge;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two softphones with real audio (sdk-webrtc) through the fake edge: alice sends 440 Hz, bob
 * 1000 Hz; each records what it hears, and the recording must carry the other side's tone.
 *
 * <p>Runs in its own Surefire execution whose JVM is started inside a private network namespace
 * (sdk-webrtc's {@code src/test/netns/bin/java}), so ICE only sees private addresses.
 */
@Tag("real-audio")
class SoftphoneRealAudioTest {
  @TempDir
  Path dir;

  @Test
  void eachSideRecordsTheOtherSidesTone() throws Exception {
    assertThat(System.getenv("PATCHBAY_NETNS"))
        .as("must run inside the network namespace made by sdk-webrtc/src/test/netns/bin/java")
        .isNotBlank();
    try (FakeEdge edge = FakeEdge.builder().user("acme", "alice", "alice-secret")
        .user("acme", "bob", "bob-secret").start()) {
      Path bobWav = dir.resolve("bob-heard.wav");
      Path aliceWav = dir.resolve("alice-heard.wav");
      SoftphoneTest.Output bob = new SoftphoneTest.Output();
      CompletableFuture<Integer> answering = CompletableFuture.supplyAsync(() ->
          SoftphoneCommand.run(new String[] {"--edge", edge.uri().toString(), "--tenant", "acme",
              "--user", "bob", "--secret", "bob-secret", "--answer", "--tone", "1000",
              "--record", bobWav.toString(), "--duration", "30s", "--wait", "30s"},
              bob.out, bob.err));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> bob.text().contains("waiting for a call"));
      SoftphoneTest.Output alice = new SoftphoneTest.Output();

      int code = SoftphoneCommand.run(new String[] {"--edge", edge.uri().toString(), "--tenant",
          "acme", "--user", "alice", "--secret", "alice-secret", "--dial", "bob", "--tone", "440",
          "--record", aliceWav.toString(), "--duration", "3s"}, alice.out, alice.err);

      assertThat(code).as(alice.toString()).isZero();
      assertThat(answering.get(30, TimeUnit.SECONDS)).as(bob.toString()).isZero();
      assertThat(alice.text()).contains("0 native objects left");
      assertThat(bob.text()).contains("0 native objects left");
      short[] heardByBob = pcm(bobWav);
      short[] heardByAlice = pcm(aliceWav);
      assertThat(heardByBob.length).as("bob recorded about a second or more").isGreaterThan(rate);
      assertThat(power(heardByBob, 440)).as("bob hears alice's 440 Hz above 1000 Hz")
          .isGreaterThan(20 * power(heardByBob, 1000));
      assertThat(power(heardByAlice, 1000)).as("alice hears bob's 1000 Hz above 440 Hz")
          .isGreaterThan(20 * power(heardByAlice, 440));
      edge.assertNoLeaks();
    }
  }

  /**
   * The first channel of a 16-bit PCM WAV written by WavRecorder (44-byte header), resampled
   * nowhere: {@link #power} uses the file's own rate.
   */
  static short[] pcm(Path wav) throws Exception {
    byte[] b = Files.readAllBytes(wav);
    ByteBuffer header = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int channels = header.getShort(22);
    rate = header.getInt(24);
    ByteBuffer buf = ByteBuffer.wrap(b, 44, b.length - 44).order(ByteOrder.LITTLE_ENDIAN);
    short[] s = new short[buf.remaining() / 2 / channels];
    for (int i = 0; i < s.length; i++) {
      s[i] = buf.getShort(44 + i * 2 * channels);
    }
    return s;
  }

  private static int rate = 48_000;

  /** Goertzel power of {@code hz} over the samples. */
  static double power(short[] x, double hz) {
    double w = 2 * Math.PI * hz / rate;
    double coeff = 2 * Math.cos(w);
    double s1 = 0;
    double s2 = 0;
    for (short v : x) {
      double s0 = v + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    return s1 * s1 + s2 * s2 - coeff * s1 * s2;
  }
}
