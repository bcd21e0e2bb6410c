package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchbay.media.MediaEngines;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.ua.RealUserAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.WebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserAgentTest {
  private static final RetryPolicy FAST = RetryPolicy.builder().baseDelay(Duration.ofMillis(20))
      .maxDelay(Duration.ofMillis(100)).maxAttempts(3).deadline(Duration.ofSeconds(10)).build();

  private ScriptedEdge edge;
  private Patchbay patchbay;
  private FakeTokenManager tokens;

  @BeforeEach
  void start() throws Exception {
    edge = new ScriptedEdge();
    patchbay = Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .build();
    tokens = new FakeTokenManager();
  }

  @AfterEach
  void stop() {
    patchbay.close();
    patchbay.close(); // idempotent
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Diagnostics d = patchbay.diagnostics();
      assertThat(d.isIdle()).as("%s", d).isTrue();
      assertThat(d.sdkThreads()).as("SDK threads after close").isZero();
    });
    edge.close();
  }

  private UserAgentOptions.Builder options() {
    return UserAgentOptions.builder("acme").userId("alice").connectRetry(FAST)
        .reconnectRetry(FAST).inviteRetry(FAST);
  }

  private UserAgent connect() throws Exception {
    return connect(options().build());
  }

  private UserAgent connect(UserAgentOptions o) throws Exception {
    return patchbay.connect(tokens, o).get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    assertThatThrownBy(() -> f.get(15, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    return f.handle((v, e) -> e instanceof java.util.concurrent.CompletionException
        ? e.getCause() : e).join();
  }

  @Test
  void connectsWithTheBearerTokenAndCloseReleasesEverything() throws Exception {
    UserAgent ua = connect();

    assertThat(ua.state()).isEqualTo(UserAgent.State.CONNECTED);
    assertThat(ua.connectionId()).contains("conn-1");
    assertThat(edge.authorizations).containsExactly("Bearer token-1");
    assertThat(patchbay.diagnostics().openSockets()).isEqualTo(1);
    assertThat(patchbay.diagnostics().userAgents()).isEqualTo(1);

    ua.close();

    assertThat(ua.state()).isEqualTo(UserAgent.State.CLOSED);
    assertThat(tokens.closes.get()).as("token revoked at close").isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(
        () -> assertThat(patchbay.diagnostics().openSockets()).isZero());
    assertThat(patchbay.diagnostics().userAgents()).isZero();
  }

  @Test
  void eachUpgradeAttemptHasItsOwnIdAndTheHttpClientsOwnRepeatKeepsIt() throws Exception {
    // both TCP connections of the first attempt end before any byte of the answer: java.net.http
    // repeats the GET once by itself (same headers, so the same token), then gives up
    for (int i = 0; i < 2; i++) {
      edge.refusals.add(new mockwebserver3.MockResponse.Builder()
          .onResponseStart(new mockwebserver3.SocketEffect.CloseSocket()).build());
    }

    UserAgent ua = connect();

    assertThat(ua.state()).isEqualTo(UserAgent.State.CONNECTED);
    assertThat(edge.authorizations).as("the HTTP client's repeat, then the SDK's next attempt")
        .containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
    assertThat(edge.upgradeIds.get(0)).as("an upgrade id is sent").matches("[0-9a-f]{32}");
    assertThat(edge.upgradeIds.get(1)).as("the repeat names the same upgrade (the edge may"
        + " have admitted the first one)").isEqualTo(edge.upgradeIds.get(0));
    assertThat(edge.upgradeIds.get(2)).as("a new attempt is a new upgrade").matches("[0-9a-f]{32}")
        .isNotEqualTo(edge.upgradeIds.get(0));
  }

  @Test
  void aCallsEndReportedInTheResumedOfAReplacedSocketIsNotLost() throws Exception {
    // the callee declines while the caller's sockets move twice (closing notices): the edge
    // reports it in the resumed of the second socket, which arrives after the third replaced
    // it; by the third socket's resume the edge has forgotten the call (generator seed 86)
    java.util.Map<String, WebSocket> resumeOn = new java.util.concurrent.ConcurrentHashMap<>();
    edge.script = (ws, f) -> {
      if (f instanceof Frames.Invite inv) {
        edge.send(ws, new Frames.Ringing(inv.callId()));
      } else if (f instanceof Frames.Resume r) {
        resumeOn.put(r.connectionId(), ws); // answered by the test
      }
    };
    UserAgent ua = connect();
    CompletableFuture<Call> dialled = ua.dial("bob"); // completes once answered: never here
    await().until(() -> ua.calls().size() == 1 && ua.calls().get(0).state() == CallState.RINGING);
    Call call = ua.calls().get(0);
    WebSocket first = edge.sockets.get(0);
    edge.send(first, new Frames.Closing(5_000L, "moving"));
    await().until(() -> resumeOn.containsKey("conn-1")); // conn-2 asks for conn-1's calls
    WebSocket second = resumeOn.get("conn-1");
    edge.send(second, new Frames.Closing(5_000L, "moving again"));
    await().until(() -> edge.sockets.size() == 3 && resumeOn.size() == 2);
    await().until(() -> ua.connectionId().orElse("").equals("conn-3"));

    edge.send(second, new Frames.Resumed(List.of(), List.of(), List.of(
        new Frames.CallStatus(call.id(), Frames.CallStatus.ENDED, null, 603, "declined"))));
    await().atMost(Duration.ofSeconds(5)).until(() -> call.state() == CallState.FAILED
        || call.state() == CallState.ENDED);
    WebSocket third = edge.sockets.get(2);
    edge.send(third, new Frames.Resumed(List.of(), List.of(), List.of(
        new Frames.CallStatus(call.id(), Frames.CallStatus.ENDED, null, null, "unknown-call"))));

    assertThat(call.endReason()).as("%s", call).contains(EndReason.DECLINED);
    assertThat(failure(dialled)).isInstanceOf(PatchbayException.class);
  }

  @Test
  void refusedTokenIsRefreshedOnceThenAccepted() throws Exception {
    edge.refuse(401, null);

    UserAgent ua = connect();

    assertThat(ua.state()).isEqualTo(UserAgent.State.CONNECTED);
    assertThat(tokens.invalidations.get()).isEqualTo(1);
    assertThat(edge.authorizations).containsExactly("Bearer token-1", "Bearer token-2");
  }

  @Test
  void tokenRefusedTwiceFailsWithAuthenticationExceptionWithoutLooping() throws Exception {
    edge.refuse(401, null);
    edge.refuse(401, null);

    Throwable e = failure(patchbay.connect(tokens, options().build()));

    assertThat(e).isInstanceOf(AuthenticationException.class);
    assertThat(((PatchbayException) e).status()).hasValue(401);
    assertThat(edge.upgradeNanos).hasSize(2);
    assertThat(tokens.invalidations.get()).isEqualTo(1);
    await().untilAsserted(() -> assertThat(patchbay.diagnostics().userAgents()).isZero());
    assertThat(tokens.closes.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {403, 409})
  void forbiddenAndConflictAreNotRetried(int status) throws Exception {
    edge.refuse(status, "1");

    Throwable e = failure(patchbay.connect(tokens, options().build()));

    assertThat(e).isInstanceOf(EdgeRejectedException.class);
    assertThat(((PatchbayException) e).status()).hasValue(status);
    assertThat(((PatchbayException) e).retryable()).isFalse();
    assertThat(edge.upgradeNanos).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 503})
  void refusedUpgradeIsRetriedNoSoonerThanRetryAfter(int status) throws Exception {
    edge.refuse(status, "1");

    UserAgent ua = connect();

    assertThat(ua.state()).isEqualTo(UserAgent.State.CONNECTED);
    assertThat(edge.upgradeNanos).hasSize(2);
    long gapMs = TimeUnit.NANOSECONDS.toMillis(edge.upgradeNanos.get(1) - edge.upgradeNanos.get(0));
    assertThat(gapMs).as("spacing honours Retry-After: 1").isGreaterThanOrEqualTo(950);
  }

  @Test
  void retryBudgetIsBoundedAndTheErrorSaysWhy() throws Exception {
    for (int i = 0; i < 5; i++) {
      edge.refuse(503, null);
    }

    Throwable e = failure(patchbay.connect(tokens, options().build()));

    assertThat(e).isInstanceOf(EdgeRejectedException.class).hasMessageContaining("503");
    assertThat(edge.upgradeNanos).as("maxAttempts 3").hasSize(3);
  }

  @Test
  void cancellingConnectDuringBackoffLeavesNoTimerAndNoAgent() throws Exception {
    edge.refuse(503, "30");
    CompletableFuture<UserAgent> f = patchbay.connect(tokens,
        options().connectRetry(RetryPolicy.defaults()).build());
    await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(patchbay.diagnostics().pendingTimers()).isPositive());

    f.cancel(false);

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      Diagnostics d = patchbay.diagnostics();
      assertThat(d.pendingTimers()).isZero();
      assertThat(d.userAgents()).isZero();
      assertThat(d.openSockets()).isZero();
    });
    assertThat(edge.upgradeNanos).hasSize(1);
  }

  @Test
  void patchbayCloseDuringBackoffFailsConnectAndLeavesNoTimer() throws Exception {
    edge.refuse(503, "30");
    CompletableFuture<UserAgent> f = patchbay.connect(tokens,
        options().connectRetry(RetryPolicy.defaults()).build());
    await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(patchbay.diagnostics().pendingTimers()).isPositive());

    long start = System.nanoTime();
    patchbay.close();

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
    assertThat(failure(f)).isInstanceOf(ClosedException.class);
    assertThat(patchbay.diagnostics().pendingTimers()).isZero();
    assertThat(edge.upgradeNanos).hasSize(1);
  }

  @Test
  void missingHelloFailsWithinTheHelloDeadline() throws Exception {
    edge.sendHello = false;
    UserAgentOptions o = options().helloTimeout(Duration.ofMillis(300))
        .connectRetry(RetryPolicy.builder().maxAttempts(1).build()).build();

    Throwable e = failure(patchbay.connect(tokens, o));

    assertThat(e).hasMessageContaining("no hello");
    await().untilAsserted(() -> assertThat(patchbay.diagnostics().openSockets()).isZero());
  }

  @Test
  void dialCompletesWhenMediaIsConnectedAndHangUpReleasesEverything() throws Exception {
    UserAgent ua = connect();

    Call call = ua.dial("bob").get(10, TimeUnit.SECONDS);

    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    assertThat(call.direction()).isEqualTo(Call.Direction.OUTBOUND);
    Frames.Invite invite = edge.take(Frames.Invite.class);
    assertThat(invite.callId()).isEqualTo(call.id());
    assertThat(invite.to()).isEqualTo("bob");
    assertThat(invite.sdp()).startsWith("v=0");
    assertThat(patchbay.diagnostics().calls()).isEqualTo(1);
    assertThat(patchbay.diagnostics().mediaSessions()).isEqualTo(1);

    call.hangUp().get(10, TimeUnit.SECONDS);
    call.hangUp().get(1, TimeUnit.SECONDS); // idempotent

    assertThat(edge.take(Frames.Bye.class).callId()).isEqualTo(call.id());
    assertThat(call.state()).isEqualTo(CallState.ENDED);
    assertThat(call.endReason()).contains(EndReason.LOCAL_HANGUP);
    assertThat(patchbay.diagnostics().calls()).isZero();
    assertThat(patchbay.diagnostics().mediaSessions()).isZero();
  }

  @Test
  void localCandidatesFollowTheInvite() throws Exception {
    UserAgent ua = connect();
    Call call = ua.dial("bob").get(10, TimeUnit.SECONDS);

    edge.take(Frames.Invite.class);
    Frames.Candidate c = edge.take(Frames.Candidate.class);
    assertThat(c.callId()).isEqualTo(call.id());
    call.hangUp().get(10, TimeUnit.SECONDS);
  }

  @Test
  void inviteAnsweredWith504IsRetriedWithTheSameCallIdThenFails() throws Exception {
    edge.script = (ws, f) -> {
      if (f instanceof Frames.Invite inv) {
        edge.invites.computeIfAbsent(inv.callId(), k -> new java.util.concurrent.atomic.AtomicInteger())
            .incrementAndGet();
        edge.send(ws, new Frames.Error(inv.callId(), 504, "media allocation timed out", 10L));
      }
    };
    UserAgent ua = connect();

    Throwable e = failure(ua.dial("bob"));

    assertThat(e).isInstanceOf(CallFailedException.class).hasMessageContaining("504")
        .hasMessageContaining("3 attempts");
    CallFailedException cfe = (CallFailedException) e;
    assertThat(cfe.attempts()).isEqualTo(3);
    assertThat(cfe.status()).hasValue(504);
    assertThat(edge.invites).hasSize(1);
    assertThat(edge.invites.values().iterator().next().get()).isEqualTo(3);
    await().untilAsserted(() -> assertThat(patchbay.diagnostics().calls()).isZero());
    assertThat(patchbay.diagnostics().mediaSessions()).isZero();
  }

  /**
   * Two old connections are resumed on one socket (the first resume's socket was lost before
   * its answer). The first answer settles the call (ended 504: re-send the invite); the second,
   * sent at once with it, says "unknown-call" for the same call — stale, it must not end the
   * call (generated schedules, seed 383: the call failed CONNECTION_LOST).
   */
  @Test
  void aStaleSecondResumeAnswerDoesNotEndACallTheFirstSettled() throws Exception {
    edge.script = (ws, f) -> { }; // invites and resumes wait for the test
    UserAgent ua = connect();
    CompletableFuture<Call> dial = ua.dial("bob");
    String id = edge.take(Frames.Invite.class).callId();

    edge.sockets.get(0).close(1011, "lost");
    edge.take(Frames.Resume.class); // on the second socket: never answered
    edge.sockets.get(1).close(1011, "lost before the resume was answered");
    Frames.Resume a = edge.take(Frames.Resume.class);
    Frames.Resume b = edge.take(Frames.Resume.class);
    assertThat(List.of(a.connectionId(), b.connectionId())).containsExactlyInAnyOrder("conn-1",
        "conn-2");
    okhttp3.WebSocket third = edge.sockets.get(2);
    edge.send(third, new Frames.Resumed(List.of(), List.of(id), List.of(new Frames.CallStatus(
        id, Frames.CallStatus.ENDED, null, 504, "media negotiation timed out"))));
    edge.send(third, new Frames.Resumed(List.of(), List.of(id), List.of(new Frames.CallStatus(
        id, Frames.CallStatus.ENDED, null, null, "unknown-call"))));

    Frames.Invite again = edge.take(Frames.Invite.class);
    assertThat(again.callId()).isEqualTo(id);
    edge.send(third, new Frames.Ringing(id));
    edge.send(third, new Frames.Answer(id, ScriptedEdge.SDP));
    Call call = dial.get(5, TimeUnit.SECONDS);
    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
  }

  /**
   * The edge announces {@code closing}; the replacement gets its {@code hello} and is closed
   * (1001) before the agent could use it. The agent must open another replacement (with a
   * fresh token: the dead one's is never presented again) and move to it, make-before-break;
   * the draining socket is closed once the calls moved. On the base commit the agent logged
   * "the current one still serves" and sat CONNECTED on the doomed socket until its window
   * ended (hostile-edge sweep case 2, seed 20250612). The agent's actor is held while the hello
   * and the close arrive, so the close is handled before the hello is used: deterministic.
   */
  @Test
  void aReplacementClosedRightAfterItsHelloIsReplacedAgainWhileTheOldSocketDrains()
      throws Exception {
    answerResumes();
    UserAgent ua = connect();
    List<UserAgent.State> states = new CopyOnWriteArrayList<>();
    ua.onStateChange(states::add);
    edge.sendHello = false; // the replacement's hello waits for the test
    edge.send(edge.sockets.get(0), new Frames.Closing(60_000L, "maintenance"));
    await().until(() -> edge.sockets.size() == 2);
    WebSocket replacement = edge.sockets.get(1);

    CountDownLatch release = new CountDownLatch(1);
    holdActor(ua, release);
    edge.sendHello = true; // the next socket says hello at once
    edge.send(replacement, new Frames.Hello("conn-2", "alice", "acme", 15_000L, 30_000L,
        List.of(), null));
    replacement.close(1001, "going away");
    // the replacement is gone at the transport while its hello still waits for the actor
    await().until(() -> patchbay.diagnostics().openSockets() == 1);
    release.countDown();

    await().untilAsserted(() -> {
      assertThat(ua.connectionId()).contains("conn-3");
      assertThat(ua.state()).isEqualTo(UserAgent.State.CONNECTED);
      assertThat(patchbay.diagnostics().openSockets()).as("the draining socket was closed")
          .isEqualTo(1);
    });
    assertThat(edge.authorizations).as("the dead replacement's token is not presented again")
        .containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
    assertThat(tokens.renewals.get()).isEqualTo(1);
    assertThat(states).as("make-before-break: never without a socket").isEmpty();
    edge.send(edge.sockets.get(2), new Frames.Incoming("after-1", "bob", ScriptedEdge.SDP));
    assertThat(edge.take(Frames.Reject.class).callId()).isEqualTo("after-1"); // 480: no handler
    closeAndAssertReleased(ua);
  }

  /**
   * The edge announces {@code closing} and then refuses every upgrade of the replacement until
   * its budget is spent: the agent does not stay CONNECTED on the doomed socket until the edge
   * closes it, it closes it and reconnects, as at the end of the window. On the base commit it
   * logged "could not open a replacement socket" and sat on the draining socket.
   */
  @Test
  void aReplacementThatFailsForGoodEndsTheDrainingSocketAndTheAgentReconnects()
      throws Exception {
    answerResumes();
    UserAgent ua = connect();
    List<UserAgent.State> states = new CopyOnWriteArrayList<>();
    ua.onStateChange(states::add);
    for (int i = 0; i < FAST.maxAttempts(); i++) {
      edge.refuse(503, "0");
    }

    edge.send(edge.sockets.get(0), new Frames.Closing(60_000L, "maintenance"));

    await().untilAsserted(() -> {
      assertThat(ua.connectionId()).contains("conn-2");
      assertThat(ua.state()).isEqualTo(UserAgent.State.CONNECTED);
      assertThat(patchbay.diagnostics().openSockets()).isEqualTo(1);
    });
    assertThat(edge.upgradeNanos).as("connect, the replacement's attempts, the reconnect")
        .hasSize(2 + FAST.maxAttempts());
    assertThat(states).containsExactly(UserAgent.State.RECONNECTING,
        UserAgent.State.CONNECTED);
    assertThat(edge.take(Frames.Resume.class).connectionId()).isEqualTo("conn-1");
    edge.send(edge.sockets.get(1), new Frames.Incoming("after-1", "bob", ScriptedEdge.SDP));
    assertThat(edge.take(Frames.Reject.class).callId()).isEqualTo("after-1"); // 480: no handler
    closeAndAssertReleased(ua);
  }

  /** Closes the agent (not the Patchbay): its sockets, timers and tokens are all released. */
  private void closeAndAssertReleased(UserAgent ua) {
    ua.close();
    await().untilAsserted(() -> {
      Diagnostics d = patchbay.diagnostics();
      assertThat(d.openSockets()).as("sockets").isZero();
      assertThat(d.pendingTimers()).as("timers (the closing window's too)").isZero();
      assertThat(d.userAgents()).as("agents").isZero();
    });
    assertThat(tokens.closes.get()).as("token manager closed (tokens revoked)").isEqualTo(1);
  }

  /** The edge answers each {@code resume}: nothing of the old connection is left. */
  private void answerResumes() {
    edge.script = (ws, f) -> {
      if (f instanceof Frames.Resume r) {
        edge.send(ws, new Frames.Resumed(List.of(), List.of(), List.of()));
      } else {
        edge.autoAnswer(ws, f);
      }
    };
  }

  /** Holds the agent's actor (its serial executor) until {@code release}; returns once held. */
  private static void holdActor(UserAgent ua, CountDownLatch release) throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    ((RealUserAgent) ua).actor().execute(() -> {
      held.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(held.await(5, TimeUnit.SECONDS)).as("the agent's actor is held").isTrue();
  }

  @Test
  void busyCalleeFailsTheCallWithBusyAfterOneAttempt() throws Exception {
    edge.script = (ws, f) -> {
      if (f instanceof Frames.Invite inv) {
        edge.send(ws, new Frames.Error(inv.callId(), 486, "busy", null));
      }
    };
    UserAgent ua = connect();

    Throwable e = failure(ua.dial("busy"));

    assertThat(e).isInstanceOf(CallFailedException.class).hasMessageContaining("486")
        .hasMessageContaining("BUSY");
    assertThat(((CallFailedException) e).attempts()).isEqualTo(1);
  }

  @Test
  void inviteWithoutAnyAnswerFailsAtTheInviteDeadlineAndSendsBye() throws Exception {
    edge.script = (ws, f) -> {};
    UserAgent ua = connect(options().inviteTimeout(Duration.ofMillis(300)).build());

    Throwable e = failure(ua.dial("nobody"));

    assertThat(e).isInstanceOf(CallFailedException.class)
        .hasMessageContaining("timed out after 300 ms").hasMessageNotContaining("PT");
    assertThat(edge.take(Frames.Bye.class)).isNotNull();
    await().untilAsserted(() -> assertThat(patchbay.diagnostics().calls()).isZero());
  }

  @Test
  void cancellingAPendingDialHangsTheCallUpAndReleasesIt() throws Exception {
    edge.script = (ws, f) -> {
      if (f instanceof Frames.Invite inv) {
        edge.send(ws, new Frames.Ringing(inv.callId()));
      } else if (f instanceof Frames.Bye b) {
        edge.send(ws, new Frames.Ended(b.callId(), "bye"));
      }
    };
    UserAgent ua = connect();
    CompletableFuture<Call> dial = ua.dial("bob");
    await().untilAsserted(() -> assertThat(ua.calls()).singleElement()
        .extracting(Call::state).isEqualTo(CallState.RINGING));

    dial.cancel(false);

    assertThat(edge.take(Frames.Bye.class)).isNotNull();
    await().untilAsserted(() -> assertThat(patchbay.diagnostics().calls()).isZero());
  }

  @Test
  void throwingAppCallbacksAreLoggedAndChangeNothing() throws Exception {
    UserAgent ua = connect();
    ua.onStateChange(s -> {
      throw new IllegalStateException("app bug");
    });
    Call call = ua.dial("bob").get(10, TimeUnit.SECONDS);
    List<CallState> seen = new CopyOnWriteArrayList<>();
    call.onStateChange(s -> {
      throw new IllegalStateException("app bug");
    });
    call.onStateChange(seen::add);

    call.hangUp().get(10, TimeUnit.SECONDS);

    await().untilAsserted(() -> assertThat(seen).contains(CallState.ENDED));
  }

  @Test
  void appCallbacksNeverRunOnSdkInternalOrOkHttpThreads() throws Exception {
    List<String> threads = new CopyOnWriteArrayList<>();
    UserAgent ua = connect();
    ua.onStateChange(s -> threads.add(Thread.currentThread().getName()));
    CompletableFuture<Call> dial = ua.dial("bob");
    dial.thenRun(() -> threads.add(Thread.currentThread().getName()));
    Call call = dial.get(10, TimeUnit.SECONDS);
    call.onStateChange(s -> threads.add(Thread.currentThread().getName()));
    call.hangUp().get(10, TimeUnit.SECONDS);
    ua.close();

    await().untilAsserted(() -> assertThat(threads).hasSizeGreaterThanOrEqualTo(3));
    assertThat(threads).allSatisfy(name -> assertThat(name)
        .doesNotContain("OkHttp").doesNotContain("worker").doesNotContain("scheduler")
        .doesNotContain("okhttp").doesNotContain("signaling-media"));
  }

  @Test
  void serverCloseIsAnsweredAndTheAgentReconnects() throws Exception {
    UserAgent ua = connect();
    List<UserAgent.State> states = new CopyOnWriteArrayList<>();
    ua.onStateChange(states::add);

    edge.sockets.get(0).close(1001, "going away");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(edge.connections.get()).isEqualTo(2);
      assertThat(ua.state()).isEqualTo(UserAgent.State.CONNECTED);
      assertThat(ua.connectionId()).contains("conn-2");
      assertThat(patchbay.diagnostics().openSockets()).isEqualTo(1);
    });
    assertThat(states).containsSubsequence(UserAgent.State.RECONNECTING,
        UserAgent.State.CONNECTED);
  }

  @Test
  void refreshedTokenIsSentAsReauthWithoutReconnecting() throws Exception {
    UserAgent ua = connect();

    AccessToken fresh = tokens.refresh(null);

    Frames.Reauth reauth = edge.take(Frames.Reauth.class);
    assertThat(reauth.token()).isEqualTo(fresh.value());
    assertThat(edge.connections.get()).isEqualTo(1);
    assertThat(ua.state()).isEqualTo(UserAgent.State.CONNECTED);
  }

  @Test
  void aRefreshWhileTheSocketIsBeingReplacedIsNotSentOnTheDrainingSocket() throws Exception {
    UserAgent ua = connect();
    edge.sendHello = false; // the replacement socket opens but stays without hello: REPLACING
    edge.send(edge.sockets.get(0), new Frames.Closing(10_000L, "maintenance"));
    await().atMost(Duration.ofSeconds(5)).until(() -> edge.connections.get() == 2);

    // the replacement was opened with token-1; a reauth with the refreshed token on the
    // draining socket could race that upgrade: one token on two live connections at the edge
    tokens.refresh(null);
    Frame seen = edge.received.poll(1, TimeUnit.SECONDS);
    while (seen != null && !(seen instanceof Frames.Reauth)) {
      seen = edge.received.poll(200, TimeUnit.MILLISECONDS);
    }

    assertThat(seen).as("reauth sent on the draining socket").isNull();
    assertThat(ua.state()).isEqualTo(UserAgent.State.CONNECTED);
  }

  @Test
  void tokenNearExpiryIsRefreshedAndSentAsReauth() throws Exception {
    tokens = new FakeTokenManager(java.time.Instant.now().plusMillis(1500)) {
      private int calls;

      @Override
      public synchronized CompletableFuture<AccessToken> token() {
        calls++;
        return calls == 1 ? super.token() : CompletableFuture.completedFuture(
            new AccessToken("token-later", java.time.Instant.now().plusSeconds(3600), null));
      }
    };
    connect();

    Frames.Reauth reauth = edge.take(Frames.Reauth.class);
    assertThat(reauth.token()).isEqualTo("token-later");
    assertThat(edge.connections.get()).isEqualTo(1);
  }

  @Test
  void incomingCallIsAcceptedAndEndsWhenTheRemoteHangsUp() throws Exception {
    UserAgent ua = connect();
    CompletableFuture<IncomingCall> offered = new CompletableFuture<>();
    ua.onIncomingCall(offered::complete);

    edge.send(edge.sockets.get(0), new Frames.Incoming("in-1", "bob", ScriptedEdge.SDP));
    IncomingCall incoming = offered.get(5, TimeUnit.SECONDS);
    assertThat(incoming.from()).isEqualTo("bob");
    assertThat(incoming.state()).isEqualTo(CallState.RINGING);
    Call call = incoming.accept().get(5, TimeUnit.SECONDS);

    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    assertThat(edge.take(Frames.Answer.class).callId()).isEqualTo("in-1");

    edge.send(edge.sockets.get(0), new Frames.Bye("in-1", "hangup"));
    call.ended().get(5, TimeUnit.SECONDS);
    assertThat(call.endReason()).contains(EndReason.REMOTE_HANGUP);
  }

  @Test
  void retractedIncomingCallEndsCancelledAndCannotBeAccepted() throws Exception {
    UserAgent ua = connect();
    CompletableFuture<IncomingCall> offered = new CompletableFuture<>();
    ua.onIncomingCall(offered::complete);

    edge.send(edge.sockets.get(0), new Frames.Incoming("in-2", "bob", ScriptedEdge.SDP));
    IncomingCall incoming = offered.get(5, TimeUnit.SECONDS);
    edge.send(edge.sockets.get(0), new Frames.Cancel("in-2", "timeout"));
    incoming.ended().get(5, TimeUnit.SECONDS);

    assertThat(incoming.endReason()).contains(EndReason.CANCELLED);
    assertThat(failure(incoming.accept())).isInstanceOf(CallFailedException.class);
  }

  /**
   * The edge offers a ringing call again after a socket move when it never saw how the callee
   * ended it (protocol §3.8): the agent answers the repeat with a reject and offers the app
   * nothing new. Found by the generated schedules (a call ended twice).
   */
  @Test
  void anIncomingCallOfferedAgainAfterTheAgentEndedItIsRejectedNotRung() throws Exception {
    UserAgent ua = connect();
    List<IncomingCall> offered = new CopyOnWriteArrayList<>();
    ua.onIncomingCall(offered::add);

    edge.send(edge.sockets.get(0), new Frames.Incoming("in-9", "bob", ScriptedEdge.SDP));
    await().until(() -> offered.size() == 1);
    offered.get(0).reject().get(5, TimeUnit.SECONDS);
    assertThat(edge.take(Frames.Reject.class).callId()).isEqualTo("in-9");
    await().untilAsserted(() -> assertThat(patchbay.diagnostics().calls()).isZero());

    edge.send(edge.sockets.get(0), new Frames.Incoming("in-9", "bob", ScriptedEdge.SDP));
    Frames.Reject again = edge.take(Frames.Reject.class);
    assertThat(again.callId()).isEqualTo("in-9");
    assertThat(again.status()).isEqualTo(480);
    assertThat(offered).hasSize(1);
    assertThat(patchbay.diagnostics().calls()).isZero();
  }

  /**
   * After a loss the agent resumes the old connection even when it holds no call: the edge may
   * hold a ringing incoming call whose frame was lost with the socket, and re-offers it.
   */
  @Test
  void aLostSocketIsResumedEvenWithNoCallHeld() throws Exception {
    UserAgent ua = connect();
    String old = ua.connectionId().orElseThrow();

    edge.sockets.get(0).close(1011, "internal error");

    Frames.Resume resume = edge.take(Frames.Resume.class);
    assertThat(resume.connectionId()).isEqualTo(old);
    assertThat(resume.callIds()).isEmpty();
    await().until(() -> ua.state() == UserAgent.State.CONNECTED);
  }

  @Test
  void incomingCallWithoutHandlerIsRejected() throws Exception {
    connect();

    edge.send(edge.sockets.get(0), new Frames.Incoming("in-3", "bob", ScriptedEdge.SDP));

    Frames.Reject reject = edge.take(Frames.Reject.class);
    assertThat(reject.callId()).isEqualTo("in-3");
    assertThat(reject.status()).isEqualTo(480);
    await().untilAsserted(() -> assertThat(patchbay.diagnostics().calls()).isZero());
  }

  @Test
  void closeHangsUpLiveCallsFirst() throws Exception {
    UserAgent ua = connect();
    Call call = ua.dial("bob").get(10, TimeUnit.SECONDS);

    ua.close();

    assertThat(edge.take(Frames.Bye.class).callId()).isEqualTo(call.id());
    assertThat(call.state().isTerminal()).isTrue();
    assertThat(patchbay.diagnostics().calls()).isZero();
    assertThat(patchbay.diagnostics().mediaSessions()).isZero();
  }

  @Test
  void malformedFramesAreIgnoredAndTheAgentKeepsWorking() throws Exception {
    UserAgent ua = connect();
    edge.sockets.get(0).send("{not json");
    edge.sockets.get(0).send("{\"type\":\"nonsense\"}");
    edge.sockets.get(0).send("{\"type\":\"answer\"}");

    Call call = ua.dial("bob").get(10, TimeUnit.SECONDS);

    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    call.hangUp().get(10, TimeUnit.SECONDS);
  }
}
