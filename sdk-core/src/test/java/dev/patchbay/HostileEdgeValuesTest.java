package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchbay.media.MediaEngines;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.patchbay.internal.gate.Redactor;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testing.LogCapture;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.WebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Values and secrets a hostile edge sends, carried through a real {@link Patchbay}: advertised
 * numbers are clamped before the code that uses them, and echoed secrets (tokens, the client
 * secret in raw, URL-encoded and Basic form) never reach a log line at TRACE or an exception
 * message. The suite-wide {@code NoSecretsInLogsExtension} fails any test whose log capture
 * holds a registered secret; tokens issued by {@link ScriptedEdge#issueToken()} are registered.
 */
class HostileEdgeValuesTest {
  private static final RetryPolicy FAST = RetryPolicy.builder().baseDelay(Duration.ofMillis(20))
      .maxDelay(Duration.ofMillis(100)).maxAttempts(3).deadline(Duration.ofSeconds(10)).build();
  private static final String SECRET = "alice s3cret/+€-4711";

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger sdkLogger = (Logger) LoggerFactory.getLogger("dev.patchbay");
  private ScriptedEdge edge;
  private Patchbay patchbay;

  @BeforeEach
  void start() throws Exception {
    logs.start();
    sdkLogger.addAppender(logs);
    edge = new ScriptedEdge();
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .build();
    for (String form : Redactor.formsOf(SECRET)) {
      LogCapture.registerSecret(form);
    }
    LogCapture.registerSecret(basic());
  }

  @AfterEach
  void stop() {
    try {
      patchbay.close();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Diagnostics d = patchbay.diagnostics();
        assertThat(d.isIdle()).as("%s", d).isTrue();
        assertThat(d.sdkThreads()).as("SDK threads after close").isZero();
      });
    } finally {
      edge.close();
      sdkLogger.detachAppender(logs);
    }
  }

  private static String basic() {
    String pair = "alice:" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
    return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private UserAgentOptions options() {
    return UserAgentOptions.builder("acme").userId("alice").connectRetry(FAST)
        .reconnectRetry(FAST).inviteRetry(FAST).build();
  }

  private UserAgent connectWithSecret() throws Exception {
    return patchbay.connect(Credentials.clientCredentials("alice", SECRET), options())
        .get(10, TimeUnit.SECONDS);
  }

  /** The first SDK log line containing {@code fragment}, waited for. */
  private String awaitLine(String fragment) {
    List<String> found = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      for (ILoggingEvent e : new ArrayList<>(logs.list)) {
        if (e.getFormattedMessage().contains(fragment)) {
          found.add(e.getFormattedMessage());
          return true;
        }
      }
      return false;
    });
    return found.get(0);
  }

  // ------------------------------------------------------------------ advertised values

  @Test
  void aHugeHeartbeatInHelloDoesNotBreakLaterConnectsOfOtherAgents() throws Exception {
    edge.heartbeatMs = Long.MAX_VALUE;
    UserAgent first = patchbay.connect(new FakeTokenManager(), options()).get(10, TimeUnit.SECONDS);

    // on the base commit OkHttp refused the ping interval and every later connect failed
    UserAgent second = patchbay.connect(new FakeTokenManager(), options())
        .get(10, TimeUnit.SECONDS);

    assertThat(first.state()).isEqualTo(UserAgent.State.CONNECTED);
    assertThat(second.state()).isEqualTo(UserAgent.State.CONNECTED);
    assertThat(awaitLine("connected (connection conn-2")).contains("heartbeat 300000 ms");
  }

  @Test
  void aOneMillisecondHeartbeatIsRaisedToOneSecond() throws Exception {
    edge.heartbeatMs = 1;
    patchbay.connect(new FakeTokenManager(), options()).get(10, TimeUnit.SECONDS);
    assertThat(awaitLine("connected (connection conn-1")).contains("heartbeat 1000 ms");
  }

  // ------------------------------------------------------------------ socket lifecycle

  @Test
  void aSocketClosedRightAfterItsHelloIsReplacedNotUsed() throws Exception {
    UserAgent ua = patchbay.connect(new FakeTokenManager(), options()).get(10, TimeUnit.SECONDS);
    edge.closeAfterHello = 2;

    edge.sockets.get(0).close(1001, "going away");

    // on the base commit the agent made conn-2 current after its close had been ignored (it
    // was not current yet): CONNECTED on a dead socket, no reconnect (hostile-edge sweep)
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(ua.connectionId()).contains("conn-3");
      assertThat(ua.state()).isEqualTo(UserAgent.State.CONNECTED);
    });
    edge.send(edge.sockets.get(2), new Frames.Incoming("after-1", "bob", ScriptedEdge.SDP));
    Frames.Reject reject = edge.take(Frames.Reject.class); // no handler: rejected with 480
    assertThat(reject.callId()).isEqualTo("after-1");
  }

  @Test
  void aResumedCallEndedWithoutAReasonEndsTheCall() throws Exception {
    UserAgent ua = patchbay.connect(new FakeTokenManager(), options()).get(10, TimeUnit.SECONDS);
    Call call = ua.dial("bob").get(10, TimeUnit.SECONDS);
    edge.script = (ws, f) -> {
      if (f instanceof Frames.Resume r) {
        edge.send(ws, new Frames.Resumed(List.of(), List.of(), List.of(
            new Frames.CallStatus(call.id(), Frames.CallStatus.ENDED, null, null, null))));
      } else {
        edge.autoAnswer(ws, f);
      }
    };

    edge.sockets.get(0).close(1001, "going away");

    // on the base commit the missing reason threw a NullPointerException in the agent's actor
    // (Set.of(...).contains(null)) and the call stayed ACTIVE (hostile-edge sweep)
    call.ended().get(10, TimeUnit.SECONDS);
    assertThat(call.state()).isEqualTo(CallState.ENDED);
    assertThat(new ArrayList<>(logs.list)).noneMatch(e -> e.getLevel() == Level.ERROR);
  }

  // ------------------------------------------------------------------ echoed secrets

  @Test
  void aTokenEchoedInAConnectionErrorFrameIsMasked() throws Exception {
    connectWithSecret();
    String token = edge.issuedTokens.get(0);
    WebSocket ws = edge.sockets.get(0);

    edge.send(ws, new Frames.Error(null, 400, "token " + token + " / secret " + SECRET
        + " not accepted", null));

    assertThat(awaitLine("edge reported connection error")).doesNotContain(token)
        .doesNotContain(SECRET).contains("token ██ / secret ██ not accepted");
  }

  @Test
  void aTokenEchoedAsAnIdentifierIsRefusedNotLogged() throws Exception {
    // ids cannot be masked (they are sent back and logged as they are): a hello whose
    // connectionId is the agent's own access token is refused. On the base commit the token
    // was logged in "connected (connection …)" and in every call's MDC (hostile-edge sweep).
    edge.rawHello = auth -> "{\"type\":\"hello\",\"connectionId\":\"" + auth.substring(7)
        + "\",\"heartbeatMs\":15000}";

    assertThatThrownBy(() -> connectWithSecret()).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(PatchbayException.class)
        .hasMessageNotContaining(edge.issuedTokens.get(0));
    assertThat(awaitLine("hello.connectionId")).contains("holds a secret")
        .doesNotContain(edge.issuedTokens.get(0));
  }

  @Test
  void aTokenEchoedInACallErrorIsMasked() throws Exception {
    UserAgent ua = connectWithSecret();
    String token = edge.issuedTokens.get(0);
    Call call = ua.dial("bob").get(10, TimeUnit.SECONDS);

    edge.send(edge.sockets.get(0), new Frames.Error(call.id(), 500,
        "media relay refused Bearer " + token, null));

    assertThat(awaitLine("edge reported 500 for call")).doesNotContain(token)
        .contains("Bearer ██");
  }

  @Test
  void aTokenEchoedInACloseReasonIsMasked() throws Exception {
    connectWithSecret();
    String token = edge.issuedTokens.get(0);

    edge.sockets.get(0).close(4001, "token " + token + " expired");

    assertThat(awaitLine("edge closed the socket")).doesNotContain(token).contains("██");
  }

  @Test
  void anOAuthErrorEchoingTheBasicHeaderIsMaskedInTheExceptionAndTheLogs() {
    edge.tokenEndpoint = r -> new MockResponse.Builder().code(401)
        .setHeader("Content-Type", "application/json")
        .body("{\"error\":\"invalid_client\",\"error_description\":\"Authorization "
            + r.getHeaders().get("Authorization") + " (" + basic() + ") rejected for secret "
            + URLEncoder.encode(SECRET, StandardCharsets.UTF_8) + "\"}").build();

    assertThatThrownBy(() -> connectWithSecret()).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("invalid_client")
        .hasMessageNotContaining(basic())
        .hasMessageNotContaining(URLEncoder.encode(SECRET, StandardCharsets.UTF_8))
        .hasMessageNotContaining(SECRET);
    assertThat(awaitLine("invalid_client")).doesNotContain(basic());
  }
}
