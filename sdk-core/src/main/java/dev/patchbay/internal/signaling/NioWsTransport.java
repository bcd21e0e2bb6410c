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
import javax.net.ssl.SSLContext;
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
 * <p><b>TLS.</b> {@code wss://} links are delegated to a {@link JdkWsTransport} created on first
 * use (same SSL context, same timeouts): this transport speaks plain TCP only.
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
  private volatile JdkWsTransport tls;
  /** Set once by {@link #stopWaitingForCloseReplies()}: a close frame written ends its link. */
  private volatile boolean closeWithoutReply;
  // selector-thread only
  private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);

  /**
   * @param ssl the TLS context for {@code wss://} (delegated), or null for the JDK's default
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
    if (scheme.equals("wss") || scheme.equals("https")) {
      return tls().connect(uri, subprotocol, headers, maxMessageChars, listener);
    }
    if (!scheme.equals("ws") && !scheme.equals("http")) {
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
        request, uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
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

  private JdkWsTransport tls() {
    JdkWsTransport t = tls;
    if (t == null) {
      synchronized (lifecycle) {
        if (closed) {
          throw new IllegalStateException("the transport is closed");
        }
        t = tls;
        if (t == null) {
          t = new JdkWsTransport(ssl, scheduler, connectTimeout, closeGrace, clock);
          tls = t;
        }
      }
    }
    return t;
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

  /** Links not yet ended (for tests and diagnostics), WebSocket over TLS included. */
  int liveLinks() {
    JdkWsTransport t = tls;
    return live.size() + (t == null ? 0 : t.liveLinks());
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
    JdkWsTransport t = tls;
    if (t != null) {
      t.stopWaitingForCloseReplies();
    }
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
    JdkWsTransport j = tls;
    if (j != null) {
      j.close();
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

    NioLink(Listener listener, int maxChars, String subprotocol, String accept,
        ByteBuffer request, String host, int port) {
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
    public void close(int code, String reason, boolean awaitReply) {
      synchronized (this) {
        if (ended.get() || closeQueued) {
          return;
        }
        closeQueued = true;
        this.awaitReply = awaitReply;
        ourClose = closeFrame(code, reason);
        enqueue(ourClose);
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
      if (wasEmpty && writable) {
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
      if (onSelectorThread()) {
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
      } catch (IOException | RuntimeException e) {
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
        if (state == State.UPGRADING) {
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
          writes = state == State.UPGRADING ? request != null && request.hasRemaining()
              : out != null && !out.isEmpty();
        }
        ops = (writes ? SelectionKey.OP_WRITE : 0) | (paused ? 0 : SelectionKey.OP_READ);
      }
      k.interestOps(ops);
    }

    private void read() {
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
          if (state == State.UPGRADING) {
            upgradeEnded(e);
          } else {
            lost(e);
          }
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
