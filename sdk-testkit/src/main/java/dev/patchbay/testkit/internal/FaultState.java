package dev.patchbay.testkit.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The scripted faults of one edge. Thread-safe; all fields are read on every event. */
public final class FaultState {
  /** One armed refusal script. */
  public record Refusal(int status, Duration retryAfter, AtomicInteger remaining) {}

  /** A scripted token-endpoint answer. */
  public record TokenStatus(int status, String retryAfter, AtomicInteger remaining) {}

  public volatile Refusal refuseUpgrades;
  public volatile Duration handshakeDelay = Duration.ZERO;
  public volatile TokenStatus tokenStatus;
  /** A scripted revocation-endpoint answer (same shape as {@link #tokenStatus}). */
  public volatile TokenStatus revokeStatus;
  public volatile boolean refuseTokenRefresh;
  public volatile boolean candidatesBeforeAnswer;
  public volatile boolean duplicateFrames;
  public volatile boolean reorderFrames;
  public final Map<String, Boolean> withholdPongs = new ConcurrentHashMap<>();
  /** user → frames left before the socket is dropped. */
  public final Map<String, AtomicInteger> dropAfterFrames = new ConcurrentHashMap<>();
  /** users whose socket is dropped when one of their calls becomes active. */
  public final Map<String, Boolean> dropOnAnswer = new ConcurrentHashMap<>();
  /** user → fixed delay of every edge→client frame. */
  public final Map<String, Duration> delayFrames = new ConcurrentHashMap<>();
  /** users whose edge→client frames are held until released. */
  public final Map<String, Boolean> stallFrames = new ConcurrentHashMap<>();

  private final long seed;
  private Random random;

  public FaultState(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
  }

  /** The seeded source of every random fault decision. */
  public synchronized int nextInt(int bound) {
    return random.nextInt(bound);
  }

  public synchronized boolean nextBoolean() {
    return random.nextBoolean();
  }

  public synchronized void clear() {
    refuseUpgrades = null;
    handshakeDelay = Duration.ZERO;
    tokenStatus = null;
    revokeStatus = null;
    refuseTokenRefresh = false;
    candidatesBeforeAnswer = false;
    duplicateFrames = false;
    reorderFrames = false;
    withholdPongs.clear();
    dropAfterFrames.clear();
    dropOnAnswer.clear();
    delayFrames.clear();
    stallFrames.clear();
    random = new Random(seed);
  }

  /** Takes one scripted refusal, or null. */
  public Refusal takeRefusal() {
    Refusal r = refuseUpgrades;
    if (r != null && r.remaining().getAndDecrement() > 0) {
      return r;
    }
    return null;
  }

  public TokenStatus takeRevokeStatus() {
    TokenStatus t = revokeStatus;
    if (t != null && t.remaining().getAndDecrement() > 0) {
      return t;
    }
    return null;
  }

  public TokenStatus takeTokenStatus() {
    TokenStatus t = tokenStatus;
    if (t != null && t.remaining().getAndDecrement() > 0) {
      return t;
    }
    return null;
  }
}
