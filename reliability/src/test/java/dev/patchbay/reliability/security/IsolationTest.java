package dev.patchbay.reliability.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.CallFailedException;
import dev.patchbay.Credentials;
import dev.patchbay.UserAgent;
import dev.patchbay.reliability.matrix.Rig;
import dev.patchbay.reliability.matrix.Secrets;
import dev.patchbay.reliability.matrix.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 200 concurrent user agents in 4 tenants, each with its own short-lived token refreshed and
 * re-sent ({@code reauth}) while they call each other: every call reaches exactly the dialled
 * user of the same tenant, a call into another tenant fails, and the edge counts no token used
 * by another user or on two connections.
 */
class IsolationTest {

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#heavy")
  void twoHundredAgentsInFourTenantsNeverSeeEachOthersTokensOrCalls(long seed) {
    int tenants = 4;
    int perTenant = 50;
    try (Rig rig = Rig.builder("security: per-user isolation, 200 agents in 4 tenants", seed)
        .edge(b -> b.tokenTtl(Duration.ofSeconds(4)).frameLogCapacity(1)).start()) {
      Map<String, String> callerOf = new ConcurrentHashMap<>(); // callId -> caller seen by callee
      List<CompletableFuture<UserAgent>> connects = new ArrayList<>();
      for (int t = 0; t < tenants; t++) {
        for (int i = 0; i < perTenant; i++) {
          String tenant = "tenant" + t;
          String user = tenant + "-u" + i;
          String secret = user + "-secret-" + seed;
          rig.edge.addUser(tenant, user, secret);
          Secrets.registerClient(user, secret);
          connects.add(rig.connect(rig.options(tenant, user).build(),
              Credentials.clientCredentials(user, secret)));
        }
      }
      List<UserAgent> agents = new ArrayList<>();
      for (CompletableFuture<UserAgent> f : connects) {
        UserAgent a = Rig.get(f, Duration.ofSeconds(60));
        a.onIncomingCall(in -> {
          callerOf.put(in.id(), in.from() + "->" + a.tenant() + "/" + a.userId());
          rig.ledger.track("accept " + in.id(), in.accept());
        });
        agents.add(a);
      }
      // even agents call the next (odd) agent of their tenant, while tokens roll over
      List<CompletableFuture<Call>> dials = new ArrayList<>();
      Map<CompletableFuture<Call>, String> expected = new ConcurrentHashMap<>();
      for (int k = 0; k < agents.size(); k += 2) {
        UserAgent caller = agents.get(k);
        UserAgent callee = agents.get(k + 1);
        CompletableFuture<Call> d = rig.ledger.track("dial " + callee.userId(),
            caller.dial(callee.userId()));
        dials.add(d);
        expected.put(d, caller.userId() + "->" + callee.tenant() + "/" + callee.userId());
      }
      List<Call> calls = new ArrayList<>();
      for (CompletableFuture<Call> d : dials) {
        Call c = rig.ledger.watch(Rig.get(d, Duration.ofSeconds(60)));
        calls.add(c);
        assertThat(callerOf.get(c.id())).isEqualTo(expected.get(d));
      }
      // a call into another tenant never reaches that tenant's user
      UserAgent outsider = agents.get(0);
      Throwable e = Rig.failure(rig.ledger.track("dial across tenants",
          outsider.dial(agents.get(perTenant + 1).userId())), Duration.ofSeconds(30));
      assertThat(e).isInstanceOf(CallFailedException.class);
      // hold the calls across at least one token rollover (4 s tokens), then hang up
      await().pollDelay(Duration.ofSeconds(Seeds.full() ? 9 : 5)).until(() -> true);
      assertThat(rig.edge.counters().get("reauths")).as("tokens rolled over on open sockets")
          .isPositive();
      for (Call c : calls) {
        rig.ledger.track("hang up", c.hangUp());
      }
      for (Call c : calls) {
        Rig.get(c.ended(), Duration.ofSeconds(30));
      }
      assertThat(rig.edge.counters().violations()).isZero();
      assertThat(agents).allSatisfy(a -> assertThat(a.state()).isEqualTo(UserAgent.State.CONNECTED));
    }
  }
}
