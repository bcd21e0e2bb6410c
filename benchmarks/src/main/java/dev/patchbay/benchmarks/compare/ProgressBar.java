package dev.patchbay.benchmarks.compare;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A live one-line progress display of a {@link LoadRecorder} on a terminal (redrawn in place), or
 * a line every few seconds when the output is not a terminal (CI logs). The line fits the
 * terminal's width ({@code $COLUMNS}, else 80): a narrower terminal gets the short form and a
 * shorter bar rather than a wrapped line.
 */
public final class ProgressBar {
  private static final int WIDTH = 24;
  private static final int DEFAULT_COLUMNS = 80;

  private final PrintStream out;
  private final String label;
  private final LoadRecorder rec;
  private final boolean tty;
  private final int columns;
  private long lastEstablished;
  private double lastTime;
  private double rate;
  private double lastPrinted = -10;

  public ProgressBar(PrintStream out, String label, LoadRecorder rec, boolean tty) {
    this(out, label, rec, tty, terminalColumns(System.getenv("COLUMNS")));
  }

  /** @param columns the most characters a line may take (the terminal's width) */
  public ProgressBar(PrintStream out, String label, LoadRecorder rec, boolean tty, int columns) {
    if (columns < 20) {
      throw new IllegalArgumentException("columns must be >= 20, but was " + columns);
    }
    this.out = out;
    this.label = label;
    this.rec = rec;
    this.tty = tty;
    this.columns = columns;
  }

  /** The terminal's width from {@code $COLUMNS}, or 80 when it is unset or not a number. */
  public static int terminalColumns(String env) {
    try {
      int c = env == null ? 0 : Integer.parseInt(env.trim());
      return c >= 20 ? c : DEFAULT_COLUMNS;
    } catch (NumberFormatException e) {
      return DEFAULT_COLUMNS;
    }
  }

  /** True when stderr looks like an interactive terminal. */
  public static boolean interactive() {
    return System.console() != null && !"dumb".equals(System.getenv("TERM"));
  }

  /** Redraws (call every few hundred ms). */
  public synchronized void tick() {
    double t = rec.elapsedSeconds();
    long est = rec.callsEstablished();
    if (t - lastTime >= 1) {
      double now = (est - lastEstablished) / (t - lastTime);
      rate = lastTime == 0 ? now : 0.5 * rate + 0.5 * now;
      lastEstablished = est;
      lastTime = t;
    }
    if (tty) {
      out.print('\r' + line(t) + "\u001b[K");
      out.flush();
    } else if (t - lastPrinted >= 5) {
      lastPrinted = t;
      out.println(line(t));
    }
  }

  /** Draws the final state and ends the line. */
  public synchronized void finish() {
    double t = rec.elapsedSeconds();
    if (tty) {
      out.println('\r' + line(t) + "\u001b[K");
    } else {
      out.println(line(t));
    }
  }

  /**
   * The line for elapsed time {@code t}, at most {@code columns - 1} characters (the last column
   * stays free, so a terminal never wraps): the long form when it fits, else a short form with
   * a bar as wide as what is left (at least 8), else the shortest form without a bar, cut.
   */
  String line(double t) {
    int finished = rec.agentsDone() + rec.agentsFailed();
    int max = columns - 1;
    String full = String.format(Locale.ROOT,
        "%-11s [%s] %3ds  connecting %3d  connected %3d  in call %3d  done %3d  failed %3d"
            + "  | calls %d ok %d failed %d  %.1f calls/s",
        label, bar(finished, WIDTH), (int) t, rec.connecting(), rec.connected(), rec.inCall(),
        rec.agentsDone(), rec.agentsFailed(), rec.callsAttempted(), rec.callsEstablished(),
        rec.callsFailed(), rate);
    if (full.length() <= max) {
      return full;
    }
    String head = label + " [";
    // counts padded to the agents' digits, so the bar keeps its width while the run goes on
    String d = "%" + Integer.toString(Math.max(1, rec.agents())).length() + "d";
    String counts = String.format(Locale.ROOT, "] %3ds conn " + d + " up " + d + " call " + d
        + " done " + d + " fail " + d, (int) t, rec.connecting(), rec.connected(),
        rec.inCall(), rec.agentsDone(), rec.agentsFailed());
    String[] tails = { // the short forms, longest first
        counts + String.format(Locale.ROOT, " | calls " + d + " ok " + d + " fail " + d
            + " %5.1f/s", rec.callsAttempted(), rec.callsEstablished(), rec.callsFailed(), rate),
        counts + String.format(Locale.ROOT, " | ok " + d, rec.callsEstablished())};
    for (String tail : tails) {
      int barWidth = Math.min(WIDTH, max - head.length() - tail.length());
      if (barWidth >= 8) {
        return head + bar(finished, barWidth) + tail;
      }
    }
    String compact = (label + tails[1].substring(1)).trim();
    return compact.length() <= max ? compact : compact.substring(0, max);
  }

  private String bar(int finished, int width) {
    int filled = rec.agents() == 0 ? width : (int) ((long) finished * width / rec.agents());
    StringBuilder bar = new StringBuilder(width);
    for (int i = 0; i < width; i++) {
      bar.append(i < filled ? '#' : '.');
    }
    return bar.toString();
  }
}
