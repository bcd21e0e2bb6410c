package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventListenerTest {
  private ScriptedEdge edge;
  private Patchbay patchbay;

  @AfterEach
  void stop() {
    if (patchbay != null) {
      patchbay.close();
    }
    if (edge != null) {
      edge.close();
    }
  }

  private static final class Recording extends PatchbayEventListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void connectStart(String tenant, String userId, boolean reconnect) {
      events.add("connectStart " + tenant + "/" + userId + " reconnect=" + reconnect);
    }

    @Override
    public void connectEnd(String tenant, String userId, String connectionId, Duration took) {
      events.add("connectEnd " + connectionId);
    }

    @Override
    public void retryScheduled(String tenant, String userId, String what, int retry,
        Duration delay, PatchbayException cause) {
      events.add("retry " + what + " " + retry + " " + cause.status().orElse(0));
    }

    @Override
    public void callStart(String tenant, String userId, String callId, Call.Direction d) {
      events.add("callStart " + d);
    }

    @Override
    public void callActive(String tenant, String userId, String callId, Duration setup) {
      events.add("callActive");
    }

    @Override
    public void callEnd(String tenant, String userId, String callId, CallState state,
        EndReason reason, Duration took) {
      events.add("callEnd " + state + " " + reason);
    }

    @Override
    public void userAgentClosed(String tenant, String userId) {
      events.add("closed " + userId);
    }
  }

  @Test
  void startEndPairsAreReportedInOrder() throws Exception {
    edge = new ScriptedEdge();
    edge.refuse(429, null); // (OkHttp itself re-sends a 503 with Retry-After: 0 once)
    Recording listener = new Recording();
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .eventListener(listener).build();

    UserAgent ua = patchbay.connect(new FakeTokenManager(),
        UserAgentOptions.builder("acme").userId("alice").build()).get(10, TimeUnit.SECONDS);
    Call call = ua.dial("bob").get(10, TimeUnit.SECONDS);
    call.hangUp().get(10, TimeUnit.SECONDS);
    ua.close();

    assertThat(edge.upgradeNanos).as("upgrades").hasSize(2);
    await().untilAsserted(() -> assertThat(listener.events).containsExactly(
        "connectStart acme/alice reconnect=false",
        "retry connect 1 429",
        "connectEnd conn-1",
        "callStart OUTBOUND",
        "callActive",
        "callEnd ENDED LOCAL_HANGUP",
        "closed alice"));
  }

  @Test
  void aThrowingListenerNeverBreaksTheSdk() throws Exception {
    edge = new ScriptedEdge();
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .eventListener(new PatchbayEventListener() {
          @Override
          public void connectStart(String tenant, String userId, boolean reconnect) {
            throw new IllegalStateException("metrics bug");
          }

          @Override
          public void callStart(String tenant, String userId, String callId,
              Call.Direction direction) {
            throw new IllegalStateException("metrics bug");
          }
        }).build();

    UserAgent ua = patchbay.connect(new FakeTokenManager(), UserAgentOptions.of("acme"))
        .get(10, TimeUnit.SECONDS);
    Call call = ua.dial("bob").get(10, TimeUnit.SECONDS);

    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    call.hangUp().get(10, TimeUnit.SECONDS);
    ua.close();
  }
}
