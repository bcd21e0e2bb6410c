package dev.patchbay.examples.loadtest;

import dev.patchbay.PatchbayException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Short, secret-free names for failures in the report ("503", "EdgeRejectedException 409"). */
final class LoadFailures {
  private LoadFailures() {}

  static String describe(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof PatchbayException p && p.status().isPresent()) {
      return Integer.toString(p.status().getAsInt());
    }
    return t.getClass().getSimpleName();
  }

  static String agentFailure(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String status = t instanceof PatchbayException p && p.status().isPresent()
        ? " " + p.status().getAsInt() : "";
    return t.getClass().getSimpleName() + status;
  }
}
