package dev.patchbay.internal.signaling;

import dev.patchbay.PatchbayException;
import dev.patchbay.internal.Errors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WsTransport} written on {@link SocketChannel}s and one {@link Selector} thread: an
 * RFC 6455 client that owns the wire, so it can refuse an oversized message with 1009 while the
 * message is read, fail invalid UTF-8 with 1007 and any framing error with 1002, and report an
 * end of stream whenever it is read.
 *
 * <p><b>Memory.</b> Every link reads into the selector thread's one buffer; a link keeps only
 * what an unfinished message needs (grown on demand, dropped when the message is complete) and,
 * while its reading is paused, the bytes read after the message that spent the budget. Frames
 * are encoded (masked with a fresh random key each) into a buffer of their own size and written
 * straight from the sending thread when nothing is queued; what the socket does not take is
 * queued and written by the selector thread.
 *
 * <p><b>Upgrade.</b> HTTP/1.1 GET with the usual WebSocket headers; the answer is checked
 * (101, {@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Accept}, the subprotocol if
 * one is named, no extension). Any other status is a refusal mapped by {@link UpgradeRefusals}
 * (status, {@code Retry-After}, a body of known length up to 4 KiB); redirects are never
 * followed. The connect timeout bounds the TCP connect and the whole upgrade.
 *
 * <p><b>Closing.</b> A close frame is queued after the pending messages. A link whose close was
 * answered, or whose peer's close was echoed, ends with {@code onClosed}; a failed link sends
 * its close (1002, 1007, 1009) and waits at most the close grace for the peer's. Channels are
 * closed by the selector thread, many per wake-up; {@link #close()} closes all of them at once
 * and ends the thread.
 *
 * <p><b>TLS.</b> {@code wss://} links run here too, through an {@link SSLEngine} per link driven
 * by the selector thread: the given SSL context (or the JDK's default), TLS 1.3 and 1.2 only,
 * host-name verification ({@code HTTPS} endpoint identification) and SNI for host names. The
 * handshake's delegated tasks (certificate checks) run on the selector thread; the handshake is
 * part of the upgrade, so the connect timeout bounds it. A handshake refused by either side
 * (untrusted certificate, wrong host name, alert) fails the link with a non-retryable
 * {@link PatchbayException} that names the reason ({@code TokenEndpoint} does the same for
 * OAuth); other TLS errors are a lost (retryable) connection. Post-handshake messages (TLS 1.3
 * session tickets, key updates) are handled as they come; close_notify is sent before the
 * channel is closed once the handshake is done, and the peer's close_notify (or a TCP close in
 * the middle of a record) is an end of stream. Memory: every TLS link unwraps into one
 * selector-thread buffer (~80 KiB) and wraps into another (~16.5 KiB); a link keeps only a
 * partial record (or, while its reading is paused, the ciphertext not yet unwrapped) and the
 * ciphertext the socket did not take, each exactly sized and dropped when used. Frames of a TLS
 * link are wrapped and written by the selector thread (never straight from the sending thread).
 * Measured heap per idle agent, 2,000 agents on Java 17 (three runs on a shared 2-core machine):
 * 13.2–15.0 KiB on {@code wss://} against 55.1–59.7 KiB with {@link JdkWsTransport}, and 8.4
 * KiB on {@code ws://}; the ~5 KiB TLS adds is the JDK's per-connection TLS state (engine, sessions,
 * ciphers), not buffers. Command: {@code java -Xmx6g -Dbench.tls=true
 * -Dbench.transports=jdk,nio -cp ... dev.patchbay.benchmarks.core.IdleAgentsBenchmark 2000}
 * (README, "Signaling transport (sdk-core)").
 *
 * <p><b>Reading paused.</b> While the characters handed over and not yet handled exceed the
 * message limit, the link's channel is not read (TCP pushes back on the peer); an end of stream
 * behind the unread bytes is read as soon as reading resumes, or the heartbeat's missed pong
 * ends the link first.
 */
public final class NioWsTransport implements WsTransport {
  private static final Logger LOG = LoggerFactory.getLogger(NioWsTransport.class);
  /** Outbound frames not yet written, in bytes (JdkWsTransport's bound counts characters). */
  static final long MAX_QUEUED_BYTES = JdkWsTransport.MAX_QUEUED_CHARS;
  /** The close code for an inbound message over the limit. */
  static final int TOO_BIG_CODE = 1009;
  /** The selector thread's read buffer, shared by every link. */
  static final int READ_BUFFER_BYTES = 64 * 1024;
  static final int MAX_RESPONSE_HEAD_BYTES = 16 * 1024;
  static final int MAX_BODY_BYTES = 4096;
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SSLContext ssl;
  private final ScheduledExecutorService scheduler;
  private final Duration connectTimeout;
  private final Duration closeGrace;
  private final Clock clock;
  private final ThreadFactory threadFactory;
  private final Set<NioLink> live = ConcurrentHashMap.newKeySet();
  private final AtomicInteger openChannels = new AtomicInteger();
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final Object lifecycle = new Object();
  private volatile Selector selector; // guarded by lifecycle for creation
  private volatile Thread thread;
  private volatile boolean closed;
  /** Set once by {@link #stopWaitingForCloseReplies()}: a close frame written ends its link. */
  private volatile boolean closeWithoutReply;
  // selector-thread only
  private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
  /** Plaintext of TLS links, made on the first one (~80 KiB). */
  private ByteBuffer appBuffer;
  /** Ciphertext for TLS links, made on the first one (~16.5 KiB). */
  private ByteBuffer wrapBuffer;
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);

  /**
   * @param ssl the TLS context for {@code wss://}, or null for the JDK's default
   * @param scheduler for the connect deadline and the bounded wait after a failing close
   * @param threadFactory makes the one selector thread (started on the first connect)
   */
  public NioWsTransport(SSLContext ssl, ScheduledExecutorService scheduler,
      Duration connectTimeout, Duration closeGrace, Clock clock, ThreadFactory threadFactory) {
    this.ssl = ssl;
    this.scheduler = scheduler;
    this.connectTimeout = connectTimeout;
    this.closeGrace = closeGrace;
    this.clock = clock;
    this.threadFactory = threadFactory;
  }

  @Override
  public Link connect(URI uri, String subprotocol, Map<String, String> headers,
      int maxMessageChars, Listener listener) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean secure = scheme.equals("wss") || scheme.equals("https");
    if (!secure && !scheme.equals("ws") && !scheme.equals("http")) {
      throw new IllegalArgumentException("not a WebSocket URI: " + scheme);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("no host in the WebSocket URI");
    }
    byte[] keyBytes = new byte[16];
    RANDOM.nextBytes(keyBytes);
    String key = Base64.getEncoder().encodeToString(keyBytes);
    ByteBuffer request = ByteBuffer.wrap(upgradeRequest(uri, subprotocol, headers, key));
    NioLink link = new NioLink(listener, maxMessageChars, subprotocol, expectedAccept(key),
        request, uri.getHost(), uri.getPort() < 0 ? (secure ? 443 : 80) : uri.getPort(), secure);
    ensureStarted();
    live.add(link);
    try {
      link.connectDeadline = schedule(link::connectTimedOut, connectTimeout);
      post(link::start);
    } catch (RuntimeException e) { // scheduler or transport shut down: nothing was started
      live.remove(link);
      link.ended.set(true);
      throw e;
    }
    return link;
  }

  /** The TLS context: the one given, else the JDK's default (selector thread). */
  private SSLContext sslContext() throws java.security.NoSuchAlgorithmException {
    SSLContext c = ssl;
    return c != null ? c : SSLContext.getDefault();
  }

  /**
   * A client engine for {@code host}: host-name verification ({@code HTTPS}), SNI when the host
   * is a name, TLS 1.3 and 1.2 only.
   */
  SSLEngine newEngine(String host, int port) throws GeneralSecurityException, SSLException {
    String peer = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    SSLEngine e = sslContext().createSSLEngine(peer, port);
    e.setUseClientMode(true);
    SSLParameters p = e.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    if (!isIpLiteral(peer)) {
      List<SNIServerName> names = new ArrayList<>(1);
      names.add(new SNIHostName(peer));
      p.setServerNames(names);
    }
    List<String> protocols = new ArrayList<>(2);
    for (String v : p.getProtocols()) {
      if (v.equals("TLSv1.3") || v.equals("TLSv1.2")) {
        protocols.add(v);
      }
    }
    if (protocols.isEmpty()) {
      throw new SSLException("neither TLSv1.3 nor TLSv1.2 is enabled in the SSL context");
    }
    p.setProtocols(protocols.toArray(new String[0]));
    e.setSSLParameters(p);
    e.beginHandshake();
    return e;
  }

  private static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true; // IPv6
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  /** The selector thread's buffer for plaintext unwrapped from every TLS link. */
  private ByteBuffer appBuffer(SSLEngine e) {
    int need = READ_BUFFER_BYTES + e.getSession().getApplicationBufferSize();
    if (appBuffer == null || appBuffer.capacity() < need) {
      appBuffer = ByteBuffer.allocate(need);
    }
    return appBuffer;
  }

  /** The selector thread's buffer for ciphertext wrapped for every TLS link. */
  private ByteBuffer wrapBuffer(SSLEngine e) {
    int need = e.getSession().getPacketBufferSize();
    if (wrapBuffer == null || wrapBuffer.capacity() < need) {
      wrapBuffer = ByteBuffer.allocate(need);
    }
    return wrapBuffer;
  }

  static byte[] upgradeRequest(URI uri, String subprotocol, Map<String, String> headers,
      String key) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/"
        : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    StringBuilder sb = new StringBuilder(256);
    sb.append("GET ").append(path).append(" HTTP/1.1\r\n");
    sb.append("Host: ").append(uri.getHost());
    if (uri.getPort() >= 0) {
      sb.append(':').append(uri.getPort());
    }
    sb.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ")
        .append(key).append("\r\nSec-WebSocket-Version: 13\r\n");
    if (subprotocol != null) {
      sb.append("Sec-WebSocket-Protocol: ").append(checked(subprotocol)).append("\r\n");
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      String name = checked(h.getKey());
      if (name.isEmpty() || name.indexOf(':') >= 0 || name.indexOf(' ') >= 0) {
        throw new IllegalArgumentException("illegal header name");
      }
      sb.append(name).append(": ").append(checked(h.getValue())).append("\r\n");
    }
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String checked(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException("illegal character in a header");
      }
    }
    return s;
  }

  static String expectedAccept(String key) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
          .digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Links not yet ended (for tests and diagnostics). */
  int liveLinks() {
    return live.size();
  }

  /** Socket channels open now (for tests and diagnostics). */
  int openChannels() {
    return openChannels.get();
  }

  /** True while the selector thread runs. */
  boolean selectorThreadAlive() {
    Thread t = thread;
    return t != null && t.isAlive();
  }

  @Override
  public void stopWaitingForCloseReplies() {
    closeWithoutReply = true;
    for (NioLink l : live) {
      l.endIfClosing();
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      t = thread;
    }
    for (NioLink l : live) {
      l.abort();
    }
    if (t == null) {
      return;
    }
    Selector s = selector;
    s.wakeup();
    if (Thread.currentThread() != t) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void ensureStarted() {
    if (thread != null && !closed) {
      return;
    }
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("the transport is closed");
      }
      if (thread != null) {
        return;
      }
      try {
        selector = Selector.open();
      } catch (IOException e) {
        throw new IllegalStateException("cannot open a selector", e);
      }
      Thread t = threadFactory.newThread(this::run);
      thread = t;
      t.start();
    }
  }

  /** Runs {@code task} on the selector thread (soon; in order). */
  private void post(Runnable task) {
    if (Thread.currentThread() == thread) {
      tasks.add(task);
      return;
    }
    Selector s = selector;
    if (s == null || closed && !thread.isAlive()) {
      throw new RejectedExecutionException("the transport is closed");
    }
    tasks.add(task);
    if (wakeupPending.compareAndSet(false, true)) {
      s.wakeup();
    }
  }

  private boolean onSelectorThread() {
    return Thread.currentThread() == thread;
  }

  // ---- the selector thread

  private void run() {
    Selector s = selector;
    try {
      while (!closed) {
        wakeupPending.set(false);
        runTasks();
        if (closed) {
          break;
        }
        if (tasks.isEmpty()) {
          s.select();
        } else {
          s.selectNow();
        }
        Set<SelectionKey> keys = s.selectedKeys();
        for (SelectionKey k : keys) {
          NioLink l = (NioLink) k.attachment();
          try {
            l.ready(k);
          } catch (CancelledKeyException e) {
            l.closeChannelNow();
          } catch (RuntimeException e) {
            LOG.warn("signaling link failed on the selector thread", e);
            l.fail(Errors.patchbay("signaling connection lost: "
                + e.getClass().getSimpleName(), e, true, 0, null));
            l.closeChannelNow();
          }
        }
        keys.clear();
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("the signaling selector thread failed; every link is dropped", e);
      closed = true;
    } finally {
      shutdownOnSelector(s);
    }
  }

  private void runTasks() {
    Runnable r;
    int n = 0;
    while (n++ < 100_000 && (r = tasks.poll()) != null) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("signaling task failed", e);
      }
    }
  }

  private void shutdownOnSelector(Selector s) {
    for (NioLink l : live) {
      l.abort();
    }
    runTasks(); // the links' pending closes; starts of aborted links do nothing
    for (SelectionKey k : s.keys()) {
      if (k.attachment() instanceof NioLink l) {
        l.closeChannelNow();
      }
    }
    try {
      s.close();
    } catch (IOException e) {
      LOG.debug("closing the selector failed", e);
    }
    tasks.clear();
  }

  private ScheduledFuture<?> schedule(Runnable onSelector, Duration delay) {
    return scheduler.schedule(() -> {
      try {
        post(onSelector);
      } catch (RejectedExecutionException e) {
        // the transport closed: its links are gone
      }
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Encodes one client frame, masked with a fresh random key. */
  static ByteBuffer frame(int opcode, byte[] payload, int len) {
    int header = 2 + (len < 126 ? 0 : len < 65536 ? 2 : 8) + 4;
    byte[] f = new byte[header + len];
    f[0] = (byte) (0x80 | opcode);
    int i = 2;
    if (len < 126) {
      f[1] = (byte) (0x80 | len);
    } else if (len < 65536) {
      f[1] = (byte) (0x80 | 126);
      f[2] = (byte) (len >>> 8);
      f[3] = (byte) len;
      i = 4;
    } else {
      f[1] = (byte) (0x80 | 127);
      for (int b = 0; b < 8; b++) {
        f[2 + b] = (byte) ((long) len >>> (8 * (7 - b)));
      }
      i = 10;
    }
    int mask = RANDOM.nextInt();
    f[i] = (byte) (mask >>> 24);
    f[i + 1] = (byte) (mask >>> 16);
    f[i + 2] = (byte) (mask >>> 8);
    f[i + 3] = (byte) mask;
    int m = i;
    i += 4;
    for (int k = 0; k < len; k++) {
      f[i + k] = (byte) (payload[k] ^ f[m + (k & 3)]);
    }
    return ByteBuffer.wrap(f);
  }

  static ByteBuffer closeFrame(int code, String reason) {
    byte[] r = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
    int rl = Math.min(r.length, 123);
    byte[] p = new byte[2 + rl];
    p[0] = (byte) (code >>> 8);
    p[1] = (byte) code;
    System.arraycopy(r, 0, p, 2, rl);
    return frame(0x8, p, p.length);
  }

  static boolean validCloseCode(int code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }

  private enum State { CONNECTING, UPGRADING, OPEN, DONE }

  // parser states
  private static final int P_HEAD0 = 0;
  private static final int P_HEAD1 = 1;
  private static final int P_LENGTH = 2;
  private static final int P_PAYLOAD = 3;

  /** One connection. Fields without a note are touched by the selector thread only. */
  private final class NioLink implements Link {
    private final Listener listener;
    private final int maxChars;
    private final String subprotocol;
    private final String accept;
    private final String host;
    private final int port;
    final AtomicBoolean ended = new AtomicBoolean();
    private final Object events = new Object();
    private boolean terminalSent; // guarded by events
    /** Aborted by the caller, who owns the outcome: no terminal event any more. */
    private volatile boolean aborted;
    volatile ScheduledFuture<?> connectDeadline;
    private volatile ScheduledFuture<?> graceTimer;
    private volatile SocketChannel channel;
    private SelectionKey key;
    private boolean repeated; // the upgrade's GET was repeated once
    private volatile State state = State.CONNECTING;
    private boolean channelClosed;
    // upgrade
    private ByteBuffer request;
    private byte[] head;
    private int headLen;
    private int refusalStatus;
    private Map<String, String> refusalHeaders;
    private int bodyExpected;
    // frames
    private int pstate = P_HEAD0;
    private int opcode;
    private boolean fin;
    private int lengthBytes;
    private long remaining;
    private boolean discardPayload;
    /** The message being read: 0 none, 1 text, 2 binary. */
    private int message;
    private byte[] msg;
    private int msgLen;
    private long msgChars;
    private long binaryBytes;
    private byte[] control;
    private int controlLen;
    /** After a failure: frames are parsed (their data dropped) to see the peer's close. */
    private boolean discarding;
    /** After a framing error: nothing read is parsed any more. */
    private boolean draining;
    private byte[] stash;
    // the read budget: characters handed over and not yet handled
    private final Object budget = new Object();
    private long handedOver; // guarded by budget
    private volatile boolean paused; // written under budget
    // send side: guarded by this
    private ArrayDeque<ByteBuffer> out;
    private long queuedBytes;
    private boolean writable; // the upgrade is done: frames may be written
    private boolean closeQueued;
    private boolean awaitReply; // our close's reply matters: not ended by closeWithoutReply
    private ByteBuffer ourClose;
    private ByteBuffer ping;
    private volatile boolean closeWritten;
    private boolean echoing; // our close answers the peer's
    private int peerCode;
    private String peerReason;
    // TLS (selector thread; null/false on plain links)
    private final boolean tls;
    private SSLEngine engine;
    private boolean handshakeDone;
    /** The peer's close_notify was read while reading was paused. */
    private boolean peerClosedTls;
    /** Ciphertext read and not yet unwrapped (a partial record, or what a pause left). */
    private byte[] netIn;
    /** Ciphertext wrapped and not yet written, exactly sized; guarded by this. */
    private ByteBuffer netOut;

    NioLink(Listener listener, int maxChars, String subprotocol, String accept,
        ByteBuffer request, String host, int port, boolean tls) {
      this.tls = tls;
      this.listener = listener;
      this.maxChars = maxChars;
      this.subprotocol = subprotocol;
      this.accept = accept;
      this.request = request;
      this.host = host;
      this.port = port;
    }

    // ---- Link (any thread)

    @Override
    public boolean sendText(String text) {
      if (ended.get()) {
        return false;
      }
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      ByteBuffer f = frame(0x1, b, b.length);
      synchronized (this) {
        if (ended.get() || closeQueued || queuedBytes + f.capacity() > MAX_QUEUED_BYTES) {
          return false;
        }
        return enqueue(f);
      }
    }

    @Override
    public boolean sendPing() {
      synchronized (this) {
        if (ended.get() || !writable || closeQueued || ping != null) {
          return false;
        }
        ping = frame(0x9, new byte[0], 0);
        return enqueue(ping);
      }
    }

    @Override
    public boolean close(int code, String reason, String request) {
      ByteBuffer close = closeFrame(code, reason);
      if (request != null) { // one buffer: one write, and the peer reads both at once
        byte[] b = request.getBytes(StandardCharsets.UTF_8);
        ByteBuffer text = frame(0x1, b, b.length);
        close = ByteBuffer.allocate(text.remaining() + close.remaining()).put(text).put(close)
            .flip();
      }
      synchronized (this) {
        if (ended.get() || closeQueued) {
          return false;
        }
        closeQueued = true;
        awaitReply = request != null;
        ourClose = close; // written: the close frame (its end) is out
        return enqueue(ourClose);
      }
    }

    @Override
    public void abort() {
      aborted = true;
      ended.set(true);
      live.remove(this);
      cancelTimers();
      closeChannel();
    }

    /** Ends the link at once if our close was queued or sent and awaits no reply. */
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

    /**
     * Under this link's lock: writes {@code f} at once when nothing is queued, else queues it
     * for the selector thread. Always true (a dead channel ends the link elsewhere).
     */
    private boolean enqueue(ByteBuffer f) {
      boolean wasEmpty = out == null || out.isEmpty();
      if (wasEmpty && writable && !tls) {
        SocketChannel ch = channel;
        try {
          ch.write(f);
        } catch (IOException e) {
          lostLater(e);
          return true;
        }
        if (!f.hasRemaining()) {
          written(f);
          return true;
        }
      }
      if (out == null) {
        out = new ArrayDeque<>(4);
      }
      out.add(f);
      queuedBytes += f.capacity();
      if (wasEmpty && writable) {
        wantWrite();
      }
      return true;
    }

    /** Under the lock: a frame was written completely. */
    private void written(ByteBuffer f) {
      if (f == ping) {
        ping = null;
      } else if (f == ourClose) {
        closeWritten = true;
        ourClose = null;
        Runnable after = this::afterCloseWritten;
        if (onSelectorThread()) {
          tasks.add(after);
        } else {
          postQuietly(after);
        }
      }
    }

    private void afterCloseWritten() {
      if (echoing) {
        closeChannelNow();
        int code = peerCode;
        String reason = peerReason;
        finish(() -> listener.onClosed(code, reason));
      } else if (draining) {
        closeChannelNow(); // a framing error: nothing the peer sends can be read any more
      } else if (closeWithoutReply && !ended.get()) {
        endIfClosing();
      } else if (ended.get() && closeWithoutReply) {
        closeChannelNow();
      }
    }

    private void wantWrite() {
      if (tls) { // wrapped on the selector thread, with its buffer
        if (onSelectorThread()) {
          tasks.add(this::flush);
        } else {
          postQuietly(this::flush);
        }
      } else if (onSelectorThread()) {
        updateInterest();
      } else {
        postQuietly(this::updateInterest);
      }
    }

    private void lostLater(IOException e) {
      postQuietly(() -> lost(e));
    }

    private void postQuietly(Runnable r) {
      try {
        post(r);
      } catch (RejectedExecutionException e) {
        // the transport is closed: the link was aborted with it
      }
    }

    // ---- selector thread

    void start() {
      if (ended.get()) {
        return;
      }
      try {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
          throw new java.nio.channels.UnresolvedAddressException();
        }
        if (tls) {
          engine = newEngine(host, port);
          handshakeDone = false;
          netIn = null;
          netOut = null;
        }
        SocketChannel ch = SocketChannel.open();
        openChannels.incrementAndGet();
        channel = ch;
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        boolean connected = ch.connect(address);
        key = ch.register(selector, connected ? SelectionKey.OP_WRITE | SelectionKey.OP_READ
            : SelectionKey.OP_CONNECT, this);
        if (connected) {
          state = State.UPGRADING;
        }
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        connectFailed(e);
      }
    }

    void connectTimedOut() {
      if (state == State.CONNECTING || state == State.UPGRADING) {
        fail(Errors.patchbay("cannot connect to the edge: the upgrade timed out after "
            + connectTimeout.toMillis() + " ms", null, true, 0, null));
        closeChannelNow();
      }
    }

    private void connectFailed(Throwable e) {
      fail(Errors.patchbay("cannot connect to the edge: " + e.getClass().getSimpleName(), e,
          true, 0, null));
      closeChannelNow();
    }

    void ready(SelectionKey k) {
      if (channelClosed || !k.isValid()) {
        return;
      }
      if (k.isConnectable()) {
        try {
          if (!channel.finishConnect()) {
            return;
          }
        } catch (IOException e) {
          connectFailed(e);
          return;
        }
        state = State.UPGRADING;
        k.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
        return;
      }
      if (k.isValid() && k.isWritable()) {
        if (tls) {
          tlsFlush();
        } else if (state == State.UPGRADING) {
          writeRequest();
        } else {
          flush();
        }
      }
      if (k.isValid() && k.isReadable() && !channelClosed) {
        read();
      }
    }

    private void writeRequest() {
      if (request == null || !request.hasRemaining()) {
        updateInterest();
        return;
      }
      try {
        channel.write(request);
      } catch (IOException e) {
        upgradeEnded(e);
        return;
      }
      if (!request.hasRemaining()) {
        updateInterest(); // the request is kept until the answer starts: see upgradeEnded
      }
    }

    /**
     * The connection ended during the upgrade. Sent, and not one byte of the answer: the GET is
     * repeated once on a new connection with the same headers, as java.net.http does (the
     * upgrade id lets the edge tell this repeat from a second use of the token, protocol §3).
     */
    private void upgradeEnded(Throwable e) {
      if (!repeated && request != null && request.position() > 0 && head == null
          && refusalStatus == 0 && !ended.get()) {
        repeated = true;
        SocketChannel ch = channel;
        channel = null;
        key = null;
        try {
          ch.close();
        } catch (IOException ignored) {
          // already broken
        }
        openChannels.decrementAndGet();
        request.rewind();
        state = State.CONNECTING;
        start();
        return;
      }
      if (e != null) {
        connectFailed(e);
      } else {
        fail(Errors.patchbay("cannot connect to the edge: the connection closed during the "
            + "upgrade", null, true, 0, null));
        closeChannelNow();
      }
    }

    private void flush() {
      if (tls) {
        tlsFlush();
        return;
      }
      synchronized (this) {
        if (out != null) {
          while (!out.isEmpty()) {
            ByteBuffer f = out.peek();
            try {
              channel.write(f);
            } catch (IOException e) {
              lostLater(e);
              return;
            }
            if (f.hasRemaining()) {
              break;
            }
            out.poll();
            queuedBytes -= f.capacity();
            written(f);
          }
          if (out.isEmpty()) {
            queuedBytes = 0;
            out = null; // no capacity kept while idle
          }
        }
      }
      updateInterest();
    }

    private void updateInterest() {
      SelectionKey k = key;
      if (k == null || !k.isValid() || channelClosed) {
        return;
      }
      int ops;
      if (state == State.CONNECTING) {
        ops = SelectionKey.OP_CONNECT;
      } else {
        boolean writes;
        synchronized (this) {
          writes = netOut != null || (state == State.UPGRADING
              ? request != null && request.hasRemaining() && (!tls || handshakeDone)
              : out != null && !out.isEmpty());
        }
        ops = (writes ? SelectionKey.OP_WRITE : 0) | (paused ? 0 : SelectionKey.OP_READ);
      }
      k.interestOps(ops);
    }

    private void read() {
      if (tls) {
        readTls();
        return;
      }
      for (int round = 0; round < 4; round++) {
        if (channelClosed || !feedStash() || paused) {
          return; // what was read before comes first
        }
        ByteBuffer buf = readBuffer;
        buf.clear();
        int n;
        try {
          n = channel.read(buf);
        } catch (IOException e) {
          readFailed(e);
          return;
        }
        if (n < 0) {
          endOfStream();
          return;
        }
        if (n == 0) {
          return;
        }
        buf.flip();
        if (state == State.UPGRADING) {
          upgradeBytes(buf);
        }
        if (buf.hasRemaining() && (state == State.OPEN || discarding || draining)) {
          feed(buf);
          if (buf.hasRemaining() && !channelClosed) { // paused (maybe resumed since)
            byte[] rest = new byte[buf.remaining()];
            buf.get(rest);
            stash = rest;
          }
        }
        if (n < buf.capacity()) {
          return;
        }
      }
    }

    /** A read failed: the upgrade ends (during it), or the open link is lost. */
    private void readFailed(IOException e) {
      if (state == State.UPGRADING) {
        upgradeEnded(e);
      } else {
        lost(e);
      }
    }

    private void endOfStream() {
      if (state == State.UPGRADING || state == State.CONNECTING) {
        if (refusalStatus != 0) {
          refuse(head == null ? null : new String(head, 0, headLen, StandardCharsets.UTF_8));
          return;
        }
        upgradeEnded(null);
        return;
      }
      closeChannelNow();
      if (echoing) {
        int code = peerCode;
        String reason = peerReason;
        finish(() -> listener.onClosed(code, reason));
      } else if (closeWritten) {
        finish(() -> listener.onClosed(1006, ""));
      } else {
        fail(Errors.patchbay("signaling connection lost: the edge closed the connection "
            + "(end of stream)", null, true, 0, null));
      }
    }

    private void lost(IOException e) {
      if (channelClosed) {
        return;
      }
      closeChannelNow();
      if (closeWritten && !ended.get()) {
        finish(() -> listener.onClosed(1006, ""));
      } else {
        fail(Errors.patchbay("signaling connection lost: " + e.getClass().getSimpleName(), e,
            true, 0, null));
      }
    }

    // ---- TLS (selector thread): the engine between the channel and the code above

    /**
     * Writes what waits: unsent ciphertext first, then the handshake's messages, the upgrade
     * request once the handshake is done, then queued frames, each wrapped into the selector's
     * buffer; what the socket does not take is kept, exactly sized. A frame counts as written
     * once all of its ciphertext is on the wire.
     */
    private void tlsFlush() {
      if (channelClosed || state == State.CONNECTING || engine == null) {
        return;
      }
      try {
        while (!channelClosed) {
          if (!writeNetOut()) {
            break;
          }
          HandshakeStatus hs = engine.getHandshakeStatus();
          if (hs == HandshakeStatus.NEED_TASK) {
            runDelegatedTasks();
            continue;
          }
          if (hs == HandshakeStatus.NEED_WRAP) {
            wrap(EMPTY);
            continue;
          }
          if (!handshakeDone) {
            break; // the peer's turn
          }
          if (state == State.UPGRADING) {
            ByteBuffer r = request;
            if (r == null || !r.hasRemaining()) {
              break;
            }
            wrap(r);
            continue;
          }
          if (!wrapNextFrame()) {
            break;
          }
        }
      } catch (SSLException e) {
        tlsFailed(e);
        return;
      } catch (IOException e) {
        if (state == State.UPGRADING) {
          upgradeEnded(e);
        } else {
          lostLater(e);
        }
        return;
      }
      updateInterest();
    }

    /** Writes the unsent ciphertext; true when none is left. */
    private boolean writeNetOut() throws IOException {
      synchronized (this) {
        ByteBuffer n = netOut;
        if (n == null) {
          return true;
        }
        channel.write(n);
        if (n.hasRemaining()) {
          return false;
        }
        netOut = null;
        return true;
      }
    }

    /** Wraps the head frame (or ends it if wrapped and written); false when nothing is queued. */
    private boolean wrapNextFrame() throws IOException {
      synchronized (this) {
        if (!writable || out == null) {
          return false;
        }
        ByteBuffer f = out.peek();
        if (f == null) {
          out = null; // no capacity kept while idle
          queuedBytes = 0;
          return false;
        }
        if (!f.hasRemaining()) { // wrapped, and its ciphertext is out (netOut was empty)
          out.poll();
          queuedBytes -= f.capacity();
          written(f);
          return true;
        }
        wrap(f);
        return true;
      }
    }

    /** Wraps from {@code src} once into the selector's buffer and writes it. */
    private void wrap(ByteBuffer src) throws IOException {
      ByteBuffer w = wrapBuffer(engine);
      w.clear();
      SSLEngineResult r = engine.wrap(src, w);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        wrapBuffer = null; // the session wants larger records: sized anew
        w = wrapBuffer(engine);
        w.clear();
        r = engine.wrap(src, w);
      }
      handshakeProgress(r.getHandshakeStatus());
      w.flip();
      if (w.hasRemaining()) {
        channel.write(w);
        if (w.hasRemaining()) {
          ByteBuffer rest = ByteBuffer.allocate(w.remaining());
          rest.put(w).flip();
          synchronized (this) {
            netOut = rest;
          }
        }
      }
      if (r.getStatus() == SSLEngineResult.Status.CLOSED && src.hasRemaining()) {
        throw new SSLException("the TLS connection is closed for writing");
      }
    }

    private void handshakeProgress(HandshakeStatus hs) {
      if (!handshakeDone && (hs == HandshakeStatus.FINISHED
          || hs == HandshakeStatus.NOT_HANDSHAKING)) {
        handshakeDone = true;
        if (state == State.UPGRADING) {
          tasks.add(this::tlsFlush); // the upgrade request
        }
      }
    }

    /** Runs the engine's delegated tasks (certificate checks) here, on the selector thread. */
    private void runDelegatedTasks() {
      Runnable t;
      while ((t = engine.getDelegatedTask()) != null) {
        t.run();
      }
    }

    private void readTls() {
      for (int round = 0; round < 4; round++) {
        if (channelClosed || !feedStash() || paused) {
          return; // what was read before comes first
        }
        if (peerClosedTls) {
          tlsEndOfStream();
          return;
        }
        ByteBuffer net = readBuffer;
        net.clear();
        byte[] kept = netIn;
        if (kept != null) {
          netIn = null;
          net.put(kept);
        }
        int n = 0;
        try {
          if (net.hasRemaining()) {
            n = channel.read(net);
          }
        } catch (IOException e) {
          readFailed(e);
          return;
        }
        net.flip();
        if (net.hasRemaining() && !unwrapAll(net)) {
          return; // ended, paused, or the peer closed TLS
        }
        if (n < 0) {
          tlsEndOfStream();
          return;
        }
        if (n == 0 || net.limit() < net.capacity()) {
          return;
        }
      }
    }

    /**
     * Unwraps every whole record of {@code net} and hands the plaintext on; a partial record
     * (or, when reading pauses, the rest) is kept in {@link #netIn}. False when reading must
     * stop: the link ended, reading paused, or the peer closed TLS.
     */
    private boolean unwrapAll(ByteBuffer net) {
      SSLEngine e = engine;
      ByteBuffer app = appBuffer(e);
      app.clear();
      boolean go = true;
      while (go && net.hasRemaining() && !channelClosed) {
        if (engine != e) { // the upgrade was repeated on a new connection
          return false;
        }
        SSLEngineResult r;
        try {
          r = e.unwrap(net, app);
        } catch (SSLException x) {
          tlsFailed(x);
          return false;
        }
        HandshakeStatus hs = r.getHandshakeStatus();
        handshakeProgress(hs);
        switch (r.getStatus()) {
          case BUFFER_OVERFLOW -> {
            if (app.position() == 0) { // cannot happen with the buffer's size: be safe
              appBuffer = null;
              app = appBuffer(e);
            } else if (!deliverPlain(app)) {
              go = false;
            }
          }
          case BUFFER_UNDERFLOW -> go = false;
          case CLOSED -> { // the peer's close_notify: nothing follows
            boolean more = deliverPlain(app);
            if (more) {
              tlsEndOfStream();
            } else if (!channelClosed) {
              peerClosedTls = true; // reported once the paused messages are read
            }
            return false;
          }
          default -> {
            if (hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP) {
              tlsFlush(); // runs the tasks, answers (a KeyUpdate, the handshake)
            }
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                && hs != HandshakeStatus.NEED_TASK) {
              go = false; // no progress: wait for more bytes or for the socket to drain
            }
          }
        }
      }
      if (channelClosed || engine != e) {
        return false;
      }
      boolean more = deliverPlain(app);
      if (net.hasRemaining() && !channelClosed) {
        byte[] rest = new byte[net.remaining()];
        net.get(rest);
        netIn = rest;
      }
      if (!handshakeDone || engine.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
        tlsFlush();
      }
      return more && !channelClosed;
    }

    /**
     * Hands the plaintext in {@code app} to the upgrade and frame code (as {@link #read()} does
     * with what it reads), then clears it; false when the link ended or reading paused.
     */
    private boolean deliverPlain(ByteBuffer app) {
      app.flip();
      try {
        if (!app.hasRemaining() || channelClosed) {
          return !channelClosed && !paused;
        }
        if (state == State.UPGRADING) {
          upgradeBytes(app);
        }
        if (app.hasRemaining() && (state == State.OPEN || discarding || draining)) {
          feed(app);
          if (app.hasRemaining() && !channelClosed) { // paused
            byte[] rest = new byte[app.remaining()];
            app.get(rest);
            stash = rest;
          }
        }
        return !channelClosed && !paused;
      } finally {
        app.clear();
      }
    }

    private void tlsEndOfStream() {
      try {
        engine.closeInbound(); // throws when the peer sent no close_notify: a truncation
      } catch (SSLException e) {
        LOG.debug("signaling TLS ended without close_notify: {}", e.getMessage());
      }
      endOfStream();
    }

    /** A TLS error: on the handshake a typed failure, not retried; else the connection lost. */
    private void tlsFailed(SSLException e) {
      sendWhatTheEngineHas(); // its alert, if any
      if (state == State.UPGRADING && !handshakeDone) {
        if (e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException) {
          fail(UpgradeRefusals.tlsRefused(e));
          closeChannelNow();
        } else {
          connectFailed(e);
        }
      } else {
        lost(e);
      }
    }

    /** Best effort, never blocks: wraps and writes what the engine wants to send (an alert). */
    private void sendWhatTheEngineHas() {
      SSLEngine e = engine;
      SocketChannel ch = channel;
      if (e == null || ch == null || !ch.isOpen()) {
        return;
      }
      try {
        ByteBuffer n;
        synchronized (this) {
          n = netOut;
          netOut = null;
        }
        if (n != null) {
          ch.write(n);
          if (n.hasRemaining()) {
            return; // the peer does not read: the close will do
          }
        }
        ByteBuffer w = wrapBuffer(e);
        for (int i = 0; i < 4; i++) {
          w.clear();
          SSLEngineResult r = e.wrap(EMPTY, w);
          w.flip();
          if (!w.hasRemaining()) {
            return;
          }
          ch.write(w);
          if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            return;
          }
        }
      } catch (IOException | RuntimeException x) {
        LOG.debug("signaling TLS: could not send the last record: {}", x.toString());
      }
    }

    // ---- the upgrade answer

    private void upgradeBytes(ByteBuffer buf) {
      if (refusalStatus != 0) { // reading a refusal's body
        int n = Math.min(buf.remaining(), bodyExpected - headLen);
        buf.get(head, headLen, n);
        headLen += n;
        buf.position(buf.limit());
        if (headLen >= bodyExpected) {
          refuse(new String(head, 0, headLen, StandardCharsets.UTF_8));
        }
        return;
      }
      request = null; // the answer started: no repeat
      if (head == null) {
        head = new byte[Math.min(MAX_RESPONSE_HEAD_BYTES, Math.max(512, buf.remaining()))];
      }
      while (buf.hasRemaining()) {
        if (headLen == head.length) {
          if (head.length >= MAX_RESPONSE_HEAD_BYTES) {
            badUpgrade("the answer's header is over " + MAX_RESPONSE_HEAD_BYTES + " bytes");
            return;
          }
          head = java.util.Arrays.copyOf(head, Math.min(MAX_RESPONSE_HEAD_BYTES,
              head.length * 2));
        }
        byte b = buf.get();
        head[headLen++] = b;
        if (b == '\n' && headLen >= 4 && head[headLen - 2] == '\r'
            && head[headLen - 3] == '\n' && head[headLen - 4] == '\r') {
          parseHead(buf);
          return;
        }
      }
    }

    private void parseHead(ByteBuffer buf) {
      String text = new String(head, 0, headLen - 4, StandardCharsets.ISO_8859_1);
      head = null;
      headLen = 0;
      String[] lines = text.split("\r\n");
      String[] status = lines[0].split(" ", 3);
      int code;
      try {
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
          throw new NumberFormatException();
        }
        code = Integer.parseInt(status[1]);
      } catch (NumberFormatException e) {
        badUpgrade("malformed status line");
        return;
      }
      Map<String, String> headers = new HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      if (code != 101) {
        refusalStatus = code;
        refusalHeaders = headers;
        long length = -1;
        try {
          String cl = headers.get("content-length");
          length = cl == null ? -1 : Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
          length = -1;
        }
        if (length <= 0 || length > MAX_BODY_BYTES) {
          refuse(null);
          return;
        }
        bodyExpected = (int) length;
        head = new byte[bodyExpected];
        headLen = 0;
        upgradeBytes(buf);
        return;
      }
      String problem = null;
      if (!"websocket".equalsIgnoreCase(headers.get("upgrade"))) {
        problem = "no Upgrade: websocket";
      } else if (!hasToken(headers.get("connection"), "upgrade")) {
        problem = "no Connection: Upgrade";
      } else if (!accept.equals(headers.get("sec-websocket-accept"))) {
        problem = "wrong Sec-WebSocket-Accept";
      } else if (headers.containsKey("sec-websocket-protocol")
          && !headers.get("sec-websocket-protocol").equals(subprotocol)) {
        problem = "a subprotocol that was not asked for";
      } else if (headers.containsKey("sec-websocket-extensions")) {
        problem = "an extension that was not asked for";
      }
      if (problem != null) {
        badUpgrade(problem);
        return;
      }
      opened();
    }

    private boolean hasToken(String value, String token) {
      if (value == null) {
        return false;
      }
      for (String t : value.split(",")) {
        if (t.trim().equalsIgnoreCase(token)) {
          return true;
        }
      }
      return false;
    }

    private void badUpgrade(String why) {
      fail(Errors.protocol("the edge's upgrade answer is not a valid WebSocket handshake for "
          + SignalingSocket.SUBPROTOCOL + " (" + why + ")"));
      closeChannelNow();
    }

    private void refuse(String body) {
      int status = refusalStatus;
      Map<String, String> headers = refusalHeaders;
      head = null;
      fail(UpgradeRefusals.map(status, name -> headers.get(name.toLowerCase(Locale.ROOT)),
          body, clock.instant()));
      closeChannelNow();
    }

    private void opened() {
      ScheduledFuture<?> d = connectDeadline;
      if (d != null) {
        d.cancel(false);
        connectDeadline = null; // an idle link keeps nothing of its upgrade
      }
      if (ended.get()) {
        closeChannelNow();
        return;
      }
      state = State.OPEN;
      emit(listener::onOpen);
      synchronized (this) {
        writable = true;
      }
      flush();
    }

    // ---- frames

    /** Parses what {@code buf} holds; stops early only when reading is paused. */
    private void feed(ByteBuffer buf) {
      while (buf.hasRemaining() && !channelClosed) {
        if (draining) {
          buf.position(buf.limit());
          return;
        }
        if (paused && pstate == P_HEAD0) {
          return;
        }
        switch (pstate) {
          case P_HEAD0 -> head0(buf.get() & 0xff);
          case P_HEAD1 -> head1(buf.get() & 0xff);
          case P_LENGTH -> {
            remaining = (remaining << 8) | (buf.get() & 0xff);
            if (--lengthBytes == 0) {
              if (remaining < 0) {
                protocolError("a frame length over 2^63-1");
              } else {
                beginPayload();
              }
            }
          }
          default -> payload(buf);
        }
      }
    }

    private void head0(int b) {
      if ((b & 0x70) != 0) {
        protocolError("reserved bits set");
        return;
      }
      fin = (b & 0x80) != 0;
      opcode = b & 0x0f;
      boolean control = opcode >= 0x8;
      if (control) {
        if (opcode > 0xA) {
          protocolError("unknown opcode " + opcode);
          return;
        }
        if (!fin) {
          protocolError("a fragmented control frame");
          return;
        }
      } else if (opcode > 0x2) {
        protocolError("unknown opcode " + opcode);
        return;
      } else if (opcode == 0 && message == 0 && !discarding) {
        protocolError("a continuation frame outside a message");
        return;
      } else if (opcode != 0 && message != 0 && !discarding) {
        protocolError("a new message inside a fragmented one");
        return;
      }
      pstate = P_HEAD1;
    }

    private void head1(int b) {
      if ((b & 0x80) != 0) {
        protocolError("the edge masked a frame");
        return;
      }
      int len = b & 0x7f;
      if (opcode >= 0x8 && len > 125) {
        protocolError("a control frame over 125 bytes");
        return;
      }
      if (len == 126 || len == 127) {
        lengthBytes = len == 126 ? 2 : 8;
        remaining = 0;
        pstate = P_LENGTH;
      } else {
        remaining = len;
        beginPayload();
      }
    }

    private void beginPayload() {
      pstate = P_PAYLOAD;
      discardPayload = discarding;
      if (!discarding) {
        if (opcode >= 0x8) {
          control = new byte[(int) remaining];
          controlLen = 0;
        } else {
          if (opcode != 0) {
            message = opcode;
          }
          if (message == 1) {
            long bytes = msgLen + remaining;
            if (bytes > 3L * maxChars) { // UTF-8 takes at most 3 bytes per char
              tooBig(bytes / 3);
              return;
            }
          } else {
            long bytes = binaryBytes + remaining;
            if (bytes > maxChars) {
              tooBig(bytes);
              return;
            }
          }
        }
      }
      if (remaining == 0) {
        endFrame();
      }
    }

    private void payload(ByteBuffer buf) {
      int n = (int) Math.min(remaining, buf.remaining());
      if (discardPayload) {
        buf.position(buf.position() + n);
      } else if (opcode >= 0x8) {
        buf.get(control, controlLen, n);
        controlLen += n;
      } else if (message == 1) {
        if (fin && msgLen == 0 && n == remaining) { // a whole message in the buffer: no copy
          remaining = 0;
          pstate = P_HEAD0;
          int start = buf.position();
          buf.position(start + n);
          deliverText(buf.array(), buf.arrayOffset() + start, n);
          return;
        }
        appendText(buf, n);
      } else {
        buf.position(buf.position() + n);
        binaryBytes += n;
      }
      remaining -= n;
      if (remaining == 0) {
        endFrame();
      }
    }

    private void appendText(ByteBuffer buf, int n) {
      if (msg == null || msg.length - msgLen < n) {
        long want = Math.max((long) msgLen + n, msg == null ? 256 : 2L * msg.length);
        int cap = (int) Math.min(want, 3L * maxChars);
        msg = msg == null ? new byte[cap] : java.util.Arrays.copyOf(msg, cap);
      }
      int start = msgLen;
      buf.get(msg, msgLen, n);
      msgLen += n;
      long chars = msgChars;
      for (int i = start; i < msgLen; i++) {
        int b = msg[i];
        if ((b & 0xC0) != 0x80) {
          chars++;
        }
        if ((b & 0xF8) == 0xF0) {
          chars++; // a supplementary character: two chars
        }
      }
      msgChars = chars;
      if (chars > maxChars) {
        tooBig(chars);
      }
    }

    private void endFrame() {
      pstate = P_HEAD0;
      if (discardPayload) {
        if (opcode == 0x8) { // the peer's close while we discard: done
          closeChannelNow();
        }
        return;
      }
      switch (opcode) {
        case 0x8 -> peerClose();
        case 0x9 -> pong();
        case 0xA -> {
          control = null;
          emit(listener::onPong);
        }
        default -> {
          if (!fin) {
            return;
          }
          if (message == 1) {
            byte[] m = msg;
            int len = msgLen;
            msg = null; // no capacity kept while idle
            msgLen = 0;
            msgChars = 0;
            message = 0;
            deliverText(m == null ? new byte[0] : m, 0, len);
          } else {
            long size = binaryBytes;
            binaryBytes = 0;
            message = 0;
            emit(() -> listener.onBinary(size));
          }
        }
      }
    }

    private void deliverText(byte[] bytes, int off, int len) {
      message = 0;
      String text;
      try {
        utf8.reset();
        CharBuffer chars = utf8.decode(ByteBuffer.wrap(bytes, off, len));
        text = chars.toString();
      } catch (CharacterCodingException e) {
        failWithClose(Errors.protocol("the edge sent a text message that is not valid UTF-8 "
            + "(closed with 1007)", e), 1007, "invalid UTF-8", false);
        return;
      }
      if (text.length() > maxChars) {
        tooBig(text.length());
        return;
      }
      int size = text.length();
      synchronized (budget) {
        handedOver += size;
        paused = handedOver > maxChars; // the message just read may take it up to ~2x
      }
      if (paused) {
        updateInterest();
      }
      AtomicBoolean once = new AtomicBoolean();
      emit(() -> listener.onMessage(text, () -> {
        if (once.compareAndSet(false, true)) {
          handled(size);
        }
      }));
    }

    private void handled(int size) {
      boolean resume;
      synchronized (budget) {
        handedOver -= size;
        resume = paused && handedOver <= maxChars;
        if (resume) {
          paused = false;
        }
      }
      if (resume && !ended.get()) {
        postQuietly(this::resumeReading);
      }
    }

    private void resumeReading() {
      if (channelClosed || paused || !feedStash() || paused) {
        return;
      }
      updateInterest();
      read(); // bytes (or an end of stream) may have arrived while paused
    }

    /** Parses the bytes kept while paused, first; true when none are left. */
    private boolean feedStash() {
      byte[] s = stash;
      if (s == null) {
        return true;
      }
      stash = null;
      ByteBuffer b = ByteBuffer.wrap(s);
      feed(b);
      if (b.hasRemaining() && !channelClosed) {
        byte[] rest = new byte[b.remaining()];
        b.get(rest);
        stash = rest;
        return false;
      }
      return true;
    }

    private void pong() {
      byte[] p = control;
      int n = controlLen;
      control = null;
      synchronized (this) {
        if (closeQueued || ended.get()) {
          return;
        }
        enqueue(frame(0xA, p, n));
      }
    }

    private void peerClose() {
      byte[] p = control;
      int n = controlLen;
      control = null;
      int code = 1005;
      String reason = "";
      if (n == 1) {
        protocolError("a close frame with a one-byte payload");
        return;
      }
      if (n >= 2) {
        code = ((p[0] & 0xff) << 8) | (p[1] & 0xff);
        if (!validCloseCode(code)) {
          protocolError("close code " + code);
          return;
        }
        try {
          utf8.reset();
          reason = utf8.decode(ByteBuffer.wrap(p, 2, n - 2)).toString();
        } catch (CharacterCodingException e) {
          failWithClose(Errors.protocol("the edge sent a close reason that is not valid UTF-8 "
              + "(closed with 1007)", e), 1007, "invalid UTF-8", false);
          return;
        }
      }
      boolean ours;
      synchronized (this) {
        ours = closeQueued;
      }
      if (ours || ended.get()) { // the answer to our close
        closeChannelNow();
        int c = code;
        String r = reason;
        finish(() -> listener.onClosed(c, r));
        return;
      }
      int c = code;
      String r = reason;
      emit(() -> listener.onPeerClose(c, r));
      peerCode = code;
      peerReason = reason;
      echoing = true;
      draining = true; // nothing after a close frame is read
      synchronized (this) {
        closeQueued = true;
        dropPending();
        ourClose = closeFrame(1000, "");
        enqueue(ourClose);
      }
    }

    /** Under the lock: drops queued frames, except one partly written. */
    private void dropPending() {
      if (out == null) {
        return;
      }
      ByteBuffer head = out.peek();
      out.clear();
      queuedBytes = 0;
      if (head != null && head.position() > 0) {
        out.add(head);
        queuedBytes = head.capacity();
      }
      ping = null;
    }

    private void tooBig(long seen) {
      failWithClose(Errors.protocol("the edge sent a message over the " + maxChars
          + "-character limit (" + seen + "+ read so far); closed with " + TOO_BIG_CODE
          + " (message too big)"), TOO_BIG_CODE, "message too big", false);
    }

    private void protocolError(String what) {
      failWithClose(Errors.protocol("the edge broke the WebSocket protocol (" + what
          + "); closed with 1002"), 1002, "protocol error", true);
    }

    /**
     * Reports {@code cause} at once, sends a close with {@code code} ahead of anything queued,
     * and waits at most the close grace for the peer's close ({@code drain}: without parsing,
     * the framing being lost).
     */
    private void failWithClose(PatchbayException cause, int code, String reason,
        boolean drain) {
      fail(cause);
      msg = null;
      control = null;
      message = 0;
      if (drain) {
        draining = true;
      } else {
        discarding = true;
        discardPayload = true;
      }
      synchronized (this) {
        boolean sentOurs = closeQueued && ourClose == null;
        if (!sentOurs) {
          closeQueued = true;
          dropPending();
          ourClose = closeFrame(code, reason);
          enqueue(ourClose);
        }
      }
      try {
        graceTimer = schedule(this::closeChannelNow, closeGrace);
      } catch (RejectedExecutionException e) {
        closeChannelNow();
      }
    }

    void fail(PatchbayException cause) {
      finish(() -> listener.onFailure(cause));
    }

    /** The one terminal event of this link; later ones are dropped. */
    private void finish(Runnable terminal) {
      synchronized (events) {
        ended.set(true);
        live.remove(this);
        if (!terminalSent && !aborted) {
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

    private void cancelTimers() {
      ScheduledFuture<?> d = connectDeadline;
      if (d != null) {
        d.cancel(false);
      }
      ScheduledFuture<?> g = graceTimer;
      if (g != null) {
        g.cancel(false);
      }
    }

    /** Closes the channel on the selector thread (batched with others). */
    void closeChannel() {
      if (onSelectorThread()) {
        closeChannelNow();
        return;
      }
      try {
        post(this::closeChannelNow);
      } catch (RejectedExecutionException e) {
        closeChannelNow(); // the selector thread is gone
      }
    }

    void closeChannelNow() {
      ended.set(true);
      live.remove(this);
      cancelTimers();
      if (channelClosed) {
        return;
      }
      channelClosed = true;
      state = State.DONE;
      msg = null;
      control = null;
      stash = null;
      head = null;
      synchronized (this) {
        writable = false;
        out = null;
      }
      SocketChannel ch = channel;
      if (ch != null) {
        SSLEngine eng = engine;
        if (eng != null) {
          engine = null;
          if (handshakeDone && onSelectorThread()) {
            eng.closeOutbound();
            engine = eng;
            sendWhatTheEngineHas(); // close_notify
            engine = null;
          }
          netIn = null;
          synchronized (this) {
            netOut = null;
          }
        }
        try {
          ch.close();
        } catch (IOException e) {
          LOG.debug("closing a signaling channel failed", e);
        }
        openChannels.decrementAndGet();
      }
    }
  }
}
