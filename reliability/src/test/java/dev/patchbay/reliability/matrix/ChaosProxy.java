package dev.patchbay.reliability.matrix;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 between the SDK and the fake edge that breaks the network the way the
 * field does: {@link #blackhole()} silently drops every byte of the connections open now (a
 * half-open path: nothing arrives, nothing fails), {@link #stall()} stops reading from the SDK
 * (the sender's queues fill), {@link #resetAll()} ends every connection with a TCP reset. New
 * connections are always forwarded normally. A connection is attributed to a user when its
 * upgrade request names one ({@code Patchbay-User}), so {@link #resetUser(String)} cuts one user's
 * sockets only.
 */
public final class ChaosProxy implements AutoCloseable {
  private static final AtomicInteger IDS = new AtomicInteger();

  private final InetSocketAddress upstream;
  private final ServerSocket server;
  private final List<Pair> pairs = new CopyOnWriteArrayList<>();
  private final int id = IDS.incrementAndGet();
  private volatile boolean closed;
  private volatile boolean down;

  /** One proxied connection. */
  private final class Pair {
    final Socket client;
    final Socket edge;
    volatile boolean blackholed;
    volatile boolean stalled;
    /** The {@code Patchbay-User} of the upgrade request, once seen; null for OAuth requests. */
    volatile String user;

    Pair(Socket client, Socket edge) {
      this.client = client;
      this.edge = edge;
    }

    void start() {
      pump("up", client, edge, true);
      pump("down", edge, client, false);
    }

    private void pump(String dir, Socket from, Socket to, boolean fromClient) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          while (true) {
            while (fromClient && stalled && !closed) {
              Thread.sleep(10); // not reading: the sender's buffers and queue fill up
            }
            int n = in.read(buf);
            if (n < 0) {
              break;
            }
            if (fromClient && user == null) {
              user = userHeader(buf, n);
            }
            if (!blackholed) {
              out.write(buf, 0, n);
              out.flush();
            }
          }
        } catch (IOException | InterruptedException e) {
          // a reset or close ends the pump
        } finally {
          closeQuietly();
        }
      }, "chaos-proxy-" + id + "-" + dir);
      t.setDaemon(true);
      t.start();
    }

    void reset() {
      try {
        client.setSoLinger(true, 0);
        edge.setSoLinger(true, 0);
      } catch (IOException ignored) {
        // already closed
      }
      closeQuietly();
    }

    void closeQuietly() {
      pairs.remove(this);
      try {
        client.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      try {
        edge.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static final java.util.regex.Pattern USER_HEADER = java.util.regex.Pattern.compile(
      "\r\nPatchbay-User: *([^\r\n]+)\r\n", java.util.regex.Pattern.CASE_INSENSITIVE);

  private static String userHeader(byte[] buf, int n) {
    java.util.regex.Matcher m = USER_HEADER.matcher(
        new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
    return m.find() ? m.group(1).trim() : null;
  }

  public ChaosProxy(URI edge) throws IOException {
    this.upstream = new InetSocketAddress(edge.getHost(), edge.getPort());
    this.server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "chaos-proxy-" + id + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket c = server.accept();
        if (down) { // the edge is restarting: every new connection is reset at once
          c.setSoLinger(true, 0);
          c.close();
          continue;
        }
        Socket e = new Socket();
        try {
          e.connect(upstream, 5_000);
        } catch (IOException refused) {
          c.setSoLinger(true, 0);
          c.close();
          continue;
        }
        Pair p = new Pair(c, e);
        pairs.add(p);
        p.start();
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  /** {@code http://127.0.0.1:<port>}: give this to the SDK instead of the edge's URI. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Drops every byte of the connections open now, both ways; they stay open. */
  int blackhole() {
    pairs.forEach(p -> p.blackholed = true);
    return pairs.size();
  }

  /** Stops reading from the SDK on the connections open now. */
  int stall() {
    pairs.forEach(p -> p.stalled = true);
    return pairs.size();
  }

  /** Resumes reading on stalled connections. */
  void unstall() {
    pairs.forEach(p -> p.stalled = false);
  }

  /** Ends every connection open now with a TCP reset (RST) to both sides. */
  public int resetAll() {
    List<Pair> now = List.copyOf(pairs);
    now.forEach(Pair::reset);
    return now.size();
  }

  /** Ends the connections of {@code user} open now with a TCP reset; returns how many. */
  public int resetUser(String user) {
    List<Pair> now = pairs.stream().filter(p -> user.equals(p.user)).toList();
    now.forEach(Pair::reset);
    return now.size();
  }

  /** While down, new connections are reset at once (an edge restarting). */
  public void down(boolean on) {
    this.down = on;
  }

  public int connections() {
    return pairs.size();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    List.copyOf(pairs).forEach(Pair::closeQuietly);
  }
}
