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
    // Default factory linger (2 s): after the last call the shared factory and audio module
    // stay briefly for the next call, then go too.
    aliceEngine = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(440, 0.3)).build();
    bobEngine = WebRtcMediaEngine.builder().audioInput(AudioInput.tone(1000, 0.3)).build();
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

    assertThat(bobHears440.hears()).as("%s", bobHears440).isTrue();
    assertThat(aliceHears1000.hears()).as("%s", aliceHears1000).isTrue();
    assertThat(bobHears1000.hears()).as("%s", bobHears1000).isFalse();

    call.hangUp().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    answered.ended().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    // factory, audio module and the warm spare peer until the factory's linger passes
    assertThat(alicePatchbay.diagnostics().liveNativeObjects()).isLessThanOrEqualTo(5);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(alicePatchbay.diagnostics().liveNativeObjects()).isZero();
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
    assertThat(bobHears440.hears()).as("%s", bobHears440).isTrue();
    MediaStats stats = call.unwrapMedia(WebRtcMediaSession.class).orElseThrow().stats()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(stats.selectedCandidatePair()).as("%s", stats).get()
        .satisfies(p -> assertThat(p.localType()).isEqualTo("relay"))
        .satisfies(p -> assertThat(p.remoteType()).isEqualTo("relay"));
    for (String user : List.of("alice", "bob")) {
      List<String> candidates = edge.frames(user).snapshot().stream()
          .filter(f -> f.direction() == LoggedFrame.Direction.FROM_CLIENT)
          .filter(f -> f.type().equals("candidate") && f.field("candidate") != null)
          .map(f -> f.field("candidate"))
          .toList();
      assertThat(candidates).as("candidates %s sent", user).isNotEmpty()
          .allSatisfy(c -> assertThat(c).contains("typ relay").contains(Netns.ADDRESS_A));
    }
    System.out.println("RELAY call connected through coturn in " + connectedMillis + " ms");
    call.hangUp().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Alice dials Bob (who accepts); returns both ends of the ACTIVE call. */
  private Call[] activeCall(IcePolicy policy) throws Exception {
    UserAgent alice = connect(alicePatchbay, "alice", policy);
    UserAgent bob = connect(bobPatchbay, "bob", policy);
    CompletableFuture<Call> bobsCall = new CompletableFuture<>();
    bob.onIncomingCall(in -> in.accept().thenAccept(bobsCall::complete));
    Call call = alice.dial("bob").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return new Call[] {call, bobsCall.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)};
  }

  private List<Frames.Offer> offersSentBy(String user) {
    return edge.frames(user).snapshot().stream()
        .filter(f -> f.direction() == LoggedFrame.Direction.FROM_CLIENT)
        .filter(f -> f.type().equals("offer"))
        .map(f -> {
          try {
            return (Frames.Offer) new dev.patchbay.internal.protocol.FrameCodec().decode(f.text());
          } catch (dev.patchbay.internal.protocol.FrameDecodingException e) {
            throw new AssertionError("the edge logged an undecodable offer", e);
          }
        })
        .toList();
  }

  @Test
  void holdRenegotiatesThroughTheEdgeAndTheCallStaysActive() throws Exception {
    start(b -> b);
    Call[] calls = activeCall(IcePolicy.defaults());
    WebRtcMediaSession aliceMedia = calls[0].unwrapMedia(WebRtcMediaSession.class).orElseThrow();
    ToneDetector bobHears440 = new ToneDetector(440);
    calls[1].unwrapMedia(WebRtcMediaSession.class).orElseThrow().addAudioSink(bobHears440);

    aliceMedia.hold(true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> offersSentBy("alice").size() == 1);
    assertThat(offersSentBy("alice").get(0).sdp()).contains("a=sendonly");
    assertThat(offersSentBy("alice").get(0).iceRestart()).isNotEqualTo(Boolean.TRUE);
    bobHears440.reset();
    await().atMost(Duration.ofSeconds(10)).until(() -> bobHears440.frames() >= 100);
    assertThat(bobHears440.hears()).as("on hold, alice still sends: %s", bobHears440).isTrue();

    aliceMedia.hold(false).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> offersSentBy("alice").size() == 2);
    assertThat(offersSentBy("alice").get(1).sdp()).contains("a=sendrecv");
    assertThat(calls[0].state()).isEqualTo(CallState.ACTIVE);
    assertThat(calls[1].state()).isEqualTo(CallState.ACTIVE);
    calls[0].hangUp().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void brokenMediaPathRecoversThroughAnIceRestartSignalledByTheSdk() throws Exception {
    start(b -> b);
    Call[] calls = activeCall(fastRecovery(3));
    WebRtcMediaSession aliceMedia = calls[0].unwrapMedia(WebRtcMediaSession.class).orElseThrow();
    ToneDetector bobHears440 = new ToneDetector(440);
    calls[1].unwrapMedia(WebRtcMediaSession.class).orElseThrow().addAudioSink(bobHears440);
    try {
      Netns.breakPath(); // the veth pair only: signaling stays up on loopback
      await().atMost(Duration.ofSeconds(15)).until(() -> aliceMedia.iceRestarts() >= 1);
    } finally {
      Netns.restorePath();
    }
    await().atMost(Duration.ofSeconds(25)).until(() ->
        aliceMedia.state() == dev.patchbay.media.MediaState.CONNECTED);
    assertThat(offersSentBy("alice")).anySatisfy(o ->
        assertThat(o.iceRestart()).isEqualTo(Boolean.TRUE));
    bobHears440.reset();
    await().atMost(Duration.ofSeconds(10)).until(() -> bobHears440.frames() >= 100);
    assertThat(bobHears440.hears()).as("%s", bobHears440).isTrue();
    assertThat(calls[0].state()).isEqualTo(CallState.ACTIVE);
    calls[0].hangUp().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void mediaThatCannotRecoverEndsTheCallWithTheMediaSessionsReason() throws Exception {
    start(b -> b);
    Call[] calls = activeCall(fastRecovery(0));
    dev.patchbay.media.MediaSession aliceMedia =
        calls[0].unwrapMedia(dev.patchbay.media.MediaSession.class).orElseThrow();
    try {
      Netns.breakPath(); // the veth pair only: signaling stays up on loopback
      calls[0].ended().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      Netns.restorePath();
    }
    assertThat(calls[0].state()).isEqualTo(CallState.FAILED);
    assertThat(calls[0].endReason()).contains(dev.patchbay.EndReason.MEDIA_FAILED);
    String reason = aliceMedia.failureReason().orElseThrow();
    assertThat(reason).contains("no ICE restart is left (max 0)").doesNotContain("PT");
    assertThat(calls[0].failure()).get().extracting(Throwable::getMessage).asString()
        .startsWith("media of call " + calls[0].id() + " failed: ")
        .endsWith(reason);
    calls[1].ended().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Half a second of grace, 2 s of gathering: a broken path is noticed quickly. */
  private static IcePolicy fastRecovery(int maxIceRestarts) {
    return IcePolicy.builder().disconnectedGrace(Duration.ofMillis(500))
        .gatheringTimeout(Duration.ofSeconds(2)).maxIceRestarts(maxIceRestarts).build();
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
