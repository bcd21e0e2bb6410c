package dev.patchbay.testkit.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A plain JDK HttpClient talking OAuth to the fake edge (no Patchbay code). */
public final class OAuthClient {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  /** Status, JSON body (or null) and Retry-After of an answer. */
  public record Answer(int status, JsonNode json, HttpResponse<String> raw) {
    public String field(String name) {
      return json == null || !json.has(name) ? null : json.get(name).asText();
    }
  }

  private OAuthClient() {}

  public static Answer post(URI base, String path, Map<String, String> form, String basicId,
      String basicSecret) throws IOException, InterruptedException {
    String body = form.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (basicId != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (enc(basicId) + ":" + enc(basicSecret)).getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    if (r.body() != null && r.body().startsWith("{")) {
      json = JSON.readTree(r.body());
    }
    return new Answer(r.statusCode(), json, r);
  }

  public static Answer clientCredentials(URI base, String id, String secret)
      throws IOException, InterruptedException {
    return post(base, "/oauth/token", Map.of("grant_type", "client_credentials"), id, secret);
  }

  /** An access token for a user; fails the test when the edge refuses. */
  public static String accessToken(URI base, String id, String secret)
      throws IOException, InterruptedException {
    Answer a = clientCredentials(base, id, secret);
    if (a.status() != 200) {
      throw new AssertionError("token request failed: " + a.status() + " " + a.raw().body());
    }
    return a.field("access_token");
  }

  public static Answer refresh(URI base, String refreshToken, String id, String secret)
      throws IOException, InterruptedException {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("grant_type", "refresh_token");
    f.put("refresh_token", refreshToken);
    return post(base, "/oauth/token", f, id, secret);
  }

  public static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
