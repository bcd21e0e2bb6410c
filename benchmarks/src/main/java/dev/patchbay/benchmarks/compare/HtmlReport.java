package dev.patchbay.benchmarks.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * A self-contained HTML report (no scripts, no external files): the report table, then per
 * client a setup-latency histogram and a timeline of connections and calls per second, drawn as
 * inline SVG.
 */
public final class HtmlReport {
  private static final int W = 720;
  private static final int H = 220;
  private static final int PAD = 40;
  private static final String[] COLORS = {"#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e"};

  private HtmlReport() {}

  /** Writes the report of {@code reports} to {@code file} (parents created) and returns it. */
  public static Path write(Path file, String title, String setting, List<RunReport> reports)
      throws IOException {
    return write(file, title, setting, reports, "");
  }

  /** As {@link #write(Path, String, String, List)}, with {@code verdict} lines under the title. */
  public static Path write(Path file, String title, String setting, List<RunReport> reports,
      String verdict) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, render(title, setting, reports, verdict), StandardCharsets.UTF_8);
    return file;
  }

  static String render(String title, String setting, List<RunReport> reports, String verdict) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(title)).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:1000px;color:#222}")
        .append("pre{background:#f6f8fa;padding:1em;overflow-x:auto;font-size:13px}")
        .append("svg{background:#fff;border:1px solid #ddd;margin:.5em 0}")
        .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;"
            + "padding:2px 8px;text-align:right}td:first-child{text-align:left}")
        .append(".ok{color:#2ca02c}.bad{color:#d62728}text{font-size:11px;font-family:sans-serif}")
        .append("</style></head><body>");
    sb.append("<h1>").append(esc(title)).append("</h1>");
    sb.append("<p>").append(esc(setting)).append("<br>Generated ").append(Instant.now())
        .append("</p>");
    for (RunReport r : reports) {
      sb.append("<p><b>").append(esc(r.client())).append(":</b> ")
          .append(r.clean() ? "<span class=\"ok\">clean — 0 leaks, 0 lost calls, 0 token reuse"
              + " violations</span>" : "<span class=\"bad\">leaks, lost calls or token reuse"
              + " violations</span>").append("</p>");
    }
    if (!verdict.isEmpty()) {
      sb.append("<pre>").append(esc(verdict)).append("</pre>");
    }
    sb.append("<pre>").append(esc(ReportTable.render(reports))).append("</pre>");
    for (RunReport r : reports) {
      sb.append("<h2>").append(esc(r.client())).append("</h2>");
      sb.append("<h3>Call setup latency (dial to media connected, retries included)</h3>");
      sb.append(histogram(r));
      sb.append("<h3>Timeline: per second</h3>");
      sb.append(timeline(r));
      sb.append("<h3>Refusals by status over time (attempts per second the client saw refused,"
          + " retried or final; the edge's totals are in the table)</h3>");
      sb.append(refusals(r));
      sb.append("<h3>Latency by phase (ms)</h3>");
      sb.append(phases(r));
    }
    sb.append("</body></html>\n");
    return sb.toString();
  }

  static String histogram(RunReport r) {
    List<RunReport.Bin> bins = r.latencyBins();
    StringBuilder sb = svgOpen();
    if (bins.isEmpty()) {
      return sb.append(text(W / 2 - 40, H / 2, "no calls established")).append("</svg>")
          .toString();
    }
    long max = bins.stream().mapToLong(RunReport.Bin::count).max().orElse(1);
    double bw = (W - 2.0 * PAD) / bins.size();
    for (int i = 0; i < bins.size(); i++) {
      RunReport.Bin b = bins.get(i);
      double h = (H - 2.0 * PAD) * b.count() / Math.max(1, max);
      double x = PAD + i * bw;
      sb.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
              + "<title>%s-%s ms: %d calls</title></rect>",
          x + 1, H - PAD - h, Math.max(1, bw - 2), h, COLORS[0], ReportTable.ms(b.fromMs()),
          ReportTable.ms(b.toMs()), b.count()));
      if (i % 2 == 0) {
        sb.append(text(x, H - PAD + 14, ReportTable.ms(b.fromMs())));
      }
    }
    sb.append(text(4, PAD - 8, max + " calls"));
    sb.append(text(W / 2.0 - 60, H - 6, "setup time, ms (log bins)"));
    String marks = String.format(Locale.ROOT, "p50 %s ms · p95 %s ms · p99 %s ms · max %s ms",
        ReportTable.ms(r.setup().p50()), ReportTable.ms(r.setup().p95()),
        ReportTable.ms(r.setup().p99()), ReportTable.ms(r.setup().max()));
    sb.append(text(W - 330, PAD - 8, marks));
    axes(sb);
    return sb.append("</svg>").toString();
  }

  static String timeline(RunReport r) {
    List<RunReport.Second> t = r.timeline();
    StringBuilder sb = svgOpen();
    if (t.isEmpty()) {
      return sb.append("</svg>").toString();
    }
    String[] names = {"connections/s", "calls established/s", "calls failed/s",
        "agents connected", "calls in progress"};
    List<ToLongFunction<RunReport.Second>> series = List.of(RunReport.Second::connects,
        RunReport.Second::established, RunReport.Second::failed, RunReport.Second::connected,
        RunReport.Second::inCall);
    long max = 1;
    for (ToLongFunction<RunReport.Second> f : series) {
      for (RunReport.Second s : t) {
        max = Math.max(max, f.applyAsLong(s));
      }
    }
    double dx = (W - 2.0 * PAD) / Math.max(1, t.size() - 1);
    for (int k = 0; k < series.size(); k++) {
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < t.size(); i++) {
        double y = H - PAD - (H - 2.0 * PAD) * series.get(k).applyAsLong(t.get(i)) / max;
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", PAD + i * dx, y));
      }
      sb.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(COLORS[k])
          .append(k >= 3 ? "\" stroke-dasharray=\"4 2" : "").append("\" points=\"")
          .append(pts.toString().trim()).append("\"/>");
      sb.append("<rect x=\"").append(PAD + 4 + k * 128).append("\" y=\"8\" width=\"10\" "
          + "height=\"10\" fill=\"").append(COLORS[k]).append("\"/>");
      sb.append(text(PAD + 18 + k * 128, 17, names[k]));
    }
    for (int i = 0; i < t.size(); i += Math.max(1, t.size() / 10)) {
      sb.append(text(PAD + i * dx - 4, H - PAD + 14, i + "s"));
    }
    sb.append(text(4, PAD - 8, "max " + max));
    axes(sb);
    return sb.append("</svg>").toString();
  }

  static String refusals(RunReport r) {
    java.util.Map<String, List<Long>> series = r.refusalsPerSecond();
    StringBuilder sb = svgOpen();
    if (series.isEmpty()) {
      return sb.append(text(W / 2.0 - 60, H / 2.0, "no attempt was refused")).append("</svg>")
          .toString();
    }
    int seconds = series.values().stream().mapToInt(List::size).max().orElse(1);
    long max = 1;
    for (List<Long> counts : series.values()) {
      for (long c : counts) {
        max = Math.max(max, c);
      }
    }
    double dx = (W - 2.0 * PAD) / Math.max(1, seconds - 1);
    int k = 0;
    for (java.util.Map.Entry<String, List<Long>> e : series.entrySet()) {
      StringBuilder pts = new StringBuilder();
      List<Long> counts = e.getValue();
      for (int i = 0; i < counts.size(); i++) {
        double y = H - PAD - (H - 2.0 * PAD) * counts.get(i) / max;
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", PAD + i * dx, y));
      }
      String color = COLORS[k % COLORS.length];
      long total = counts.stream().mapToLong(Long::longValue).sum();
      sb.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(color)
          .append("\" points=\"").append(pts.toString().trim()).append("\"><title>")
          .append(esc(e.getKey())).append(": ").append(total).append(" in all</title></polyline>");
      sb.append("<rect x=\"").append(PAD + 4 + k * 128).append("\" y=\"8\" width=\"10\" "
          + "height=\"10\" fill=\"").append(color).append("\"/>");
      sb.append(text(PAD + 18 + k * 128, 17, e.getKey() + " (" + total + ")"));
      k++;
    }
    for (int i = 0; i < seconds; i += Math.max(1, seconds / 10)) {
      sb.append(text(PAD + i * dx - 4, H - PAD + 14, i + "s"));
    }
    sb.append(text(4, PAD - 8, "max " + max + "/s"));
    axes(sb);
    return sb.append("</svg>").toString();
  }

  /** A table of every step label (count, errors, p50/p95/p99/max) and p50/p95 bars. */
  static String phases(RunReport r) {
    List<RunReport.PhaseStat> stats = r.phases();
    if (stats.isEmpty()) {
      return "<p>no timed steps recorded for this client</p>";
    }
    StringBuilder sb = new StringBuilder("<table><tr><th>phase</th><th>n</th><th>errors</th>"
        + "<th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>");
    for (RunReport.PhaseStat p : stats) {
      sb.append("<tr><td>").append(esc(p.label())).append("</td><td>").append(p.count())
          .append("</td><td>").append(p.errors()).append("</td><td>").append(p.p50())
          .append("</td><td>").append(p.p95()).append("</td><td>").append(p.p99())
          .append("</td><td>").append(p.max()).append("</td></tr>");
    }
    sb.append("</table>");
    int rowH = 22;
    int h = PAD + stats.size() * rowH;
    long max = Math.max(1, stats.stream().mapToLong(RunReport.PhaseStat::p95).max().orElse(1));
    int left = 200;
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W)
        .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(W).append(' ')
        .append(h).append("\">");
    for (int i = 0; i < stats.size(); i++) {
      RunReport.PhaseStat p = stats.get(i);
      double y = 10 + i * rowH;
      double w95 = (W - left - 20.0) * p.p95() / max;
      double w50 = (W - left - 20.0) * p.p50() / max;
      sb.append(text(4, y + 13, p.label()));
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" "
          + "height=\"16\" fill=\"%s\" opacity=\"0.45\"><title>p95 %d ms</title></rect>"
          + "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"16\" fill=\"%s\">"
          + "<title>p50 %d ms</title></rect>", left, y, Math.max(1, w95), COLORS[0], p.p95(),
          left, y, Math.max(1, w50), COLORS[0], p.p50()));
    }
    sb.append(text(left, h - 8, "dark: p50 · light: p95 · scale 0-" + max + " ms"));
    return sb.append("</svg>").toString();
  }

  private static StringBuilder svgOpen() {
    return new StringBuilder().append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(W).append("\" height=\"").append(H).append("\" viewBox=\"0 0 ").append(W)
        .append(' ').append(H).append("\">");
  }

  private static void axes(StringBuilder sb) {
    sb.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>"
            + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
        PAD, H - PAD, W - PAD, H - PAD, PAD, PAD, PAD, H - PAD));
  }

  private static String text(double x, double y, String s) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", x, y, esc(s));
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
