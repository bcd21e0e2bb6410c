package dev.patchbay.webrtc;

import static dev.patchbay.webrtc.fixtures.SessionPair.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchbay.IcePolicy;
import dev.patchbay.media.SessionDescription;
import dev.patchbay.webrtc.fixtures.Netns;
import dev.patchbay.webrtc.fixtures.RecordingListener;
import dev.patchbay.webrtc.fixtures.SessionPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two sessions on two engines, wired directly to each other, with real audio. */
class TwoSessionMediaTest {
  private static WebRtcMediaEngine alice;
  private static WebRtcMediaEngine bob;
  private SessionPair pair;
  private SessionPair second;

  @BeforeAll
  static void engines() {
    Netns.require();
    // A long factory linger keeps each engine's factory + audio module (2 native objects) and
    // its warm spare peer (3: peer connection, track, source) alive between calls, so the
    // per-call count is exact.
    alice = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(440, 0.3))
        .factoryLinger(Duration.ofMinutes(5)).build();
    bob = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(1000, 0.3))
        .factoryLinger(Duration.ofMinutes(5)).build();
  }

  @AfterEach
  void closePair() {
    if (pair != null) {
      pair.close();
    }
    if (second != null) {
      second.close();
    }
    // Only the engines' shared factory and audio module, and one warm spare peer each, stay
    // alive between calls.
    assertThat(alice.liveNativeObjects()).isEqualTo(5);
    assertThat(bob.liveNativeObjects()).isEqualTo(5);
    assertThat(alice.openSessions()).isZero();
  }

  @AfterAll
  static void closeEngines() {
    alice.close();
    bob.close();
    assertThat(alice.liveNativeObjects()).isZero();
    assertThat(bob.liveNativeObjects()).isZero();
  }

  @Test
  void toneSentByEachSideIsDetectedByFrequencyOnTheOther() {
    pair = new SessionPair(alice, bob, IcePolicy.defaults(), "tone");
    ToneDetector bobHears440 = new ToneDetector(440);
    ToneDetector bobHears1000 = new ToneDetector(1000);
    ToneDetector aliceHears1000 = new ToneDetector(1000);
    pair.callee.addAudioSink(bobHears440);
    pair.callee.addAudioSink(bobHears1000);
    pair.caller.addAudioSink(aliceHears1000);

    pair.connect();
    await().atMost(Duration.ofSeconds(5)).until(() -> bobHears440.frames() > 50);
    bobHears440.reset();
    bobHears1000.reset();
    aliceHears1000.reset();
    await().atMost(Duration.ofSeconds(5)).until(() -> bobHears440.frames() >= 100
        && aliceHears1000.frames() >= 100);

    assertThat(bobHears440.hears()).as("%s", bobHears440).isTrue();
    assertThat(aliceHears1000.hears()).as("%s", aliceHears1000).isTrue();
    // The check discriminates: Bob does not hear his own 1000 Hz tone.
    assertThat(bobHears1000.hears()).as("%s", bobHears1000).isFalse();
  }

  /**
   * Both of Alice's calls send the engine's one {@code AudioInput.tone(440, …)}; each must get
   * the whole tone. Shared by the two calls, the tone's phase would advance by 10 ms on every
   * other frame: a 440 Hz tone with a 144° jump every 10 ms, whose energy sits at 480 and 380 Hz
   * and cancels out at 440 Hz over a long window. Half a second of what each Bob hears, measured
   * in one block (2 Hz resolution), tells the two apart.
   */
  @Test
  void twoConcurrentCallsOfOneEngineEachSendAnUnbrokenTone() {
    pair = new SessionPair(alice, bob, IcePolicy.defaults(), "tone-1");
    second = new SessionPair(alice, bob, IcePolicy.defaults(), "tone-2");
    Recording first = new Recording();
    Recording other = new Recording();
    pair.callee.addAudioSink(first);
    second.callee.addAudioSink(other);
    pair.connect();
    second.connect();
    await().atMost(Duration.ofSeconds(5)).until(() -> first.frames() > 50 && other.frames() > 50);
    first.reset();
    other.reset();
    await().atMost(Duration.ofSeconds(5)).until(() -> first.samples() >= 24_000
        && other.samples() >= 24_000);

    for (Recording heard : new Recording[] {first, other}) {
      ToneDetector at440 = new ToneDetector(440);
      ToneDetector at480 = new ToneDetector(480);
      ToneDetector at380 = new ToneDetector(380);
      heard.measure(24_000, at440, at480, at380);
      assertThat(at440.targetPowerPerFrame())
          .as("440 Hz over its sidebands, %s / %s / %s", at440, at480, at380)
          .isGreaterThan(100 * Math.max(at480.targetPowerPerFrame(),
              at380.targetPowerPerFrame()));
    }
  }

  /** Keeps the first channel of what a session hears, from the last reset on. */
  private static final class Recording implements AudioSink {
    private short[] samples = new short[48_000];
    private int length;
    private long frames;
    private int rate;

    @Override
    public synchronized void onAudio(short[] in, int sampleRate, int channels) {
      rate = sampleRate;
      frames++;
      for (int i = 0; i < in.length / channels && length < samples.length; i++) {
        samples[length++] = in[i * channels];
      }
    }

    synchronized long frames() {
      return frames;
    }

    synchronized int samples() {
      return length;
    }

    synchronized void reset() {
      length = 0;
      frames = 0;
    }

    /** Feeds the first {@code n} samples to each detector as one block. */
    synchronized void measure(int n, ToneDetector... detectors) {
      short[] block = java.util.Arrays.copyOf(samples, n);
      for (ToneDetector d : detectors) {
        d.onAudio(block, rate, 1);
      }
    }
  }

  /**
   * Every callback runs on the engine's media thread, except the first CONNECTED, which may come
   * straight from libwebrtc's thread (SessionCore.connectedEarly); none on the caller's thread.
   */
  @Test
  void listenerCallbacksRunOnEngineThreads() {
    String testThread = Thread.currentThread().getName();
    pair = new SessionPair(alice, bob, IcePolicy.defaults(), "threads").connect();
    assertThat(pair.callerListener.localCandidates).isNotEmpty();
    for (RecordingListener l : List.of(pair.callerListener, pair.calleeListener)) {
      assertThat(l.callbackThreads).isNotEmpty()
          .noneMatch(c -> c.endsWith("@ " + testThread))
          .noneMatch(c -> c.endsWith("@ test-signaling"))
          .filteredOn(c -> !c.startsWith("CONNECTED @"))
          .allMatch(c -> c.contains("@ patchbay-media-"), "on the media thread");
    }
  }

  @Test
  void muteSilencesTheOutgoingAudioAndUnmuteRestoresIt() {
    pair = new SessionPair(alice, bob, IcePolicy.defaults(), "mute");
    ToneDetector bobHears440 = new ToneDetector(440);
    pair.callee.addAudioSink(bobHears440);
    pair.connect();
    await().atMost(Duration.ofSeconds(5)).until(() -> bobHears440.frames() > 50);
    double loud = windowPower(bobHears440);

    join(pair.caller.mute(true));
    assertThat(pair.caller.muted()).isTrue();
    bobHears440.reset();
    await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
        .until(() -> bobHears440.frames() > 50);
    bobHears440.reset();
    double muted = windowPower(bobHears440);

    join(pair.caller.mute(false));
    await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
        .until(() -> bobHears440.frames() > 50);
    bobHears440.reset();
    double restored = windowPower(bobHears440);

    assertThat(muted).isLessThan(loud / 1000);
    assertThat(restored).isGreaterThan(loud / 10);
  }

  @Test
  void statsReportTrafficRoundTripTimeAndJitter() {
    pair = new SessionPair(alice, bob, IcePolicy.defaults(), "stats").connect();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      MediaStats s = join(pair.caller.stats());
      assertThat(s.packetsSent()).isPositive();
      assertThat(s.bytesSent()).isPositive();
      assertThat(s.packetsReceived()).isPositive();
      assertThat(s.bytesReceived()).isPositive();
      assertThat(s.roundTripTime()).isPresent();
      assertThat(s.jitter()).isPresent();
      assertThat(s.packetsLost()).isZero();
    });
  }

  @Test
  void statsTellTheSelectedPairCodecDtlsRolesAndStatesWithoutAddresses() {
    pair = new SessionPair(alice, bob, IcePolicy.defaults(), "interop").connect();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      MediaStats caller = join(pair.caller.stats());
      MediaStats callee = join(pair.callee.stats());
      for (MediaStats s : new MediaStats[] {caller, callee}) {
        MediaStats.CandidatePair p = s.selectedCandidatePair().orElseThrow();
        assertThat(p.localType()).isEqualTo("host");
        assertThat(p.remoteType()).isIn("host", "prflx");
        assertThat(p.protocol()).isEqualTo("udp");
        assertThat(p.localAddress()).matches("██:\\d+");
        assertThat(p.remoteAddress()).matches("██:\\d+");
        assertThat(s.codec()).contains("opus/48000/2");
        assertThat(s.iceState()).isIn("connected", "completed");
        assertThat(s.dtlsState()).isEqualTo("connected");
        assertThat(s.toString()).doesNotContain(Netns.ADDRESS_A).doesNotContain(Netns.ADDRESS_B);
      }
      // One side is the DTLS client, the other the server.
      assertThat(List.of(caller.dtlsRole().orElseThrow(), callee.dtlsRole().orElseThrow()))
          .containsExactlyInAnyOrder("client", "server");
    });
  }

  @Test
  void dtmfNeedsConnectedMediaThenIsAccepted() {
    pair = new SessionPair(alice, bob, IcePolicy.defaults(), "dtmf");
    assertThatThrownBy(() -> pair.caller.sendDtmf("1x", Duration.ofMillis(100),
        Duration.ofMillis(50))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but was '1x'");
    assertThatThrownBy(() -> pair.caller.sendDtmf("1", Duration.ofMillis(100),
        Duration.ofMillis(50)).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);

    pair.connect();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        join(pair.caller.sendDtmf("123#", Duration.ofMillis(100), Duration.ofMillis(50))));
  }

  @Test
  void holdAsksForRenegotiationAndOffersSendOnly() throws Exception {
    pair = new SessionPair(alice, bob, IcePolicy.defaults(), "hold").connect();

    join(pair.caller.hold(true));
    assertThat(pair.callerListener.negotiationNeeded.poll(5, TimeUnit.SECONDS)).isFalse();
    SessionDescription offer = join(pair.caller.createOffer(false));
    SessionDescription answer = join(pair.callee.acceptOffer(offer));
    join(pair.caller.acceptAnswer(answer));
    assertThat(offer.sdp()).contains("a=sendonly");
    assertThat(answer.sdp()).contains("a=recvonly");
    assertThat(pair.caller.onHold()).isTrue();

    join(pair.caller.hold(false));
    assertThat(pair.callerListener.negotiationNeeded.poll(5, TimeUnit.SECONDS)).isFalse();
    offer = join(pair.caller.createOffer(false));
    answer = join(pair.callee.acceptOffer(offer));
    join(pair.caller.acceptAnswer(answer));
    assertThat(offer.sdp()).contains("a=sendrecv");
    assertThat(answer.sdp()).contains("a=sendrecv");
  }

  @Test
  void offerCollisionRollsBackOurOfferAndAnswersTheRemoteOne() {
    pair = new SessionPair(alice, bob, IcePolicy.defaults(), "glare").connect();

    join(pair.caller.hold(true));
    SessionDescription callerOffer = join(pair.caller.createOffer(false));
    SessionDescription calleeOffer = join(pair.callee.createOffer(false)); // both offer at once
    SessionDescription answer = join(pair.callee.acceptOffer(callerOffer)); // callee rolls back
    join(pair.caller.acceptAnswer(answer));

    assertThat(calleeOffer.type()).isEqualTo(SessionDescription.Type.OFFER);
    assertThat(answer.sdp()).contains("a=recvonly");
    pair.awaitState(dev.patchbay.media.MediaState.CONNECTED);
  }

  private static double windowPower(ToneDetector d) {
    await().atMost(Duration.ofSeconds(5)).until(() -> d.frames() >= 50);
    return d.targetPowerPerFrame();
  }
}
