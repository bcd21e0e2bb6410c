package dev.patchbay.benchmarks.core;

import dev.patchbay.testkit.FakeEdge;
import java.io.InputStream;

/**
 * A fake edge in its own JVM, so a benchmark measures only the SDK's heap and threads. Prints
 * {@code EDGE <uri>} once started and stops when its stdin closes.
 *
 * <p>Args: users (named u0 … u{n-1}, secret s{i}, tenant "bench").
 */
public final class EdgeProcess {
  public static void main(String[] args) throws Exception {
    int users = Integer.parseInt(args[0]);
    Bench.quietLogs();
    FakeEdge.Builder b = FakeEdge.builder().tenant("bench", t -> t.socketCap(users + 100)
        .userSocketLimit(4).mediaCapacity(users + 100)).frameLogCapacity(16).maxThreads(256);
    for (int i = 0; i < users; i++) {
      b.user("bench", "u" + i, "s" + i);
    }
    try (FakeEdge edge = b.start()) {
      edge.frameLog(false);
      Bench.out("EDGE %s", edge.uri());
      System.out.flush();
      InputStream in = System.in;
      while (in.read() >= 0) {
        // wait for the parent to close our stdin
      }
    }
  }
}
