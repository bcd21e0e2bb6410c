package dev.patchbay.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A TCP relay on 127.0.0.1 to a local port that counts the connections made through it. */
final class CountingRelay implements AutoCloseable {
  private final ServerSocket listen;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();

  CountingRelay(int targetPort) throws IOException {
    listen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!listen.isClosed()) {
        try {
          Socket client = listen.accept();
          connections.incrementAndGet();
          Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          sockets.add(client);
          sockets.add(server);
          pump(client.getInputStream(), server);
          pump(server.getInputStream(), client);
        } catch (IOException e) {
          return;
        }
      }
    }, "counting-relay");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listen.getLocalPort();
  }

  private static void pump(InputStream in, Socket to) {
    Thread t = new Thread(() -> {
      byte[] b = new byte[8192];
      try {
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(b)) >= 0) {
          out.write(b, 0, n);
          out.flush();
        }
        to.shutdownOutput();
      } catch (IOException e) {
        // a side closed
      }
    }, "counting-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listen.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
