package dev.patchbay.internal.signaling;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A WebSocket server written from the bytes up (RFC 6455 by hand) on 127.0.0.1, so a test can
 * make it misbehave in ways a real server library would not: a 1 GB frame streamed from a small
 * buffer, invalid UTF-8, no pongs, redirects. Each accepted connection runs {@code script} on its
 * own thread.
 */
final class RawWsServer implements AutoCloseable {
  final ServerSocket server;
  final AtomicInteger connections = new AtomicInteger();
  final List<Conn> conns = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  /** Non-null: every connection is TLS (server side) over the accepted TCP socket. */
  private final SSLContext tls;

  RawWsServer(Consumer<Conn> script) throws IOException {
    this(script, null);
  }

  /**
   * @param tls null for plain TCP; else each accepted socket is wrapped in a server-mode TLS
   *     socket of this context (the handshake runs on the connection's first read)
   */
  RawWsServer(Consumer<Conn> script, SSLContext tls) throws IOException {
    this(script, tls, true);
  }

  /** A server that hands each TCP connection to {@code script} without reading anything. */
  static RawWsServer tcp(Consumer<Conn> script) throws IOException {
    return new RawWsServer(script, null, false);
  }

  private RawWsServer(Consumer<Conn> script, SSLContext tls, boolean readRequest)
      throws IOException {
    this.tls = tls;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket raw = server.accept();
          connections.incrementAndGet();
          Socket s = raw;
          if (tls != null) {
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw,
                raw.getInetAddress().getHostAddress(), raw.getPort(), true);
            ssl.setUseClientMode(false);
            s = ssl;
          }
          Conn c = new Conn(s, raw);
          conns.add(c);
          Thread t = new Thread(() -> {
            try {
              if (readRequest) {
                c.readRequest();
              }
              script.accept(c);
            } catch (Exception e) {
              c.error = e;
            }
          }, "raw-ws-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "raw-ws-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + server.getLocalPort()
        + "/v1/signaling";
  }

  /** The WebSocket URL ({@code ws://} or {@code wss://}). */
  String wsUrl() {
    return (tls == null ? "ws" : "wss") + "://127.0.0.1:" + server.getLocalPort()
        + "/v1/signaling";
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Conn c : conns) {
      c.raw.close();
    }
  }

  /** One frame as read from the client (unmasked). */
  record Frame(int opcode, byte[] payload) {
    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }

    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  static final class Conn {
    /** The connection (TLS when the server is). */
    final Socket socket;
    /** The TCP socket under it (the same as {@link #socket} without TLS). */
    final Socket raw;
    final InputStream in;
    final OutputStream out;
    final Map<String, String> headers = new LinkedHashMap<>();
    String requestLine;
    volatile Exception error;

    Conn(Socket socket, Socket raw) throws IOException {
      this.socket = socket;
      this.raw = raw;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    void readRequest() throws IOException {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      int state = 0;
      while (state < 4) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("eof in request");
        }
        buf.write(b);
        state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1
            || state == 3)) ? state + 1 : 0;
      }
      String[] lines = buf.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      requestLine = lines[0];
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
    }

    /** Completes the upgrade (choosing {@code patchbay.v1} when asked). */
    void accept() throws Exception {
      String key = headers.get("sec-websocket-key");
      String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
          .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
              .getBytes(StandardCharsets.ISO_8859_1)));
      String proto = headers.get("sec-websocket-protocol");
      String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n"
          + (proto != null ? "Sec-WebSocket-Protocol: patchbay.v1\r\n" : "") + "\r\n";
      out.write(response.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    void respond(String statusLine, Map<String, String> extraHeaders, String body)
        throws IOException {
      StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(statusLine).append("\r\n");
      extraHeaders.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      sb.append("Content-Length: ").append(b.length).append("\r\nConnection: close\r\n\r\n");
      out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(b);
      out.flush();
    }

    /** Writes a frame header (server frames are not masked). */
    void frameHeader(int opcode, boolean fin, long length) throws IOException {
      out.write((fin ? 0x80 : 0) | opcode);
      if (length < 126) {
        out.write((int) length);
      } else if (length < 65536) {
        out.write(126);
        out.write((int) (length >>> 8));
        out.write((int) length & 0xff);
      } else {
        out.write(127);
        for (int i = 7; i >= 0; i--) {
          out.write((int) (length >>> (8 * i)) & 0xff);
        }
      }
    }

    synchronized void sendFrame(int opcode, byte[] payload) throws IOException {
      frameHeader(opcode, true, payload.length);
      out.write(payload);
      out.flush();
    }

    void sendText(String text) throws IOException {
      sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendClose(int code, String reason) throws IOException {
      byte[] r = reason.getBytes(StandardCharsets.UTF_8);
      byte[] p = new byte[2 + r.length];
      p[0] = (byte) (code >>> 8);
      p[1] = (byte) code;
      System.arraycopy(r, 0, p, 2, r.length);
      sendFrame(0x8, p);
    }

    /** Reads one client frame (masked, as RFC 6455 requires of clients). */
    Frame readFrame() throws IOException {
      DataInputStream d = new DataInputStream(in);
      int b0 = d.readUnsignedByte();
      int b1 = d.readUnsignedByte();
      long len = b1 & 0x7f;
      if (len == 126) {
        len = d.readUnsignedShort();
      } else if (len == 127) {
        len = d.readLong();
      }
      byte[] mask = new byte[4];
      if ((b1 & 0x80) != 0) {
        d.readFully(mask);
      }
      if (len > 1 << 20) {
        throw new IOException("client frame too long: " + len);
      }
      byte[] p = new byte[(int) len];
      d.readFully(p);
      for (int i = 0; i < p.length; i++) {
        p[i] ^= mask[i % 4];
      }
      return new Frame(b0 & 0x0f, p);
    }
  }
}
