package dev.patchbay.examples.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code backend} as a process: SIGTERM runs the shutdown hook, which leaves nothing open. */
class BackendCommandSigtermTest {
  @Test
  void sigtermShutsDownGracefullyWithNothingLeftOpen() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dpatchbay.log.file=" + System.getProperty("java.io.tmpdir") + "/backend-sigterm.log",
        "dev.patchbay.examples.Main", "backend", "--users", "10", "--callers", "2", "--status-every", "200ms")
        .redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
          }
          if (line.startsWith("backend ready")) {
            ready.complete(null);
          }
        }
      } catch (java.io.IOException ignored) {
        // process gone
      }
    });
    reader.start();
    try {
      ready.get(60, TimeUnit.SECONDS);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
        synchronized (lines) {
          return lines.stream().anyMatch(l -> l.matches("status: .* [1-9]\\d* calls answered.*"));
        }
      });

      p.toHandle().destroy(); // SIGTERM (Process.destroy() would also close our end of stdout)

      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      reader.join(5000);
      String out;
      synchronized (lines) {
        out = String.join("\n", lines);
      }
      assertThat(out).as("exit code %s, output:%n%s", p.exitValue(), out)
          .contains("backend ready: 20 users in 2 tenants connected")
          .containsPattern("shutdown complete: answered [1-9]\\d* calls")
          .contains("left open: 0 sockets, 0 user agents, 0 calls, 0 SDK threads, 0 timers;"
              + " edge: 0 sockets, 0 calls, 0 live tokens");
    } finally {
      p.destroyForcibly();
    }
  }
}
