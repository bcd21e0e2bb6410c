package dev.patchbay.internal.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * How the client authenticates at the token and revocation endpoints: HTTP Basic when it has a
 * secret (RFC 6749 §2.3.1, id and secret form-encoded before Base64), otherwise a public client
 * that sends {@code client_id} in the form.
 */
record ClientAuth(String clientId, String clientSecret) {

  /** The {@code Authorization} header value, or null for a public client. */
  String basicHeader() {
    if (clientSecret == null) {
      return null;
    }
    String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ':'
        + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /** Adds {@code client_id} to the form of a public client. */
  void addTo(Map<String, String> form) {
    if (clientSecret == null && clientId != null) {
      form.put("client_id", clientId);
    }
  }

  @Override
  public String toString() {
    return "ClientAuth{clientId=" + clientId + ", clientSecret=██}";
  }
}
