package dev.patchbay.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.Credentials;
import dev.patchbay.IcePolicy;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.testkit.LoggedFrame;
import dev.patchbay.webrtc.fixtures.Coturn;
import dev.patchbay.webrtc.fixtures.Netns;
import dev.patchbay.webrtc.fixtures.ToneDetector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two user agents (two Patchbay instances, each with its own WebRTC engine) call each other
 * through the in-JVM fake edge with real audio, inside the test network namespace.
 */
class EndToEndMediaTest {
  private static final String TENANT = "acme";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private FakeEdge edge;
  private Coturn turn;
  private WebRtcMediaEngine aliceEngine;
  private WebRtcMediaEngine bobEngine;
  private Patchbay alicePatchbay;
  private Patchbay bobPatchbay;

  @BeforeEach
  void engines() {
    Netns.require();
    aliceEngine = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(440, 0.3))
        .factoryLinger(Duration.ZERO).build();
    bobEngine = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(1000, 0.3))
        .factoryLinger(Duration.ZERO).build();
  }

  @AfterEach
  void releaseEverything() {
    try {
      if (alicePatchbay != null) {
        alicePatchbay.close();
      }
      if (bobPatchbay != null) {
        bobPatchbay.close();
      }
      assertThat(aliceEngine.liveNativeObjects()).isZero();
      assertThat(bobEngine.liveNativeObjects()).isZero();
      if (edge != null) {
        edge.assertNoLeaks();
      }
    } finally {
      if (edge != null) {
        edge.close();
      }
      if (turn != null) {
        turn.close();
      }
    }
  }

  @Test
  void twoUserAgentsCallEachOtherWithRealAudioAndHangUpReleasesEverything() throws Exception {
    start(b -> b);
    UserAgent alice = connect(alicePatchbay, "alice", IcePolicy.defaults());
    UserAgent bob = connect(bobPatchbay, "bob", IcePolicy.defaults());
    CompletableFuture<Call> bobsCall = new CompletableFuture<>();
    bob.onIncomingCall(in -> in.accept().whenComplete((c, e) -> {
      if (e != null) {
        bobsCall.completeExceptionally(e);
      } else {
        bobsCall.complete(c);
      }
    }));

    Call call = alice.dial("bob").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Call answered = bobsCall.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(call.state()).isEqualTo(CallState.ACTIVE);

    ToneDetector aliceHears1000 = new ToneDetector(1000);
    ToneDetector bobHears440 = new ToneDetector(440);
    ToneDetector bobHears1000 = new ToneDetector(1000);
    call.unwrapMedia(WebRtcMediaSession.class).orElseThrow().addAudioSink(aliceHears1000);
    WebRtcMediaSession bobMedia = answered.unwrapMedia(WebRtcMediaSession.class).orElseThrow();
    bobMedia.addAudioSink(bobHears440);
    bobMedia.addAudioSink(bobHears1000);
    await().atMost(Duration.ofSeconds(10)).until(() -> aliceHears1000.frames() >= 150
        && bobHears440.frames() >= 150);

    assertThat(bobHears440.dominance()).as("%s", bobHears440).isGreaterThan(20);
    assertThat(aliceHears1000.dominance()).as("%s", aliceHears1000).isGreaterThan(20);
    assertThat(bobHears1000.dominance()).as("%s", bobHears1000).isLessThan(1);

    call.hangUp().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    answered.ended().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(aliceEngine.openSessions()).isZero();
      assertThat(bobEngine.openSessions()).isZero();
      assertThat(aliceEngine.liveNativeObjects()).isZero();
      assertThat(bobEngine.liveNativeObjects()).isZero();
    });
  }

  @Test
  void relayPolicyWithTheEdgesTurnServerGathersOnlyRelayCandidatesAndConnects()
      throws Exception {
    turn = Coturn.start(Netns.ADDRESS_A);
    start(b -> b.iceServer(List.of(turn.url()), Coturn.USER, Coturn.PASSWORD));
    IcePolicy relay = IcePolicy.builder().transportPolicy(IcePolicy.TransportPolicy.RELAY)
        .build();
    UserAgent alice = connect(alicePatchbay, "alice", relay);
    UserAgent bob = connect(bobPatchbay, "bob", relay);
    CompletableFuture<Call> bobsCall = new CompletableFuture<>();
    bob.onIncomingCall(in -> in.accept().thenAccept(bobsCall::complete));

    long start = System.nanoTime();
    Call call = alice.dial("bob").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    long connectedMillis = (System.nanoTime() - start) / 1_000_000;
    Call answered = bobsCall.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    ToneDetector bobHears440 = new ToneDetector(440);
    answered.unwrapMedia(WebRtcMediaSession.class).orElseThrow().addAudioSink(bobHears440);
    await().atMost(Duration.ofSeconds(10)).until(() -> bobHears440.frames() >= 150);

    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    assertThat(bobHears440.dominance()).as("%s", bobHears440).isGreaterThan(20);
    for (String user : List.of("alice", "bob")) {
      List<String> candidates = edge.frames(user).snapshot().stream()
          .filter(f -> f.direction() == LoggedFrame.Direction.FROM_CLIENT)
          .filter(f -> f.frame() instanceof Frames.Candidate c && c.candidate() != null)
          .map(f -> ((Frames.Candidate) f.frame()).candidate())
          .toList();
      assertThat(candidates).as("candidates %s sent", user).isNotEmpty()
          .allSatisfy(c -> assertThat(c).contains("typ relay").contains(Netns.ADDRESS_A));
    }
    System.out.println("RELAY call connected through coturn in " + connectedMillis + " ms");
    call.hangUp().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private void start(UnaryOperator<FakeEdge.Builder> config) {
    edge = config.apply(FakeEdge.builder()
        .user(TENANT, "alice", "alice-secret")
        .user(TENANT, "bob", "bob-secret")).start();
    alicePatchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(aliceEngine).build();
    bobPatchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(bobEngine).build();
  }

  private static UserAgent connect(Patchbay patchbay, String user, IcePolicy policy)
      throws Exception {
    return patchbay.connect(Credentials.clientCredentials(user, user + "-secret"),
        UserAgentOptions.builder(TENANT).userId(user).icePolicy(policy).build())
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }
}
