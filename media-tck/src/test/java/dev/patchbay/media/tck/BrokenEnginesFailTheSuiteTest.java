package dev.patchbay.media.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;

import dev.patchbay.IcePolicy;
import dev.patchbay.media.IceCandidate;
import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import dev.patchbay.media.SessionDescription;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The TCK can fail: the suite, run (through the JUnit Platform test kit) against engines that
 * break one rule of the contract each, reports those tests as failed, and passes a sound engine.
 * The suites below are nested classes, which surefire does not run on their own.
 */
class BrokenEnginesFailTheSuiteTest {

  @Test
  void aSoundEnginePassesEveryTest() {
    Events tests = run(SoundSuite.class);
    assertThat(tests.started().count()).isGreaterThanOrEqualTo(13);
    assertThat(tests.failed().count()).isZero();
  }

  @Test
  void anEngineThatNeverForgetsASessionFails() {
    Events tests = run(LeakingSuite.class);
    // every test that creates a session fails (at the latest in the after-each leak check)
    assertThat(tests.failed().count()).isEqualTo(tests.started().count() - 1);
    tests.assertThatEvents().haveExactly(1,
        event(test("createdSessionIsCountedUntilClosed"), finishedWithFailure()))
        .haveExactly(1, event(test("nameIsNotBlank"),
            org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully()));
  }

  @Test
  void aClosedSessionThatStillAnswersFailsExactlyThatRule() {
    Events tests = run(AnsweringAfterCloseSuite.class);
    assertThat(tests.failed().count()).isEqualTo(1);
    tests.assertThatEvents().haveExactly(1,
        event(test("closedSessionRefusesWorkAndNeverCallsItsListener"), finishedWithFailure()));
  }

  private static Events run(Class<?> suite) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(suite)).execute()
        .testEvents();
  }

  /** Core's signaling-only engine, unchanged. */
  static class SoundSuite extends MediaEngineTestSuite {
    @Override
    protected MediaEngine createEngine() {
      return MediaEngines.signalingOnly();
    }
  }

  /** openSessions() counts every session ever created: closing one does not release it. */
  static class LeakingSuite extends MediaEngineTestSuite {
    @Override
    protected MediaEngine createEngine() {
      MediaEngine real = MediaEngines.signalingOnly();
      AtomicInteger created = new AtomicInteger();
      return new Forwarding(real) {
        @Override
        public MediaSession createSession(String callId, IcePolicy policy,
            MediaSession.Listener listener) {
          MediaSession s = real.createSession(callId, policy, listener);
          created.incrementAndGet();
          return s;
        }

        @Override
        public int openSessions() {
          return created.get();
        }
      };
    }
  }

  /** A closed session still makes offers instead of failing with ClosedException. */
  static class AnsweringAfterCloseSuite extends MediaEngineTestSuite {
    @Override
    protected MediaEngine createEngine() {
      MediaEngine real = MediaEngines.signalingOnly();
      return new Forwarding(real) {
        @Override
        public MediaSession createSession(String callId, IcePolicy policy,
            MediaSession.Listener listener) {
          return new StillAnswering(real.createSession(callId, policy, listener));
        }
      };
    }
  }

  /** An engine that forwards everything to another one. */
  private static class Forwarding implements MediaEngine {
    private final MediaEngine real;

    Forwarding(MediaEngine real) {
      this.real = real;
    }

    @Override
    public String name() {
      return "broken-" + real.name();
    }

    @Override
    public MediaSession createSession(String callId, IcePolicy policy,
        MediaSession.Listener listener) {
      return real.createSession(callId, policy, listener);
    }

    @Override
    public int openSessions() {
      return real.openSessions();
    }

    @Override
    public long liveNativeObjects() {
      return real.liveNativeObjects();
    }

    @Override
    public void close() {
      real.close();
    }
  }

  /** Forwards to a real session, but after close() createOffer succeeds with a stale offer. */
  private static final class StillAnswering implements MediaSession {
    private final MediaSession real;
    private final AtomicBoolean closed = new AtomicBoolean();

    StillAnswering(MediaSession real) {
      this.real = real;
    }

    @Override
    public String callId() {
      return real.callId();
    }

    @Override
    public CompletableFuture<SessionDescription> createOffer(boolean iceRestart) {
      if (closed.get()) {
        return CompletableFuture.completedFuture(
            SessionDescription.offer("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"));
      }
      return real.createOffer(iceRestart);
    }

    @Override
    public CompletableFuture<SessionDescription> acceptOffer(SessionDescription offer) {
      return real.acceptOffer(offer);
    }

    @Override
    public CompletableFuture<Void> acceptAnswer(SessionDescription answer) {
      return real.acceptAnswer(answer);
    }

    @Override
    public void addRemoteCandidate(IceCandidate candidate) {
      real.addRemoteCandidate(candidate);
    }

    @Override
    public void endOfRemoteCandidates() {
      real.endOfRemoteCandidates();
    }

    @Override
    public MediaState state() {
      return real.state();
    }

    @Override
    public CompletableFuture<Void> close() {
      closed.set(true);
      return real.close();
    }
  }
}
