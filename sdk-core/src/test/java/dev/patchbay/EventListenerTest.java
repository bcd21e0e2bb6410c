package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.media.MediaEngines;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.MockResponse;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The typed events, in order, with their arguments, against a real (scripted) edge. */
class EventListenerTest {
  private static final String SECRET = "event-test-client-secret";
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

  /** Records every event as a line; checks that each carries its own agent. */
  private static final class Recording extends PatchbayEventListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> wrongAgent = new CopyOnWriteArrayList<>();
    final UserAgent own;

    Recording(UserAgent own) {
      this.own = own;
    }

    private void add(UserAgent ua, String line) {
      if (own != null && ua != own) {
        wrongAgent.add(line);
      }
      events.add(line);
    }

    @Override
    public void connectStart(UserAgent ua, boolean reconnect) {
      add(ua, "connectStart " + ua.tenant() + "/" + ua.userId() + " reconnect=" + reconnect);
    }

    @Override
    public void tokenObtained(UserAgent ua) {
      add(ua, "tokenObtained");
    }

    @Override
    public void socketUpgraded(UserAgent ua) {
      add(ua, "socketUpgraded");
    }

    @Override
    public void connectEnd(UserAgent ua, String connectionId, Duration took) {
      add(ua, "connectEnd " + connectionId);
    }

    @Override
    public void connectFailed(UserAgent ua, PatchbayException cause) {
      add(ua, "connectFailed " + cause.status().orElse(0));
    }

    @Override
    public void tokenRequestStart(UserAgent ua, boolean refresh) {
      add(ua, "tokenRequestStart refresh=" + refresh);
    }

    @Override
    public void tokenRequestEnd(UserAgent ua, Duration took) {
      add(ua, "tokenRequestEnd");
    }

    @Override
    public void tokenRequestFailed(UserAgent ua, PatchbayException cause, Duration took) {
      add(ua, "tokenRequestFailed " + cause.status().orElse(0));
    }

    @Override
    public void retryScheduled(UserAgent ua, RetryKind kind, int status, int retry,
        Duration delay, Call call, PatchbayException cause) {
      add(ua, "retry " + kind + " " + status + " #" + retry + (call == null ? "" : " call"));
    }

    @Override
    public void callsResumed(UserAgent ua, List<String> resumed, List<String> lost) {
      add(ua, "resumed " + resumed.size() + " lost " + lost.size());
    }

    @Override
    public void callStart(Call call) {
      events.add("callStart " + call.direction());
    }

    @Override
    public void callActive(Call call, Duration setup) {
      events.add("callActive");
    }

    @Override
    public void hangUpStart(Call call) {
      events.add("hangUpStart " + call.state());
    }

    @Override
    public void callEnd(Call call, CallState state, EndReason reason, Duration took) {
      events.add("callEnd " + state + " " + reason);
    }

    @Override
    public void userAgentClosed(UserAgent ua) {
      add(ua, "closed " + ua.userId());
    }
  }

  private static MockResponse tooMany() {
    return new MockResponse.Builder().code(429)
        .headers(Headers.of("Retry-After", "0", "Content-Type", "application/json"))
        .body("{\"error\":\"slow_down\"}").build();
  }

  @Test
  void aConnectWithATokenRetryAndAnUpgradeRetryReportsEveryPhaseInOrder() throws Exception {
    edge = new ScriptedEdge();
    AtomicBoolean refusedToken = new AtomicBoolean();
    edge.tokenEndpoint = r -> refusedToken.compareAndSet(false, true) ? tooMany()
        : edge.issueToken();
    edge.refuse(429, "0"); // the first upgrade
    Map<UserAgent, Recording> perAgent = new ConcurrentHashMap<>();
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .eventListenerFactory(ua -> perAgent.computeIfAbsent(ua, Recording::new)).build();

    UserAgent ua = patchbay.connect(Credentials.clientCredentials("alice", SECRET),
        UserAgentOptions.builder("acme").userId("alice").build()).get(10, TimeUnit.SECONDS);
    Call call = ua.dial("bob").get(10, TimeUnit.SECONDS);
    call.hangUp().get(10, TimeUnit.SECONDS);
    ua.close();

    assertThat(perAgent).containsOnlyKeys(ua);
    Recording listener = perAgent.get(ua);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(listener.events)
        .containsExactly(
            "connectStart acme/alice reconnect=false",
            "tokenRequestStart refresh=false",
            "retry TOKEN 429 #1", // the token endpoint's 429 (it fired no event before)
            "tokenRequestEnd",
            "tokenObtained",
            "retry CONNECT 429 #1", // the upgrade's 429
            "tokenObtained", // the cached token, for the second attempt
            "socketUpgraded",
            "connectEnd conn-1",
            "callStart OUTBOUND",
            "callActive",
            "hangUpStart ACTIVE",
            "callEnd ENDED LOCAL_HANGUP",
            "closed alice"));
    assertThat(listener.wrongAgent).isEmpty();
  }

  @Test
  void aHangUpStartIsReportedOnceBeforeTheEndAndClosingTheAgentReportsOne() throws Exception {
    edge = new ScriptedEdge();
    Recording listener = new Recording(null);
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .eventListener(listener).build();
    UserAgent ua = patchbay.connect(Credentials.clientCredentials("alice", SECRET),
        UserAgentOptions.builder("acme").userId("alice").build()).get(10, TimeUnit.SECONDS);

    Call hungUp = ua.dial("bob").get(10, TimeUnit.SECONDS);
    java.util.concurrent.CompletableFuture<Void> first = hungUp.hangUp();
    java.util.concurrent.CompletableFuture<Void> second = hungUp.hangUp(); // no second start
    first.get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS);
    hungUp.hangUp().get(10, TimeUnit.SECONDS); // already ended: nothing to report
    Call leftUp = ua.dial("carol").get(10, TimeUnit.SECONDS);
    ua.closeAsync().get(10, TimeUnit.SECONDS); // closing hangs leftUp up

    assertThat(leftUp.state().isTerminal()).isTrue();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(listener.events)
        .filteredOn(e -> e.startsWith("call") || e.startsWith("hangUp"))
        .containsExactly(
            "callStart OUTBOUND", "callActive", "hangUpStart ACTIVE",
            "callEnd ENDED LOCAL_HANGUP",
            "callStart OUTBOUND", "callActive", "hangUpStart ACTIVE", // closing hangs up
            "callEnd ENDED LOCAL_HANGUP"));
  }

  @Test
  void aReconnectReportsItsPhasesAndTheResumedCalls() throws Exception {
    edge = new ScriptedEdge();
    Recording listener = new Recording(null);
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .eventListener(listener).build();
    UserAgent ua = patchbay.connect(Credentials.clientCredentials("alice", SECRET),
        UserAgentOptions.builder("acme").userId("alice").build()).get(10, TimeUnit.SECONDS);
    Call call = ua.dial("bob").get(10, TimeUnit.SECONDS);
    int before = listener.events.size();

    edge.script = (ws, f) -> {
      if (f instanceof dev.patchbay.internal.protocol.Frames.Resume r) {
        edge.send(ws, new dev.patchbay.internal.protocol.Frames.Resumed(r.callIds(), List.of()));
      } else {
        edge.autoAnswer(ws, f);
      }
    };
    edge.sockets.get(0).close(1011, "edge restarts");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      // a copy: a sub-list view of the live list throws while events still arrive
      List<String> events = List.copyOf(listener.events);
      assertThat(events.subList(before, events.size())).containsSubsequence(
          "connectStart acme/alice reconnect=true",
          "tokenObtained",
          "socketUpgraded",
          "connectEnd conn-2",
          "resumed 1 lost 0");
    });
    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    call.hangUp().get(10, TimeUnit.SECONDS);
    ua.close();
  }

  @Test
  void aThrowingListenerOrFactoryNeverBreaksTheSdk() throws Exception {
    edge = new ScriptedEdge();
    edge.tokenEndpoint = new java.util.function.Function<>() {
      final AtomicBoolean refused = new AtomicBoolean();

      @Override
      public MockResponse apply(mockwebserver3.RecordedRequest r) {
        return refused.compareAndSet(false, true) ? tooMany() : edge.issueToken();
      }
    };
    AtomicBoolean first = new AtomicBoolean(true);
    PatchbayEventListener throwing = new PatchbayEventListener() {
      @Override
      public void connectStart(UserAgent ua, boolean reconnect) {
        throw new IllegalStateException("metrics bug");
      }

      @Override
      public void tokenRequestStart(UserAgent ua, boolean refresh) {
        throw new IllegalStateException("metrics bug");
      }

      @Override
      public void retryScheduled(UserAgent ua, RetryKind kind, int status, int retry,
          Duration delay, Call call, PatchbayException cause) {
        throw new IllegalStateException("metrics bug");
      }

      @Override
      public void tokenRequestEnd(UserAgent ua, Duration took) {
        throw new IllegalStateException("metrics bug");
      }

      @Override
      public void socketUpgraded(UserAgent ua) {
        throw new IllegalStateException("metrics bug");
      }

      @Override
      public void callStart(Call call) {
        throw new IllegalStateException("metrics bug");
      }

      @Override
      public void callEnd(Call call, CallState state, EndReason reason, Duration took) {
        throw new IllegalStateException("metrics bug");
      }
    };
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .eventListenerFactory(ua -> {
          if (first.getAndSet(false)) {
            throw new IllegalStateException("factory bug");
          }
          return throwing;
        }).build();

    for (String user : List.of("alice", "carol")) { // alice: the factory threw; carol: listener
      UserAgent ua = patchbay.connect(Credentials.clientCredentials(user, SECRET),
          UserAgentOptions.builder("acme").userId(user).build()).get(10, TimeUnit.SECONDS);
      Call call = ua.dial("bob").get(10, TimeUnit.SECONDS);
      assertThat(call.state()).isEqualTo(CallState.ACTIVE);
      call.hangUp().get(10, TimeUnit.SECONDS);
      ua.closeAsync().get(10, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(patchbay.diagnostics().isIdle()).isTrue());
  }
}
