package dev.patchbay.testkit.support;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately small RFC 6455 client on a plain socket, independent of Patchbay and of the JDK
 * WebSocket: it shows refusal bodies, can ignore pings, and can send malformed bytes.
 */
public final class RawWebSocket implements AutoCloseable {
  /** The HTTP answer to the upgrade request. */
  public record Handshake(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final FrameCodec CODEC = new FrameCodec(1 << 20);
  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  public final Handshake handshake;
  private final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private volatile String closeReason = "";
  private volatile boolean answerPings = true;
  private volatile int pingsReceived;
  private Thread reader;

  private RawWebSocket(Socket socket, Handshake handshake, InputStream in) throws IOException {
    this.socket = socket;
    this.out = handshake.status() == 101 ? socket.getOutputStream() : OutputStream.nullOutputStream();
    this.in = new DataInputStream(in);
    this.handshake = handshake;
  }

  /** Performs an upgrade; when the edge refuses, the socket is closed and only handshake is set. */
  public static RawWebSocket connect(URI wsUri, Map<String, String> extraHeaders)
      throws IOException {
    Socket s = new Socket(wsUri.getHost(), wsUri.getPort());
    s.setSoTimeout(15_000);
    byte[] keyBytes = new byte[16];
    RANDOM.nextBytes(keyBytes);
    StringBuilder req = new StringBuilder()
        .append("GET ").append(wsUri.getRawPath()).append(" HTTP/1.1\r\n")
        .append("Host: ").append(wsUri.getHost()).append(':').append(wsUri.getPort())
        .append("\r\n")
        .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
        .append("Sec-WebSocket-Version: 13\r\n")
        .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(keyBytes))
        .append("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Sec-WebSocket-Protocol", "patchbay.v1");
    headers.putAll(extraHeaders);
    headers.forEach((k, v) -> {
      if (v != null) {
        req.append(k).append(": ").append(v).append("\r\n");
      }
    });
    req.append("\r\n");
    s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
    InputStream raw = s.getInputStream();
    String statusLine = readLine(raw);
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> respHeaders = new LinkedHashMap<>();
    for (String line = readLine(raw); !line.isEmpty(); line = readLine(raw)) {
      int colon = line.indexOf(':');
      respHeaders.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    String body = "";
    if (status != 101) {
      int len = Integer.parseInt(respHeaders.getOrDefault("content-length", "0"));
      byte[] b = new DataInputStream(raw).readNBytes(len);
      body = new String(b, StandardCharsets.UTF_8);
      RawWebSocket refused = new RawWebSocket(s, new Handshake(status, respHeaders, body), raw);
      refused.closeCode.complete(-1);
      s.close();
      return refused;
    }
    RawWebSocket ws = new RawWebSocket(s, new Handshake(status, respHeaders, body), raw);
    s.setSoTimeout(0);
    ws.startReader();
    return ws;
  }

  /** Upgrade with a bearer token (and optional Patchbay-User header). */
  public static RawWebSocket connect(URI wsUri, String token, String userHeader)
      throws IOException {
    Map<String, String> h = new LinkedHashMap<>();
    if (token != null) {
      h.put("Authorization", "Bearer " + token);
    }
    if (userHeader != null) {
      h.put("Patchbay-User", userHeader);
    }
    return connect(wsUri, h);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private void startReader() {
    reader = new Thread(this::readLoop, "raw-ws-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void readLoop() {
    try {
      while (true) {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        int opcode = b0 & 0x0F;
        long len = b1 & 0x7F;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        byte[] payload = in.readNBytes((int) len);
        switch (opcode) {
          case 0x1 -> texts.add(new String(payload, StandardCharsets.UTF_8));
          case 0x9 -> {
            pingsReceived++;
            if (answerPings) {
              writeFrame(0xA, payload);
            }
          }
          case 0x8 -> {
            int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)
                : 1005;
            closeReason = payload.length > 2
                ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
            closeCode.complete(code);
            try {
              writeFrame(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]}
                  : new byte[0]);
            } catch (IOException ignored) {
              // peer may be gone
            }
            socket.close();
            return;
          }
          default -> { }
        }
      }
    } catch (IOException e) {
      closeCode.complete(1006);
    }
  }

  public boolean upgraded() {
    return handshake.status() == 101;
  }

  public void answerPings(boolean on) {
    this.answerPings = on;
  }

  public int pingsReceived() {
    return pingsReceived;
  }

  public synchronized void writeFrame(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(0x80 | opcode);
    int len = payload.length;
    if (len < 126) {
      f.write(0x80 | len);
    } else if (len < 65536) {
      f.write(0x80 | 126);
      f.write(len >> 8);
      f.write(len & 0xFF);
    } else {
      f.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) (((long) len >> (8 * i)) & 0xFF));
      }
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    f.write(mask);
    for (int i = 0; i < len; i++) {
      f.write(payload[i] ^ mask[i % 4]);
    }
    out.write(f.toByteArray());
    out.flush();
  }

  public void sendText(String text) throws IOException {
    writeFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  public void send(Frame frame) throws IOException {
    sendText(CODEC.encode(frame));
  }

  public void ping() throws IOException {
    writeFrame(0x9, new byte[] {1, 2, 3});
  }

  /** The next text frame, decoded; AssertionError on timeout. */
  public Frame next(Duration timeout) {
    String t = nextText(timeout);
    try {
      return CODEC.decode(t);
    } catch (Exception e) {
      throw new AssertionError("undecodable frame from the edge: " + e.getMessage());
    }
  }

  public String nextText(Duration timeout) {
    try {
      String t = texts.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (t == null) {
        throw new AssertionError("no frame within " + timeout.toMillis() + " ms");
      }
      return t;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Skips frames until one of {@code type}. */
  public <T extends Frame> T next(Class<T> type, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Frame f = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (type.isInstance(f)) {
        return type.cast(f);
      }
    }
  }

  /** Nothing (no text frame) arrives within {@code window}. */
  public String pollText(Duration window) throws InterruptedException {
    return texts.poll(window.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int closeCode(Duration timeout) {
    try {
      return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("socket not closed within " + timeout.toMillis() + " ms");
    }
  }

  /** The reason of the edge's close frame, once {@link #closeCode} returned ("" if none). */
  public String closeReason() {
    return closeReason;
  }

  public boolean isClosed() {
    return closeCode.isDone();
  }

  /** Sends a close frame (1000) and waits for the socket to close. */
  @Override
  public void close() {
    try {
      if (!closeCode.isDone() && !socket.isClosed()) {
        writeFrame(0x8, new byte[] {0x03, (byte) 0xE8});
        closeCode.get(5, TimeUnit.SECONDS);
      }
    } catch (Exception ignored) {
      // fall through to the hard close
    } finally {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }

  /** Closes the TCP connection without a close frame (socket loss). */
  public void drop() throws IOException {
    socket.close();
  }
}
