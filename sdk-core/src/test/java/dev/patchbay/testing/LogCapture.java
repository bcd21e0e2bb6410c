package dev.patchbay.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Collects the text of every log event of the test JVM and every secret tests register, and
 * reports any secret found in any event: formatted and raw message, each argument, MDC, markers,
 * key-value pairs and the full throwable text (causes and suppressed included).
 *
 * <p>Checks are incremental and complete: new events against all secrets, and older events
 * against newly registered secrets. Each event is scanned once per check through an index of
 * the secrets' last characters (its cost grows with the text, not with the number of
 * secrets), and the events kept for secrets registered later are bounded ({@link #MAX_CHARS}):
 * past it the unchecked events are checked at once and every checked event is dropped, so one
 * long test (the generated fault schedules) neither rescans nor hoards its whole log.
 * Thread-safe; appending costs one render and one list add. {@link NoSecretsInLogsExtension}
 * runs the check after each test of sdk-core's suite.
 *
 * <p>Events of the test-only OAuth servers ({@link #IGNORED_LOGGER_PREFIXES}) are skipped: they
 * legitimately handle the tokens they issue.
 */
public final class LogCapture {
  /** Secrets shorter than this are ignored (they would match by accident). */
  public static final int MIN_SECRET_LENGTH = 6;
  /** Loggers of third-party test servers, which see the secrets by design. */
  public static final List<String> IGNORED_LOGGER_PREFIXES = List.of(
      "no.nav.security", "com.nimbusds", "io.netty", "freemarker", "mockwebserver3");
  /** Past this many captured characters, checked events are dropped to bound memory. */
  static final long MAX_CHARS = 32L << 20;

  private static final Object lock = new Object();
  private static final List<String> events = new ArrayList<>(); // guarded by lock
  private static final List<String> secrets = new ArrayList<>(); // guarded by lock
  private static final SecretIndex allSecrets = new SecretIndex(); // guarded by lock
  /** Leaks found by a check that {@link #record} ran (over the bound), not reported yet. */
  private static final List<String> found = new ArrayList<>(); // guarded by lock
  private static int checkedEvents; // guarded by lock
  private static int checkedSecrets; // guarded by lock
  private static long chars; // guarded by lock
  private static volatile boolean installed;

  private LogCapture() {}

  /** Attaches the capturing appender to logback's root logger (once per JVM). */
  public static void install() {
    if (installed) {
      return;
    }
    synchronized (lock) {
      if (installed) {
        return;
      }
      if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
        throw new IllegalStateException("log capture needs logback-classic as the SLF4J binding,"
            + " but found " + LoggerFactory.getILoggerFactory().getClass().getName());
      }
      Appender appender = new Appender();
      appender.setContext(context);
      appender.setName("patchbay-secret-capture");
      appender.start();
      context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
      installed = true;
    }
  }

  public static boolean installed() {
    return installed;
  }

  /** Registers a value that must never appear in a log event (null and short values ignored). */
  public static void registerSecret(String secret) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      return;
    }
    synchronized (lock) {
      allSecrets.add(secret, secrets.size());
      secrets.add(secret);
    }
  }

  /** Records one rendered event (the appender calls this; tests may too). */
  static void record(String text) {
    synchronized (lock) {
      events.add(text);
      chars += text.length();
      if (chars > MAX_CHARS) { // check now and drop: memory and the next scan stay bounded
        check(found);
      }
    }
  }

  /**
   * Leaks not reported before: each is the offending event with the secret masked. Marks
   * everything seen so far as checked.
   */
  public static List<String> newLeaks() {
    synchronized (lock) {
      List<String> leaks = new ArrayList<>(found);
      found.clear();
      check(leaks);
      return leaks;
    }
  }

  /**
   * Checks the events not checked yet against every secret and the checked ones against the
   * secrets registered since, adding what it finds to {@code leaks}; past {@link #MAX_CHARS}
   * drops every (now checked) event. Holds the lock.
   */
  private static void check(List<String> leaks) {
    int eventCount = events.size();
    int secretCount = secrets.size();
    SecretIndex fresh = null;
    if (secretCount > checkedSecrets && checkedEvents > 0) {
      fresh = new SecretIndex();
      for (int s = checkedSecrets; s < secretCount; s++) {
        fresh.add(secrets.get(s), s);
      }
    }
    java.util.TreeSet<Integer> hits = new java.util.TreeSet<>();
    // events checked against every secret already are skipped unless secrets came since
    for (int e = fresh == null ? checkedEvents : 0; e < eventCount; e++) {
      SecretIndex index = e >= checkedEvents ? allSecrets : fresh;
      String text = events.get(e);
      hits.clear();
      index.find(text, secrets, hits);
      for (int s : hits) {
        String secret = secrets.get(s);
        leaks.add("secret #" + s + " (" + secret.length() + " chars) in: "
            + text.replace(secret, "<SECRET#" + s + ">"));
      }
    }
    checkedEvents = eventCount;
    checkedSecrets = secretCount;
    if (chars > MAX_CHARS) { // drop checked events, oldest first
      events.subList(0, eventCount).clear();
      checkedEvents = 0;
      chars = 0;
    }
  }

  /**
   * Secrets by their last {@link #KEY} characters (their prefixes are often shared: "at-",
   * "eyJhbGci"): a scan looks each window of a text up (a bitmap first, the map on a hit), so
   * its cost grows with the text, not the secrets.
   */
  private static final class SecretIndex {
    /** Characters of a secret's end the index keys on (four fit in a long; at most
     * {@link #MIN_SECRET_LENGTH}). */
    static final int KEY = 4;
    private static final int FILTER_BITS = 20;
    private final long[] filter = new long[1 << (FILTER_BITS - 6)];
    private final Map<Long, List<Integer>> byPrefix = new java.util.HashMap<>();

    void add(String secret, int id) {
      long k = 0;
      for (int i = secret.length() - KEY; i < secret.length(); i++) {
        k = (k << 16) | secret.charAt(i);
      }
      int bit = slot(k);
      filter[bit >>> 6] |= 1L << bit;
      byPrefix.computeIfAbsent(k, x -> new ArrayList<>(1)).add(id);
    }

    /** Adds to {@code hits} the ids of the secrets that occur in {@code text}. */
    void find(String text, List<String> secrets, java.util.Set<Integer> hits) {
      long k = 0;
      for (int i = 0; i < text.length(); i++) {
        k = (k << 16) | text.charAt(i); // the last KEY characters, ending at i
        if (i < KEY - 1) {
          continue;
        }
        int bit = slot(k);
        if ((filter[bit >>> 6] & (1L << bit)) == 0) {
          continue;
        }
        List<Integer> candidates = byPrefix.get(k);
        if (candidates == null) {
          continue;
        }
        for (int id : candidates) {
          String secret = secrets.get(id);
          int start = i + 1 - secret.length();
          if (start >= 0 && text.startsWith(secret, start)) {
            hits.add(id);
          }
        }
      }
    }

    private static int slot(long k) {
      return (int) ((k * 0x9E3779B97F4A7C15L) >>> (64 - FILTER_BITS));
    }
  }

  /**
   * The rendered events captured from index {@code from} on (see {@link #eventCount()}), e.g.
   * to assert what one test logged.
   */
  public static List<String> eventsSince(int from) {
    synchronized (lock) {
      return List.copyOf(events.subList(Math.min(Math.max(0, from), events.size()),
          events.size()));
    }
  }

  /** How many events were captured so far (not counting dropped ones). */
  public static int eventCount() {
    synchronized (lock) {
      return events.size();
    }
  }

  static String render(ILoggingEvent e) {
    StringBuilder b = new StringBuilder(256);
    b.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" [")
        .append(e.getThreadName()).append("] ").append(e.getFormattedMessage())
        .append(" | pattern: ").append(e.getMessage());
    Object[] args = e.getArgumentArray();
    if (args != null) {
      for (Object a : args) {
        b.append(" | arg: ").append(a instanceof Object[] arr ? List.of(arr) : a);
      }
    }
    Map<String, String> mdc = e.getMDCPropertyMap();
    if (mdc != null && !mdc.isEmpty()) {
      b.append(" | mdc: ").append(mdc);
    }
    List<Marker> markers = e.getMarkerList();
    if (markers != null && !markers.isEmpty()) {
      b.append(" | markers: ").append(markers);
    }
    List<KeyValuePair> kvs = e.getKeyValuePairs();
    if (kvs != null && !kvs.isEmpty()) {
      b.append(" | kv: ").append(kvs);
    }
    if (e.getThrowableProxy() != null) {
      b.append(" | throwable: ").append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
    }
    return b.toString();
  }

  private static boolean ignored(String loggerName) {
    for (String p : IGNORED_LOGGER_PREFIXES) {
      if (loggerName.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** The capturing appender; renders on the logging thread so arguments are seen as logged. */
  static final class Appender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    @Override
    protected void append(ILoggingEvent event) {
      if (ignored(event.getLoggerName())) {
        return;
      }
      String text;
      try {
        text = render(event);
      } catch (RuntimeException e) { // an argument's toString threw: still check the rest
        text = event.getLoggerName() + ' ' + event.getMessage() + " | render failed: " + e;
      }
      record(text);
    }
  }
}
