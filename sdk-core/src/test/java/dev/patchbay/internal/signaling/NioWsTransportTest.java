package dev.patchbay.internal.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.PatchbayException;
import dev.patchbay.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * The transport contract over the NIO transport, plus what only a transport that owns the wire
 * can be asked: partial frames, fragments with pings between them, impossible lengths, masked
 * server frames, a wrong accept key, an upgrade never answered, a server gone mid-frame, and
 * that closing it leaves no thread and no channel behind.
 */
class NioWsTransportTest extends WsTransportContractTest {
  static final int MAX = 64 * 1024;
  /** Selector threads made by the transports of this test and still running. */
  private final AtomicInteger liveThreads = new AtomicInteger();

  private ThreadFactory counting() {
    return r -> {
      Thread t = new Thread(() -> {
        liveThreads.incrementAndGet();
        try {
          r.run();
        } finally {
          liveThreads.decrementAndGet();
        }
      }, "test-ws-nio");
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  WsTransport newTransport(ScheduledThreadPoolExecutor scheduler) {
    return nio(scheduler, Duration.ofSeconds(5));
  }

  /** The client's TLS context (trusting the raw server's certificate), or null. */
  SSLContext clientTls() {
    return null;
  }

  NioWsTransport nio(ScheduledThreadPoolExecutor scheduler, Duration connectTimeout) {
    return new NioWsTransport(clientTls(), scheduler, connectTimeout, Duration.ofSeconds(2),
        Clock.systemUTC(), counting());
  }

  @Override
  int liveLinks() {
    return ((NioWsTransport) transport).liveLinks();
  }

  @Override
  int tooBigCode() {
    return 1009;
  }

  @Override
  boolean alwaysSendsCloseOnFailure() {
    return true;
  }

  @Override
  void afterTransportClosed() {
    NioWsTransport t = (NioWsTransport) transport;
    assertThat(t.openChannels()).as("open channels after close").isZero();
    assertThat(t.selectorThreadAlive()).as("selector thread after close").isFalse();
    assertThat(liveThreads).as("transport threads after close").hasValue(0);
  }

  // ---- raw links (no SignalingSocket): what the listener sees

  /** Records link events in order. */
  static final class Events implements WsTransport.Listener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> opened = new CompletableFuture<>();
    final CompletableFuture<PatchbayException> failure = new CompletableFuture<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    final AtomicInteger pongs = new AtomicInteger();
    final AtomicInteger terminals = new AtomicInteger();

    @Override
    public void onOpen() {
      opened.complete(null);
    }

    @Override
    public void onMessage(String text, Runnable handled) {
      messages.add(text);
      handled.run();
    }

    @Override
    public void onBinary(long size) {
      messages.add("binary:" + size);
    }

    @Override
    public void onPong() {
      pongs.incrementAndGet();
    }

    @Override
    public void onPeerClose(int code, String reason) {}

    @Override
    public void onClosed(int code, String reason) {
      terminals.incrementAndGet();
      closed.complete(code + " " + reason);
    }

    @Override
    public void onFailure(PatchbayException cause) {
      terminals.incrementAndGet();
      failure.complete(cause);
    }
  }

  WsTransport.Link connect(RawWsServer server, Events events) {
    return connect(transport, server, events);
  }

  static WsTransport.Link connect(WsTransport t, RawWsServer server, Events events) {
    return t.connect(URI.create(server.wsUrl()),
        SignalingSocket.SUBPROTOCOL, Map.of("Authorization", "Bearer x"), MAX, events);
  }

  static byte[] serverFrame(int b0, byte[] payload) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(b0);
    int len = payload.length;
    if (len < 126) {
      f.write(len);
    } else if (len < 65536) {
      f.write(126);
      f.write(len >>> 8);
      f.write(len & 0xff);
    } else {
      f.write(127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) len >>> (8 * i)) & 0xff);
      }
    }
    f.writeBytes(payload);
    return f.toByteArray();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Reads client frames until a close; returns its code (or -1 at the end of the stream). */
  private static int closeCodeFrom(RawWsServer.Conn c) {
    try {
      while (true) {
        RawWsServer.Frame f = c.readFrame();
        if (f.opcode() == 0x8) {
          return f.closeCode();
        }
      }
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Every frame is written in two parts, split after byte k, for every k of the frame (with a
   * 7-bit, a 16-bit and a 64-bit length): each split is a separate write with Nagle off, which
   * loopback usually delivers as separate reads. Whatever the reads, every message must arrive
   * whole and in order.
   */
  @Test
  void framesSplitAtEveryByteBoundaryArriveWhole() throws Exception {
    List<String> sent = new ArrayList<>();
    for (int size : new int[] {5, 200, 70_000}) {
      sent.add("é".repeat(size / 2) + "x".repeat(size % 2));
    }
    List<byte[]> frames = new ArrayList<>();
    for (String s : sent) {
      frames.add(serverFrame(0x81, utf8(s)));
    }
    List<String> expected = new ArrayList<>();
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        c.socket.setTcpNoDelay(true);
        for (byte[] f : frames) {
          int step = f.length > 1000 ? 997 : 1; // the large frame: every 997th boundary
          for (int k = 1; k < f.length; k += step) {
            c.out.write(f, 0, k);
            c.out.flush();
            c.out.write(f, k, f.length - k);
            c.out.flush();
          }
        }
        closeCodeFrom(c);
      } catch (Exception e) {
        // client gone
      }
    })) {
      for (int i = 0; i < frames.size(); i++) {
        int step = frames.get(i).length > 1000 ? 997 : 1;
        for (int k = 1; k < frames.get(i).length; k += step) {
          expected.add(sent.get(i));
        }
      }
      Events e = new Events();
      WsTransport.Link link = connect(server, e);
      for (String want : expected) {
        String got = e.messages.poll(10, TimeUnit.SECONDS);
        assertThat(got).isEqualTo(want);
      }
      assertThat(e.failure).isNotDone();
      link.close(1000, "");
    }
  }

  @Test
  void aFragmentedMessageWithPingsBetweenItsFragmentsArrivesWholeAndEveryPingIsAnswered()
      throws Exception {
    BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        c.out.write(serverFrame(0x01, utf8("{\"a\":"))); // text, not final
        c.out.write(serverFrame(0x89, utf8("p1")));
        c.out.write(serverFrame(0x00, utf8("\"héllo"))); // continuation, not final
        c.out.write(serverFrame(0x8A, utf8("unsolicited"))); // a pong between fragments
        c.out.write(serverFrame(0x89, utf8("p2")));
        c.out.write(serverFrame(0x80, utf8("\"}"))); // continuation, final
        c.out.flush();
        while (true) {
          RawWsServer.Frame f = c.readFrame();
          if (f.opcode() == 0xA) {
            pongs.add(f.text());
          }
        }
      } catch (Exception e) {
        // client gone
      }
    })) {
      Events e = new Events();
      WsTransport.Link link = connect(server, e);
      assertThat(e.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("{\"a\":\"héllo\"}");
      assertThat(pongs.poll(10, TimeUnit.SECONDS)).isEqualTo("p1");
      assertThat(pongs.poll(10, TimeUnit.SECONDS)).isEqualTo("p2");
      assertThat(e.pongs).hasValue(1);
      assertThat(e.failure).isNotDone();
      link.close(1000, "");
    }
  }

  private void assertFailsWithClose(byte[] frameBytes, String message, int code)
      throws Exception {
    CompletableFuture<Integer> close = new CompletableFuture<>();
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        c.out.write(frameBytes);
        c.out.flush();
        close.complete(closeCodeFrom(c));
        c.sendClose(1000, "");
      } catch (Exception e) {
        close.completeExceptionally(e);
      }
    })) {
      Events e = new Events();
      connect(server, e);
      assertThat(e.failure.get(10, TimeUnit.SECONDS)).isInstanceOf(ProtocolException.class)
          .hasMessageContaining(message);
      assertThat(close.get(10, TimeUnit.SECONDS)).isEqualTo(code);
      await().atMost(Duration.ofSeconds(5)).until(() -> liveLinks() == 0
          && ((NioWsTransport) transport).openChannels() == 0);
      assertThat(e.terminals).hasValue(1);
      assertThat(e.messages).isEmpty();
    }
  }

  @Test
  void aFrameHeaderAnnouncing2To63BytesIsAProtocolError() throws Exception {
    byte[] header = {(byte) 0x81, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0};
    assertFailsWithClose(header, "2^63", 1002);
  }

  @Test
  void aFrameHeaderAnnouncingTheLargestLengthIsRefusedAsTooBigAtOnce() throws Exception {
    byte[] header = {(byte) 0x81, 127, 0x7f, -1, -1, -1, -1, -1, -1, -1};
    assertFailsWithClose(header, "limit", 1009);
  }

  @Test
  void aMaskedFrameFromTheServerIsAProtocolError() throws Exception {
    byte[] masked = {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2};
    assertFailsWithClose(masked, "masked", 1002);
  }

  @Test
  void reservedBitsAndUnknownOpcodesAreProtocolErrors() throws Exception {
    assertFailsWithClose(new byte[] {(byte) 0xC1, 0}, "reserved", 1002);
    assertFailsWithClose(new byte[] {(byte) 0x83, 0}, "opcode", 1002);
    assertFailsWithClose(new byte[] {(byte) 0x80, 0}, "continuation", 1002);
    assertFailsWithClose(new byte[] {(byte) 0x09, 0}, "fragmented control", 1002);
  }

  @Test
  void aMessageOverTheLimitInSmallFragmentsIsRefusedWith1009() throws Exception {
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    byte[] chunk = utf8("y".repeat(1000));
    for (int i = 0; i <= MAX / 1000; i++) {
      frames.writeBytes(serverFrame(i == 0 ? 0x01 : 0x00, chunk)); // never final
    }
    assertFailsWithClose(frames.toByteArray(), "limit", 1009);
  }

  @Test
  void anUpgradeAnswerWithAWrongAcceptKeyIsATypedFailure() throws Exception {
    try (RawWsServer server = server(c -> {
      try {
        c.out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSByaWdodCBrZXk=\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        c.out.flush();
        c.in.read();
      } catch (Exception e) {
        // client gone
      }
    })) {
      Events e = new Events();
      connect(server, e);
      assertThat(e.failure.get(10, TimeUnit.SECONDS)).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("Sec-WebSocket-Accept");
      assertThat(e.opened).isNotDone();
      await().atMost(Duration.ofSeconds(5))
          .until(() -> ((NioWsTransport) transport).openChannels() == 0);
    }
  }

  @Test
  void aMovedPermanentlyIsNotFollowed() throws Exception {
    try (RawWsServer server = server(c -> {
      try {
        c.respond("301 Moved Permanently", Map.of("Location", "ws://127.0.0.1:1/x"), "");
      } catch (Exception e) {
        // ignore
      }
    })) {
      Events e = new Events();
      connect(server, e);
      PatchbayException cause = e.failure.get(10, TimeUnit.SECONDS);
      assertThat(cause).hasMessageContaining("redirect");
      assertThat(cause.status()).hasValue(301);
      assertThat(cause.retryable()).isFalse();
      assertThat(server.connections).hasValue(1);
    }
  }

  @Test
  void anUpgradeNeverAnsweredFailsAtTheConnectDeadline() throws Exception {
    NioWsTransport quick = nio(scheduler, Duration.ofMillis(300));
    CountDownLatch requestRead = new CountDownLatch(1);
    try (RawWsServer server = server(c -> {
      requestRead.countDown();
      try {
        c.in.read(); // never answers
      } catch (IOException e) {
        // client gone
      }
    })) {
      Events e = new Events();
      connect(quick, server, e);
      assertThat(requestRead.await(10, TimeUnit.SECONDS)).isTrue();
      PatchbayException cause = e.failure.get(10, TimeUnit.SECONDS);
      assertThat(cause).hasMessageContaining("timed out after 300 ms");
      assertThat(cause.retryable()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> quick.openChannels() == 0);
      assertThat(quick.liveLinks()).isZero();
    } finally {
      quick.close();
    }
    assertThat(quick.selectorThreadAlive()).isFalse();
  }

  @Test
  void aServerGoneMidFrameFailsTheLinkAtOnce() throws Exception {
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        byte[] f = serverFrame(0x81, utf8("{\"type\":\"never-finished\"}"));
        c.out.write(f, 0, f.length - 5);
        c.out.flush();
        c.socket.close();
      } catch (Exception e) {
        // done
      }
    })) {
      Events e = new Events();
      connect(server, e);
      PatchbayException cause = e.failure.get(10, TimeUnit.SECONDS);
      assertThat(cause).hasMessageContaining("signaling connection lost");
      assertThat(cause.retryable()).isTrue();
      assertThat(e.messages).isEmpty();
      await().atMost(Duration.ofSeconds(5))
          .until(() -> ((NioWsTransport) transport).openChannels() == 0);
    }
  }

  @Test
  void clientFramesAreMaskedWithAFreshKeyEach() throws Exception {
    BlockingQueue<byte[]> raw = new LinkedBlockingQueue<>();
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        java.io.DataInputStream d = new java.io.DataInputStream(c.in);
        while (true) {
          int b0 = d.readUnsignedByte();
          int b1 = d.readUnsignedByte();
          byte[] mask = new byte[4];
          d.readFully(mask);
          byte[] p = new byte[b1 & 0x7f];
          d.readFully(p);
          raw.add(new byte[] {(byte) b0, (byte) b1, mask[0], mask[1], mask[2], mask[3]});
        }
      } catch (Exception e) {
        // client gone
      }
    })) {
      Events e = new Events();
      WsTransport.Link link = connect(server, e);
      e.opened.get(10, TimeUnit.SECONDS);
      assertThat(link.sendText("one")).isTrue();
      assertThat(link.sendText("two")).isTrue();
      byte[] a = raw.poll(10, TimeUnit.SECONDS);
      byte[] b = raw.poll(10, TimeUnit.SECONDS);
      assertThat(a[1] & 0x80).as("mask bit").isEqualTo(0x80);
      assertThat(b[1] & 0x80).as("mask bit").isEqualTo(0x80);
      assertThat(java.util.Arrays.copyOfRange(a, 2, 6))
          .isNotEqualTo(java.util.Arrays.copyOfRange(b, 2, 6));
      link.abort();
    }
  }

  @Test
  void closingTheTransportWithManyOpenLinksLeavesNoChannelAndNoThread() throws Exception {
    int links = 50;
    AtomicInteger serverSawEnd = new AtomicInteger();
    try (RawWsServer server = server(c -> {
      try {
        c.accept();
        while (true) {
          c.readFrame();
        }
      } catch (Exception e) {
        serverSawEnd.incrementAndGet(); // the client's channel closed
      }
    })) {
      List<Events> all = new ArrayList<>();
      for (int i = 0; i < links; i++) {
        Events e = new Events();
        connect(server, e);
        all.add(e);
      }
      for (Events e : all) {
        e.opened.get(10, TimeUnit.SECONDS);
      }
      NioWsTransport t = (NioWsTransport) transport;
      assertThat(t.openChannels()).isEqualTo(links);
      assertThat(liveThreads).hasValue(1);
      t.close();
      assertThat(t.openChannels()).isZero();
      assertThat(t.selectorThreadAlive()).isFalse();
      assertThat(liveThreads).hasValue(0);
      assertThat(t.liveLinks()).isZero();
      // the server sees every connection end
      await().atMost(Duration.ofSeconds(5)).until(() -> serverSawEnd.get() == links);
    }
  }



  @Test
  void aWssPeerThatNeverAnswersTheClientHelloFailsAtTheConnectDeadline() throws Exception {
    NioWsTransport quick = nio(scheduler, Duration.ofMillis(500));
    CountDownLatch helloRead = new CountDownLatch(1);
    try (RawWsServer server = RawWsServer.tcp(c -> { // plain TCP: it reads and stalls
      try {
        if (c.in.read() == 0x16) { // a TLS handshake record: the client hello
          helloRead.countDown();
        }
        c.in.read(); // never answers
      } catch (IOException e) {
        // client gone
      }
    })) {
      Events e = new Events();
      quick.connect(URI.create("wss://127.0.0.1:" + server.server.getLocalPort() + "/v1/s"),
          SignalingSocket.SUBPROTOCOL, Map.of(), MAX, e);
      assertThat(helloRead.await(10, TimeUnit.SECONDS)).as("a client hello").isTrue();
      PatchbayException cause = e.failure.get(10, TimeUnit.SECONDS);
      assertThat(cause).hasMessageContaining("timed out after 500 ms");
      assertThat(cause.retryable()).isTrue();
      assertThat(e.opened).isNotDone();
      await().atMost(Duration.ofSeconds(5)).until(() -> quick.openChannels() == 0);
      assertThat(quick.liveLinks()).isZero();
      assertThat(server.connections).hasValue(1);
    } finally {
      quick.close();
    }
  }
}
