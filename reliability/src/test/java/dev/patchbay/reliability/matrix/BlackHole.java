package dev.patchbay.reliability.matrix;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A listening port on 127.0.0.1 that never accepts and whose accept queue is full: the kernel
 * drops further SYNs, so a TCP connect to it neither succeeds nor fails (a black-holed route).
 */
final class BlackHole implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> fillers = new ArrayList<>();

  BlackHole() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    for (int i = 0; i < 4; i++) { // fill the accept queue (backlog + 1 on Linux)
      Socket s = new Socket();
      try {
        s.connect(server.getLocalSocketAddress(), 200);
        fillers.add(s);
      } catch (IOException timedOut) {
        s.close();
        break;
      }
    }
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  @Override
  public void close() throws IOException {
    for (Socket s : fillers) {
      s.close();
    }
    server.close();
  }
}
