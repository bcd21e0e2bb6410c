package dev.patchbay.benchmarks.compare;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * Writes a run's steps ({@link RunReport#steps()}) as a JMeter results file: CSV with JMeter
 * 5.6's default columns and header line, one row per step, quoted the way JMeter quotes, so
 * JMeter's own tools read it ({@code jmeter -g run.jtl -o dashboard/}, listeners' "Browse").
 * {@code timeStamp} is the step's start (JMeter's {@code sampleresult.timestamp.start=true});
 * {@code Latency} is the elapsed time, {@code Connect} too for {@code connect} rows; the thread
 * name is {@code <client> <agent>}, so the dashboard groups agents by client.
 */
public final class JtlFile {
  /** JMeter 5.6.3's default CSV columns, in its order. */
  public static final String HEADER = "timeStamp,elapsed,label,responseCode,responseMessage,"
      + "threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,"
      + "Latency,IdleTime,Connect";

  private JtlFile() {}

  /** Writes {@code report}'s steps to {@code file} (parents created), sorted by start time. */
  public static Path write(Path file, RunReport report) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    List<RunReport.Sample> rows = report.steps().stream()
        .sorted(Comparator.comparingLong(RunReport.Sample::startEpochMs)).toList();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(HEADER);
      w.write('\n');
      for (RunReport.Sample s : rows) {
        w.write(row(report.client(), s));
        w.write('\n');
      }
    }
    return file;
  }

  static String row(String client, RunReport.Sample s) {
    long connect = s.label().startsWith("connect") ? s.elapsedMs() : 0;
    return String.join(",", Long.toString(s.startEpochMs()), Long.toString(s.elapsedMs()),
        quote(s.label()), quote(s.code()), quote(s.message()), quote(client + " " + s.agent()),
        "text", Boolean.toString(s.success()), s.success() ? "" : quote(s.message()), "0", "0",
        Integer.toString(s.activeAgents()), Integer.toString(s.activeAgents()), "",
        Long.toString(s.elapsedMs()), "0", Long.toString(connect));
  }

  /** Quotes a field holding a comma, a quote or a line break, doubling quotes (as JMeter). */
  static String quote(String v) {
    if (v == null) {
      return "";
    }
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0
        && v.indexOf('\r') < 0) {
      return v;
    }
    return '"' + v.replace("\"", "\"\"") + '"';
  }
}
