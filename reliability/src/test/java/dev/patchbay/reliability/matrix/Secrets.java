package dev.patchbay.reliability.matrix;

import dev.patchbay.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret the suite knows of: client secrets it configures, ICE passwords, and whatever the
 * fake edge mints (tokens, codes). Each is registered with {@link LogCapture}, whose extension
 * fails the run when one shows up in any log event; {@link #foundIn(Throwable)} checks
 * exception messages the same way.
 */
public final class Secrets {
  private static final Set<String> ALL = ConcurrentHashMap.newKeySet();

  private Secrets() {}

  public static void register(String secret) {
    if (secret == null || secret.length() < LogCapture.MIN_SECRET_LENGTH) {
      return;
    }
    LogCapture.install();
    if (ALL.add(secret)) {
      LogCapture.registerSecret(secret);
    }
  }

  /** A client's secret plus the HTTP Basic value carrying it. */
  public static void registerClient(String clientId, String secret) {
    register(secret);
    register(Base64.getEncoder().encodeToString(
        (clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)));
  }

  public static int count() {
    return ALL.size();
  }

  /** The secrets in the text of {@code t}: messages, toString, causes and suppressed. */
  public static List<String> foundIn(Throwable t) {
    StringBuilder text = new StringBuilder();
    render(t, text, 0);
    String s = text.toString();
    return ALL.stream().filter(s::contains).map(x -> x.length() + "-char secret").toList();
  }

  private static void render(Throwable t, StringBuilder out, int depth) {
    if (t == null || depth > 16) {
      return;
    }
    out.append(t).append('\n');
    render(t.getCause(), out, depth + 1);
    for (Throwable s : t.getSuppressed()) {
      render(s, out, depth + 1);
    }
  }
}
