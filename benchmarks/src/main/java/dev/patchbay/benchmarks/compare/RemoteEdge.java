package dev.patchbay.benchmarks.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.testkit.Counters;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A fake edge running in another process, driven through its admin endpoints
 * ({@code /admin/health}, {@code /admin/users}, {@code /admin/counters}): users are provisioned
 * for the scenario, and the edge's counters (as a delta over the run) and open resources go into
 * the report just like an embedded edge's.
 */
public final class RemoteEdge implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final OkHttpClient http;

  private RemoteEdge(URI base, OkHttpClient http) {
    this.base = base;
    this.http = http;
  }

  /** The edge at {@code base} when it answers {@code /admin/health}, else null (a real edge). */
  public static RemoteEdge probe(URI base) {
    OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
    try (Response r = http.newCall(new Request.Builder()
        .url(base.resolve("/admin/health").toString()).build()).execute()) {
      if (r.code() == 200) {
        return new RemoteEdge(base, http);
      }
    } catch (IOException | IllegalArgumentException e) {
      // not a fake edge with admin endpoints
    }
    close(http);
    return null;
  }

  /** Adds every agent of {@code s} as a user (idempotent on the fake edge). */
  public void provision(Scenario s) throws IOException {
    for (int i = 0; i < s.agents(); i++) {
      FormBody form = new FormBody.Builder().add("tenant", s.tenant(i)).add("user", s.user(i))
          .add("secret", s.secret(i)).build();
      try (Response r = http.newCall(new Request.Builder()
          .url(base.resolve("/admin/users").toString()).post(form).build()).execute()) {
        if (!r.isSuccessful()) {
          throw new IOException("POST /admin/users answered " + r.code());
        }
      }
    }
  }

  /** Counters and open resources now. */
  public State state() throws IOException {
    try (Response r = http.newCall(new Request.Builder()
        .url(base.resolve("/admin/counters").toString()).build()).execute()) {
      if (!r.isSuccessful() || r.body() == null) {
        throw new IOException("GET /admin/counters answered " + r.code());
      }
      JsonNode n = JSON.readTree(r.body().string());
      Map<String, Long> values = new HashMap<>();
      fields(n.path("counters")).forEachRemaining(e -> values.put(e.getKey(),
          e.getValue().asLong()));
      Map<Integer, Long> refusals = new HashMap<>();
      fields(n.path("refusalsByStatus")).forEachRemaining(e -> refusals.put(
          Integer.parseInt(e.getKey()), e.getValue().asLong()));
      return new State(new Counters(values, refusals), n.path("openSockets").asLong(),
          n.path("openCalls").asLong(), n.path("heldMediaSlots").asLong(),
          n.path("queuedInvites").asLong());
    }
  }

  private static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode n) {
    return n.fields();
  }

  /** Waits up to {@code grace} for nothing to be open; returns the last state. */
  public State settled(Duration grace) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    State s = state();
    while (s.open() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100); // polling another process's gauges, bounded by grace
      s = state();
    }
    return s;
  }

  @Override
  public void close() {
    close(http);
  }

  private static void close(OkHttpClient http) {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** What the remote edge reports. */
  public record State(Counters counters, long openSockets, long openCalls, long heldMediaSlots,
      long queuedInvites) {
    long open() {
      return openSockets + openCalls + heldMediaSlots + queuedInvites;
    }

    /** The counters that moved since {@code before}. */
    Counters since(State before) {
      Map<String, Long> v = new HashMap<>();
      counters.values().forEach((k, x) -> v.put(k, x - before.counters.get(k)));
      Map<Integer, Long> r = new HashMap<>();
      counters.refusalsByStatus().forEach((k, x) -> r.put(k, x - before.counters.refusals(k)));
      return new Counters(v, r);
    }
  }
}
