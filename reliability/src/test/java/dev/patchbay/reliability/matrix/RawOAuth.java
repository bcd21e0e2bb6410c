package dev.patchbay.reliability.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** A plain OAuth client (JDK HttpClient), independent of the SDK, for setting up cases. */
public final class RawOAuth {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
  private final URI edge;

  public RawOAuth(URI edge) {
    this.edge = edge;
  }

  /** Client credentials grant: the token answer as JSON. */
  public JsonNode clientCredentials(String clientId, String secret) throws Exception {
    return post("/oauth/token", clientId, secret, Map.of("grant_type", "client_credentials"));
  }

  public int revoke(String clientId, String secret, String token) throws Exception {
    HttpResponse<String> r = send("/oauth/revoke", clientId, secret, Map.of("token", token));
    return r.statusCode();
  }

  /** GET without following redirects: the response (for /oauth/authorize). */
  public HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> send(String path, String clientId, String secret,
      Map<String, String> form) throws Exception {
    String body = new LinkedHashMap<>(form).entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder b = HttpRequest.newBuilder(edge.resolve(path))
        .timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (clientId != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode post(String path, String clientId, String secret, Map<String, String> form)
      throws Exception {
    HttpResponse<String> r = send(path, clientId, secret, form);
    if (r.statusCode() != 200) {
      throw new AssertionError(path + " answered " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }
}
