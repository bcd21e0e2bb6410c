package dev.patchbay.benchmarks.handrolled;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * What the field reports describe: ONE access token, fetched by whichever thread needs it first
 * (no single flight, so a burst of agents fetches it several times), then shared by every user.
 * A 429 from the token endpoint is retried at a fixed interval, ignoring {@code Retry-After}.
 */
final class SharedToken {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OkHttpClient http;
  private final URI edge;
  private final String clientId;
  private final String secret;
  private final long retryIntervalMs;
  private final int maxAttempts;
  private volatile String token;

  SharedToken(OkHttpClient http, URI edge, String clientId, String secret, long retryIntervalMs,
      int maxAttempts) {
    this.http = http;
    this.edge = edge;
    this.clientId = clientId;
    this.secret = secret;
    this.retryIntervalMs = retryIntervalMs;
    this.maxAttempts = maxAttempts;
  }

  /** The shared token, fetched on this (blocking) thread when nobody has it yet. */
  String get(java.util.function.Consumer<Integer> onRefused) throws IOException,
      InterruptedException {
    String t = token;
    if (t != null) {
      return t;
    }
    for (int attempt = 1; ; attempt++) {
      Request req = new Request.Builder().url(edge.resolve("/oauth/token").toString())
          .header("Authorization", Credentials.basic(clientId, secret))
          .post(new FormBody.Builder().add("grant_type", "client_credentials").build()).build();
      try (Response r = http.newCall(req).execute()) {
        if (r.isSuccessful() && r.body() != null) {
          JsonNode n = JSON.readTree(r.body().string());
          token = n.path("access_token").asText();
          return token;
        }
        onRefused.accept(r.code());
        if (attempt >= maxAttempts) {
          throw new IOException("token endpoint answered " + r.code() + " " + attempt + " times");
        }
      }
      Thread.sleep(retryIntervalMs); // fixed interval, no jitter, Retry-After ignored
    }
  }
}
