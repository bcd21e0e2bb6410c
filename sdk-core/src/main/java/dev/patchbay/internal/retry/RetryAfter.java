package dev.patchbay.internal.retry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Parses {@code Retry-After} (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. A date in the
 * past means "now" (zero); anything unparseable is ignored so the normal backoff applies.
 */
public final class RetryAfter {
  /** Refuse absurd values rather than sleeping for days on a hostile header. */
  static final long MAX_SECONDS = 24 * 3600;

  private RetryAfter() {}

  public static Optional<Duration> parse(String value, Instant now) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (v.length() > 9) {
        return Optional.of(Duration.ofSeconds(MAX_SECONDS));
      }
      return Optional.of(Duration.ofSeconds(Math.min(Long.parseLong(v), MAX_SECONDS)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      if (d.isNegative()) {
        return Optional.of(Duration.ZERO);
      }
      return Optional.of(d.getSeconds() > MAX_SECONDS ? Duration.ofSeconds(MAX_SECONDS) : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The protocol's {@code retryAfterMs} field: null or negative means "not said". */
  public static Optional<Duration> ofMillis(Long millis) {
    if (millis == null || millis < 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis(Math.min(millis, MAX_SECONDS * 1000)));
  }
}
