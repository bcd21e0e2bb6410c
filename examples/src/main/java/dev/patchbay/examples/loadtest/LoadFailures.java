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

  /** Words of a message kept in {@link #reason}: enough to tell the failures apart. */
  static final int REASON_WORDS = 8;

  /**
   * A short reason to group failures by: the exception's simple name with the edge's status
   * ("EdgeRejectedException 429"), or, without a status, with the first {@value #REASON_WORDS}
   * words of its message ("PatchbayException: the edge sent no hello within PTNs"). Ids and
   * numbers are masked (a word with a digit becomes {@code N}, the word after "tenant" or
   * "user" becomes {@code …}) so equal failures of different agents share one row; SDK messages
   * carry no secrets.
   */
  static String reason(Throwable t) {
    Throwable u = unwrap(t);
    OptionalInt status = status(t);
    String name = u.getClass().getSimpleName();
    if (status.isPresent()) {
      return name + " " + status.getAsInt();
    }
    String message = u.getMessage();
    if (message == null || message.isBlank()) {
      return name;
    }
    StringBuilder b = new StringBuilder(name).append(':');
    String[] words = message.trim().split("\\s+");
    boolean maskNext = false;
    for (int i = 0; i < Math.min(words.length, REASON_WORDS); i++) {
      String w = words[i];
      String shown = maskNext ? "…" : w.chars().anyMatch(Character::isDigit)
          ? w.replaceAll("[0-9][0-9A-Za-z._-]*", "N") : w;
      maskNext = w.equalsIgnoreCase("tenant") || w.equalsIgnoreCase("user");
      b.append(' ').append(shown);
    }
    if (words.length > REASON_WORDS) {
      b.append(" …");
    }
    return b.toString();
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
