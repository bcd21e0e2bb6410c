package dev.patchbay.internal.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.IcePolicy;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.internal.admission.Permit;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.retry.Backoff;
import dev.patchbay.internal.ua.Events;
import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.media.MediaSession;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A dial on a connected agent with a free negotiation slot creates the call's media in the same
 * actor task (no hop to the actor between admission and the offer); otherwise it waits for
 * admission on the actor as before.
 */
class DialAdmissionTest {
  private final MediaEngine engine = MediaEngines.signalingOnly();
  private final ArrayDeque<Runnable> actorQueue = new ArrayDeque<>();
  private final List<String> mediaCreated = new ArrayList<>();
  private CompletableFuture<Void> connected = CompletableFuture.completedFuture(null);
  private CompletableFuture<Permit> permit = CompletableFuture.completedFuture(Permit.NONE);

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  @Test
  void connectedWithAFreeSlotTheMediaIsCreatedInTheDialsOwnTask() {
    RealCall call = RealCall.outbound(new QueuedActorHost(), "call-1", "bob");

    call.dial(new CompletableFuture<>());

    assertThat(mediaCreated).as("created before any other actor task ran")
        .containsExactly("call-1");
  }

  @Test
  void whileAdmissionWaitsTheMediaIsCreatedOnTheActorOnceAdmitted() {
    permit = new CompletableFuture<>();
    RealCall call = RealCall.outbound(new QueuedActorHost(), "call-2", "bob");

    call.dial(new CompletableFuture<>());
    assertThat(mediaCreated).isEmpty();
    permit.complete(Permit.NONE);
    assertThat(mediaCreated).as("not on the thread that freed the slot").isEmpty();
    runActor();

    assertThat(mediaCreated).containsExactly("call-2");
  }

  @Test
  void anAgentThatClosedBeforeTheDialFailsItInTheDialsOwnTask() {
    connected = CompletableFuture.failedFuture(new IllegalStateException("agent closed"));
    RealCall call = RealCall.outbound(new QueuedActorHost(), "call-3", "bob");
    CompletableFuture<Call> result = new CompletableFuture<>();

    call.dial(result);
    runActor();

    assertThat(mediaCreated).isEmpty();
    assertThat(call.state()).isEqualTo(CallState.FAILED);
    assertThat(call.endReason()).contains(EndReason.CLOSED);
    assertThat(result).isCompletedExceptionally();
  }

  private void runActor() {
    Runnable r;
    while ((r = actorQueue.poll()) != null) {
      r.run();
    }
  }

  /** An actor whose tasks wait in a queue until the test runs them. */
  private final class QueuedActorHost implements CallHost {
    private final UserAgentOptions options = UserAgentOptions.defaults("acme");
    private final Backoff backoff = new Backoff(options.inviteRetry(), new SplittableRandom(1));

    @Override
    public String tenant() {
      return "acme";
    }

    @Override
    public String userId() {
      return "alice";
    }

    @Override
    public UserAgentOptions options() {
      return options;
    }

    @Override
    public Executor actor() {
      return actorQueue::add;
    }

    @Override
    public boolean send(Frame frame) {
      return true;
    }

    @Override
    public CompletableFuture<Void> whenConnected() {
      return connected;
    }

    @Override
    public CompletableFuture<Boolean> whenNextConnected() {
      return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<Permit> acquireNegotiation() {
      return permit;
    }

    @Override
    public MediaSession createMedia(String callId, MediaSession.Listener listener) {
      mediaCreated.add(callId);
      return engine.createSession(callId, IcePolicy.defaults(), listener);
    }

    @Override
    public Future<?> schedule(Duration delay, Runnable task) {
      return new CompletableFuture<>();
    }

    @Override
    public void toApp(Runnable callback) {
      callback.run();
    }

    @Override
    public Backoff inviteBackoff() {
      return backoff;
    }

    @Override
    public Events events() {
      return Events.NONE;
    }

    @Override
    public void released(RealCall call) {}
  }
}
