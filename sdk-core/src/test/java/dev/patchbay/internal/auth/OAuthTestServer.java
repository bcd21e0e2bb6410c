package dev.patchbay.internal.auth;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import dev.patchbay.testing.LogCapture;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A MockWebServer on 127.0.0.1 answering {@code /oauth/token} and {@code /oauth/revoke} through
 * replaceable handlers, recording every request's form. Close it in {@code @AfterEach}.
 */
final class OAuthTestServer implements AutoCloseable {
  /** One recorded request: path, decoded form, Authorization header. */
  record Req(String path, Map<String, String> form, String authorization) {
    String grant() {
      return form.get("grant_type");
    }
  }

  final MockWebServer server = new MockWebServer();
  final List<Req> requests = new CopyOnWriteArrayList<>();
  volatile Function<Req, MockResponse> token = r -> json(500, "{}");
  volatile Function<Req, MockResponse> revoke = r -> new MockResponse.Builder().code(200).build();

  OAuthTestServer() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        Req r = new Req(request.getUrl().encodedPath(), form(request),
            request.getHeaders().get("Authorization"));
        requests.add(r);
        if (r.path().equals("/oauth/token")) {
          return token.apply(r);
        }
        if (r.path().equals("/oauth/revoke")) {
          return revoke.apply(r);
        }
        return new MockResponse.Builder().code(404).build();
      }
    });
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  OAuthEndpoints endpoints() {
    return OAuthEndpoints.forEdge(server.url("/").uri());
  }

  List<Req> tokenRequests() {
    return requests.stream().filter(r -> r.path().equals("/oauth/token")).toList();
  }

  List<Req> revokeRequests() {
    return requests.stream().filter(r -> r.path().equals("/oauth/revoke")).toList();
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code)
        .setHeader("Content-Type", "application/json").body(body).build();
  }

  /** A token answer; both tokens are registered as secrets for the log check. */
  static MockResponse token(String accessToken, long expiresIn, String refreshToken) {
    LogCapture.registerSecret(accessToken);
    LogCapture.registerSecret(refreshToken);
    return json(200, "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\","
        + "\"expires_in\":" + expiresIn
        + (refreshToken == null ? "" : ",\"refresh_token\":\"" + refreshToken + "\"") + "}");
  }

  static MockResponse status(int code, String retryAfter) {
    MockResponse.Builder b = new MockResponse.Builder().code(code);
    if (retryAfter != null) {
      b.setHeader("Retry-After", retryAfter);
    }
    return b.build();
  }

  private static Map<String, String> form(RecordedRequest request) {
    Map<String, String> out = new LinkedHashMap<>();
    if (request.getBody() == null) {
      return out;
    }
    String body = request.getBody().string(StandardCharsets.UTF_8);
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    server.close();
  }
}
