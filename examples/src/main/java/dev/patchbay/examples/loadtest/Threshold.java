package dev.patchbay.examples.loadtest;

import dev.patchbay.benchmarks.compare.RunReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pass/fail criterion on one metric of a load run, in the style of k6:
 * {@code connect_failed_rate<0.01}, {@code setup_p95<20s}, {@code refusals_503<=50}. A run
 * "meets its thresholds" when every one holds; a metric that could not be measured (an edge
 * counter against a real edge) does not hold.
 *
 * @param expression the expression as written
 * @param metric the metric's name
 * @param op the comparison
 * @param limit the right-hand side: a rate in 0..1, a duration in ms, or a count
 */
record Threshold(String expression, String metric, String op, double limit) {
  private static final Pattern SYNTAX =
      Pattern.compile("\\s*([a-z][a-z0-9_]*)\\s*(<=|>=|==|!=|<|>)\\s*(\\S+?)\\s*");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");
  private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)(%)?");
  private static final Pattern COUNT = Pattern.compile("\\d+");
  private static final Pattern REFUSALS_BY_STATUS = Pattern.compile("refusals_(\\d{3})");

  /** Used when no {@code --threshold} is given: generous, a healthy run meets them. */
  static final List<String> DEFAULTS = List.of("connect_failed_rate<0.05", "call_failed_rate<0.05");

  enum Kind { RATE, DURATION, COUNT }

  /** A metric: its kind, what it means, and how to read it from a report (empty: unknown). */
  private record Metric(Kind kind, String doc, Function<RunReport, OptionalDouble> value) {}

  private static final Map<String, Metric> METRICS = new LinkedHashMap<>();

  static {
    rate("connect_failed_rate", "agents that never connected / agents",
        r -> r.agentsFailed() / (double) r.scenario().agents());
    count("connect_failed", "agents that never connected", RunReport::agentsFailed);
    rate("call_failed_rate", "failed calls / attempted calls (0 when none was attempted)",
        r -> r.callsAttempted() == 0 ? 0 : r.callsFailed() / (double) r.callsAttempted());
    count("calls_failed", "calls that failed", RunReport::callsFailed);
    count("calls_lost", "calls without a terminal reason", RunReport::callsLost);
    for (String p : List.of("p50", "p95", "p99", "max")) {
      duration("connect_" + p, "connect latency " + p + " (token, admission, upgrade, hello)",
          r -> r.connect().count() == 0 ? OptionalDouble.empty()
              : OptionalDouble.of(pick(r.connect(), p)));
      duration("setup_" + p, "call setup latency " + p + " (dial to media connected)",
          r -> r.setup().count() == 0 ? OptionalDouble.empty()
              : OptionalDouble.of(pick(r.setup(), p)));
    }
    duration("run_time", "wall time of the run", r -> OptionalDouble.of(r.durationMs()));
    METRICS.put("refusals", new Metric(Kind.COUNT, "upgrades and token requests the edge refused"
        + " (any status; edge counter)", r -> r.edge() == null ? OptionalDouble.empty()
            : OptionalDouble.of(r.edge().refusalsByStatus().values().stream()
                .mapToLong(Long::longValue).sum())));
    METRICS.put("invite_504", new Metric(Kind.COUNT, "invites the edge answered 504 (media"
        + " timeout; edge counter)", r -> r.edge() == null ? OptionalDouble.empty()
            : OptionalDouble.of(r.edge().errors504())));
  }

  private static void rate(String name, String doc, java.util.function.ToDoubleFunction<RunReport> f) {
    METRICS.put(name, new Metric(Kind.RATE, doc, r -> OptionalDouble.of(f.applyAsDouble(r))));
  }

  private static void count(String name, String doc, java.util.function.ToLongFunction<RunReport> f) {
    METRICS.put(name, new Metric(Kind.COUNT, doc, r -> OptionalDouble.of(f.applyAsLong(r))));
  }

  private static void duration(String name, String doc,
      Function<RunReport, OptionalDouble> f) {
    METRICS.put(name, new Metric(Kind.DURATION, doc, f));
  }

  private static double pick(RunReport.Latency l, String p) {
    return switch (p) {
      case "p50" -> l.p50();
      case "p95" -> l.p95();
      case "p99" -> l.p99();
      default -> l.max();
    };
  }

  /** The metrics, one per line, for the usage text. */
  static String metricsHelp() {
    StringBuilder sb = new StringBuilder();
    METRICS.forEach((name, m) -> sb.append(String.format(Locale.ROOT, "  %-22s %-8s %s%n",
        name, m.kind().name().toLowerCase(Locale.ROOT), m.doc())));
    sb.append(String.format(Locale.ROOT, "  %-22s %-8s %s%n", "refusals_<status>", "count",
        "refusals with that status, e.g. refusals_503 (edge counter)"));
    return sb.toString();
  }

  /**
   * Parses {@code --threshold} values: each may hold several expressions separated by commas;
   * {@code none} alone means no threshold.
   *
   * @throws IllegalArgumentException naming the bad expression and what is expected
   */
  static List<Threshold> parseAll(List<String> values) {
    List<Threshold> out = new ArrayList<>();
    for (String v : values) {
      for (String e : v.split(",", -1)) {
        if (e.isBlank()) {
          throw new IllegalArgumentException("--threshold has an empty expression in '" + v
              + "'");
        }
        if (e.trim().equals("none")) {
          if (values.size() != 1 || v.split(",", -1).length != 1) {
            throw new IllegalArgumentException("--threshold none cannot be combined with"
                + " other thresholds");
          }
          return List.of();
        }
        out.add(parse(e.trim()));
      }
    }
    return out;
  }

  /** Parses one expression, e.g. {@code setup_p95<20s}. */
  static Threshold parse(String expression) {
    Matcher m = SYNTAX.matcher(expression);
    if (!m.matches()) {
      throw new IllegalArgumentException("threshold '" + expression + "' is not METRIC OP VALUE"
          + " with OP one of < <= > >= == != (e.g. connect_failed_rate<0.01, setup_p95<20s)");
    }
    String name = m.group(1);
    String op = m.group(2);
    String value = m.group(3);
    Kind kind = kind(name);
    if (kind == null) {
      throw new IllegalArgumentException("threshold '" + expression + "': unknown metric '"
          + name + "'; known: " + String.join(", ", METRICS.keySet()) + ", refusals_<status>");
    }
    return new Threshold(expression, name, op, limit(expression, name, kind, value));
  }

  private static Kind kind(String name) {
    Metric metric = METRICS.get(name);
    if (metric != null) {
      return metric.kind();
    }
    return REFUSALS_BY_STATUS.matcher(name).matches() ? Kind.COUNT : null;
  }

  private static double limit(String expression, String name, Kind kind, String value) {
    switch (kind) {
      case RATE -> {
        Matcher v = RATE.matcher(value);
        double rate = v.matches() ? Double.parseDouble(v.group(1)) / (v.group(2) != null ? 100 : 1)
            : -1;
        if (rate < 0 || rate > 1) {
          throw new IllegalArgumentException("threshold '" + expression + "': " + name
              + " is a rate: write a fraction from 0 to 1 or a percentage (0.01 or 1%), but was "
              + value);
        }
        return rate;
      }
      case DURATION -> {
        Matcher v = DURATION.matcher(value);
        if (!v.matches()) {
          throw new IllegalArgumentException("threshold '" + expression + "': " + name
              + " is a duration: write 20s, 500ms or 2m (a plain number is ms), but was "
              + value);
        }
        double n = Double.parseDouble(v.group(1));
        String unit = v.group(2) == null ? "ms" : v.group(2);
        return switch (unit) {
          case "s" -> n * 1000;
          case "m" -> n * 60_000;
          default -> n;
        };
      }
      default -> {
        if (!COUNT.matcher(value).matches()) {
          throw new IllegalArgumentException("threshold '" + expression + "': " + name
              + " is a count: write a whole number, but was " + value);
        }
        return Long.parseLong(value);
      }
    }
  }

  /** The metric's value in {@code r} (ms for durations), or empty when it was not measured. */
  OptionalDouble measure(RunReport r) {
    Metric metric = METRICS.get(metric());
    if (metric != null) {
      return metric.value().apply(r);
    }
    Matcher m = REFUSALS_BY_STATUS.matcher(metric());
    m.matches();
    int status = Integer.parseInt(m.group(1));
    return r.edge() == null ? OptionalDouble.empty()
        : OptionalDouble.of(r.edge().refusalsByStatus().getOrDefault(status, 0L));
  }

  /** Whether {@code r} meets this threshold (an unmeasured metric does not). */
  Result evaluate(RunReport r) {
    OptionalDouble v = measure(r);
    if (v.isEmpty()) {
      return new Result(this, "not measured", false);
    }
    double x = v.getAsDouble();
    boolean ok = switch (op) {
      case "<" -> x < limit;
      case "<=" -> x <= limit;
      case ">" -> x > limit;
      case ">=" -> x >= limit;
      case "==" -> x == limit;
      default -> x != limit;
    };
    return new Result(this, format(x), ok);
  }

  private String format(double x) {
    Kind kind = kind(metric);
    return switch (kind) {
      case RATE -> String.format(Locale.ROOT, "%.4f", x);
      case DURATION -> String.format(Locale.ROOT, "%.0f ms", x);
      default -> String.format(Locale.ROOT, "%.0f", x);
    };
  }

  /**
   * One threshold checked against one run.
   *
   * @param threshold what was checked
   * @param actual the measured value, formatted ("0.2900", "8110 ms"), or "not measured"
   * @param passed whether the threshold holds
   */
  record Result(Threshold threshold, String actual, boolean passed) {}
}
