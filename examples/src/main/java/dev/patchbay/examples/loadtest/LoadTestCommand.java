package dev.patchbay.examples.loadtest;

import dev.patchbay.benchmarks.compare.FieldEdge;
import dev.patchbay.benchmarks.compare.HtmlReport;
import dev.patchbay.benchmarks.compare.JtlFile;
import dev.patchbay.benchmarks.compare.LoadDriver;
import dev.patchbay.benchmarks.compare.LoadHarness;
import dev.patchbay.benchmarks.compare.ProgressBar;
import dev.patchbay.benchmarks.compare.ReportTable;
import dev.patchbay.benchmarks.compare.RunReport;
import dev.patchbay.benchmarks.compare.Scenario;
import dev.patchbay.benchmarks.handrolled.HandRolledDriver;
import dev.patchbay.examples.cli.Args;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code loadtest}: N agents, each with its own token, connect and place calls within a window
 * against an embedded fake edge with the field profile (or {@code --edge URL}); prints a live
 * progress line, then the report table, writes a self-contained HTML report, and exits non-zero
 * when anything leaked, a call was lost without a terminal reason, or a token was reused.
 */
public final class LoadTestCommand {
  static final String USAGE = """
      usage: java -jar patchbay-examples.jar loadtest [options]
        --agents N           user agents, each with its own user and token (default 500)
        --tenants N          tenants the agents are spread over (default 2)
        --window D           agents start within this window (default 30s)
        --calls-per-agent N  calls each agent places, one after the other (default 1)
        --hold D             mean call hold time, exponential (default 4s)
        --callee NAME        who to call: auto-answer, slow-answer, busy, no-answer (default auto-answer)
        --nodes N            Patchbay instances (simulated app nodes) sharing the edge (default 8)
        --media M            signaling (default: no native media), or webrtc: additionally
                             --webrtc-pairs pairs of tenant-0 agents call each other with real
                             audio (sdk-webrtc). Real media needs an interface ICE can use; keep it
                             off shared networks: run inside a network namespace (see README)
        --webrtc-pairs N     pairs with real audio when --media webrtc (default 2)
        --edge URL           target a running edge instead of the embedded one: a fake edge with
                             admin endpoints gets the users provisioned and reports its counters;
                             on a real edge users agent-<i> (secret agent-<i>-secret, tenant
                             tenant-<i mod tenants>) must exist
        --seed N             seed of arrivals, hold times and the edge's faults (default 42)
        --compare            also run the hand-rolled client (shared token; and with own tokens)
                             against a fresh edge each, same scenario; side by side
        --html FILE          HTML report path (default reports/loadtest-<time>.html)
        --json FILE          JSON summary path (default: the HTML path with .json)
        --jtl FILE           JMeter results file (CSV, JMeter's default columns) of the
                             Patchbay run, for `jmeter -g FILE -o DIR` (default: .jtl)
        --threshold EXPR     pass/fail criterion, k6 style: METRIC OP VALUE, OP one of
                             < <= > >= == !=; repeat it or separate with commas; `none` for
                             none. Default: connect_failed_rate<0.05,call_failed_rate<0.05
        --deadline D         give up waiting for agents after this (default window + 120s)
      durations: 30s, 500ms, 2m
      exit codes: 0 SDK clean and every threshold met; 1 the SDK leaked, lost a call or reused
      a token; 2 bad options; 3 the SDK was clean but a threshold was crossed
      threshold metrics (durations: 20s, 500ms, 2m, a plain number is ms; rates: 0.01 or 1%):
      """ + Threshold.metricsHelp().stripTrailing();

  private LoadTestCommand() {}

  public static int run(String[] argv) {
    return run(argv, System.out, System.err, ProgressBar.interactive());
  }

  /**
   * Runs the load test; returns the process exit code: 0 clean and every threshold met, 1 leaks,
   * lost calls or token reuse, 2 usage, 3 clean but a threshold crossed ({@link Verdict}).
   */
  public static int run(String[] argv, PrintStream out, PrintStream err, boolean tty) {
    Args a;
    Scenario s;
    int nodes;
    int webrtcPairs;
    List<Threshold> thresholds;
    boolean defaultThresholds;
    try {
      a = Args.parse(argv, Set.of("compare", "help"), Set.of("agents", "tenants", "window",
          "calls-per-agent", "hold", "callee", "media", "edge", "seed", "html", "deadline",
          "nodes", "webrtc-pairs", "json", "jtl", "threshold"));
      if (a.flag("help")) {
        out.println(USAGE);
        return 0;
      }
      String media = a.string("media", "signaling");
      if (!media.equals("signaling") && !media.equals("webrtc")) {
        throw new IllegalArgumentException("--media must be signaling or webrtc, but was "
            + media);
      }
      webrtcPairs = media.equals("webrtc") ? a.integer("webrtc-pairs", 2) : 0;
      if (webrtcPairs < 0) {
        throw new IllegalArgumentException("--webrtc-pairs must be >= 0, but was " + webrtcPairs);
      }
      s = new Scenario(a.integer("agents", 500), a.integer("tenants", 2),
          a.duration("window", Duration.ofSeconds(30)), a.integer("calls-per-agent", 1),
          a.duration("hold", Duration.ofSeconds(4)), a.string("callee", "auto-answer"),
          a.longValue("seed", 42));
      nodes = a.integer("nodes", 8);
      if (nodes < 1) {
        throw new IllegalArgumentException("--nodes must be >= 1, but was " + nodes);
      }
      defaultThresholds = a.all("threshold").isEmpty();
      thresholds = Threshold.parseAll(defaultThresholds ? Threshold.DEFAULTS
          : a.all("threshold"));
    } catch (IllegalArgumentException e) {
      err.println("loadtest: " + e.getMessage());
      err.println(USAGE);
      return Verdict.USAGE;
    }
    URI external = a.has("edge") ? URI.create(a.string("edge", "")) : null;
    FieldEdge field = external == null ? FieldEdge.forScenario(s) : null;
    Duration deadline = a.duration("deadline", s.window().plusSeconds(120));
    String setting = s.agents() + " agents in " + s.tenants() + " tenants within "
        + s.window().toSeconds() + " s, " + s.callsPerAgent() + " call(s) each to "
        + s.callee() + ", mean hold " + s.meanHold().toMillis() + " ms, seed " + s.seed()
        + ", Patchbay on " + nodes + " node(s)"
        + (webrtcPairs > 0 ? ", " + webrtcPairs + " agent pair(s) with real audio" : "")
        + "; edge: " + (field != null ? "embedded fake edge, FIELD profile — " + field
            : external.toString());
    out.println("Patchbay load test: " + setting);

    List<LoadDriver> drivers = new ArrayList<>();
    drivers.add(new PatchbayLoadDriver(nodes, webrtcPairs));
    if (a.flag("compare")) {
      drivers.add(HandRolledDriver.sharedToken());
      drivers.add(HandRolledDriver.ownTokens());
    }
    List<RunReport> reports = new ArrayList<>();
    LoadHarness harness = new LoadHarness(err, tty, Duration.ofSeconds(5));
    try {
      for (LoadDriver d : drivers) {
        reports.add(harness.run(s, d, field, external, deadline));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("loadtest: interrupted");
      return 1;
    }
    out.println();
    out.print(ReportTable.render(reports));
    RunReport patchbay = reports.get(0);
    Verdict verdict = Verdict.of(patchbay, thresholds, defaultThresholds);
    String stem = "reports/loadtest-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path html = Path.of(a.string("html", stem + ".html"));
    String base = html.toString().endsWith(".html")
        ? html.toString().substring(0, html.toString().length() - 5) : html.toString();
    Path json = Path.of(a.string("json", base + ".json"));
    Path jtl = Path.of(a.string("jtl", base + ".jtl"));
    try {
      HtmlReport.write(html, "Patchbay load test", setting, reports, verdict.render());
      out.println("HTML report: " + html.toAbsolutePath().normalize());
    } catch (java.io.IOException e) {
      err.println("loadtest: could not write the HTML report " + html + ": " + e.getMessage());
    }
    try {
      JsonSummary.write(json, setting, verdict, reports);
      out.println("JSON summary: " + json.toAbsolutePath().normalize());
    } catch (java.io.IOException e) {
      err.println("loadtest: could not write the JSON summary " + json + ": " + e.getMessage());
    }
    try {
      JtlFile.write(jtl, patchbay);
      out.println("JTL (JMeter results, `jmeter -g FILE -o DIR`): "
          + jtl.toAbsolutePath().normalize());
    } catch (java.io.IOException e) {
      err.println("loadtest: could not write the JTL " + jtl + ": " + e.getMessage());
    }
    out.println();
    out.print(verdict.render());
    switch (verdict.exitCode()) {
      case Verdict.SDK_NOT_CLEAN -> err.println("loadtest: FAILED — Patchbay left resources"
          + " open, lost a call or reused a token (see the MUST BE ZERO rows)");
      case Verdict.THRESHOLD_CROSSED -> err.println("loadtest: FAILED — the SDK was clean, but"
          + " the load crossed " + verdict.results().stream().filter(r -> !r.passed())
              .map(r -> r.threshold().expression() + " (was " + r.actual() + ")")
              .reduce((x, y) -> x + ", " + y).orElse("") + "");
      default -> out.println("Patchbay: every call accounted for, 0 leaks, 0 token reuse"
          + " violations; every threshold met.");
    }
    return verdict.exitCode();
  }
}
