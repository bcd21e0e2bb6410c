package dev.patchbay.examples.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loadtest --media webrtc}: pairs of agents call each other with real audio among the
 * signaling-only agents. Runs in the network-namespace JVM (see the examples pom).
 */
@Tag("real-audio")
class LoadTestRealAudioTest {
  @TempDir
  Path dir;

  @Test
  void realAudioPairsConnectMediaAndReleaseEveryNativeObject() {
    assertThat(System.getenv("PATCHBAY_NETNS")).as("must run inside a network namespace")
        .isNotBlank();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = LoadTestCommand.run(new String[] {"--agents", "20", "--tenants", "1", "--window",
        "2s", "--hold", "1s", "--nodes", "1", "--media", "webrtc", "--webrtc-pairs", "2",
        "--html", dir.resolve("r.html").toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false);

    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as("stdout:%n%s%nstderr:%n%s", report, err.toString(StandardCharsets.UTF_8))
        .isZero();
    assertThat(report).contains("2 agent pair(s) with real audio")
        .containsPattern("attempted\\s+18\\n") // 16 signaling agents + 2 real-audio callers
        .containsPattern("established\\s+18\\n")
        .containsPattern("other client resources left\\s+0\\n").contains("CLEAN");
  }
}
