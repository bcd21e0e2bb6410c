package dev.patchbay.examples.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.patchbay.benchmarks.compare.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable summary of a load run ({@code --json}): the verdict (SDK clean, load met
 * thresholds, exit code), every threshold with its measured value, and per client the figures of
 * the report table, the per-phase latencies and the refusals per second by status.
 */
final class JsonSummary {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private JsonSummary() {}

  static Path write(Path file, String setting, Verdict verdict, List<RunReport> reports)
      throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), summary(setting, verdict, reports));
    return file;
  }

  static Map<String, Object> summary(String setting, Verdict verdict, List<RunReport> reports) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("setting", setting);
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("sdkClean", verdict.sdkClean());
    v.put("thresholdsMet", verdict.thresholdsMet());
    v.put("exitCode", verdict.exitCode());
    v.put("defaultThresholds", verdict.defaults());
    root.put("verdict", v);
    root.put("thresholds", verdict.results().stream().map(r -> {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("expression", r.threshold().expression());
      t.put("metric", r.threshold().metric());
      t.put("actual", r.actual());
      t.put("passed", r.passed());
      return t;
    }).toList());
    root.put("clients", reports.stream().map(JsonSummary::client).toList());
    return root;
  }

  private static Map<String, Object> client(RunReport r) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("client", r.client());
    c.put("sdkClean", r.clean());
    c.put("runTimeMs", r.durationMs());
    Map<String, Object> agents = new LinkedHashMap<>();
    agents.put("total", r.scenario().agents());
    agents.put("tenants", r.scenario().tenants());
    agents.put("connected", r.agentsConnected());
    agents.put("neverConnected", r.agentsFailed());
    agents.put("neverConnectedByReason", r.agentFailures());
    c.put("agents", agents);
    Map<String, Object> calls = new LinkedHashMap<>();
    calls.put("attempted", r.callsAttempted());
    calls.put("established", r.callsEstablished());
    calls.put("completed", r.callsCompleted());
    calls.put("failed", r.callsFailed());
    calls.put("failedByReason", r.callFailures());
    calls.put("lost", r.callsLost());
    c.put("calls", calls);
    c.put("connectLatencyMs", latency(r.connect()));
    c.put("setupLatencyMs", latency(r.setup()));
    c.put("retries", r.retries());
    if (r.edge() != null) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("tokenRequests", r.edge().tokenRequests());
      e.put("tokensIssued", r.edge().tokensIssued());
      e.put("upgradeAttempts", r.edge().upgradeAttempts());
      e.put("socketsOpened", r.edge().upgrades());
      e.put("socketsClosed", r.edge().socketsClosed());
      Map<String, Long> refusals = new LinkedHashMap<>();
      r.edge().refusalsByStatus().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(x -> refusals.put(Integer.toString(x.getKey()), x.getValue()));
      e.put("refusalsByStatus", refusals);
      e.put("inviteErrors504", r.edge().errors504());
      e.put("inviteErrors503", r.edge().errors503());
      e.put("tokenReuseViolations", r.edge().violations());
      e.put("serverErrors", r.edge().serverErrors());
      c.put("edge", e);
    }
    Map<String, Object> leaks = new LinkedHashMap<>();
    leaks.put("edgeSockets", r.leaks().edgeSockets());
    leaks.put("edgeCalls", r.leaks().edgeCalls());
    leaks.put("edgeMediaSlots", r.leaks().edgeMediaSlots());
    leaks.put("edgeQueuedInvites", r.leaks().edgeQueuedInvites());
    leaks.put("clientSockets", r.leaks().clientSockets());
    leaks.put("clientCalls", r.leaks().clientCalls());
    leaks.put("clientOther", r.leaks().clientOther());
    c.put("leaks", leaks);
    c.put("phases", r.phases().stream().map(p -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("label", p.label());
      m.put("count", p.count());
      m.put("errors", p.errors());
      m.put("p50Ms", p.p50());
      m.put("p95Ms", p.p95());
      m.put("p99Ms", p.p99());
      m.put("maxMs", p.max());
      return m;
    }).toList());
    c.put("refusalsPerSecond", r.refusalsPerSecond());
    return c;
  }

  private static Map<String, Object> latency(RunReport.Latency l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", l.count());
    m.put("p50", l.p50());
    m.put("p95", l.p95());
    m.put("p99", l.p99());
    m.put("max", l.max());
    return m;
  }
}
