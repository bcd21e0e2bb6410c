package dev.patchbay.benchmarks.core;

import dev.patchbay.testkit.FakeEdge;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A fake edge in its own JVM, so a benchmark measures only the SDK's heap and threads. Prints
 * {@code EDGE <uri>} once started and stops when its stdin closes; a {@code STATS} line on
 * stdin prints the sockets and live tokens left (waiting up to 5 s for them to reach zero).
 *
 * <p>Args: users (named u0 … u{n-1}, secret s{i}, tenant "bench"); optionally {@code false} to
 * offer no {@code logout} (clients then revoke over RFC 7009); optionally a PKCS12 key store
 * file and its password to serve {@code https}/{@code wss} with that key.
 */
public final class EdgeProcess {
  public static void main(String[] args) throws Exception {
    int users = Integer.parseInt(args[0]);
    Bench.quietLogs();
    FakeEdge.Builder b = FakeEdge.builder().tenant("bench", t -> t.socketCap(users + 100)
        .userSocketLimit(4).mediaCapacity(users + 100)).frameLogCapacity(16).maxThreads(256)
        .logout(args.length < 2 || Boolean.parseBoolean(args[1]));
    if (args.length >= 4) {
      char[] password = args[3].toCharArray();
      java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
      try (java.io.InputStream in = java.nio.file.Files.newInputStream(
          java.nio.file.Path.of(args[2]))) {
        keys.load(in, password);
      }
      b.tls(keys, password);
    }
    for (int i = 0; i < users; i++) {
      b.user("bench", "u" + i, "s" + i);
    }
    try (FakeEdge edge = b.start()) {
      edge.frameLog(false);
      Bench.out("EDGE %s", edge.uri());
      System.out.flush();
      BufferedReader in = new BufferedReader(
          new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) { // until the parent closes our stdin
        if (line.trim().equals("STATS")) { // after the client closed: what is left here
          long t0 = System.nanoTime();
          long deadline = t0 + 5_000_000_000L;
          while ((edge.openSockets() > 0 || edge.liveTokens() > 0)
              && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          Bench.out("STATS %d sockets, %d live tokens at the edge (after waiting %.2f s);"
              + " %d logouts, %d RFC 7009 revocations", edge.openSockets(), edge.liveTokens(),
              (System.nanoTime() - t0) / 1e9, edge.counters().get("logouts"),
              edge.counters().get("revocations"));
          System.out.flush();
        }
      }
    }
  }
}
