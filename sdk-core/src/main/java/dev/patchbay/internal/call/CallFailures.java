package dev.patchbay.internal.call;

import dev.patchbay.CallFailedException;
import dev.patchbay.ClosedException;
import dev.patchbay.EndReason;
import dev.patchbay.PatchbayException;
import dev.patchbay.internal.Errors;
import java.time.Duration;

/** The typed errors of a call and how edge statuses map to end reasons. */
final class CallFailures {
  private CallFailures() {}

  static CallFailedException failed(String callId, int attempts, String message, int status,
      boolean retryable, Duration retryAfter) {
    return Errors.callFailed(callId, message, status, attempts, retryable, retryAfter,
        null);
  }

  /** {@code t} as a call failure while doing {@code what}. */
  static PatchbayException wrap(String callId, int attempts, Throwable t, String what) {
    if (t instanceof CallFailedException c) {
      return c;
    }
    if (t instanceof ClosedException c) {
      return Errors.callFailed(callId, what + ": " + c.getMessage(), 0, attempts, false,
          null, c);
    }
    return Errors.callFailed(callId, what + ": " + t.getMessage(), 0, attempts,
        t instanceof PatchbayException p && p.retryable(), null, t);
  }

  /** Why a call ended when the edge answered its set-up with {@code status}. */
  static EndReason reasonFor(int status) {
    return switch (status) {
      case 486, 600 -> EndReason.BUSY;
      case 480, 408 -> EndReason.NO_ANSWER;
      case 603, 403 -> EndReason.DECLINED;
      case 503, 504 -> EndReason.MEDIA_UNAVAILABLE;
      default -> status >= 600 ? EndReason.DECLINED : EndReason.EDGE_ERROR;
    };
  }

  /** An edge-supplied message made safe for a log line: cut, control characters replaced. */
  static String safe(String s) {
    if (s == null) {
      return "";
    }
    String cut = s.length() > 120 ? s.substring(0, 120) + "…" : s;
    return cut.replaceAll("[\\p{Cntrl}]", "?");
  }
}
