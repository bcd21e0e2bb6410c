package dev.patchbay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Diagnostics;
import dev.patchbay.TenantLimits;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.FakeEdge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@code Patchbay.close()} with many agents: every socket closed and every token revoked at the
 * edge, nothing left in the SDK (sockets, agents, timers, threads).
 */
class ManyAgentsCloseTest extends EdgeFixture {
  private static final int AGENTS = 200;
  private final List<CompletableFuture<UserAgent>> connecting = new ArrayList<>();

  @Test
  void closeWithManyAgentsLeavesNoSocketNoTokenAndNoThread() throws Exception {
    connectAll(UnaryOperator.identity());
    assertClosedCleanly();
  }

  /**
   * At shutdown every agent's revocations queue for the OAuth client's 16 connections: an
   * agent's own close bound (here 1 ms) must not cut its revocation short and leave the token
   * live at the edge; {@code Patchbay.close()} bounds them all at once.
   */
  @Test
  void everyTokenIsRevokedEvenWhenRevocationsQueueLongerThanAnAgentsCloseTimeout()
      throws Exception {
    connectAll(o -> o.closeTimeout(Duration.ofMillis(1)));
    assertClosedCleanly();
  }

  private void connectAll(UnaryOperator<UserAgentOptions.Builder> options) throws Exception {
    start(b -> {
      FakeEdge.Builder edge = b.tenant(TENANT, t -> t.socketCap(AGENTS + 10));
      for (int i = 0; i < AGENTS; i++) {
        edge.user(TENANT, "agent" + i, "agent" + i + "-secret");
      }
      return edge;
    });
    patchbay(b -> b.tenantLimits(TENANT, new TenantLimits(AGENTS + 10, 100)));
    for (int i = 0; i < AGENTS; i++) {
      connecting.add(connectAsync("agent" + i, options.apply(options("agent" + i)).build()));
    }
    for (CompletableFuture<UserAgent> f : connecting) {
      assertThat(get(f).state()).isEqualTo(UserAgent.State.CONNECTED);
    }
    assertThat(edge.openSockets()).isEqualTo(AGENTS);
    assertThat(edge.liveTokens()).isGreaterThanOrEqualTo(AGENTS);
  }

  private void assertClosedCleanly() throws Exception {
    patchbay.close();

    assertThat(edge.liveTokens()).as("live tokens at the edge after close").isZero();
    edge.assertNoLeaks(); // sockets (waits for the edge to see the last ones end)
    Diagnostics d = patchbay.diagnostics();
    assertThat(d.isIdle()).as("SDK diagnostics after close: %s", d).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> patchbay.diagnostics().sdkThreads() == 0);
    for (CompletableFuture<UserAgent> f : connecting) {
      assertThat(f.join().state()).isEqualTo(UserAgent.State.CLOSED);
    }
  }
}
