package dev.patchbay.testkit.internal;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signaling WebSocket. Jetty events are forwarded to the {@link EdgeModel}; outbound
 * frames pass through the fault pipeline (delay, stall, duplicate, reorder, drop).
 */
public final class EdgeConnection implements Session.Listener.AutoDemanding {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeConnection.class);
  /**
   * A frame held back for reordering goes out after the next call frame, or after this delay
   * if none follows (long enough that a busy machine does not change the seeded order).
   */
  static final long REORDER_FLUSH_MS = 150;
  /** How many ended calls a connection remembers for a later {@code resume} of it. */
  static final int MAX_ENDED_CALLS = 64;

  final EdgeModel model;
  final String id;
  final String tenant;
  final String user;
  /** The access token this connection is bound to (changes on reauth). Guarded by model. */
  String token;
  TokenStore.AccessGrant grant;
  volatile Session session;
  /** Guarded by model. */
  boolean opened;
  boolean closed;
  boolean draining;
  /** The upgrade's {@code Patchbay-Upgrade-Id}, or null: a repeat of it replaces this one. */
  String upgradeId;
  ScheduledFuture<?> heartbeat;
  ScheduledFuture<?> expiry;
  /** Set once the edge has closed this socket for an expired token (counted once). */
  boolean expiryClosing;
  ScheduledFuture<?> drainClose;
  ScheduledFuture<?> reservationTimeout;
  volatile boolean awaitingPong;
  private final Object outLock = new Object();
  private String heldForReorder;
  private Frame heldFrame;
  private final List<Frame> stalled = new ArrayList<>();
  /**
   * Work a Jetty callback asked for while this thread held {@code outLock}: Jetty reports a send
   * that fails at once inline, on the sending thread, and its error and close callbacks take the
   * model's lock — which a thread holding the model's lock and waiting for {@code outLock} to
   * send (an error answer from {@code onText}) would never give back. {@link #write} hands it to
   * its caller, which runs it after releasing the lock. Guarded by outLock.
   */
  private final List<Runnable> afterSend = new ArrayList<>();
  final AtomicInteger framesSeen = new AtomicInteger();
  /**
   * How calls bound to this connection ended, as this party was (or would have been) told:
   * answered in {@code resumed} when a resume names this connection. Guarded by model; the
   * newest {@link #MAX_ENDED_CALLS} are kept, and they go with the connection object (which
   * the edge holds no longer than the resume window after the socket is gone).
   */
  private final Map<String, Frames.CallStatus> endedCalls =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Frames.CallStatus> eldest) {
          return size() > MAX_ENDED_CALLS;
        }
      };

  EdgeConnection(EdgeModel model, String id, String tenant, String user, String token,
      TokenStore.AccessGrant grant) {
    this.model = model;
    this.id = id;
    this.tenant = tenant;
    this.user = user;
    this.token = token;
    this.grant = grant;
  }

  public String id() {
    return id;
  }

  public String user() {
    return user;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    model.onOpen(this);
  }

  @Override
  public void onWebSocketText(String message) {
    model.onText(this, message);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback cb) {
    cb.succeed();
    model.onBinary(this);
  }

  @Override
  public void onWebSocketPing(ByteBuffer payload) {
    Session s = session;
    if (s != null && !model.faults.conditionsOf(this).withholdPongs()) {
      s.sendPong(payload, Callback.NOOP);
    }
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    awaitingPong = false;
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("socket {} of {} failed: {}", id, user, cause.toString());
    // the socket is failing (e.g. 1009): no longer live for 409
    outsideSendLock(() -> model.unbindToken(this));
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    outsideSendLock(() -> model.onClose(this, statusCode));
  }

  /** Runs {@code work} now, or after the send lock when called inline by a send under it. */
  private void outsideSendLock(Runnable work) {
    if (Thread.holdsLock(outLock)) {
      afterSend.add(work);
    } else {
      work.run();
    }
  }

  // ---- ended calls (guarded by model) ---------------------------------------------------

  void recordEnded(String callId, Integer status, String reason) {
    endedCalls.put(callId, new Frames.CallStatus(callId, Frames.CallStatus.ENDED, null, status,
        reason));
  }

  /** How the call ended for this party, or null if this connection saw no end of it. */
  Frames.CallStatus endedCall(String callId) {
    return endedCalls.get(callId);
  }

  boolean hasEndedCalls() {
    return !endedCalls.isEmpty();
  }

  // ---- outbound -------------------------------------------------------------------------

  /** Sends a frame through the fault pipeline. */
  void send(Frame frame) {
    FaultState.Conditions f = model.faults.conditionsOf(this);
    if (f.stall()) {
      synchronized (outLock) {
        stalled.add(frame);
      }
      return;
    }
    Duration delay = f.frameDelay();
    if (delay != null && !delay.isZero()) {
      model.scheduler.schedule(() -> sendNow(frame), delay.toNanos(), TimeUnit.NANOSECONDS);
      return;
    }
    sendNow(frame);
  }

  /** Frames held by a stall right now. */
  int stalledFrames() {
    synchronized (outLock) {
      return stalled.size();
    }
  }

  /** Releases frames held by a stall, in order. */
  void releaseStalled() {
    List<Frame> out;
    synchronized (outLock) {
      out = new ArrayList<>(stalled);
      stalled.clear();
    }
    out.forEach(this::sendNow);
  }

  private void sendNow(Frame frame) {
    FaultState.Conditions f = model.faults.conditionsOf(this);
    boolean callFrame = frame.callIdOrNull() != null;
    String text = model.codec.encode(frame);
    Runnable due;
    synchronized (outLock) {
      if (callFrame && f.reorder()) {
        if (heldForReorder == null && model.faults.nextBoolean()) {
          heldForReorder = text;
          heldFrame = frame;
          model.scheduler.schedule(this::flushReordered, REORDER_FLUSH_MS, TimeUnit.MILLISECONDS);
          return;
        }
        due = both(write(frame, text), flushReorderedLocked());
      } else {
        due = write(frame, text);
        if (callFrame && f.duplicate()) {
          due = both(due, write(frame, text));
        }
      }
    }
    due.run(); // outside the lock: a frame trigger's fault takes the model's lock (disconnect)
  }

  private void flushReordered() {
    Runnable due;
    synchronized (outLock) {
      due = flushReorderedLocked();
    }
    due.run();
  }

  private Runnable flushReorderedLocked() {
    if (heldForReorder == null) {
      return NOTHING;
    }
    String t = heldForReorder;
    Frame fr = heldFrame;
    heldForReorder = null;
    heldFrame = null;
    return write(fr, t);
  }

  private static final Runnable NOTHING = () -> { };

  private static Runnable both(Runnable a, Runnable b) {
    return a == NOTHING ? b : b == NOTHING ? a : () -> {
      a.run();
      b.run();
    };
  }

  /**
   * Writes one frame (under {@code outLock}, so frames keep their order) and returns what its
   * frame count made due (a frame trigger's fault) and what Jetty's callbacks reported while
   * sending ({@link #afterSend}), which the caller runs after releasing the lock: both may take
   * the model's lock, which a thread holding it while sending (an error answer from
   * {@code onText}) would otherwise wait on in the opposite order.
   */
  private Runnable write(Frame frame, String text) {
    Session s = session;
    if (s == null || !s.isOpen()) {
      return NOTHING;
    }
    model.logFrame(this, true, frame, text);
    Runnable due = model.countFrame(this); // before the send: see FaultState.onFrame
    s.sendText(text, Callback.NOOP);
    model.counters.inc("framesOut");
    if (afterSend.isEmpty()) {
      return due;
    }
    List<Runnable> reported = new ArrayList<>(afterSend);
    afterSend.clear();
    return both(due, () -> reported.forEach(Runnable::run));
  }

  /** Writes {@code text} as one text frame as is: no encoding, no fault pipeline, not logged. */
  void sendRaw(String text) {
    Session s = session;
    if (s != null && s.isOpen()) {
      s.sendText(text, Callback.NOOP);
      model.counters.inc("rawFramesOut");
    }
  }

  void sendPing() {
    Session s = session;
    if (s != null && s.isOpen()) {
      awaitingPong = true;
      s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
    }
  }

  void close(int code, String reason) {
    model.unbindToken(this); // a connection the edge is closing is no longer live (409)
    Session s = session;
    if (s != null) {
      s.close(code, reason, Callback.NOOP);
    }
  }

  void disconnect() {
    model.unbindToken(this);
    Session s = session;
    if (s != null) {
      s.disconnect();
    }
  }

  @Override
  public String toString() {
    return "connection " + id + " of " + user + "@" + tenant + (draining ? " (draining)" : "");
  }
}
