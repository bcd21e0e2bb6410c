package dev.patchbay.examples.softphone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.webrtc.ToneDetector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
      ToneDetector bobHears440 = detect(heardByBob, 440);
      ToneDetector bobHears1000 = detect(heardByBob, 1000);
      ToneDetector aliceHears1000 = detect(heardByAlice, 1000);
      ToneDetector aliceHears440 = detect(heardByAlice, 440);
      assertThat(bobHears440.hears()).as("bob hears alice's 440 Hz: %s", bobHears440).isTrue();
      assertThat(bobHears1000.hears()).as("and not 1000 Hz: %s", bobHears1000).isFalse();
      assertThat(aliceHears1000.hears()).as("alice hears bob's 1000 Hz: %s", aliceHears1000)
          .isTrue();
      assertThat(aliceHears440.hears()).as("and not 440 Hz: %s", aliceHears440).isFalse();
      edge.assertNoLeaks();
    }
  }

  /**
   * The first channel of a 16-bit PCM WAV written by WavRecorder (44-byte header), resampled
   * nowhere: {@link #detect} uses the file's own rate.
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

  /** The SDK's public tone detector over the recording, in 10 ms frames as a sink gets them. */
  static ToneDetector detect(short[] x, double hz) {
    ToneDetector d = new ToneDetector(hz);
    int frame = rate / 100;
    for (int at = 0; at + frame <= x.length; at += frame) {
      d.onAudio(Arrays.copyOfRange(x, at, at + frame), rate, 1);
    }
    return d;
  }
}
