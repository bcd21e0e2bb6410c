package dev.patchbay.examples.softphone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.testkit.FakeEdge;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The softphone's signaling path (register, dial or answer, hang up, close) with
 * {@code --media signaling}, so it runs on any machine. Real audio is covered by
 * {@link SoftphoneRealAudioTest}, which needs a network namespace.
 */
class SoftphoneTest {
  private FakeEdge edge;

  @BeforeEach
  void edge() {
    edge = FakeEdge.builder().user("acme", "alice", "alice-secret")
        .user("acme", "bob", "bob-secret").start();
  }

  @AfterEach
  void noLeaks() {
    try {
      edge.assertNoLeaks();
    } finally {
      edge.close();
    }
  }

  @Test
  void dialsABuiltInPartyHangsUpAfterTheDurationAndLeavesNothingOpen() {
    Output alice = new Output();

    int code = SoftphoneCommand.run(new String[] {"--edge", edge.uri().toString(), "--tenant",
        "acme", "--user", "alice", "--secret", "alice-secret", "--dial", "auto-answer",
        "--duration", "500ms", "--media", "signaling"}, alice.out, alice.err);

    assertThat(code).as(alice.toString()).isZero();
    assertThat(alice.text()).contains("registered as alice").contains("connected with auto-answer")
        .contains("call ended: LOCAL_HANGUP")
        .contains("closed: 0 sockets, 0 calls, 0 media sessions, 0 native objects left");
    assertThat(edge.counters().calls()).isEqualTo(1);
    assertThat(edge.liveTokens()).as("the token was revoked at close").isZero();
  }

  @Test
  void oneSoftphoneAnswersWhatTheOtherDials() throws Exception {
    Output bob = new Output();
    CompletableFuture<Integer> answering = CompletableFuture.supplyAsync(() ->
        SoftphoneCommand.run(new String[] {"--edge", edge.uri().toString(), "--tenant", "acme",
            "--user", "bob", "--secret", "bob-secret", "--answer", "--duration", "30s",
            "--wait", "30s", "--media", "signaling"}, bob.out, bob.err));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> bob.text().contains("waiting for a call"));
    Output alice = new Output();

    int code = SoftphoneCommand.run(new String[] {"--edge", edge.uri().toString(), "--tenant",
        "acme", "--user", "alice", "--secret", "alice-secret", "--dial", "bob", "--duration",
        "500ms", "--media", "signaling"}, alice.out, alice.err);

    assertThat(code).as(alice.toString()).isZero();
    assertThat(answering.get(30, TimeUnit.SECONDS)).as(bob.toString()).isZero();
    assertThat(bob.text()).contains("incoming call from alice, answering")
        .contains("the other side hung up").contains("call ended: REMOTE_HANGUP")
        .contains("closed: 0 sockets, 0 calls");
  }

  @Test
  void missingOptionsExitWithUsage() {
    Output o = new Output();

    int code = SoftphoneCommand.run(new String[] {"--edge", "http://127.0.0.1:1", "--tenant",
        "acme", "--user", "alice", "--secret", "s"}, o.out, o.err);

    assertThat(code).isEqualTo(2);
    assertThat(o.errText()).contains("exactly one of --dial WHO or --answer is required");
  }

  /** Captured stdout and stderr of one run. */
  static final class Output {
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    synchronized String text() {
      return outBytes.toString(StandardCharsets.UTF_8);
    }

    synchronized String errText() {
      return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "stdout:\n" + text() + "\nstderr:\n" + errText();
    }
  }
}
