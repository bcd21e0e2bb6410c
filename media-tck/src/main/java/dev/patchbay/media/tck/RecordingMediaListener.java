package dev.patchbay.media.tck;

import dev.patchbay.media.IceCandidate;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A {@link MediaSession.Listener} that records everything and can forward local candidates to a
 * peer. After {@link #seal()} any further call is counted in {@link #callsAfterSeal()}.
 */
public final class RecordingMediaListener implements MediaSession.Listener {
  /** Every local candidate, in order. */
  public final List<IceCandidate> candidates = new CopyOnWriteArrayList<>();
  /** Every state change, in order. */
  public final List<MediaState> states = new CopyOnWriteArrayList<>();
  /** Every negotiation-needed call (its {@code iceRestart} flag), in order. */
  public final List<Boolean> negotiationsNeeded = new CopyOnWriteArrayList<>();
  /** Counted down by {@link #onLocalCandidatesComplete()}. */
  public final CountDownLatch candidatesComplete = new CountDownLatch(1);
  private final AtomicInteger callsAfterSeal = new AtomicInteger();
  private final List<String> threads = new CopyOnWriteArrayList<>();
  private volatile boolean sealed;
  private volatile Consumer<IceCandidate> forward = c -> {};

  /** A listener that records and forwards nothing yet. */
  public RecordingMediaListener() {}

  /**
   * Forwards every local candidate (from now on) to {@code sink}, e.g. the peer session.
   *
   * @param sink where candidates go
   */
  public void forwardTo(Consumer<IceCandidate> sink) {
    this.forward = sink;
  }

  /** Marks the session closed: from now on every call is a contract violation. */
  public void seal() {
    sealed = true;
  }

  /**
   * Listener calls after {@link #seal()}: each one is a contract violation.
   *
   * @return the count
   */
  public int callsAfterSeal() {
    return callsAfterSeal.get();
  }

  /**
   * Names of the threads the engine called this listener on.
   *
   * @return the thread names, one per call
   */
  public List<String> threads() {
    return threads;
  }

  /**
   * The last state reported, or {@link MediaState#NEW}.
   *
   * @return the state
   */
  public MediaState lastState() {
    return states.isEmpty() ? MediaState.NEW : states.get(states.size() - 1);
  }

  private void record() {
    threads.add(Thread.currentThread().getName());
    if (sealed) {
      callsAfterSeal.incrementAndGet();
    }
  }

  @Override
  public void onLocalCandidate(IceCandidate candidate) {
    record();
    candidates.add(candidate);
    forward.accept(candidate);
  }

  @Override
  public void onLocalCandidatesComplete() {
    record();
    candidatesComplete.countDown();
  }

  @Override
  public void onStateChange(MediaState state) {
    record();
    states.add(state);
  }

  @Override
  public void onNegotiationNeeded(boolean iceRestart) {
    record();
    negotiationsNeeded.add(iceRestart);
  }
}
