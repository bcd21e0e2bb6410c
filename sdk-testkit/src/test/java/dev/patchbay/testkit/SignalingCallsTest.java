package dev.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.JdkWebSocket;
import dev.patchbay.testkit.support.OAuthClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SignalingCallsTest {
  static final Duration T = Duration.ofSeconds(5);
  static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:audio0\r\n";
  FakeEdge edge;

  @BeforeEach
  void start() {
    edge = FakeEdge.builder()
        .user("acme", "alice", "alice-secret")
        .user("acme", "bob", "bob-secret")
        .user("other", "mallory", "m-secret")
        .start();
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  JdkWebSocket connect(String user) throws Exception {
    String token = OAuthClient.accessToken(edge.uri(), user, user + "-secret");
    return JdkWebSocket.connect(edge.signalingUri(), token);
  }

  @Test
  void helloCarriesConnectionUserTenantHeartbeatAndLimits() throws Exception {
    try (JdkWebSocket ws = connect("alice")) {
      assertThat(ws.subprotocol()).isEqualTo("patchbay.v1");
      Frames.Hello hello = ws.next(Frames.Hello.class, T);
      assertThat(hello.connectionId()).isNotBlank();
      assertThat(hello.userId()).isEqualTo("alice");
      assertThat(hello.tenantId()).isEqualTo("acme");
      assertThat(hello.heartbeatMs()).isEqualTo(10_000L);
      assertThat(hello.limits().tenantSockets()).isEqualTo(1000);
      assertThat(edge.openSockets()).isEqualTo(1);
    }
    edge.assertNoLeaks();
    assertThat(edge.counters().upgrades()).isEqualTo(1);
  }

  @Test
  void autoAnswerRingsAnswersWithValidSdpAndTrickles() throws Exception {
    try (JdkWebSocket ws = connect("alice")) {
      ws.next(Frames.Hello.class, T);
      ws.send(new Frames.Invite("call-1", "auto-answer", OFFER));
      assertThat(ws.next(Frames.Ringing.class, T).callId()).isEqualTo("call-1");
      String sdp = ws.next(Frames.Answer.class, T).sdp();
      assertThat(sdp).startsWith("v=0\r\n").contains("\r\no=", "\r\ns=", "\r\nt=",
          "\r\nm=audio", "a=ice-ufrag:", "a=ice-pwd:", "a=fingerprint:sha-256 ",
          "a=setup:active", "a=mid:audio0", "a=group:BUNDLE audio0", "a=rtcp-mux");
      Frames.Candidate c = ws.next(Frames.Candidate.class, T);
      assertThat(c.candidate()).contains("typ host");
      assertThat(c.sdpMid()).isEqualTo("audio0");
      assertThat(ws.next(Frames.Candidate.class, T).isEndOfCandidates()).isTrue();
      assertThat(edge.openCalls()).isEqualTo(1);
      assertThat(edge.heldMediaSlots()).isEqualTo(1);
      ws.send(new Frames.Bye("call-1", "hangup"));
      assertThat(ws.next(Frames.Ended.class, T).callId()).isEqualTo("call-1");
    }
    edge.assertNoLeaks();
    assertThat(edge.counters().calls()).isEqualTo(1);
  }

  @Test
  void userToUserCallIsRelayedBothWays() throws Exception {
    try (JdkWebSocket alice = connect("alice"); JdkWebSocket bob = connect("bob")) {
      alice.next(Frames.Hello.class, T);
      bob.next(Frames.Hello.class, T);
      alice.send(new Frames.Invite("c-42", "bob", OFFER));
      Frames.Incoming in = bob.next(Frames.Incoming.class, T);
      assertThat(in.from()).isEqualTo("alice");
      assertThat(in.sdp()).isEqualTo(OFFER);
      alice.next(Frames.Ringing.class, T);
      bob.send(new Frames.Candidate("c-42", "candidate:9 1 udp 1 127.0.0.1 9 typ host", "0", 0,
          null));
      bob.send(new Frames.Answer("c-42", "v=0 answer"));
      assertThat(alice.next(Frames.Candidate.class, T).candidate()).contains("candidate:9");
      assertThat(alice.next(Frames.Answer.class, T).sdp()).isEqualTo("v=0 answer");
      alice.send(new Frames.Candidate("c-42", "candidate:1 1 udp 1 127.0.0.1 7 typ host", "0",
          0, null));
      assertThat(bob.next(Frames.Candidate.class, T).candidate()).contains("candidate:1");
      bob.send(new Frames.Offer("c-42", "v=0 reoffer", true));
      assertThat(alice.next(Frames.Offer.class, T).iceRestart()).isTrue();
      alice.send(new Frames.Answer("c-42", "v=0 reanswer"));
      assertThat(bob.next(Frames.Answer.class, T).sdp()).isEqualTo("v=0 reanswer");
      bob.send(new Frames.Bye("c-42", "hangup"));
      assertThat(bob.next(Frames.Ended.class, T).reason()).isEqualTo("hangup");
      assertThat(alice.next(Frames.Bye.class, T).reason()).isEqualTo("hangup");
    }
    edge.assertNoLeaks();
  }
}
