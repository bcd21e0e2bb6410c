package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.media.MediaEngines;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Closing an agent revokes its tokens through the socket's last frame when the edge offers
 * {@code logout} (protocol 3.7), and over {@code POST /oauth/revoke} whenever the edge does not
 * confirm it: the token is revoked on every path, exactly once.
 */
class LogoutTest {
  private static final RetryPolicy FAST = RetryPolicy.builder().baseDelay(Duration.ofMillis(20))
      .maxDelay(Duration.ofMillis(50)).maxAttempts(3).deadline(Duration.ofSeconds(5)).build();

  private ScriptedEdge edge;
  private Patchbay patchbay;

  @BeforeEach
  void start() throws Exception {
    edge = new ScriptedEdge();
    edge.offerLogout = true;
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .build();
  }

  @AfterEach
  void stop() {
    try {
      patchbay.close();
      assertThat(patchbay.diagnostics().isIdle()).as("%s", patchbay.diagnostics()).isTrue();
    } finally {
      edge.close();
    }
  }

  private UserAgent connect() throws Exception {
    return patchbay.connect(Credentials.clientCredentials("alice", "alice-secret"),
        UserAgentOptions.builder("acme").userId("alice").connectRetry(FAST)
            .reconnectRetry(FAST).closeTimeout(Duration.ofSeconds(1)).build())
        .get(10, TimeUnit.SECONDS);
  }

  private static String form(String token) {
    return "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  /** The edge answers a logout by closing with 1000 and {@code reason}. */
  private void answerLogoutWith(String reason) {
    edge.script = (ws, f) -> {
      if (f instanceof Frames.Logout) {
        ws.close(1000, reason);
      }
    };
  }

  @Test
  void aConfirmedLogoutIsTheOnlyRevocation() throws Exception {
    answerLogoutWith("logged-out");
    UserAgent alice = connect();

    alice.closeAsync().get(10, TimeUnit.SECONDS);

    Frames.Logout logout = edge.take(Frames.Logout.class);
    assertThat(logout.tokens()).containsExactly(edge.issuedTokens.get(0));
    assertThat(edge.revoked).as("no RFC 7009 request after a confirmed logout").isEmpty();
  }

  @Test
  void aLogoutClosedWithAnotherReasonIsFollowedByTheHttpRevocation() throws Exception {
    answerLogoutWith("closed");
    UserAgent alice = connect();

    alice.closeAsync().get(10, TimeUnit.SECONDS);

    assertThat(edge.take(Frames.Logout.class).tokens()).hasSize(1);
    assertThat(edge.revoked).hasSize(1);
    assertThat(edge.revoked.get(0)).startsWith(form(edge.issuedTokens.get(0)));
  }

  @Test
  void aLogoutTheEdgeIgnoresIsFollowedByTheHttpRevocationWithinTheCloseBound() throws Exception {
    edge.script = (ws, f) -> { }; // reads it, answers only the close frame (1000, no reason)
    UserAgent alice = connect();
    long start = System.nanoTime();

    alice.closeAsync().get(10, TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(edge.take(Frames.Logout.class).tokens()).hasSize(1);
    assertThat(edge.revoked).hasSize(1);
  }

  @Test
  void anEdgeThatDoesNotOfferLogoutGetsNoneAndTheHttpRevocation() throws Exception {
    edge.offerLogout = false;
    UserAgent alice = connect();

    alice.closeAsync().get(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(5)).until(() -> !edge.revoked.isEmpty());
    assertThat(edge.received).noneMatch(f -> f instanceof Frames.Logout);
    assertThat(edge.revoked).hasSize(1);
  }

  @Test
  void appProvidedTokensAreNeverNamedInALogout() throws Exception {
    UserAgent alice = patchbay.connect(Credentials.provider(() ->
            java.util.concurrent.CompletableFuture.completedFuture(
                new AccessToken("app-token", null, null))),
        UserAgentOptions.builder("acme").userId("alice").connectRetry(FAST).build())
        .get(10, TimeUnit.SECONDS);

    alice.closeAsync().get(10, TimeUnit.SECONDS);

    assertThat(edge.received).noneMatch(f -> f instanceof Frames.Logout);
    assertThat(edge.revoked).isEmpty();
  }
}
