package dev.patchbay.it;

import dev.patchbay.TenantLimits;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.Diagnostics;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.FakeEdge;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Many calls and many agents: counts must come back to exactly zero. */
class LoadTest extends EdgeFixture {

  @Test
  void thousandSequentialCallCyclesLeaveNothingBehind() throws Exception {
    start();
    patchbay();
    UserAgent alice = connect("alice");

    for (int i = 0; i < 1_000; i++) {
      Call call = get(alice.dial("auto-answer"));
      assertThat(call.state()).isEqualTo(CallState.ACTIVE);
      get(call.hangUp());
    }

    Diagnostics d = patchbay.diagnostics();
    assertThat(d.calls()).isZero();
    assertThat(d.mediaSessions()).isZero();
    assertThat(d.openSockets()).isEqualTo(1);
    assertThat(edge.openCalls()).isZero();
    assertThat(edge.heldMediaSlots()).isZero();
    assertThat(edge.counters().calls()).isEqualTo(1_000);
    alice.close();
    assertAllReleased();
  }

  @Test
  void twoHundredConcurrentAgentsEachPlacingCalls() throws Exception {
    int agents = 200;
    start(b -> {
      FakeEdge.Builder builder = b.tenant(TENANT, t -> t.socketCap(1_000).mediaCapacity(1_000));
      for (int i = 0; i < agents; i++) {
        builder.user(TENANT, "agent-" + i, "agent-" + i + "-secret");
      }
      return builder;
    });
    patchbay(b -> b.tenantLimits(TENANT,
        TenantLimits.builder().maxSockets(1_000).maxNegotiations(50).build()));

    List<CompletableFuture<UserAgent>> connecting = new ArrayList<>();
    for (int i = 0; i < agents; i++) {
      String user = "agent-" + i;
      UserAgentOptions o = options(user).build();
      connecting.add(connectAsync(user, o));
    }
    List<UserAgent> uas = new ArrayList<>();
    for (CompletableFuture<UserAgent> f : connecting) {
      uas.add(get(f));
    }
    assertThat(patchbay.diagnostics().openSockets()).isEqualTo(agents);

    List<CompletableFuture<Void>> cycles = new ArrayList<>();
    for (UserAgent ua : uas) {
      cycles.add(ua.dial("auto-answer")
          .thenCompose(c -> c.hangUp())
          .thenCompose(v -> ua.dial("auto-answer"))
          .thenCompose(c -> c.hangUp()));
    }
    for (CompletableFuture<Void> c : cycles) {
      get(c);
    }

    assertThat(edge.counters().calls()).isEqualTo(2L * agents);
    assertThat(patchbay.diagnostics().calls()).isZero();
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (UserAgent ua : uas) {
      closing.add(ua.closeAsync());
    }
    for (CompletableFuture<Void> c : closing) {
      get(c);
    }
    assertThat(edge.counters().violations()).isZero();
    assertAllReleased();
  }
}
