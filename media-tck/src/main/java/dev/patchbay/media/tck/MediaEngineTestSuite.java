package dev.patchbay.media.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchbay.ClosedException;
import dev.patchbay.IcePolicy;
import dev.patchbay.media.IceCandidate;
import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import dev.patchbay.media.SessionDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link MediaEngine} must pass (the media TCK). An engine proves itself by
 * extending this class in its tests and implementing {@link #createEngine()}:
 *
 * <pre>{@code
 * class MyEngineTckTest extends MediaEngineTestSuite {
 *   protected MediaEngine createEngine() {
 *     return new MyEngine();
 *   }
 * }
 * }</pre>
 *
 * <p>with {@code dev.patchbay:patchbay-media-tck} as a test dependency (it brings JUnit Jupiter's
 * API, AssertJ and Awaitility; the engine's build runs it with its JUnit Platform).
 *
 * <p>Each test gets a fresh engine and closes it afterwards, asserting that no session and no
 * native object is left. Two sessions of the same engine play caller and callee, with local
 * candidates forwarded to the peer as trickle ICE would.
 */
public abstract class MediaEngineTestSuite {
  /** The engine under test, made by {@link #createEngine()} before each test. */
  protected MediaEngine engine;

  /** For subclasses. */
  protected MediaEngineTestSuite() {}

  /**
   * A new engine with the settings under test. Called once per test.
   *
   * @return the engine
   */
  protected abstract MediaEngine createEngine();

  /**
   * The ICE policy for every session; override to, e.g., restrict ports.
   *
   * @return the policy
   */
  protected IcePolicy icePolicy() {
    return IcePolicy.defaults();
  }

  /**
   * The longest any single step may take (gathering, connecting, closing).
   *
   * @return the step timeout
   */
  protected Duration timeout() {
    return Duration.ofSeconds(15);
  }

  /**
   * How many sessions the concurrency test opens at once.
   *
   * @return the session count
   */
  protected int concurrentSessions() {
    return 16;
  }

  @BeforeEach
  void createEngineUnderTest() {
    engine = createEngine();
    assertThat(engine).as("createEngine()").isNotNull();
  }

  @AfterEach
  void closeEngineUnderTest() {
    if (engine != null) {
      engine.close();
      assertThat(engine.openSessions()).as("open sessions after engine close").isZero();
      assertThat(engine.liveNativeObjects()).as("live native objects after engine close").isZero();
    }
  }

  @Test
  void nameIsNotBlank() {
    assertThat(engine.name()).isNotBlank();
  }

  @Test
  void createdSessionIsCountedUntilClosed() throws Exception {
    MediaSession s = engine.createSession("call-1", icePolicy(), new RecordingMediaListener());
    assertThat(s.callId()).isEqualTo("call-1");
    assertThat(s.state()).isEqualTo(MediaState.NEW);
    assertThat(engine.openSessions()).isEqualTo(1);

    get(s.close());

    assertThat(s.state()).isEqualTo(MediaState.CLOSED);
    assertThat(engine.openSessions()).isZero();
  }

  @Test
  void offerAndAnswerConnectBothSessions() throws Exception {
    Pair p = connectedPair();

    assertThat(p.offer.type()).isEqualTo(SessionDescription.Type.OFFER);
    assertThat(p.answer.type()).isEqualTo(SessionDescription.Type.ANSWER);
    assertThat(p.offer.sdp()).startsWith("v=0").contains("m=audio");
    assertThat(p.answer.sdp()).startsWith("v=0").contains("m=audio");
    assertThat(p.callerListener.states).contains(MediaState.CONNECTED);
    assertThat(p.calleeListener.states).contains(MediaState.CONNECTED);
    p.close();
  }

  @Test
  void localCandidatesAreTrickledThenCompleted() throws Exception {
    RecordingMediaListener l = new RecordingMediaListener();
    MediaSession s = engine.createSession("call-1", icePolicy(), l);
    get(s.createOffer(false));

    assertThat(l.candidatesComplete.await(timeout().toMillis(), TimeUnit.MILLISECONDS))
        .as("onLocalCandidatesComplete within %s", timeout()).isTrue();
    for (IceCandidate c : l.candidates) {
      assertThat(c.candidate()).startsWith("candidate:");
    }
    get(s.close());
  }

  @Test
  void listenerIsNeverCalledOnTheCallersThread() throws Exception {
    Pair p = connectedPair();
    String me = Thread.currentThread().getName();
    assertThat(p.callerListener.threads()).isNotEmpty().doesNotContain(me);
    assertThat(p.calleeListener.threads()).isNotEmpty().doesNotContain(me);
    p.close();
  }

  @Test
  void remoteCandidatesArrivingBeforeTheRemoteDescriptionAreBuffered() throws Exception {
    RecordingMediaListener la = new RecordingMediaListener();
    RecordingMediaListener lb = new RecordingMediaListener();
    MediaSession a = engine.createSession("call-a", icePolicy(), la);
    MediaSession b = engine.createSession("call-b", icePolicy(), lb);
    lb.forwardTo(a::addRemoteCandidate);

    SessionDescription offer = get(a.createOffer(false));
    assertThat(la.candidatesComplete.await(timeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    // All of the caller's candidates reach the callee before the offer does.
    for (IceCandidate c : la.candidates) {
      b.addRemoteCandidate(c);
    }
    b.endOfRemoteCandidates();
    la.forwardTo(b::addRemoteCandidate);

    SessionDescription answer = get(b.acceptOffer(offer));
    get(a.acceptAnswer(answer));

    awaitState(a, MediaState.CONNECTED);
    awaitState(b, MediaState.CONNECTED);
    get(a.close());
    get(b.close());
  }

  @Test
  void closeIsIdempotentAndReleasesTheSession() throws Exception {
    Pair p = connectedPair();
    CompletableFuture<Void> first = p.caller.close();
    CompletableFuture<Void> second = p.caller.close();
    get(first);
    get(second);
    get(p.caller.close());

    assertThat(p.caller.state()).isEqualTo(MediaState.CLOSED);
    assertThat(engine.openSessions()).isEqualTo(1);
    get(p.callee.close());
    assertThat(engine.openSessions()).isZero();
  }

  @Test
  void closedSessionRefusesWorkAndNeverCallsItsListener() throws Exception {
    Pair p = connectedPair();
    get(p.caller.close());
    get(p.callee.close());
    p.callerListener.seal();
    p.calleeListener.seal();

    assertClosed(p.caller.createOffer(false));
    assertClosed(p.caller.createOffer(true));
    assertClosed(p.callee.acceptOffer(p.offer));
    assertClosed(p.caller.acceptAnswer(p.answer));
    p.caller.addRemoteCandidate(new IceCandidate("0", 0, "candidate:1 1 udp 1 127.0.0.1 9 typ host"));
    p.caller.endOfRemoteCandidates();

    Thread.sleep(300); // proving a negative: give a misbehaving engine time to call back
    assertThat(p.callerListener.callsAfterSeal()).as("caller listener calls after close").isZero();
    assertThat(p.calleeListener.callsAfterSeal()).as("callee listener calls after close").isZero();
  }

  @Test
  void closeWhileAnOfferIsBeingCreatedReleasesTheSession() throws Exception {
    RecordingMediaListener l = new RecordingMediaListener();
    MediaSession s = engine.createSession("call-1", icePolicy(), l);
    CompletableFuture<SessionDescription> offer = s.createOffer(false);
    CompletableFuture<Void> closed = s.close();

    get(closed);
    l.seal();
    // The offer either completed before the close or fails with ClosedException; it never hangs.
    try {
      offer.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ClosedException.class);
    }
    assertThat(s.state()).isEqualTo(MediaState.CLOSED);
    assertThat(engine.openSessions()).isZero();
    Thread.sleep(200); // proving a negative
    assertThat(l.callsAfterSeal()).isZero();
  }

  @Test
  void iceRestartRenegotiatesAConnectedCall() throws Exception {
    Pair p = connectedPair();

    SessionDescription restart = get(p.caller.createOffer(true));
    assertThat(iceUfrag(restart.sdp())).as("ICE restart offer has new credentials")
        .isNotEqualTo(iceUfrag(p.offer.sdp()));
    SessionDescription answer = get(p.callee.acceptOffer(restart));
    get(p.caller.acceptAnswer(answer));

    awaitState(p.caller, MediaState.CONNECTED);
    awaitState(p.callee, MediaState.CONNECTED);
    p.close();
  }

  @Test
  void answerWithoutAPendingOfferFails() throws Exception {
    Pair p = connectedPair(); // an answer from a real peer, but this session has no offer out
    MediaSession fresh = engine.createSession("call-3", icePolicy(), new RecordingMediaListener());

    assertFails(fresh.acceptAnswer(p.answer));
    get(fresh.close());
    p.close();
  }

  @Test
  void malformedRemoteOfferFailsAndTheSessionStillCloses() throws Exception {
    MediaSession s = engine.createSession("call-1", icePolicy(), new RecordingMediaListener());

    assertFails(s.acceptOffer(SessionDescription.offer("this is not sdp")));
    get(s.close());
    assertThat(engine.openSessions()).isZero();
  }

  @Test
  void engineCloseClosesEveryOpenSession() throws Exception {
    Pair p = connectedPair();
    MediaSession idle = engine.createSession("call-3", icePolicy(), new RecordingMediaListener());
    assertThat(engine.openSessions()).isEqualTo(3);

    engine.close();
    engine.close(); // idempotent

    assertThat(engine.openSessions()).isZero();
    assertThat(engine.liveNativeObjects()).isZero();
    assertThat(p.caller.state()).isEqualTo(MediaState.CLOSED);
    assertThat(idle.state()).isEqualTo(MediaState.CLOSED);
    get(p.caller.close()); // closing a session of a closed engine still completes
    assertThatThrownBy(() -> engine.createSession("late", icePolicy(), new RecordingMediaListener()))
        .isInstanceOf(ClosedException.class);
  }

  @Test
  void manySessionsOpenedAndClosedConcurrentlyLeaveNothingBehind() throws Exception {
    long nativeBaseline = engine.liveNativeObjects();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int i = 0; i < concurrentSessions(); i++) {
      String callId = "call-" + i;
      done.add(CompletableFuture.runAsync(() -> {
        MediaSession s = engine.createSession(callId, icePolicy(), new RecordingMediaListener());
        s.createOffer(false).handle((o, e) -> null).join();
        s.close().join();
      }));
    }
    get(CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)));

    assertThat(engine.openSessions()).isZero();
    await().atMost(timeout()).untilAsserted(
        () -> assertThat(engine.liveNativeObjects()).isLessThanOrEqualTo(nativeBaseline));
  }

  // ---------------------------------------------------------------- helpers

  /** A caller and a callee session that completed offer/answer and both report CONNECTED. */
  protected final class Pair {
    /** The offering session. */
    public final MediaSession caller;
    /** The answering session. */
    public final MediaSession callee;
    /** What the caller's listener heard. */
    public final RecordingMediaListener callerListener;
    /** What the callee's listener heard. */
    public final RecordingMediaListener calleeListener;
    /** The caller's offer. */
    public final SessionDescription offer;
    /** The callee's answer. */
    public final SessionDescription answer;

    Pair(MediaSession caller, MediaSession callee, RecordingMediaListener callerListener,
        RecordingMediaListener calleeListener, SessionDescription offer,
        SessionDescription answer) {
      this.caller = caller;
      this.callee = callee;
      this.callerListener = callerListener;
      this.calleeListener = calleeListener;
      this.offer = offer;
      this.answer = answer;
    }

    /**
     * Closes both sessions.
     *
     * @throws Exception when a close fails or does not complete in time
     */
    public void close() throws Exception {
      get(caller.close());
      get(callee.close());
    }
  }

  /**
   * Two sessions of the engine, connected through offer/answer and trickled candidates.
   *
   * @return the connected pair
   * @throws Exception when a step fails or does not complete in time
   */
  protected Pair connectedPair() throws Exception {
    RecordingMediaListener la = new RecordingMediaListener();
    RecordingMediaListener lb = new RecordingMediaListener();
    MediaSession a = engine.createSession("call-a", icePolicy(), la);
    MediaSession b = engine.createSession("call-b", icePolicy(), lb);
    la.forwardTo(b::addRemoteCandidate);
    lb.forwardTo(a::addRemoteCandidate);

    SessionDescription offer = get(a.createOffer(false));
    SessionDescription answer = get(b.acceptOffer(offer));
    get(a.acceptAnswer(answer));

    awaitState(a, MediaState.CONNECTED);
    awaitState(b, MediaState.CONNECTED);
    return new Pair(a, b, la, lb, offer, answer);
  }

  /**
   * Waits (at most {@link #timeout()}) until {@code s} reports {@code state}.
   *
   * @param s the session
   * @param state the state to wait for
   */
  protected void awaitState(MediaSession s, MediaState state) {
    await().atMost(timeout()).pollInterval(Duration.ofMillis(10))
        .untilAsserted(() -> assertThat(s.state()).as("state of " + s.callId()).isEqualTo(state));
  }

  /**
   * The result of {@code f}, waiting at most {@link #timeout()}.
   *
   * @param <T> the result type
   * @param f the future
   * @return its result
   * @throws Exception the future's failure, or an {@link AssertionError} on timeout
   */
  protected <T> T get(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not completed within " + timeout(), e);
    }
  }

  private void assertClosed(CompletableFuture<?> f) {
    assertThatThrownBy(() -> f.get(timeout().toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(ClosedException.class);
  }

  private void assertFails(CompletableFuture<?> f) {
    assertThatThrownBy(() -> f.get(timeout().toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOfAny(ExecutionException.class, CompletionException.class);
  }

  private static String iceUfrag(String sdp) {
    for (String line : sdp.split("\r?\n")) {
      if (line.startsWith("a=ice-ufrag:")) {
        return line.substring("a=ice-ufrag:".length());
      }
    }
    return null;
  }
}
