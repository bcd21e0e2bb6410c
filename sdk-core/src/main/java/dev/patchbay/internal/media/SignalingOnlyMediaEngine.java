package dev.patchbay.internal.media;

import dev.patchbay.IcePolicy;
import dev.patchbay.internal.Errors;
import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaSession;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link MediaEngine} that produces valid SDP and trickles one host candidate but opens no
 * media: for backends and load tests that only need the signaling. Java-only, so
 * {@link #liveNativeObjects()} is always 0.
 *
 * <p>Listener calls and future completions run on one engine thread, started on demand and
 * stopped after a second idle, so an idle engine holds no thread.
 */
public final class SignalingOnlyMediaEngine implements MediaEngine {
  private static final AtomicInteger ENGINE_IDS = new AtomicInteger();

  private final ThreadPoolExecutor thread;
  private final Set<SignalingOnlySession> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  public SignalingOnlyMediaEngine() {
    String name = "patchbay-signaling-media-" + ENGINE_IDS.incrementAndGet();
    this.thread = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
    this.thread.allowCoreThreadTimeOut(true);
  }

  @Override
  public String name() {
    return "signaling-only";
  }

  @Override
  public MediaSession createSession(String callId, IcePolicy policy, MediaSession.Listener listener) {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(listener, "listener");
    if (closed.get()) {
      throw Errors.closed("media engine " + name() + " is closed");
    }
    SignalingOnlySession s = new SignalingOnlySession(this, callId, listener);
    sessions.add(s);
    if (closed.get()) { // closed concurrently: do not leak the session
      s.close();
      throw Errors.closed("media engine " + name() + " is closed");
    }
    return s;
  }

  @Override
  public int openSessions() {
    return sessions.size();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (SignalingOnlySession s : sessions) {
      s.close();
    }
    thread.shutdown();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "SignalingOnlyMediaEngine{sessions=" + sessions.size() + ", closed=" + closed.get() + '}';
  }

  /** Runs {@code task} on the engine thread; false when the engine is shut down. */
  boolean execute(Runnable task) {
    try {
      thread.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  void released(SignalingOnlySession session) {
    sessions.remove(session);
  }

  <T> CompletableFuture<T> closedFuture() {
    return CompletableFuture.failedFuture(Errors.closed("media session is closed"));
  }
}
