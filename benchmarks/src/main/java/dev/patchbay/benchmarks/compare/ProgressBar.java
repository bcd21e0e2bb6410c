package dev.patchbay.benchmarks.compare;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A live one-line progress display of a {@link LoadRecorder} on a terminal (redrawn in place), or
 * a line every few seconds when the output is not a terminal (CI logs).
 */
public final class ProgressBar {
  private static final int WIDTH = 24;

  private final PrintStream out;
  private final String label;
  private final LoadRecorder rec;
  private final boolean tty;
  private long lastEstablished;
  private double lastTime;
  private double rate;
  private double lastPrinted = -10;

  public ProgressBar(PrintStream out, String label, LoadRecorder rec, boolean tty) {
    this.out = out;
    this.label = label;
    this.rec = rec;
    this.tty = tty;
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

  String line(double t) {
    int finished = rec.agentsDone() + rec.agentsFailed();
    int filled = rec.agents() == 0 ? WIDTH : (int) ((long) finished * WIDTH / rec.agents());
    StringBuilder bar = new StringBuilder();
    for (int i = 0; i < WIDTH; i++) {
      bar.append(i < filled ? '#' : '.');
    }
    return String.format(Locale.ROOT,
        "%-11s [%s] %3ds  connecting %3d  connected %3d  in call %3d  done %3d  failed %3d"
            + "  | calls %d ok %d failed %d  %.1f calls/s",
        label, bar, (int) t, rec.connecting(), rec.connected(), rec.inCall(), rec.agentsDone(),
        rec.agentsFailed(), rec.callsAttempted(), rec.callsEstablished(), rec.callsFailed(),
        rate);
  }
}
