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
 * against newly registered secrets. Thread-safe; appending costs one render and one list add.
 * {@link NoSecretsInLogsExtension} runs the check after each test of sdk-core's suite.
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
      secrets.add(secret);
    }
  }

  /** Records one rendered event (the appender calls this; tests may too). */
  static void record(String text) {
    synchronized (lock) {
      events.add(text);
      chars += text.length();
    }
  }

  /**
   * Leaks not reported before: each is the offending event with the secret masked. Marks
   * everything seen so far as checked.
   */
  public static List<String> newLeaks() {
    List<String> leaks = new ArrayList<>();
    synchronized (lock) {
      int eventCount = events.size();
      int secretCount = secrets.size();
      for (int e = 0; e < eventCount; e++) {
        String text = events.get(e);
        int from = e >= checkedEvents ? 0 : checkedSecrets;
        for (int s = from; s < secretCount; s++) {
          String secret = secrets.get(s);
          if (text.contains(secret)) {
            leaks.add("secret #" + s + " (" + secret.length() + " chars) in: "
                + text.replace(secret, "<SECRET#" + s + ">"));
          }
        }
      }
      checkedEvents = eventCount;
      checkedSecrets = secretCount;
      if (chars > MAX_CHARS) { // drop checked events, oldest first
        events.subList(0, eventCount).clear();
        checkedEvents = 0;
        chars = events.stream().mapToLong(String::length).sum();
      }
    }
    return leaks;
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
