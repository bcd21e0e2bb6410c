package dev.patchbay.examples.loadtest;

import dev.patchbay.PatchbayException;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Short, secret-free names for failures in the report ("503", "EdgeRejectedException 409"). */
final class LoadFailures {
  private LoadFailures() {}

  /** The edge's status ("503"), else the exception's simple name. */
  static String describe(Throwable t) {
    OptionalInt status = status(t);
    return status.isPresent() ? Integer.toString(status.getAsInt())
        : unwrap(t).getClass().getSimpleName();
  }

  /** The exception's simple name and the edge's status, if any ("EdgeRejectedException 409"). */
  static String agentFailure(Throwable t) {
    OptionalInt status = status(t);
    return unwrap(t).getClass().getSimpleName()
        + (status.isPresent() ? " " + status.getAsInt() : "");
  }

  /** The status the edge answered, when the failure carries one. */
  static OptionalInt status(Throwable t) {
    return unwrap(t) instanceof PatchbayException p ? p.status() : OptionalInt.empty();
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
