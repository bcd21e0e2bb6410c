package dev.patchbay.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.testkit.internal.EdgeServer;
import dev.patchbay.testkit.internal.LiveView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * HTTP admin endpoints of the standalone launcher, so that a load test in another process can
 * drive and inspect the edge. Plain HTTP on the edge's port; they open no WebSocket and count
 * for nothing (not in counters, not in leak checks).
 */
final class AdminEndpoints {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FakeEdge edge;

  AdminEndpoints(FakeEdge edge) {
    this.edge = edge;
  }

  Map<String, EdgeServer.Route> routes() {
    Map<String, EdgeServer.Route> r = new LinkedHashMap<>();
    r.put("/admin/health", (rq, rs, cb) -> json(rs, cb, 200, Map.of("status", "ok")));
    r.put("/admin/counters", (rq, rs, cb) -> json(rs, cb, 200, state()));
    r.put("/admin/reset", post((rq, rs, cb, p) -> {
      edge.reset();
      json(rs, cb, 200, Map.of("reset", true));
    }));
    r.put("/admin/users", post((rq, rs, cb, p) -> {
      String tenant = require(p, "tenant");
      String secret = require(p, "secret");
      configureTenant(tenant, p);
      if (p.containsKey("count")) {
        int n = Integer.parseInt(p.get("count"));
        String prefix = p.getOrDefault("prefix", "user-");
        for (int i = 0; i < n; i++) {
          edge.addUser(tenant, prefix + i, secret);
        }
        json(rs, cb, 200, Map.of("added", n));
        return;
      }
      String user = require(p, "user");
      if ("true".equals(p.get("backend"))) {
        edge.addBackendClient(tenant, user, secret);
      } else {
        edge.addUser(tenant, user, secret);
      }
      json(rs, cb, 200, Map.of("added", 1));
    }));
    r.put("/admin/subject-token", (rq, rs, cb) -> {
      Fields q = Request.extractQueryParameters(rq);
      json(rs, cb, 200, Map.of("subject_token", edge.subjectTokenFor(q.getValue("user"))));
    });
    r.put("/admin/handshakes", (rq, rs, cb) -> {
      Fields q = Request.extractQueryParameters(rq);
      List<String> times = edge.handshakes(q.getValue("user")).stream()
          .map(Instant::toString).toList();
      json(rs, cb, 200, Map.of("user", String.valueOf(q.getValue("user")), "handshakes", times));
    });
    r.put("/admin/token-ttl", post((rq, rs, cb, p) -> {
      edge.tokenTtl(Duration.ofMillis(Long.parseLong(require(p, "ms"))));
      json(rs, cb, 200, Map.of("tokenTtlMs", Long.parseLong(p.get("ms"))));
    }));
    r.put("/admin/frame-log", getOrPost((rq, rs, cb) -> {
      Fields q = Request.extractQueryParameters(rq);
      String user = q.getValue("user");
      if (user == null || user.isEmpty()) {
        json(rs, cb, 400, Map.of("error", "user is required"));
        return;
      }
      int since = q.getValue("since") == null ? 0 : Integer.parseInt(q.getValue("since"));
      List<LoggedFrame> all = edge.frames(user).snapshot();
      List<Map<String, Object>> frames = new ArrayList<>();
      for (int i = Math.max(0, since); i < all.size(); i++) {
        LoggedFrame f = all.get(i);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("direction", f.direction().name());
        m.put("connectionId", f.connectionId());
        m.put("type", f.type());
        m.put("callId", f.callId());
        m.put("at", f.at().toString());
        m.put("text", f.text());
        frames.add(m);
      }
      json(rs, cb, 200, Map.of("user", user, "next", all.size(), "frames", frames));
    }, (rq, rs, cb, p) -> {
      edge.frameLog(Boolean.parseBoolean(require(p, "on")));
      json(rs, cb, 200, Map.of("frameLog", Boolean.parseBoolean(p.get("on"))));
    }));
    r.put("/admin/faults", getOrPost((rq, rs, cb) -> json(rs, cb, 200, Map.of("fired",
        edge.faults().fired().stream().map(FaultForm::json).toList())), (rq, rs, cb, p) -> {
          Map<String, Object> armed = applyFault(p);
          json(rs, cb, 200, armed);
        }));
    r.put("/admin/tenants", getOrPost((rq, rs, cb) -> json(rs, cb, 200, tenants()),
        (rq, rs, cb, p) -> {
          configureTenant(require(p, "tenant"), p);
          json(rs, cb, 200, tenants());
        }));
    r.put("/admin/open", (rq, rs, cb) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      putOpen(m);
      m.put("description", edge.describeOpen());
      json(rs, cb, 200, m);
    });
    r.put("/admin/tokens", (rq, rs, cb) -> {
      Fields q = Request.extractQueryParameters(rq);
      String user = q.getValue("user");
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("liveTokens", edge.liveTokens());
      if (user != null) {
        m.put("user", user);
        m.put("userLiveTokens", edge.liveTokens(user));
        m.put("issuedAt", edge.liveTokenIssueTimes(user).stream().map(Instant::toString)
            .toList());
        m.put("requestedAt", edge.liveTokenRequestTimes(user).stream().map(Instant::toString)
            .toList());
      }
      json(rs, cb, 200, m);
    });
    r.put("/admin/raw-frame", post((rq, rs, cb, p) -> json(rs, cb, 200, Map.of("sockets",
        edge.faults().sendRawText(require(p, "user"), require(p, "text"))))));
    r.putAll(new LiveView(edge.model(), edge::serverThreads).routes()); // /admin/, /admin/stats
    return r;
  }

  /** Applies the tenant-limit fields of {@code p} (none: nothing changes) to {@code tenant}. */
  private void configureTenant(String tenant, Map<String, String> p) {
    boolean any = false;
    for (String k : LIMIT_FIELDS) {
      any |= p.containsKey(k);
    }
    if (!any) {
      return;
    }
    edge.tenantLimits(tenant, t -> {
      if (p.containsKey("socketCap")) {
        t.socketCap(intOf(p, "socketCap"));
      }
      if (p.containsKey("userSocketLimit")) {
        t.userSocketLimit(intOf(p, "userSocketLimit"));
      }
      if (p.containsKey("mediaCapacity")) {
        t.mediaCapacity(intOf(p, "mediaCapacity"));
      }
      if (p.containsKey("mediaQueueLimit")) {
        t.mediaQueueLimit(intOf(p, "mediaQueueLimit"));
      }
      if (p.containsKey("negotiationTimeoutMs")) {
        t.negotiationTimeout(Duration.ofMillis(longOf(p, "negotiationTimeoutMs")));
      }
      if (p.containsKey("retryAfterMs")) {
        t.retryAfter(Duration.ofMillis(longOf(p, "retryAfterMs")));
      }
      if (p.containsKey("upgradesPerSecond")) {
        t.upgradeRateLimit(Double.parseDouble(p.get("upgradesPerSecond")),
            p.containsKey("upgradeBurst") ? intOf(p, "upgradeBurst") : 40);
      }
      if (p.containsKey("tokensPerSecond")) {
        t.tokenRateLimit(Double.parseDouble(p.get("tokensPerSecond")),
            p.containsKey("tokenBurst") ? intOf(p, "tokenBurst") : 40);
      }
    });
  }

  private static final List<String> LIMIT_FIELDS = List.of("socketCap", "userSocketLimit",
      "mediaCapacity", "mediaQueueLimit", "negotiationTimeoutMs", "retryAfterMs",
      "upgradesPerSecond", "tokensPerSecond");

  private Map<String, Object> tenants() {
    return Map.of("tenants", edge.model().tenantStates());
  }

  /** Legacy names without a trigger keep their meaning; any other fault is armed by its form. */
  private Map<String, Object> applyFault(Map<String, String> p) {
    String name = require(p, "fault");
    if (!p.containsKey("trigger") && applyLegacy(name, p)) {
      return Map.of("fault", name);
    }
    Fault fault = FaultForm.fault(p);
    Trigger trigger = FaultForm.trigger(p);
    edge.faults().arm(fault, trigger);
    return Map.of("fault", fault.kind(), "trigger", trigger.toString());
  }

  private boolean applyLegacy(String name, Map<String, String> p) {
    Faults f = edge.faults();
    switch (name) {
      case "clear" -> f.clear();
      case "refuseUpgrades" -> f.refuseUpgrades(intOf(p, "status"),
          p.containsKey("retryAfterMs") ? Duration.ofMillis(longOf(p, "retryAfterMs")) : null,
          intOf(p, "count"));
      case "delayHandshake" -> f.delayHandshake(Duration.ofMillis(longOf(p, "ms")));
      case "withholdPongs" -> f.withholdPongs(require(p, "user"));
      case "dropAfterFrames" -> f.dropAfterFrames(require(p, "user"), intOf(p, "frames"));
      case "dropOnAnswer" -> f.dropOnAnswer(require(p, "user"));
      case "delayFrames" -> f.delayFrames(require(p, "user"), Duration.ofMillis(longOf(p, "ms")));
      case "stallFrames" -> f.stallFrames(require(p, "user"));
      case "releaseFrames" -> f.releaseFrames(require(p, "user"));
      case "sendClosing" -> f.sendClosing(require(p, "user"), longOf(p, "ms"));
      case "closeWith" -> f.closeWith(require(p, "user"), intOf(p, "code"));
      case "tokenEndpointStatus" -> f.tokenEndpointStatus(intOf(p, "status"),
          p.get("retryAfter"), intOf(p, "count"));
      case "refuseTokenRefresh" -> f.refuseTokenRefresh(bool(p));
      case "candidatesBeforeAnswer" -> f.candidatesBeforeAnswer(bool(p));
      case "duplicateFrames" -> f.duplicateFrames(bool(p));
      case "reorderFrames" -> f.reorderFrames(bool(p));
      case "expireTokens" -> f.expireTokens(require(p, "user"));
      default -> {
        return false;
      }
    }
    return true;
  }

  /** What {@link FakeEdge#assertNoLeaks()} counts. */
  private void putOpen(Map<String, Object> m) {
    m.put("openSockets", edge.openSockets());
    m.put("openCalls", edge.openCalls());
    m.put("heldMediaSlots", edge.heldMediaSlots());
    m.put("queuedInvites", edge.queuedInvites());
  }

  private Map<String, Object> state() {
    Counters c = edge.counters();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("counters", c.values());
    m.put("refusalsByStatus", c.refusalsByStatus());
    putOpen(m);
    m.put("liveTokens", edge.liveTokens());
    m.put("serverThreads", edge.serverThreads());
    return m;
  }

  private static EdgeServer.Route getOrPost(EdgeServer.Route get, FormRoute post) {
    EdgeServer.Route posted = post(post);
    return (rq, rs, cb) -> {
      if ("GET".equals(rq.getMethod())) {
        try {
          get.handle(rq, rs, cb);
        } catch (IllegalArgumentException e) {
          json(rs, cb, 400, Map.of("error", String.valueOf(e.getMessage())));
        }
      } else {
        posted.handle(rq, rs, cb);
      }
    };
  }

  interface FormRoute {
    void handle(Request rq, Response rs, Callback cb, Map<String, String> form) throws Exception;
  }

  private static EdgeServer.Route post(FormRoute route) {
    return (rq, rs, cb) -> {
      if (!"POST".equals(rq.getMethod())) {
        json(rs, cb, 405, Map.of("error", "use POST"));
        return;
      }
      Map<String, String> form = new LinkedHashMap<>();
      String body = Content.Source.asString(rq, StandardCharsets.UTF_8);
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          form.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      Request.extractQueryParameters(rq).forEach(f -> form.putIfAbsent(f.getName(), f.getValue()));
      try {
        route.handle(rq, rs, cb, form);
      } catch (IllegalArgumentException e) {
        json(rs, cb, 400, Map.of("error", String.valueOf(e.getMessage())));
      }
    };
  }

  private static String require(Map<String, String> p, String name) {
    return FaultForm.require(p, name);
  }

  private static int intOf(Map<String, String> p, String name) {
    return FaultForm.intOf(p, name);
  }

  private static long longOf(Map<String, String> p, String name) {
    return FaultForm.longOf(p, name);
  }

  private static boolean bool(Map<String, String> p) {
    return !"false".equals(p.getOrDefault("on", "true"));
  }

  static void json(Response rs, Callback cb, int status, Object body) throws Exception {
    rs.setStatus(status);
    rs.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
    Content.Sink.write(rs, true, JSON.writeValueAsString(body), cb);
  }
}
