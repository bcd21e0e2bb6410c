package dev.patchbay.webrtc;

import static dev.patchbay.webrtc.fixtures.SessionPair.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.IcePolicy;
import dev.patchbay.media.MediaState;
import dev.patchbay.webrtc.fixtures.Netns;
import dev.patchbay.webrtc.fixtures.SessionPair;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * One owner of each session's audio send path. Every engine's sessions share one headless audio
 * module, whose capture thread libwebrtc starts whenever a send stream starts; app-fed audio is
 * pushed into the same send streams by the engine's pump. Were the two ever to push into one
 * stream at the same time, libwebrtc aborts the whole JVM ({@code audio_send_stream.cc: Check
 * failed: !race_checker.RaceDetected()}), which fails this test (the forked JVM dies).
 *
 * <p>The overlap is made likely: calls keep connecting (each new send stream is a start of the
 * capture path) while the calls already connected on both engines keep pumping a tone. Then the
 * calls still carry their own tone, and everything is released.
 */
class SendPathSoakTest {
  private static final int ROUNDS = 12;
  private static final int CONNECTING_PER_ROUND = 2;
  private static final int KEEP = 3;

  @Test
  void callsConnectingWhilePumpsPushNeverShareASendStream() {
    Netns.require();
    WebRtcMediaEngine alice = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(440, 0.3))
        .factoryLinger(Duration.ofMinutes(5)).build();
    WebRtcMediaEngine bob = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(1000, 0.3))
        .factoryLinger(Duration.ofMinutes(5)).build();
    Deque<SessionPair> live = new ArrayDeque<>();
    try {
      for (int round = 0; round < ROUNDS; round++) {
        List<SessionPair> connecting = new ArrayList<>();
        List<CompletableFuture<Void>> exchanges = new ArrayList<>();
        for (int i = 0; i < CONNECTING_PER_ROUND; i++) {
          SessionPair pair = new SessionPair(alice, bob, IcePolicy.defaults(),
              "send-path-" + round + "-" + i);
          connecting.add(pair);
          live.addLast(pair);
          exchanges.add(pair.exchange(false));
        }
        for (int i = 0; i < connecting.size(); i++) {
          join(exchanges.get(i));
          connecting.get(i).awaitState(MediaState.CONNECTED);
        }
        while (live.size() > KEEP) {
          live.removeFirst().close();
        }
      }

      // The calls left still carry each side's own tone, not a mix of the other side's audio.
      for (SessionPair pair : live) {
        ToneDetector bobHears440 = new ToneDetector(440);
        ToneDetector aliceHears1000 = new ToneDetector(1000);
        ToneDetector aliceHears440 = new ToneDetector(440);
        pair.callee.addAudioSink(bobHears440);
        pair.caller.addAudioSink(aliceHears1000);
        pair.caller.addAudioSink(aliceHears440);
        await().atMost(Duration.ofSeconds(5)).until(() -> bobHears440.frames() >= 100
            && aliceHears1000.frames() >= 100 && aliceHears440.frames() >= 100);
        assertThat(bobHears440.hears()).as("%s", bobHears440).isTrue();
        assertThat(aliceHears1000.hears()).as("%s", aliceHears1000).isTrue();
        assertThat(aliceHears440.hears()).as("Alice's own tone echoed: %s", aliceHears440)
            .isFalse();
      }
    } finally {
      while (!live.isEmpty()) {
        live.removeFirst().close();
      }
      // factory, audio module and the warm spare peer (peer connection, track, source)
      assertThat(alice.liveNativeObjects()).isEqualTo(5);
      assertThat(bob.liveNativeObjects()).isEqualTo(5);
      alice.close();
      bob.close();
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(alice.liveNativeObjects()).isZero();
      assertThat(bob.liveNativeObjects()).isZero();
      assertThat(alice.openSessions()).isZero();
    });
  }
}
