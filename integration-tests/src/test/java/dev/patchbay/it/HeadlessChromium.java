package dev.patchbay.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code chromium}, headless, loading one page: lets its scripts run for a budget of
 * virtual time, then dumps the DOM and saves a screenshot. Each run gets its own temporary
 * profile (and config and cache directories), and afterwards no process of that run may be
 * left: every process whose command line names the run's directory is waited for, killed by
 * its id if it outlives a grace period, and then the run fails.
 *
 * <p>Missing chromium is a skip, unless {@code PATCHBAY_REQUIRE_BROWSER=1} (set by
 * {@code .ci/run}), where it fails.
 */
final class HeadlessChromium {
  static final String REQUIRE_ENV = "PATCHBAY_REQUIRE_BROWSER";
  private static final Duration RUN_LIMIT = Duration.ofSeconds(25);
  private static final Duration EXIT_GRACE = Duration.ofSeconds(10);
  private static final Pattern STAT =
      Pattern.compile("data-stat=\"([^\"]+)\"[^>]*>([^<]*)<");

  /** What a run left: the DOM after the budget and the screenshot's path. */
  record Page(String dom, Path screenshot) {
    /** Every element's {@code data-stat} name and its text, in document order. */
    Map<String, String> stats() {
      Map<String, String> out = new LinkedHashMap<>();
      Matcher m = STAT.matcher(dom);
      while (m.find()) {
        out.putIfAbsent(m.group(1), m.group(2).trim());
      }
      return out;
    }
  }

  private HeadlessChromium() {}

  /** The chromium executable on the PATH; skips (or fails when required) without one. */
  static Path find() {
    return find(System.getenv().getOrDefault("PATH", ""), System.getenv(REQUIRE_ENV));
  }

  /** {@link #find()} on a given PATH and value of {@link #REQUIRE_ENV}. */
  static Path find(String path, String require) {
    Optional<Path> found = Stream.of(path.split(File.pathSeparator))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, "chromium"))
        .filter(Files::isExecutable)
        .findFirst();
    if (found.isEmpty()) {
      String msg = "chromium is not installed (Debian: apt-get install -y chromium); the live "
          + "view's browser test needs it";
      if ("1".equals(require)) {
        Assertions.fail(msg + ", and " + REQUIRE_ENV + "=1 requires it");
      }
      Assumptions.abort(msg + " — skipped (set " + REQUIRE_ENV + "=1 to make this a failure)");
    }
    return found.get();
  }

  /**
   * Loads {@code url}, runs its scripts for {@code budget} of virtual time, dumps the DOM and
   * saves a {@code width}×{@code height} screenshot to {@code screenshot}.
   */
  static Page load(Path chromium, URI url, Duration budget, Path screenshot, int width,
      int height) throws Exception {
    Path dir = Files.createTempDirectory("patchbay-chromium-");
    Files.createDirectories(screenshot.toAbsolutePath().getParent());
    Files.deleteIfExists(screenshot);
    Path dom = dir.resolve("dom.html");
    Path log = dir.resolve("chromium.log");
    ProcessBuilder pb = new ProcessBuilder(List.of(chromium.toString(),
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--disable-sync", "--disable-component-update", "--disable-breakpad",
        "--user-data-dir=" + dir.resolve("profile"),
        "--window-size=" + width + "," + height,
        "--virtual-time-budget=" + budget.toMillis(),
        "--screenshot=" + screenshot.toAbsolutePath(),
        "--dump-dom", url.toString()));
    pb.environment().put("HOME", dir.toString());
    pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    pb.redirectOutput(dom.toFile()).redirectError(log.toFile());
    Process p = pb.start();
    try {
      long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
      int seen = 0; // the most processes of this run seen at once: the leak check sees them
      while (p.isAlive() && System.nanoTime() < deadline) {
        seen = Math.max(seen, runningIn(dir).size());
        p.waitFor(100, TimeUnit.MILLISECONDS);
      }
      boolean exited = !p.isAlive();
      assertThat(exited).as("chromium finished within %s; its log:%n%s", RUN_LIMIT,
          tail(log)).isTrue();
      assertThat(p.exitValue()).as("chromium's exit status; its log:%n%s", tail(log)).isZero();
      assertThat(seen).as("processes of this run found by their command line while it ran "
          + "(else the check that none outlives it could not fail)").isPositive();
      System.out.println("chromium: up to " + seen + " processes of this run at once");
      return new Page(Files.readString(dom, StandardCharsets.UTF_8), screenshot);
    } finally {
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      List<ProcessHandle> left = awaitGone(dir);
      try {
        deleteTree(dir);
      } catch (IOException e) { // a temporary directory: not worth hiding the outcome for
        System.err.println("could not delete " + dir + ": " + e);
      }
      assertThat(left).as("chromium processes of this run still alive after %s "
          + "(killed by their ids)", EXIT_GRACE).isEmpty();
    }
  }

  /** Processes still naming {@code dir} after the grace period (each is then killed). */
  private static List<ProcessHandle> awaitGone(Path dir) throws InterruptedException {
    long deadline = System.nanoTime() + EXIT_GRACE.toNanos();
    List<ProcessHandle> left = runningIn(dir);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      left = runningIn(dir);
    }
    left.forEach(ProcessHandle::destroyForcibly);
    return left;
  }

  /** Live processes whose command line names {@code dir} (this run's and no other's). */
  static List<ProcessHandle> runningIn(Path dir) {
    String needle = dir.toString();
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().commandLine().map(c -> c.contains(needle)).orElse(false))
        .toList();
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
