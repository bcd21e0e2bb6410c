package dev.patchbay.testkit.internal;

/**
 * An HTTP refusal: status, RFC 6749-style error code, message, and Retry-After seconds
 * (0 = none).
 */
public record Refusal(int status, String error, String message, long retryAfterSeconds) {
  static long seconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }
}
