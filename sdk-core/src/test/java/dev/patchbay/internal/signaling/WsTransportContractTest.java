package dev.patchbay.internal.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchbay.AccessToken;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.PatchbayException;
import dev.patchbay.ProtocolException;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.protocol.FrameDecodingException;
import dev.patchbay.internal.protocol.Frames;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.io.IOException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The signaling socket over a {@link WsTransport} against a raw server that misbehaves: what it
 * reads is bounded (size, UTF-8, backlog), it never follows redirects, it pings on its own, and
 * it terminates exactly once. Run against every transport by a subclass.
 */
abstract class WsTransportContractTest {
  private static final long MIB = 1024 * 1024;
  private static final AccessToken TOKEN =
      new AccessToken("at-test-token", Instant.now().plusSeconds(3600), null);

  protected ScheduledThreadPoolExecutor scheduler;
  protected ExecutorService ownerThread;
  protected WsTransport transport;
  protected final AtomicInteger openSockets = new AtomicInteger();

  /** The transport under test, with a 5 s connect timeout and a 2 s close grace. */
  abstract WsTransport newTransport(ScheduledThreadPoolExecutor scheduler);

  /** Links of {@link #transport} not yet ended. */
  abstract int liveLinks();

  /** The close code sent for an inbound message over the limit. */
  abstract int tooBigCode();

  /** True when a failing link always sends its close frame before closing the channel. */
  abstract boolean alwaysSendsCloseOnFailure();

  /** Checks after {@link #transport} was closed (threads, channels). */
  void afterTransportClosed() throws Exception {}

  /** The raw server's TLS context, or null for plain TCP ({@code ws://}). */
  SSLContext serverTls() {
    return null;
  }

  /** A raw server running {@code script} per connection, over TLS when {@link #serverTls()}. */
  RawWsServer server(Consumer<RawWsServer.Conn> script) throws IOException {
    return new RawWsServer(script, serverTls());
  }

  /** What {@link #recordingServer} does when a close frame arrives. */
  interface CloseAnswer {
    void onClose(RawWsServer.Conn c) throws Exception;
  }

  /**
   * A raw server that puts every frame the client sends into {@code frames} and runs
   * {@code answer} on each close frame (null: a close is read and never answered).
   */
  RawWsServer recordingServer(BlockingQueue<RawWsServer.Frame> frames, CloseAnswer answer)
      throws IOException {
    return server(c -> {
      try {
        c.accept();
        while (true) {
          RawWsServer.Frame f = c.readFrame();
          frames.add(f);
          if (f.opcode() == 0x8 && answer != null) {
            answer.onClose(c);
          }
        }
      } catch (Exception e) {
        // client gone
      }
    });
  }

  @BeforeEach
  void setUp() {
    scheduler = new ScheduledThreadPoolExecutor(1);
    scheduler.setRemoveOnCancelPolicy(true);
    ownerThread = Executors.newSingleThreadExecutor();
    transport = newTransport(scheduler);
  }

  @AfterEach
  void tearDown() throws Exception {
    transport.close();
    afterTransportClosed();
    scheduler.shutdownNow();
    ownerThread.shutdownNow();
  }

  SignalingSocket open(RawWsServer server, long heartbeatMs, Executor owner,
      Recorder handler) {
    return open(server, heartbeatMs, owner, handler, Duration.ofSeconds(2));
  }

  SignalingSocket open(RawWsServer server, long heartbeatMs, Executor owner,
      Recorder handler, Duration closeTimeout) {
    return SignalingSocket.open("test", new SocketSetup(transport, scheduler, heartbeatMs,
            closeTimeout), HttpUrl.get(server.url()), TOKEN, null, owner, handler,
        new FrameCodec(), openSockets, Clock.systemUTC());
  }

  static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void aOneGigabyteTextFrameIsRefusedWhileItIsReadWithAClose() throws Exception {
    CompletableFuture<RawWsServer.Frame> closeSeen = new CompletableFuture<>();
    AtomicLong written = new AtomicLong();
    AtomicLong writtenWhenClosed = new AtomicLong(-1);
    long gigabyte = 1L << 30;
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        Thread reader = new Thread(() -> {
          try {
            while (true) {
              RawWsServer.Frame f = c.readFrame();
              if (f.opcode() == 0x8) {
                writtenWhenClosed.set(written.get());
                closeSeen.complete(f);
                c.socket.close();
                return;
              }
            }
          } catch (Exception e) {
            closeSeen.completeExceptionally(e);
          }
        });
        reader.setDaemon(true);
        reader.start();
        // One text frame of 1 GiB, streamed from a 64 KiB buffer: never materialised here.
        c.frameHeader(0x1, true, gigabyte);
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        while (written.get() < gigabyte) {
          c.out.write(chunk);
          written.addAndGet(chunk.length);
        }
      } catch (Exception e) {
        // the client went away: expected
      }
    })) {
      long before = usedHeapAfterGc();
      Recorder h = new Recorder();
      open(server, 300_000, ownerThread, h);

      PatchbayException cause = h.failure.get(20, TimeUnit.SECONDS);
      assertThat(cause).isInstanceOf(ProtocolException.class).hasMessageContaining("limit");
      RawWsServer.Frame close = closeSeen.get(20, TimeUnit.SECONDS);
      // the JDK's WebSocket API refuses to send 1009 (see JdkWsTransport): it sends 1008
      assertThat(close.closeCode()).isEqualTo(tooBigCode());
      assertThat(utf8(Arrays.copyOfRange(close.payload(), 2, close.payload().length)))
          .isEqualTo("message too big");
      // refused while reading: the server had streamed a tiny part of the frame by then
      assertThat(writtenWhenClosed.get()).isLessThan(64 * MIB);
      h.terminated.get(5, TimeUnit.SECONDS);
      assertThat(openSockets).hasValue(0);
      assertThat(h.frames).hasValue(0);
      assertThat(usedHeapAfterGc() - before).as("heap growth").isLessThan(16 * MIB);
      await().atMost(Duration.ofSeconds(5)).until(() -> liveLinks() == 0
          && scheduler.getQueue().isEmpty());
    }
  }

  @Test
  void invalidUtf8FailsTheConnectionWith1007() throws Exception {
    CompletableFuture<RawWsServer.Frame> closeSeen = new CompletableFuture<>();
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        c.sendFrame(0x1, new byte[] {'{', (byte) 0xc3, 0x28, '}'});
        while (true) {
          RawWsServer.Frame f = c.readFrame();
          if (f.opcode() == 0x8) {
            closeSeen.complete(f);
            return;
          }
        }
      } catch (Exception e) {
        closeSeen.completeExceptionally(e);
      }
    })) {
      Recorder h = new Recorder();
      open(server, 300_000, ownerThread, h);

      assertThat(h.failure.get(10, TimeUnit.SECONDS)).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("UTF-8");
      // RFC 6455 §7.1.7: the connection is failed; a close frame SHOULD precede the TCP close.
      // The JDK sends its 1007 only sometimes before closing the channel (both seen on 17 and
      // 25), so the server may read the end of the stream instead; any close frame is 1007.
      try {
        assertThat(closeSeen.get(10, TimeUnit.SECONDS).closeCode()).isEqualTo(1007);
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(alwaysSendsCloseOnFailure()).as("a close frame before the end").isFalse();
        assertThat(e.getCause()).isInstanceOf(java.io.EOFException.class);
      }
      h.terminated.get(5, TimeUnit.SECONDS);
      assertThat(h.frames).hasValue(0);
      assertThat(h.badFrames).hasValue(0);
      assertThat(openSockets).hasValue(0);
    }
  }

  @Test
  void aFloodWhileTheOwnerIsStalledBlocksTheServerAndKeepsTheHeapBounded() throws Exception {
    int total = 600; // 600 × 60 KB = 36 MB: far more than loopback's socket buffers
    AtomicInteger written = new AtomicInteger();
    CountDownLatch allWritten = new CountDownLatch(1);
    String body = "x".repeat(60_000);
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        for (int i = 0; i < total; i++) {
          c.sendText("{\"type\":\"pad\",\"n\":" + i + ",\"p\":\"" + body + "\"}");
          written.incrementAndGet();
        }
        allWritten.countDown();
        while (true) {
          c.readFrame();
        }
      } catch (Exception e) {
        // done
      }
    })) {
      long before = usedHeapAfterGc();
      CountDownLatch stall = new CountDownLatch(1);
      ThreadPoolExecutor owner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>());
      Recorder h = new Recorder();
      try {
        open(server, 300_000, owner, h);
        h.opened.get(10, TimeUnit.SECONDS);
        owner.execute(() -> {
          try {
            stall.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        // wait until the server's writes stop making progress (its writes block)
        int[] last = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
            .until(() -> {
              int now = written.get();
              boolean stable = now == last[0] && now > 0;
              last[0] = now;
              return stable;
            });
        assertThat(allWritten.getCount()).as("the server could not write everything").isOne();
        assertThat(written.get()).as("frames written while the owner was stalled")
            .isLessThan(total / 2);
        assertThat(owner.getQueue().size()).as("undecoded frames queued").isLessThanOrEqualTo(2);
        assertThat(usedHeapAfterGc() - before).as("retained heap").isLessThan(16 * MIB);

        stall.countDown();
        boolean finished = allWritten.await(30, TimeUnit.SECONDS);
        assertThat(finished).as("the server wrote all %d frames within 30 s of the owner's "
            + "resumption (written %d, decoded %d, bad %d, undecoded queued %d)", total,
            written.get(), h.frames.get(), h.badFrames.get(), owner.getQueue().size()).isTrue();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> h.frames.get() + h.badFrames.get() == total);
      } finally {
        stall.countDown();
        owner.shutdownNow();
      }
    }
  }

  @Test
  void aRedirectOnTheUpgradeIsATypedFailureAndIsNotFollowed() throws Exception {
    try (RawWsServer target = server(c -> {
      try {
        c.accept();
      } catch (Exception e) {
        // ignore
      }
    });
        RawWsServer server = server(c -> {
          try {
            c.respond("302 Found", Map.of("Location", target.url()), "");
          } catch (Exception e) {
            // ignore
          }
        })) {
      Recorder h = new Recorder();
      open(server, 300_000, ownerThread, h);

      PatchbayException cause = h.failure.get(10, TimeUnit.SECONDS);
      assertThat(cause).isInstanceOf(EdgeRejectedException.class)
          .hasMessageContaining("redirect").hasMessageContaining("302");
      assertThat(cause.status()).hasValue(302);
      assertThat(cause.retryable()).isFalse();
      h.terminated.get(5, TimeUnit.SECONDS);
      assertThat(target.connections).hasValue(0);
      assertThat(openSockets).hasValue(0);
    }
  }

  @Test
  void anUpgradeRefusalKeepsStatusRetryAfterAndTheBodysErrorCode() throws Exception {
    try (RawWsServer server = server(c -> {
      try {
        c.respond("503 Service Unavailable", Map.of("Retry-After", "7",
            "Content-Type", "application/json"), "{\"error\":\"tenant_cap\"}");
      } catch (Exception e) {
        // ignore
      }
    })) {
      Recorder h = new Recorder();
      open(server, 300_000, ownerThread, h);

      PatchbayException cause = h.failure.get(10, TimeUnit.SECONDS);
      assertThat(cause).isInstanceOf(EdgeRejectedException.class)
          .hasMessageContaining("503").hasMessageContaining("tenant_cap");
      assertThat(cause.retryable()).isTrue();
      assertThat(cause.retryAfter()).contains(Duration.ofSeconds(7));
      assertThat(server.conns.get(0).headers.get("authorization"))
          .isEqualTo("Bearer at-test-token");
    }
  }

  @Test
  void heartbeatsAreClampedAndTheSocketWorks() throws Exception {
    assertThat(new SocketSetup(transport, scheduler, Long.MAX_VALUE, Duration.ofSeconds(1))
        .heartbeatMillis()).isEqualTo(300_000);
    assertThat(new SocketSetup(transport, scheduler, 1, Duration.ofSeconds(1))
        .heartbeatMillis()).isEqualTo(1_000);
    for (long hb : new long[] {Long.MAX_VALUE, 1}) {
      AtomicInteger pings = new AtomicInteger();
      try (RawWsServer server = server(c -> {
        try {
          c.accept();
          c.sendText("{\"type\":\"hello-ish\"}");
          while (true) {
            RawWsServer.Frame f = c.readFrame();
            if (f.opcode() == 0x9) {
              pings.incrementAndGet();
              c.sendFrame(0xA, f.payload());
            } else if (f.opcode() == 0x1) {
              c.sendText(f.text()); // echo
            }
          }
        } catch (Exception e) {
          // client gone
        }
      })) {
        Recorder h = new Recorder();
        long start = System.nanoTime();
        SignalingSocket s = open(server, hb, ownerThread, h);
        h.opened.get(10, TimeUnit.SECONDS);
        if (hb == 1) {
          await().atMost(Duration.ofSeconds(10)).until(() -> pings.get() >= 2);
          double seconds = (System.nanoTime() - start) / 1e9;
          assertThat(pings.get()).as("pings in %.1f s", seconds)
              .isLessThanOrEqualTo((int) Math.ceil(seconds) + 1);
        }
        assertThat(s.isOpen()).isTrue();
        assertThat(h.failure).isNotDone();
        s.close(1000, "bye");
        h.terminated.get(10, TimeUnit.SECONDS);
        assertThat(openSockets).hasValue(0);
      }
    }
  }

  @Test
  void aMissingPongFailsTheSocketWithinTwoHeartbeats() throws Exception {
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        while (true) {
          c.readFrame(); // pings read, never answered
        }
      } catch (Exception e) {
        // client gone
      }
    })) {
      Recorder h = new Recorder();
      open(server, 1_000, ownerThread, h);
      h.opened.get(10, TimeUnit.SECONDS);
      long opened = System.nanoTime();

      PatchbayException cause = h.failure.get(10, TimeUnit.SECONDS);
      long elapsedMs = (System.nanoTime() - opened) / 1_000_000;
      assertThat(cause).hasMessageContaining("missed pong");
      assertThat(elapsedMs).isBetween(1_500L, 4_000L);
      h.terminated.get(5, TimeUnit.SECONDS);
      assertThat(openSockets).hasValue(0);
      await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.getQueue().isEmpty());
    }
  }

  /**
   * The JDK loses an end of stream read while no message is asked for (see JdkWsTransport):
   * with the next message asked for only once the previous one was handled, a peer that sends
   * and then drops its socket went unnoticed until the heartbeat. Here the owner is slow, the
   * heartbeat is five minutes away, and every socket must still end within seconds.
   */
  @Test
  void aDropRightAfterMessagesIsSeenAtOnceWhileTheOwnerIsBusy() throws Exception {
    int messages = 4;
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        Thread.sleep(100); // the messages come while the socket is open, not with the upgrade
        for (int i = 0; i < messages; i++) {
          c.sendText("{\"type\":\"pad\",\"n\":" + i + "}");
        }
        c.socket.close(); // no close frame: an abrupt end after the last message
      } catch (Exception e) {
        // done
      }
    })) {
      ExecutorService slowOwner = Executors.newSingleThreadExecutor();
      Executor owner = r -> slowOwner.execute(() -> {
        try {
          Thread.sleep(40); // handling takes a while: the window the JDK loses the end in
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        r.run();
      });
      try {
        for (int round = 0; round < 5; round++) {
          Recorder h = new Recorder();
          open(server, 300_000, owner, h);
          h.terminated.get(5, TimeUnit.SECONDS);
          assertThat(h.frames.get() + h.badFrames.get()).as("messages handled before the end")
              .isEqualTo(messages); // "pad" is no protocol type: a bad frame, handled all the same
          assertThat(h.terminations).hasValue(1);
        }
        assertThat(openSockets).hasValue(0);
      } finally {
        slowOwner.shutdownNow();
      }
    }
  }

  @Test
  void aServerCloseIsEchoedAndTheSocketTerminatesOnce() throws Exception {
    CompletableFuture<RawWsServer.Frame> echo = new CompletableFuture<>();
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        c.sendClose(4001, "token expired");
        while (true) {
          RawWsServer.Frame f = c.readFrame();
          if (f.opcode() == 0x8) {
            echo.complete(f);
            return;
          }
        }
      } catch (Exception e) {
        echo.completeExceptionally(e);
      }
    })) {
      Recorder h = new Recorder();
      open(server, 300_000, ownerThread, h);

      assertThat(h.serverClose.get(10, TimeUnit.SECONDS)).isEqualTo("4001 token expired");
      assertThat(echo.get(10, TimeUnit.SECONDS).opcode()).isEqualTo(0x8);
      h.terminated.get(10, TimeUnit.SECONDS);
      assertThat(h.failure).isNotDone();
      assertThat(h.terminations).hasValue(1);
      assertThat(openSockets).hasValue(0);
    }
  }

  @Test
  void ourCloseIsAbortedWhenTheEdgeNeverAnswers() throws Exception {
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        while (true) {
          c.readFrame(); // the close is read but never answered
        }
      } catch (Exception e) {
        // client gone
      }
    })) {
      Recorder h = new Recorder();
      SignalingSocket s = open(server, 300_000, ownerThread, h);
      h.opened.get(10, TimeUnit.SECONDS);

      s.close(1000, "bye");
      s.close(1000, "bye");

      assertThat(h.failure.get(10, TimeUnit.SECONDS)).hasMessageContaining("close handshake");
      h.terminated.get(5, TimeUnit.SECONDS);
      assertThat(h.terminations).hasValue(1);
      assertThat(openSockets).hasValue(0);
      await().atMost(Duration.ofSeconds(5)).until(() -> liveLinks() == 0
          && scheduler.getQueue().isEmpty());
    }
  }

  @Test
  void atShutdownClosingSocketsStopWaitingForTheEdgesReplyAndLaterOnesEndOnceTheirCloseIsOut()
      throws Exception {
    BlockingQueue<RawWsServer.Frame> closes = new LinkedBlockingQueue<>();
    try (RawWsServer server = recordingServer(closes, null)) { // closes read, never answered
      Duration noTimeout = Duration.ofMinutes(5); // the per-socket bound never ends them here
      Recorder h1 = new Recorder();
      Recorder h2 = new Recorder();
      Recorder idle = new Recorder();
      SignalingSocket first = open(server, 300_000, ownerThread, h1, noTimeout);
      SignalingSocket second = open(server, 300_000, ownerThread, h2, noTimeout);
      open(server, 300_000, ownerThread, idle, noTimeout);
      CompletableFuture.allOf(h1.opened, h2.opened, idle.opened).get(10, TimeUnit.SECONDS);

      first.close(1000, "bye");
      assertThat(closes.poll(10, TimeUnit.SECONDS).closeCode()).isEqualTo(1000);
      assertThat(h1.terminated).isNotDone();

      transport.stopWaitingForCloseReplies();

      h1.terminated.get(10, TimeUnit.SECONDS); // at once, not after 5 minutes
      assertThat(h1.failure).isNotDone();
      assertThat(idle.terminated).isNotDone(); // a socket not closing is left alone
      second.close(1000, "bye");
      assertThat(closes.poll(10, TimeUnit.SECONDS).closeCode()).isEqualTo(1000); // written first
      h2.terminated.get(10, TimeUnit.SECONDS);
      assertThat(h2.failure).isNotDone();
      assertThat(h1.terminations.get() + h2.terminations.get()).isEqualTo(2);
      assertThat(idle.terminated).isNotDone();
      assertThat(openSockets).hasValue(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> liveLinks() == 1);
    }
  }

  @Test
  void aCloseWithARequestSendsItFirstAndAtShutdownKeepsWaitingForTheReply() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    BlockingQueue<RawWsServer.Frame> closes = new LinkedBlockingQueue<>();
    try (RawWsServer server = recordingServer(closes, c -> {
      answer.await(); // the logout is being revoked
      c.sendClose(1000, "logged-out");
    })) {
      Recorder h = new Recorder();
      SignalingSocket s = open(server, 300_000, ownerThread, h, Duration.ofMinutes(5));
      h.opened.get(10, TimeUnit.SECONDS);

      assertThat(s.close(1000, "closed", new Frames.Logout(List.of("t1", "t2")))).isTrue();
      RawWsServer.Frame request = closes.poll(10, TimeUnit.SECONDS);
      assertThat(request.opcode()).isEqualTo(0x1);
      assertThat(new FrameCodec().decode(request.text()))
          .isEqualTo(new Frames.Logout(List.of("t1", "t2")));
      assertThat(closes.poll(10, TimeUnit.SECONDS).closeCode()).isEqualTo(1000);
      assertThat(s.close(1000, "closed", new Frames.Logout(List.of("t3"))))
          .as("closing already").isFalse();
      transport.stopWaitingForCloseReplies();

      assertThatThrownBy(() -> h.terminated.get(300, TimeUnit.MILLISECONDS))
          .as("not ended by the shutdown's early cut").isInstanceOf(TimeoutException.class);
      answer.countDown();
      h.terminated.get(10, TimeUnit.SECONDS);
      assertThat(h.failure).isNotDone();
      assertThat(s.edgeClosedWith(1000, "logged-out")).isTrue();
      assertThat(s.edgeClosedWith(1000, "closed")).isFalse();
      assertThat(openSockets).hasValue(0);
    }
  }

  @Test
  void binaryFramesAreBadFramesAndTextFramesAreDecoded() throws Exception {
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        c.sendFrame(0x2, new byte[] {1, 2, 3});
        c.sendText("{\"type\":\"pong\"}");
        while (true) {
          c.readFrame();
        }
      } catch (Exception e) {
        // client gone
      }
    })) {
      Recorder h = new Recorder();
      SignalingSocket s = open(server, 300_000, ownerThread, h);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> h.frames.get() + h.badFrames.get() == 2);
      FrameDecodingException binary = h.badProblems.poll();
      assertThat(binary.getMessage()).contains("binary frame (3 bytes)");
      assertThat(binary.kind()).isEqualTo(FrameDecodingException.Kind.MALFORMED);
      assertThat(s.isOpen()).isTrue();
      s.cancel();
      h.terminated.get(5, TimeUnit.SECONDS);
      assertThat(openSockets).hasValue(0);
    }
  }

  /** Records handler events. */
  static final class Recorder implements SignalingSocket.Handler {
    final CompletableFuture<Void> opened = new CompletableFuture<>();
    final CompletableFuture<PatchbayException> failure = new CompletableFuture<>();
    final CompletableFuture<String> serverClose = new CompletableFuture<>();
    final CompletableFuture<Void> terminated = new CompletableFuture<>();
    final AtomicInteger frames = new AtomicInteger();
    final AtomicInteger badFrames = new AtomicInteger();
    final AtomicInteger terminations = new AtomicInteger();
    final BlockingQueue<FrameDecodingException> badProblems = new LinkedBlockingQueue<>();

    @Override
    public void onOpen(SignalingSocket socket) {
      opened.complete(null);
    }

    @Override
    public void onFrame(SignalingSocket socket, Frame frame) {
      frames.incrementAndGet();
    }

    @Override
    public void onBadFrame(SignalingSocket socket, FrameDecodingException problem) {
      badFrames.incrementAndGet();
      badProblems.add(problem);
    }

    @Override
    public void onServerClose(SignalingSocket socket, int code, String reason) {
      serverClose.complete(code + " " + reason);
    }

    @Override
    public void onFailure(SignalingSocket socket, PatchbayException cause) {
      failure.complete(cause);
    }

    @Override
    public void onTerminated(SignalingSocket socket) {
      terminations.incrementAndGet();
      terminated.complete(null);
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
