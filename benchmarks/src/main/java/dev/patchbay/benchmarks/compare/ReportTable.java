package dev.patchbay.benchmarks.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/** Renders one or more {@link RunReport}s as a plain-text table, one column per client. */
public final class ReportTable {
  private final List<RunReport> reports;
  private final List<String[]> rows = new ArrayList<>();

  private ReportTable(List<RunReport> reports) {
    this.reports = List.copyOf(reports);
  }

  /** The table of {@code reports} (side by side when there are several). */
  public static String render(List<RunReport> reports) {
    ReportTable t = new ReportTable(reports);
    t.build();
    return t.format();
  }

  private void build() {
    RunReport first = reports.get(0);
    Scenario s = first.scenario();
    header("load", r -> r.client());
    row("agents / tenants", r -> s.agents() + " / " + s.tenants());
    row("window / calls per agent / mean hold", r -> s.window().toSeconds() + " s / "
        + s.callsPerAgent() + " / " + s.meanHold().toMillis() + " ms");
    row("run time", r -> String.format(Locale.ROOT, "%.1f s", r.durationMs() / 1000.0));
    section("agents");
    row("connected", r -> Long.toString(r.agentsConnected()));
    mapRows("never connected: ", RunReport::agentFailures);
    row("connect latency p50 / p95 / max", r -> String.format(Locale.ROOT,
        "%s / %s / %s ms", ms(r.connect().p50()), ms(r.connect().p95()), ms(r.connect().max())));
    section("calls");
    row("attempted", r -> Long.toString(r.callsAttempted()));
    row("established", r -> Long.toString(r.callsEstablished()));
    row("completed (hung up normally)", r -> Long.toString(r.callsCompleted()));
    row("failed", r -> Long.toString(
        r.callFailures().values().stream().mapToLong(Long::longValue).sum()));
    mapRows("  failed: ", RunReport::callFailures);
    row("lost without a terminal reason", r -> Long.toString(r.callsLost()));
    section("setup latency (dial to media connected)");
    row("p50", r -> ms(r.setup().p50()) + " ms");
    row("p95", r -> ms(r.setup().p95()) + " ms");
    row("p99", r -> ms(r.setup().p99()) + " ms");
    row("max", r -> ms(r.setup().max()) + " ms");
    section("retries (client)");
    mapRows("", RunReport::retries); // Patchbay re-sends an invite with the same call id
    section("edge counters");
    edgeRow("token requests", e -> e.tokenRequests());
    edgeRow("tokens issued", e -> e.tokensIssued());
    edgeRow("upgrade attempts", e -> e.upgradeAttempts());
    edgeRow("sockets opened", e -> e.upgrades());
    edgeRow("sockets closed", e -> e.socketsClosed());
    TreeSet<Integer> statuses = new TreeSet<>();
    reports.forEach(r -> {
      if (r.edge() != null) {
        statuses.addAll(r.edge().refusalsByStatus().keySet());
      }
    });
    for (int status : statuses) {
      edgeRow("refusals " + status + " (upgrade/token)",
          e -> e.refusalsByStatus().getOrDefault(status, 0L));
    }
    edgeRow("invite errors 504 (media timeout)", e -> e.errors504());
    edgeRow("invite errors 503 (media queue full)", e -> e.errors503());
    edgeRow("edge server errors", e -> e.serverErrors());
    section("must be zero");
    edgeRow("token reuse violations", e -> e.violations());
    row("leaked sockets (edge / client)", r -> r.leaks().edgeSockets() + " / "
        + r.leaks().clientSockets());
    row("leaked calls (edge / client)", r -> r.leaks().edgeCalls() + " / "
        + r.leaks().clientCalls());
    row("leaked media slots / queued invites", r -> r.leaks().edgeMediaSlots() + " / "
        + r.leaks().edgeQueuedInvites());
    row("other client resources left", r -> Long.toString(r.leaks().clientOther()));
    row("SDK verdict", r -> r.clean() ? "CLEAN" : "LEAKS/LOST/VIOLATIONS");
  }

  private void header(String title, Function<RunReport, String> f) {
    String[] r = new String[reports.size() + 1];
    r[0] = title;
    for (int i = 0; i < reports.size(); i++) {
      r[i + 1] = f.apply(reports.get(i));
    }
    rows.add(r);
    rows.add(null); // rule
  }

  private void section(String title) {
    String[] r = new String[reports.size() + 1];
    r[0] = title.toUpperCase(Locale.ROOT);
    for (int i = 1; i < r.length; i++) {
      r[i] = "";
    }
    rows.add(r);
  }

  private void row(String label, Function<RunReport, String> f) {
    String[] r = new String[reports.size() + 1];
    r[0] = "  " + label;
    for (int i = 0; i < reports.size(); i++) {
      r[i + 1] = f.apply(reports.get(i));
    }
    rows.add(r);
  }

  private void edgeRow(String label, Function<RunReport.EdgeFigures, Long> f) {
    row(label, r -> r.edge() == null ? "n/a" : Long.toString(f.apply(r.edge())));
  }

  private void mapRows(String prefix, Function<RunReport, Map<String, Long>> f) {
    TreeSet<String> keys = new TreeSet<>();
    reports.forEach(r -> keys.addAll(f.apply(r).keySet()));
    Map<String, Boolean> seen = new LinkedHashMap<>();
    for (String k : keys) {
      seen.put(k, true);
      row(prefix + k, r -> Long.toString(f.apply(r).getOrDefault(k, 0L)));
    }
    if (seen.isEmpty()) {
      row(prefix.isEmpty() ? "none" : prefix + "none", r -> "0");
    }
  }

  private String format() {
    int[] width = new int[reports.size() + 1];
    for (String[] r : rows) {
      if (r == null) {
        continue;
      }
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    int total = 0;
    for (int w : width) {
      total += w + 3;
    }
    for (String[] r : rows) {
      if (r == null) {
        sb.append("-".repeat(total - 3)).append('\n');
        continue;
      }
      sb.append(pad(r[0], width[0], false));
      for (int i = 1; i < r.length; i++) {
        sb.append("   ").append(pad(r[i], width[i], true));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String pad(String s, int w, boolean right) {
    String fill = " ".repeat(Math.max(0, w - s.length()));
    return right ? fill + s : s + fill;
  }

  static String ms(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.1f", v);
  }
}
