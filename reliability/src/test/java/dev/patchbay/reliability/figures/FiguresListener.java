package dev.patchbay.reliability.figures;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Registered through {@code META-INF/services}: at the end of each test JVM writes its
 * {@link Figures} to {@code target/reliability-figures/<runId>/<pid>.properties}; in the JVM
 * that has {@code reliability.printTable=true} (the matrix, which runs after the fuzz JVMs) it
 * then adds up every file of this build and prints the table (also written to
 * {@code target/reliability-figures/table.txt}).
 */
public final class FiguresListener implements TestExecutionListener {

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    String dirName = System.getProperty("reliability.figuresDir");
    String runId = System.getProperty("reliability.runId", "adhoc");
    if (dirName == null) {
      return; // run outside Maven: nothing to add up
    }
    Path root = Path.of(dirName);
    Path run = root.resolve(runId);
    if (dev.patchbay.testing.LogCapture.installed()
        && dev.patchbay.reliability.matrix.Secrets.count() > 0) {
      Figures.note(String.format("log capture: %d secrets watched (client secrets, tokens, "
          + "codes, verifiers, ICE passwords, Basic headers) over every log event and exception "
          + "message; a hit fails the run", dev.patchbay.reliability.matrix.Secrets.count()));
    }
    try {
      Files.createDirectories(run);
      write(run.resolve(ProcessHandle.current().pid() + ".properties"), Figures.snapshot());
      if (Boolean.getBoolean("reliability.printTable")) {
        Table table = new Table();
        try (Stream<Path> files = Files.list(run)) {
          for (Path p : files.filter(f -> f.toString().endsWith(".properties")).toList()) {
            table.add(read(p));
          }
        }
        String text = table.render(Boolean.getBoolean("reliability.full"));
        System.out.println(text);
        Files.writeString(root.resolve("table.txt"), text, StandardCharsets.UTF_8);
        deleteOtherRuns(root, runId);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the reliability figures to " + run, e);
    }
  }

  private static void write(Path file, Map<String, String> figures) throws IOException {
    Properties p = new Properties();
    p.putAll(figures);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "reliability figures of one test JVM");
    }
  }

  private static Map<String, String> read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, String> out = new TreeMap<>();
    p.forEach((k, v) -> out.put((String) k, (String) v));
    return out;
  }

  private static void deleteOtherRuns(Path root, String runId) throws IOException {
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        if (!d.getFileName().toString().equals(runId)) {
          try (Stream<Path> walk = Files.walk(d)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
              Files.deleteIfExists(p);
            }
          }
        }
      }
    }
  }
}
