package dev.patchbay.reliability.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad frames from the edge (malformed, oversized, unknown type, fields missing or wrong-typed,
 * also for the live call): the SDK drops them with a typed decoding error, keeps the socket,
 * leaves no call half-open, and keeps working.
 */
class EdgeInputTest {

  enum Bad {
    MALFORMED(id -> "{\"type\":\"ringing\",\"callId\":"),
    NOT_AN_OBJECT(id -> "[1,2,3]"),
    OVERSIZED(id -> "{\"type\":\"error\",\"status\":500,\"message\":\"" + "x".repeat(70_000)
        + "\"}"),
    UNKNOWN_TYPE(id -> "{\"type\":\"teleport\",\"callId\":\"" + id + "\"}"),
    NO_TYPE(id -> "{\"callId\":\"" + id + "\",\"sdp\":\"v=0\"}"),
    ANSWER_WITHOUT_SDP(id -> "{\"type\":\"answer\",\"callId\":\"" + id + "\"}"),
    CANDIDATE_WITHOUT_FIELDS(id -> "{\"type\":\"candidate\",\"callId\":\"" + id + "\"}"),
    ERROR_STATUS_WRONG_TYPE(id -> "{\"type\":\"error\",\"callId\":\"" + id
        + "\",\"status\":\"busy\"}"),
    BYE_FOR_UNKNOWN_CALL(id -> "{\"type\":\"bye\",\"callId\":\"no-such-call\",\"reason\":\"x\"}");

    final Function<String, String> text;

    Bad(Function<String, String> text) {
      this.text = text;
    }
  }

  static Stream<Arguments> badSeed() {
    List<Arguments> out = new ArrayList<>();
    for (Bad b : Bad.values()) {
      Seeds.seeds().forEach(s -> out.add(Arguments.of(b, s)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("badSeed")
  void badFrameFromTheEdgeIsDroppedAndChangesNothingElse(Bad bad, long seed) {
    try (Rig rig = Rig.builder("bad frame from the edge: " + bad, seed).start()) {
      UserAgent alice = rig.connected("alice");
      Call call = rig.ledger.watch(Rig.get(rig.ledger.track("dial", alice.dial("auto-answer")),
          Duration.ofSeconds(10)));
      String connection = alice.connectionId().orElseThrow();

      rig.inject(bad.name(), () ->
          assertThat(rig.edge.faults().sendRawText("alice", bad.text.apply(call.id()))).isOne());

      // the frame is processed in order: a good call after it proves it was handled
      Call after = rig.ledger.watch(Rig.get(rig.ledger.track("dial after",
          alice.dial("auto-answer")), Duration.ofSeconds(10)));
      assertThat(alice.state()).isEqualTo(UserAgent.State.CONNECTED);
      if (bad == Bad.OVERSIZED) {
        // refused while it was read: that socket is failed (1008), the agent reconnects and
        // resumes its call (docs/protocol.md §3.9)
        assertThat(alice.connectionId()).as("socket replaced").isPresent().get()
            .isNotEqualTo(connection);
      } else {
        assertThat(alice.connectionId()).as("socket kept").hasValue(connection);
      }
      assertThat(call.state()).as("the live call is untouched").isEqualTo(CallState.ACTIVE);
      Rig.get(after.hangUp(), Duration.ofSeconds(10));
      Rig.get(call.hangUp(), Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(5)).until(() -> alice.calls().isEmpty());
    }
  }
}
