package dev.patchbay.internal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;

/** Turns RFC 6749 error bodies into safe, readable messages. */
final class OAuthErrors {
  static final int MAX_TEXT = 200;

  private OAuthErrors() {}

  /** The {@code error} code, or null when {@code body} is not an OAuth error object. */
  static String error(JsonNode body) {
    JsonNode e = body == null ? null : body.get("error");
    return e != null && e.isTextual() && !e.asText().isBlank() ? e.asText() : null;
  }

  /** {@code "invalid_grant: description"}, with control characters and secrets removed. */
  static String describe(JsonNode body, Collection<String> secrets) {
    String error = safe(error(body), secrets);
    JsonNode d = body.get("error_description");
    if (d != null && d.isTextual() && !d.asText().isBlank()) {
      return error + ": " + safe(d.asText(), secrets);
    }
    return error;
  }

  /**
   * Makes server-supplied text fit for a log line or an exception message: secrets the request
   * carried are masked (a server may echo them), control characters dropped, length capped.
   */
  static String safe(String text, Collection<String> secrets) {
    if (text == null) {
      return null;
    }
    String s = text;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        s = s.replace(secret, "██");
      }
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_TEXT + 1));
    for (int i = 0; i < s.length() && b.length() < MAX_TEXT; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (s.length() > MAX_TEXT) {
      b.append('…');
    }
    return b.toString();
  }
}
