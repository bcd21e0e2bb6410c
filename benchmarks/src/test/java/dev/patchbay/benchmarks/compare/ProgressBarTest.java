package dev.patchbay.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The live progress line never wraps: it fits the terminal's width ($COLUMNS, else 80). */
class ProgressBarTest {
  private static LoadRecorder busyRecorder() {
    LoadRecorder rec = new LoadRecorder(500);
    for (int i = 0; i < 500; i++) {
      rec.agentStarting();
    }
    for (int i = 0; i < 480; i++) {
      rec.agentConnected(Duration.ofMillis(300));
      rec.callAttempted();
      rec.callEstablished(Duration.ofMillis(900));
    }
    for (int i = 0; i < 12; i++) {
      rec.agentFailed("503");
    }
    return rec;
  }

  private static ProgressBar bar(LoadRecorder rec, int columns) {
    return new ProgressBar(new PrintStream(new ByteArrayOutputStream()), "Patchbay", rec, false,
        columns);
  }

  @Test
  void theLineFitsEveryWidthWithTheLastColumnFree() {
    LoadRecorder rec = busyRecorder();
    for (int columns : new int[] {20, 40, 60, 80, 100, 132, 200}) {
      String line = bar(rec, columns).line(123.4);
      assertThat(line.length()).as("%d columns: %s", columns, line).isLessThan(columns);
    }
  }

  @Test
  void eightyColumnsKeepABarAndTheCounts() {
    String line = bar(busyRecorder(), 80).line(66);

    assertThat(line).startsWith("Patchbay [").contains(" 66s").contains("conn   8")
        .contains("fail  12").contains("| ok 480");
  }

  @Test
  void aWideTerminalGetsTheLongForm() {
    assertThat(bar(busyRecorder(), 200).line(66)).contains("connecting   8")
        .contains("calls/s");
  }

  @Test
  void columnsComeFromTheEnvironmentOr80() {
    assertThat(ProgressBar.terminalColumns("120")).isEqualTo(120);
    assertThat(ProgressBar.terminalColumns(null)).isEqualTo(80);
    assertThat(ProgressBar.terminalColumns("wide")).isEqualTo(80);
    assertThat(ProgressBar.terminalColumns("5")).isEqualTo(80);
  }
}
