package dev.patchbay.reliability.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.IncomingCall;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Half-open sockets, server closes, duplicated frames after a reconnect, throwing callbacks. */
class ConnectionFaultsTest {

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void withheldPongsAreDetectedAndTheCallSurvivesTheReconnect(long seed) {
    try (Rig rig = Rig.builder("half-open socket (pongs withheld) during a call", seed)
        .edge(b -> b.heartbeat(Duration.ofMillis(300)).resumeWindow(Duration.ofSeconds(5)))
        .sdk(b -> b.heartbeat(Duration.ofMillis(300))).start()) {
      UserAgent alice = rig.connected("alice");
      Call call = rig.ledger.watch(Rig.get(rig.ledger.track("dial",
          alice.dial("auto-answer")), Duration.ofSeconds(10)));
      String before = alice.connectionId().orElseThrow();
      long start = System.nanoTime();
      rig.inject("withhold pongs", () -> rig.edge.faults().withholdPongs("alice"));

      await().atMost(Duration.ofSeconds(5)).until(() ->
          alice.state() == UserAgent.State.RECONNECTING
              || !alice.connectionId().orElse(before).equals(before));
      long detectedMs = (System.nanoTime() - start) / 1_000_000;
      rig.edge.faults().clear();
      await().atMost(Duration.ofSeconds(10)).until(() ->
          alice.state() == UserAgent.State.CONNECTED
              && !alice.connectionId().orElse(before).equals(before));

      // the edge's 300 ms heartbeat is raised to the 1 s floor (docs/protocol.md §3.9.1)
      assertThat(detectedMs).as("missed pong detected within ~2 heartbeats of 1 s")
          .isLessThan(3_000);
      await().atMost(Duration.ofSeconds(5)).until(() -> call.state() == CallState.ACTIVE
          || call.state().isTerminal());
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
      assertThat(call.state().isTerminal()).isTrue();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void serverClose1001IsAnsweredAndTheAgentReconnects(long seed) {
    try (Rig rig = Rig.builder("server close 1001: the SDK answers it", seed).start()) {
      UserAgent alice = rig.connected("alice");
      String before = alice.connectionId().orElseThrow();

      rig.inject("close 1001", () -> rig.edge.faults().closeWith("alice", 1001));

      await().atMost(Duration.ofSeconds(10)).until(() ->
          alice.state() == UserAgent.State.CONNECTED
              && !alice.connectionId().orElse(before).equals(before));
      await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
          assertThat(rig.edge.openSockets()).as("the old socket's close was answered").isOne());
      Call call = rig.ledger.watch(Rig.get(rig.ledger.track("dial",
          alice.dial("auto-answer")), Duration.ofSeconds(10)));
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void duplicatedFramesAfterAReconnectCreateNoDuplicateCalls(long seed) {
    try (Rig rig = Rig.builder("duplicated frames after reconnect: no duplicate calls", seed)
        .edge(b -> b.resumeWindow(Duration.ofSeconds(5))).start()) {
      UserAgent alice = rig.connected("alice");
      UserAgent bob = rig.connected("bob");
      java.util.Map<String, AtomicInteger> offered = new ConcurrentHashMap<>();
      bob.onIncomingCall(in -> {
        offered.computeIfAbsent(in.id(), k -> new AtomicInteger()).incrementAndGet();
        rig.ledger.track("accept " + in.id(), in.accept());
      });
      Call first = rig.ledger.watch(Rig.get(rig.ledger.track("dial bob",
          alice.dial("bob")), Duration.ofSeconds(10)));
      String before = alice.connectionId().orElseThrow();

      rig.inject("duplicate every call frame", () -> rig.edge.faults().duplicateFrames(true));
      rig.inject("close 1001 mid-call", () -> rig.edge.faults().closeWith("alice", 1001));
      await().atMost(Duration.ofSeconds(10)).until(() ->
          alice.state() == UserAgent.State.CONNECTED
              && !alice.connectionId().orElse(before).equals(before));
      int more = 3 + rig.random.nextInt(3);
      List<Call> calls = new ArrayList<>();
      for (int i = 0; i < more; i++) {
        calls.add(rig.ledger.watch(Rig.get(rig.ledger.track("dial bob " + i,
            alice.dial("bob")), Duration.ofSeconds(10))));
      }

      assertThat(rig.edge.counters().calls()).as("calls the edge created").isEqualTo(1 + more);
      assertThat(offered).hasSize(1 + more);
      assertThat(offered.values()).allSatisfy(n -> assertThat(n.get()).isOne());
      assertThat(alice.calls()).hasSizeLessThanOrEqualTo(1 + more);
      for (Call c : calls) {
        Rig.get(c.hangUp(), Duration.ofSeconds(10));
      }
      Rig.get(first.hangUp(), Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(5)).until(() -> bob.calls().isEmpty());
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.patchbay.reliability.matrix.Seeds#seeds")
  void throwingAppCallbacksChangeNothingElse(long seed) {
    try (Rig rig = Rig.builder("app callbacks throwing", seed).start()) {
      UserAgent alice = rig.connected("alice");
      UserAgent bob = rig.connected("bob");
      rig.inject("throwing state listener", () -> alice.onStateChange(s -> {
        throw new IllegalStateException("app bug in a state listener");
      }));
      rig.inject("throwing incoming-call handler", () -> bob.onIncomingCall(in -> {
        rig.ledger.track("accept", in.accept());
        throw new IllegalStateException("app bug in an incoming-call handler");
      }));
      List<CallState> seen = new CopyOnWriteArrayList<>();

      Call call = rig.ledger.watch(Rig.get(rig.ledger.track("dial bob", alice.dial("bob")),
          Duration.ofSeconds(10)));
      rig.inject("throwing call listener", () -> call.onStateChange(s -> {
        throw new IllegalStateException("app bug in a call listener");
      }));
      call.onStateChange(seen::add);
      Rig.get(call.hangUp(), Duration.ofSeconds(10));

      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(seen).contains(CallState.ENDED));
      assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
      Call again = rig.ledger.watch(Rig.get(rig.ledger.track("dial again",
          alice.dial("auto-answer")), Duration.ofSeconds(10)));
      Rig.get(again.hangUp(), Duration.ofSeconds(10));
    }
  }

}
