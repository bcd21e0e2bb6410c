package dev.patchbay.internal.signaling;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 between a TLS client and a TLS server that reads the server's TLS
 * records (5-byte header, then the length it names), so a test can end the connection in the
 * middle of a record, or stop relaying the server's records after the first few (a peer that
 * stalls mid-handshake). The client's records are relayed whole and noted (type, length).
 */
final class TlsCuttingProxy implements AutoCloseable {
  private final ServerSocket listen;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  /** Set: the next application-data record from the server is cut after half its body. */
  volatile boolean cutNextApplicationRecord;
  /** Type and length of every record the client sent, in order. */
  final List<int[]> clientRecords = new CopyOnWriteArrayList<>();
  /** Completes when the client's side of the connection ended. */
  final java.util.concurrent.CompletableFuture<Void> clientEnded =
      new java.util.concurrent.CompletableFuture<>();
  /** Records from the server relayed before the relay stops forwarding them (0: no limit). */
  volatile int stallAfterServerRecords;

  TlsCuttingProxy(int targetPort) throws IOException {
    listen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!listen.isClosed()) {
        try {
          Socket client = listen.accept();
          Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          client.setTcpNoDelay(true);
          server.setTcpNoDelay(true);
          sockets.add(client);
          sockets.add(server);
          daemon(() -> relayClientRecords(client, server));
          daemon(() -> relayRecords(server, client));
        } catch (IOException e) {
          return;
        }
      }
    }, "tls-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listen.getLocalPort();
  }

  private interface Io {
    void run() throws IOException;
  }

  private static void daemon(Io io) {
    Thread t = new Thread(() -> {
      try {
        io.run();
      } catch (IOException e) {
        // a side closed
      }
    }, "tls-proxy-relay");
    t.setDaemon(true);
    t.start();
  }

  private void relayClientRecords(Socket client, Socket server) throws IOException {
    DataInputStream in = new DataInputStream(client.getInputStream());
    OutputStream out = server.getOutputStream();
    try {
      while (true) {
        byte[] head = new byte[5];
        int first = in.read();
        if (first < 0) {
          break;
        }
        head[0] = (byte) first;
        in.readFully(head, 1, 4);
        int len = ((head[3] & 0xff) << 8) | (head[4] & 0xff);
        byte[] body = new byte[len];
        in.readFully(body);
        clientRecords.add(new int[] {head[0], len});
        out.write(head);
        out.write(body);
        out.flush();
      }
      server.shutdownOutput();
    } finally {
      clientEnded.complete(null);
    }
  }

  private void relayRecords(Socket server, Socket client) throws IOException {
    DataInputStream in = new DataInputStream(server.getInputStream());
    OutputStream out = client.getOutputStream();
    int records = 0;
    while (true) {
      byte[] head = new byte[5];
      in.readFully(head);
      int len = ((head[3] & 0xff) << 8) | (head[4] & 0xff);
      byte[] body = new byte[len];
      in.readFully(body);
      records++;
      int stall = stallAfterServerRecords;
      if (stall > 0 && records > stall) {
        continue; // swallowed: the client waits
      }
      out.write(head);
      if (cutNextApplicationRecord && head[0] == 23) {
        out.write(body, 0, len / 2);
        out.flush();
        client.close(); // a TCP close in the middle of the record: no close_notify
        server.close();
        return;
      }
      out.write(body);
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    listen.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
