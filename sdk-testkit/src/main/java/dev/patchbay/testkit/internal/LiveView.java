package dev.patchbay.testkit.internal;

import dev.patchbay.testkit.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live view of the admin endpoints: {@code GET /admin/} (one HTML page, inline script and
 * style, nothing external) polls {@code GET /admin/stats} every second. The stats are read
 * from the model's own getters; per-second rates come from one sample a second taken on the
 * edge's timer thread (no thread of its own; it stops with the edge). Read-only, and only for
 * loopback clients that name a loopback host (a DNS-rebound page gets 403).
 */
public final class LiveView {
  private static final Logger LOG = LoggerFactory.getLogger(LiveView.class);
  /** The per-second series, in the order {@link #totals()} reads them. */
  static final List<String> RATES = List.of("upgrades", "calls", "refused429", "refused503",
      "errors503", "errors504");
  static final int RECENT_VIOLATIONS = 20;
  private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.\\d{1,3}){3}");

  private final EdgeModel model;
  private final IntSupplier serverThreads;
  private final RateHistory rates = new RateHistory(RATES);

  /**
   * Starts sampling the rates once a second on the edge's timer.
   *
   * @param model the edge
   * @param serverThreads the server's current thread count
   */
  public LiveView(EdgeModel model, IntSupplier serverThreads) {
    this.model = model;
    this.serverThreads = serverThreads;
    model.scheduler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * The routes to add to the admin endpoints.
   *
   * @return path → route
   */
  public Map<String, EdgeServer.Route> routes() {
    Map<String, EdgeServer.Route> r = new LinkedHashMap<>();
    r.put("/admin", guarded((rq, rs, cb) -> {
      rs.setStatus(302);
      rs.getHeaders().put(HttpHeader.LOCATION, "/admin/");
      cb.succeeded();
    }));
    r.put("/admin/", guarded((rq, rs, cb) -> {
      Page page = Page.INSTANCE;
      rs.setStatus(200);
      rs.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html;charset=utf-8");
      rs.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      rs.getHeaders().put("Content-Security-Policy", page.csp);
      rs.getHeaders().put("X-Content-Type-Options", "nosniff");
      rs.getHeaders().put("Referrer-Policy", "no-referrer");
      Content.Sink.write(rs, true, page.html, cb);
    }));
    r.put("/admin/stats", guarded((rq, rs, cb) -> Http.json(rs, cb, 200, stats())));
    return r;
  }

  private void sample() {
    try {
      rates.sample(totals());
    } catch (RuntimeException e) { // a failed sample must not cancel the next ones
      LOG.warn("live view: rate sample failed: {}", e.toString());
    }
  }

  private long[] totals() {
    Map<Integer, Long> refusals = model.counters.refusalSnapshot();
    return new long[] {
        model.counters.get("upgrades"), model.counters.get("calls"),
        refusals.getOrDefault(429, 0L), refusals.getOrDefault(503, 0L),
        model.counters.get("errors503"), model.counters.get("errors504")};
  }

  /** The body of {@code GET /admin/stats} (documented in docs/protocol.md §4.5). */
  Map<String, Object> stats() {
    List<TenantSnapshot> tenants = model.tenantSnapshots();
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("openSockets", tenants.stream().mapToInt(TenantSnapshot::openSockets).sum());
    totals.put("drainingSockets",
        tenants.stream().mapToInt(TenantSnapshot::drainingSockets).sum());
    int queued = tenants.stream().mapToInt(TenantSnapshot::queuedCalls).sum();
    int ringing = tenants.stream().mapToInt(TenantSnapshot::ringingCalls).sum();
    int active = tenants.stream().mapToInt(TenantSnapshot::activeCalls).sum();
    totals.put("openCalls", queued + ringing + active);
    totals.put("queuedCalls", queued);
    totals.put("ringingCalls", ringing);
    totals.put("activeCalls", active);
    totals.put("heldMediaSlots", tenants.stream().mapToInt(TenantSnapshot::heldMediaSlots).sum());
    totals.put("mediaCapacity", tenants.stream().mapToInt(TenantSnapshot::mediaCapacity).sum());
    totals.put("queuedInvites", tenants.stream().mapToInt(TenantSnapshot::queuedInvites).sum());
    totals.put("liveTokens", model.tokens.liveAccessTokens());
    totals.put("serverThreads", serverThreads.getAsInt());

    Map<String, Long> counters = model.counters.snapshot();
    Map<String, Long> byKind = new LinkedHashMap<>();
    counters.forEach((name, n) -> {
      if (name.startsWith("violations.")) {
        byKind.put(name.substring("violations.".length()), n);
      }
    });
    List<Violation> kept = model.violations();
    List<Map<String, Object>> recent = new ArrayList<>();
    for (int i = kept.size() - 1; i >= 0 && recent.size() < RECENT_VIOLATIONS; i--) {
      Violation v = kept.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", v.at().toString());
      m.put("kind", v.kind());
      m.put("user", v.user());
      m.put("detail", v.detail());
      recent.add(m);
    }
    Map<String, Object> violations = new LinkedHashMap<>();
    violations.put("total", byKind.values().stream().mapToLong(Long::longValue).sum());
    violations.put("byKind", byKind);
    violations.put("recent", recent);

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("at", model.clock.instant().toString());
    out.put("totals", totals);
    out.put("tenants", tenants);
    out.put("perSecond", rates.series());
    out.put("refusalsByStatus", model.counters.refusalSnapshot());
    out.put("counters", counters);
    out.put("violations", violations);
    return out;
  }

  /** Serves the route to loopback clients naming a loopback host, GET only. */
  private static EdgeServer.Route guarded(EdgeServer.Route route) {
    return (rq, rs, cb) -> {
      if (!isLoopback(rq.getConnectionMetaData().getRemoteSocketAddress())
          || !isLoopbackHost(rq.getHttpURI().getHost())) {
        Http.json(rs, cb, 403, Map.of("status", 403, "error", "forbidden",
            "message", "the live view answers loopback clients on a loopback host name only"));
        return;
      }
      if (!"GET".equals(rq.getMethod())) {
        rs.getHeaders().put(HttpHeader.ALLOW, "GET");
        Http.json(rs, cb, 405, Map.of("status", 405, "error", "method_not_allowed",
            "message", "use GET"));
        return;
      }
      route.handle(rq, rs, cb);
    };
  }

  static boolean isLoopback(SocketAddress remote) {
    return remote instanceof InetSocketAddress a && a.getAddress() != null
        && a.getAddress().isLoopbackAddress();
  }

  /** Literal loopback names only: resolving a name here would defeat the rebinding check. */
  static boolean isLoopbackHost(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || h.equals("::1") || LOOPBACK_V4.matcher(h).matches();
  }

  /** The page and its Content-Security-Policy (hashes of its inline script and style). */
  private static final class Page {
    static final Page INSTANCE = new Page("admin/index.html");
    final String html;
    final String csp;

    private Page(String resource) {
      try (InputStream in = LiveView.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + resource);
        }
        html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      csp = "default-src 'none'; script-src " + hash(inline("script")) + "; style-src "
          + hash(inline("style")) + "; connect-src 'self'; img-src data:; base-uri 'none'; "
          + "form-action 'none'; frame-ancestors 'none'";
    }

    private String inline(String tag) {
      int start = html.indexOf("<" + tag + ">");
      int end = html.indexOf("</" + tag + ">");
      if (start < 0 || end < start || html.indexOf("<" + tag + ">", start + 1) >= 0) {
        throw new IllegalStateException("the page must have exactly one inline <" + tag + ">");
      }
      return html.substring(start + tag.length() + 2, end);
    }

    private static String hash(String text) {
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(
            text.getBytes(StandardCharsets.UTF_8));
        return "'sha256-" + Base64.getEncoder().encodeToString(d) + "'";
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
