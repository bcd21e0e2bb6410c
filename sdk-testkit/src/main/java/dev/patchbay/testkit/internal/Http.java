package dev.patchbay.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Small HTTP helpers for the core-handler API: forms, Basic auth, JSON answers. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_BODY = 64 * 1024;

  private Http() {}

  static Map<String, String> parseForm(String body) {
    Map<String, String> out = new HashMap<>();
    if (body == null || body.isEmpty()) {
      return out;
    }
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.putIfAbsent(k, v);
      } catch (IllegalArgumentException e) {
        // malformed percent-encoding: ignore the pair (the grant then lacks a parameter)
      }
    }
    return out;
  }

  /** Reads a form body (bounded). */
  static Map<String, String> readForm(Request request) throws Exception {
    String body = Content.Source.asString(request, StandardCharsets.UTF_8);
    if (body.length() > MAX_BODY) {
      throw new IllegalArgumentException("body too large");
    }
    return parseForm(body);
  }

  /** {id, secret} from an HTTP Basic header, or null. */
  static String[] basic(Request request) {
    String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (h == null || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String raw = new String(Base64.getDecoder().decode(h.substring(6).trim()),
          StandardCharsets.UTF_8);
      int colon = raw.indexOf(':');
      if (colon < 0) {
        return null;
      }
      return new String[] {
          URLDecoder.decode(raw.substring(0, colon), StandardCharsets.UTF_8),
          URLDecoder.decode(raw.substring(colon + 1), StandardCharsets.UTF_8)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String bearer(Request request) {
    String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = h.substring(7).trim();
    return t.isEmpty() ? null : t;
  }

  static void json(Response response, Callback callback, int status, Object body) {
    json(response, callback, status, body, 0);
  }

  static void json(Response response, Callback callback, int status, Object body,
      long retryAfterSeconds) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (retryAfterSeconds > 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(retryAfterSeconds));
    }
    String text;
    try {
      text = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      text = "{}";
    }
    Content.Sink.write(response, true, text, callback);
  }

  /** An RFC 6749 error body. */
  static Map<String, Object> oauthError(String error, String description) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", error);
    m.put("error_description", description);
    return m;
  }

  /** The protocol's refusal body {@code {"status","error","message"}}. */
  static void refusal(Response response, Callback callback, Refusal r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", r.status());
    m.put("error", r.error());
    m.put("message", r.message());
    if (r.retryAfterSeconds() > 0) {
      m.put("retryAfterSeconds", r.retryAfterSeconds());
    }
    json(response, callback, r.status(), m, r.retryAfterSeconds());
  }
}
