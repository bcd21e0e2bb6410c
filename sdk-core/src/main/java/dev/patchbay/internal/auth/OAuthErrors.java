package dev.patchbay.internal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.internal.gate.EdgeGate;
import dev.patchbay.internal.gate.Redactor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Turns RFC 6749 error bodies into safe, readable messages: the token endpoint's part of the
 * {@link EdgeGate} (its free text is redacted and tamed like edge frames).
 */
final class OAuthErrors {
  static final int MAX_TEXT = 200;
  private static final Redactor NO_REGISTRY = new Redactor();

  private OAuthErrors() {}

  /** The {@code error} code, or null when {@code body} is not an OAuth error object. */
  static String error(JsonNode body) {
    JsonNode e = body == null ? null : body.get("error");
    return e != null && e.isTextual() && !e.asText().isBlank() ? e.asText() : null;
  }

  /** {@code "invalid_grant: description"}, with control characters and secrets removed. */
  static String describe(JsonNode body, Redactor redactor, Collection<String> secrets) {
    String error = safe(error(body), redactor, secrets);
    JsonNode d = body.get("error_description");
    if (d != null && d.isTextual() && !d.asText().isBlank()) {
      return error + ": " + safe(d.asText(), redactor, secrets);
    }
    return error;
  }

  /** {@link #safe(String, Redactor, Collection)} with only the heuristic and {@code secrets}. */
  static String safe(String text, Collection<String> secrets) {
    return safe(text, NO_REGISTRY, secrets);
  }

  /**
   * Makes server-supplied text fit for a log line or an exception message: the secrets the
   * request carried and every secret {@code redactor} knows are masked in all their encoded
   * forms (a server may echo them, e.g. the Basic header), control characters replaced, length
   * capped at {@link #MAX_TEXT}.
   */
  static String safe(String text, Redactor redactor, Collection<String> secrets) {
    if (text == null) {
      return null;
    }
    List<String> forms = new ArrayList<>();
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        forms.add(secret); // even a short one: the request carried it
        forms.addAll(Redactor.formsOf(secret));
      }
    }
    forms.sort(Comparator.comparingInt(String::length).reversed());
    String s = text;
    for (String form : forms) {
      s = s.replace(form, Redactor.MASK);
    }
    return EdgeGate.tame(redactor.redact(s), MAX_TEXT);
  }
}
