package dev.patchbay.jmeter.internal;

import dev.patchbay.AuthenticationException;
import dev.patchbay.Call;
import dev.patchbay.CallFailedException;
import dev.patchbay.ClosedException;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.PatchbayException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** A failure as a load tester reads it: response code (edge status or reason) and message. */
record Outcome(String code, String message) {

  static Throwable unwrap(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** A failed connect: the edge's status when it gave one. */
  static Outcome ofConnect(Throwable failure, int attempts) {
    Throwable t = unwrap(failure);
    String tries = attempts == 1 ? "1 attempt" : attempts + " attempts";
    if (t instanceof EdgeRejectedException e) {
      int status = e.status().orElse(0);
      String why = switch (status) {
        case 429 -> "rate limited (429)";
        case 503 -> "out of capacity (503)";
        case 401 -> "unauthorized (401)";
        case 403 -> "forbidden (403)";
        case 409 -> "token already in use (409)";
        default -> "status " + status;
      };
      return new Outcome(code(status, "REJECTED"),
          "edge refused the connection: " + why + " after " + tries
              + (e.retryable() ? " (retry budget spent)" : " (not retryable)") + ": "
              + e.getMessage());
    }
    if (t instanceof AuthenticationException e) {
      return new Outcome(code(e.status().orElse(0), "AUTHENTICATION"),
          "token request failed after " + tries + ": " + e.getMessage());
    }
    if (t instanceof ClosedException) {
      return new Outcome("CLOSED", "Patchbay or the user agent was closed while connecting");
    }
    if (t instanceof CancellationException) {
      return new Outcome("CANCELLED", "connect cancelled (test stopping)");
    }
    if (t instanceof PatchbayException e) {
      return new Outcome(code(e.status().orElse(0), e.getClass().getSimpleName()),
          "connect failed after " + tries + ": " + e.getMessage());
    }
    return new Outcome(t.getClass().getSimpleName(), "connect failed: " + t);
  }

  /** A failed call: the edge's status when it gave one, else the call's end reason. */
  static Outcome ofCall(Throwable failure, Call call) {
    Throwable t = unwrap(failure);
    String reason = call == null ? null
        : call.endReason().map(Enum::name).orElse(null);
    if (t instanceof CallFailedException e) {
      int status = e.status().orElse(0);
      return new Outcome(code(status, reason == null ? "FAILED" : reason),
          "call failed" + (reason == null ? "" : " (" + reason + ")")
              + (status == 0 ? "" : " with status " + status) + " after "
              + e.attempts() + (e.attempts() == 1 ? " invite" : " invites") + ": "
              + e.getMessage());
    }
    if (t instanceof CancellationException) {
      return new Outcome("CANCELLED", "call cancelled (test stopping)");
    }
    if (t instanceof PatchbayException e) {
      return new Outcome(code(e.status().orElse(0), reason == null ? "FAILED" : reason),
          "call failed: " + e.getMessage());
    }
    return new Outcome(t.getClass().getSimpleName(), "call failed: " + t);
  }

  private static String code(int status, String otherwise) {
    return status > 0 ? Integer.toString(status) : otherwise;
  }
}
