package dev.patchbay.internal.retry;

import dev.patchbay.internal.gate.EdgeGate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses {@code Retry-After} (RFC 9110 §10.2.3): delta-seconds or an HTTP-date (all three forms
 * of §5.6.7). A date in the past means "now" (zero: the minimal server delay, so only the
 * client's own jittered backoff applies); anything unparseable is ignored (empty) so the normal
 * backoff applies. Every delay is clamped by {@link EdgeGate#RETRY_AFTER_MS} (at most 10 min),
 * the same bound as the protocol's {@code retryAfterMs}.
 */
public final class RetryAfter {
  /** Refuse absurd values rather than sleeping for hours on a hostile header. */
  static final long MAX_SECONDS = EdgeGate.RETRY_AFTER_MS.max() / 1000;

  private static final DateTimeFormatter[] DATE_FORMATS = {
    DateTimeFormatter.RFC_1123_DATE_TIME, // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    // obsolete RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years read as 20xx/19xx)
    new DateTimeFormatterBuilder().appendPattern("EEEE, dd-MMM-")
        .appendValueReduced(ChronoField.YEAR, 2, 2, 1970).appendPattern(" HH:mm:ss zzz")
        .toFormatter(Locale.US),
    // obsolete asctime: Sun Nov  6 08:49:37 1994 (always UTC)
    new DateTimeFormatterBuilder().appendPattern("EEE MMM")
        .appendLiteral(' ').padNext(2).appendValue(ChronoField.DAY_OF_MONTH)
        .appendPattern(" HH:mm:ss yyyy").toFormatter(Locale.US).withZone(ZoneOffset.UTC),
  };

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
    Instant at = httpDate(v);
    if (at == null) {
      return Optional.empty();
    }
    Duration d = Duration.between(now, at);
    if (d.isNegative()) {
      return Optional.of(Duration.ZERO);
    }
    return Optional.of(d.getSeconds() > MAX_SECONDS ? Duration.ofSeconds(MAX_SECONDS) : d);
  }

  /** The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7), or null. */
  private static Instant httpDate(String v) {
    for (DateTimeFormatter f : DATE_FORMATS) {
      try {
        return ZonedDateTime.parse(v, f).toInstant();
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    return null;
  }

  /** The protocol's {@code retryAfterMs} field: null or negative means "not said". */
  public static Optional<Duration> ofMillis(Long millis) {
    if (millis == null || millis < 0) {
      return Optional.empty();
    }
    return EdgeGate.retryAfterMillis(millis);
  }
}
