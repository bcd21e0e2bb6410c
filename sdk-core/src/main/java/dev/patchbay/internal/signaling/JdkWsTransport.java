package dev.patchbay.internal.signaling;

import dev.patchbay.PatchbayException;
import dev.patchbay.ProtocolException;
import dev.patchbay.internal.Errors;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WsTransport} on the JDK's {@code java.net.http.WebSocket}: one shared
 * {@link HttpClient} (one selector thread, no thread per socket), redirects never followed,
 * TLS with host-name verification (the JDK's default), partial messages counted while they are
 * read, and reading bounded by the characters handed over and not yet handled (at most about
 * two messages' worth per socket). Invalid UTF-8 is detected by the JDK itself, which fails the
 * connection with 1007. A message over the limit is refused with 1008, since the JDK reserves
 * 1009 for itself.
 *
 * <p><b>Why the JDK's events run inline and the next message is asked for at once.</b> The
 * JDK (17 to 25) loses an end of stream that it reads while no message is asked for: its
 * {@code onComplete} acknowledges a reception that has no demand, throws {@code InternalError}
 * on the selector thread, and the listener never hears of it; the socket then looks open until
 * the heartbeat misses a pong. A peer that sends a message and then closes its socket is the
 * common case (an edge crashing, a drop right after a frame). So the listener runs on the
 * selector thread (the client's executor runs tasks inline; everything here only hands over)
 * and asks for the next message before it returns, which puts the demand back before the
 * selector reads on. Only while the budget is spent (a flood the host has not worked off yet)
 * is nothing asked for, and there the heartbeat bounds the detection.
 */
public final class JdkWsTransport implements WsTransport {
  private static final Logger LOG = LoggerFactory.getLogger(JdkWsTransport.class);
  /** Outbound text not yet handed to the JDK (OkHttp's limit was the same 16 MiB). */
  static final long MAX_QUEUED_CHARS = 16L * 1024 * 1024;
  /** The close code for an inbound message over the limit (see {@code refuseTooBig}). */
  static final int TOO_BIG_CODE = 1008;

  private final HttpClient client;
  private final ScheduledExecutorService scheduler;
  private final Duration connectTimeout;
  private final Duration closeGrace;
  private final Clock clock;
  private final Set<JdkLink> live = ConcurrentHashMap.newKeySet();
  /** Set once by {@link #stopWaitingForCloseReplies()}: a close frame written ends its link. */
  private volatile boolean closeWithoutReply;

  /**
   * @param ssl the TLS context, or null for the JDK's default (platform trust store)
   * @param scheduler for the bounded wait after a close we send when failing a link
   */
  public JdkWsTransport(SSLContext ssl, ScheduledExecutorService scheduler,
      Duration connectTimeout, Duration closeGrace, Clock clock) {
    smallWebSocketBuffers();
    HttpClient.Builder b = HttpClient.newBuilder()
        .executor(Runnable::run) // see the class comment: no hand-off between reads

        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .version(HttpClient.Version.HTTP_1_1);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.client = b.build();
    this.scheduler = scheduler;
    this.connectTimeout = connectTimeout;
    this.closeGrace = closeGrace;
    this.clock = clock;
  }

  /** Per-WebSocket write and encode buffer size (the JDK's default is 16 KiB each). */
  static final int WEBSOCKET_BUFFER_BYTES = 2048;

  /**
   * The JDK gives every WebSocket a 16 KiB write buffer and a 16 KiB encode buffer, allocated
   * when it opens and held for its life: 32 KiB of an idle agent's heap. Signaling frames are a
   * few KiB at most and a larger one is simply written in several chunks, so 2 KiB each is
   * enough. The JDK reads these two properties (they concern WebSockets only) whenever it opens
   * one; a value the app set on the command line or before is kept.
   */
  static void smallWebSocketBuffers() {
    for (String name : new String[] {"jdk.httpclient.websocket.writeBufferSize",
        "jdk.httpclient.websocket.intermediateBufferSize"}) {
      try {
        if (System.getProperty(name) == null) {
          System.setProperty(name, Integer.toString(WEBSOCKET_BUFFER_BYTES));
        }
      } catch (SecurityException e) {
        LOG.debug("cannot set {}; the JDK's default applies", name);
      }
    }
  }

  @Override
  public Link connect(URI uri, String subprotocol, Map<String, String> headers,
      int maxMessageChars, Listener listener) {
    JdkLink link = new JdkLink(listener, maxMessageChars);
    WebSocket.Builder b = client.newWebSocketBuilder()
        .connectTimeout(connectTimeout)
        .subprotocols(subprotocol);
    headers.forEach(b::header);
    live.add(link);
    CompletableFuture<WebSocket> handshake;
    try {
      handshake = b.buildAsync(uri, link);
    } catch (RuntimeException e) { // executor shut down, bad header: nothing was started
      live.remove(link);
      throw e;
    }
    link.handshake = handshake;
    handshake.whenComplete((ws, err) -> {
      if (err != null) {
        link.fail(upgradeFailure(err));
      } else if (link.ended.get()) {
        ws.abort(); // aborted while the upgrade was under way
      }
    });
    return link;
  }

  /** Links not yet ended (for tests and diagnostics). */
  int liveLinks() {
    return live.size();
  }

  @Override
  public void stopWaitingForCloseReplies() {
    closeWithoutReply = true;
    for (JdkLink l : live) {
      l.endIfClosing();
    }
  }

  @Override
  public void close() {
    for (JdkLink l : live) {
      l.abort();
    }
    // Java 21+: HttpClient is AutoCloseable and can stop its selector thread at once; on 17 the
    // thread ends by itself once the client is unreachable.
    try {
      Method shutdownNow = HttpClient.class.getMethod("shutdownNow");
      shutdownNow.invoke(client);
    } catch (NoSuchMethodException e) {
      // Java 17
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("could not shut the HTTP client down", e);
    }
  }

  private PatchbayException upgradeFailure(Throwable err) {
    Throwable t = err;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof WebSocketHandshakeException h) {
      HttpResponse<?> r = h.getResponse();
      int status = r.statusCode();
      if (status == 101) {
        Throwable why = h.getCause();
        return Errors.protocol("the edge's upgrade answer is not a valid WebSocket "
            + "handshake for " + SignalingSocket.SUBPROTOCOL + " ("
            + sanitize(why == null ? "" : why.getMessage()) + ")", h);
      }
      Object body = r.body();
      java.net.http.HttpHeaders headers = r.headers();
      java.util.function.Function<String, String> header =
          name -> headers.firstValue(name).orElse(null);
      return UpgradeRefusals.map(status, header, body instanceof String text ? text : null,
          clock.instant());
    }
    SSLException refused = UpgradeRefusals.tlsRefusalIn(t);
    if (refused != null) {
      return UpgradeRefusals.tlsRefused(refused);
    }
    if (t instanceof HttpTimeoutException) {
      return Errors.patchbay("cannot connect to the edge: the upgrade timed out after "
          + connectTimeout.toMillis() + " ms", t, true, 0, null);
    }
    return Errors.patchbay("cannot connect to the edge: " + t.getClass().getSimpleName(),
        t, true, 0, null);
  }

  static String sanitize(String s) {
    if (s == null) {
      return "";
    }
    String c = s.replaceAll("[^\\w .:\\-]", "?");
    return c.length() > 120 ? c.substring(0, 120) : c;
  }

  private record CloseItem(int code, String reason) {}

  /** One connection; also the JDK's listener for it (whose calls come one at a time). */
  private final class JdkLink implements Link, WebSocket.Listener {
    private final Listener listener;
    private final int maxChars;
    final AtomicBoolean ended = new AtomicBoolean();
    private final Object events = new Object();
    private boolean terminalSent; // guarded by events
    volatile CompletableFuture<WebSocket> handshake;
    private volatile WebSocket ws;
    // receive side: touched only by the JDK's sequential listener calls
    private StringBuilder partial;
    private long binaryBytes;
    // the read budget: characters handed to the listener and not yet handled
    private final Object budget = new Object();
    private long handedOver; // guarded by budget
    private boolean paused; // guarded by budget: the next message is not asked for yet
    // send side: guarded by this
    private final ArrayDeque<Object> outbound = new ArrayDeque<>();
    private long queuedChars;
    private boolean sending;
    private boolean closeQueued;
    private boolean awaitReply; // our close's reply matters: not ended by closeWithoutReply
    private volatile boolean closeSent;
    private final AtomicBoolean pinging = new AtomicBoolean();
    private volatile ScheduledFuture<?> graceAbort;

    JdkLink(Listener listener, int maxChars) {
      this.listener = listener;
      this.maxChars = maxChars;
    }

    // ---- Link

    @Override
    public synchronized boolean sendText(String text) {
      if (ended.get() || closeQueued || queuedChars + text.length() > MAX_QUEUED_CHARS) {
        return false;
      }
      outbound.add(text);
      queuedChars += text.length();
      drain();
      return true;
    }

    @Override
    public boolean sendPing() {
      WebSocket w = ws;
      if (w == null || ended.get() || !pinging.compareAndSet(false, true)) {
        return false;
      }
      try {
        w.sendPing(ByteBuffer.allocate(0)).whenComplete((r, e) -> pinging.set(false));
      } catch (RuntimeException e) {
        pinging.set(false);
        return false;
      }
      return true;
    }

    @Override
    public synchronized boolean close(int code, String reason, String request) {
      if (ended.get() || closeQueued) {
        return false;
      }
      closeQueued = true;
      awaitReply = request != null;
      if (request != null) { // the JDK client sends one message at a time: two writes
        outbound.add(request);
        queuedChars += request.length();
      }
      outbound.add(new CloseItem(code, reason == null ? "" : reason));
      drain();
      return true;
    }

    @Override
    public void abort() {
      ended.set(true);
      live.remove(this);
      WebSocket w = ws;
      if (w != null) {
        release(w);
      }
      CompletableFuture<WebSocket> h = handshake;
      if (h != null) {
        h.cancel(true);
      }
    }

    /** Ends the link at once if our close was queued or sent (or a peer's close is answered). */
    void endIfClosing() {
      boolean closing;
      synchronized (this) {
        closing = closeQueued && !awaitReply;
      }
      if (closing) {
        finish(() -> listener.onClosed(1006, ""));
        abort();
      }
    }

    private synchronized void drain() {
      WebSocket w = ws;
      if (sending || w == null || ended.get()) {
        return;
      }
      Object next = outbound.poll();
      if (next == null) {
        return;
      }
      sending = true;
      CompletableFuture<WebSocket> sent;
      try {
        if (next instanceof String text) {
          queuedChars -= text.length();
          sent = w.sendText(text, true);
        } else {
          CloseItem c = (CloseItem) next;
          closeSent = true;
          sent = w.sendClose(c.code(), c.reason());
        }
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      sent.whenComplete((r, e) -> {
        synchronized (this) {
          sending = false;
        }
        if (e == null && closeSent && closeWithoutReply) {
          endIfClosing(); // shutting down: the close frame is out, the reply is not waited for
          return;
        }
        if (e != null) {
          if (closeSent) {
            abort(); // an illegal close code or a dead socket: make sure it ends
            finish(() -> listener.onClosed(1006, ""));
          } else {
            fail(Errors.patchbay("signaling connection lost: "
                + rootName(e), e, true, 0, null));
            abortQuietly();
          }
          return;
        }
        drain();
      });
    }

    // ---- WebSocket.Listener (the JDK calls these one at a time)

    @Override
    public void onOpen(WebSocket webSocket) {
      if (ended.get()) {
        webSocket.abort();
        return;
      }
      ws = webSocket;
      emit(listener::onOpen);
      drain();
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      if (ended.get()) {
        return null; // discarding while a close we sent is under way
      }
      int have = partial == null ? 0 : partial.length();
      if ((long) have + data.length() > maxChars) {
        partial = null;
        refuseTooBig(webSocket, (long) have + data.length());
        return null;
      }
      if (!last) {
        if (partial == null) {
          partial = new StringBuilder(Math.min(maxChars, Math.max(256, 2 * data.length())));
        }
        partial.append(data);
        webSocket.request(1);
        return null;
      }
      String message;
      if (partial == null) {
        message = data.toString();
      } else {
        message = partial.append(data).toString();
        partial = null; // no capacity kept while idle
      }
      int size = message.length();
      boolean readOn;
      synchronized (budget) {
        handedOver += size;
        readOn = handedOver <= maxChars; // the message just read may take it up to ~2x
        paused = !readOn;
      }
      AtomicBoolean once = new AtomicBoolean();
      emit(() -> listener.onMessage(message, () -> {
        if (once.compareAndSet(false, true)) {
          handled(webSocket, size);
        }
      }));
      if (readOn) {
        webSocket.request(1); // before returning: see the class comment
      }
      return null;
    }

    private void handled(WebSocket webSocket, int size) {
      boolean resume;
      synchronized (budget) {
        handedOver -= size;
        resume = paused && handedOver <= maxChars;
        if (resume) {
          paused = false;
        }
      }
      if (resume && !ended.get()) {
        webSocket.request(1);
      }
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      if (ended.get()) {
        return null;
      }
      binaryBytes += data.remaining();
      if (binaryBytes > maxChars) {
        refuseTooBig(webSocket, binaryBytes);
        return null;
      }
      if (last) {
        long size = binaryBytes;
        binaryBytes = 0;
        emit(() -> listener.onBinary(size));
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      webSocket.request(1); // the JDK answers with a pong itself
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
      emit(listener::onPong);
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      if (ended.get() || closeSent) {
        release(webSocket); // the answer to our close (or a failed link): release the channel
        finish(() -> listener.onClosed(statusCode, reason));
        return null;
      }
      emit(() -> listener.onPeerClose(statusCode, reason));
      synchronized (this) {
        closeQueued = true;
        closeSent = true;
        outbound.clear();
        queuedChars = 0;
      }
      // Answer the edge's close ourselves (the JDK's automatic answer then finds the output
      // closed and stays silent); the socket ends once the answer is written.
      CompletableFuture<WebSocket> echo;
      try {
        echo = webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "");
      } catch (RuntimeException e) {
        echo = CompletableFuture.failedFuture(e);
      }
      echo.whenComplete((r, e) -> {
        webSocket.abort();
        finish(() -> listener.onClosed(statusCode, reason));
      });
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      if (ended.get()) {
        live.remove(this);
        release(webSocket);
        return;
      }
      PatchbayException cause;
      if (error instanceof java.net.ProtocolException) {
        String detail = error.getCause() != null ? error.getCause().getMessage()
            : error.getMessage();
        boolean utf8 = detail != null && detail.contains("UTF-8");
        cause = Errors.protocol(utf8
            ? "the edge sent a text message that is not valid UTF-8 (closed with 1007)"
            : "the edge broke the WebSocket protocol (" + sanitize(detail) + ")", error);
      } else {
        cause = Errors.patchbay("signaling connection lost: "
            + error.getClass().getSimpleName(), error, true, 0, null);
      }
      fail(cause);
      if (error instanceof java.net.ProtocolException) {
        // the JDK is sending its close (1007/1002) and then closes the channel; an abort now
        // could drop that close, so abort only if it has not ended within the bound
        graceAbort = scheduleAbort(webSocket);
      } else {
        webSocket.abort();
      }
    }

    // ---- ending

    /**
     * Over the limit: report at once, send a close, discard until the edge answers or a bound.
     * The code is 1008 (policy violation, RFC 6455's generic code), not 1009: the JDK's API
     * refuses to send 1002, 1003, 1007, 1009 and 1010 ({@code IllegalArgumentException}).
     */
    private void refuseTooBig(WebSocket webSocket, long seen) {
      fail(Errors.protocol("the edge sent a message over the " + maxChars
          + "-character limit (" + seen + "+ read so far); closed with " + TOO_BIG_CODE
          + " (message too big)"));
      closeSent = true;
      CompletableFuture<WebSocket> sent;
      try {
        sent = webSocket.sendClose(TOO_BIG_CODE, "message too big");
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      graceAbort = scheduleAbort(webSocket);
      sent.whenComplete((r, e) -> {
        if (e != null) {
          release(webSocket);
        }
      });
      webSocket.request(Long.MAX_VALUE); // read on, discarding, to see the edge's answer
    }

    /** Aborts the channel and drops the bounded wait, if one is armed. */
    private void release(WebSocket webSocket) {
      webSocket.abort();
      ScheduledFuture<?> g = graceAbort;
      if (g != null) {
        g.cancel(false);
      }
    }

    private ScheduledFuture<?> scheduleAbort(WebSocket webSocket) {
      try {
        return scheduler.schedule(webSocket::abort, closeGrace.toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        webSocket.abort();
        return null;
      }
    }

    void fail(PatchbayException cause) {
      finish(() -> listener.onFailure(cause));
    }

    private void abortQuietly() {
      WebSocket w = ws;
      if (w != null) {
        w.abort();
      }
    }

    /** The one terminal event of this link; later ones are dropped. */
    private void finish(Runnable terminal) {
      synchronized (events) {
        ended.set(true);
        live.remove(this);
        if (!terminalSent) {
          terminalSent = true;
          terminal.run();
        }
      }
    }

    private void emit(Runnable event) {
      synchronized (events) {
        if (!ended.get()) {
          event.run();
        }
      }
    }
  }

  private static String rootName(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName();
  }
}
