package dev.patchbay.jmeter;

import org.apache.jmeter.JMeter;

/**
 * JMeter's command line without {@code NewDriver} (which builds its class path from a JMeter
 * installation's {@code lib/}): the test's class path already holds JMeter 5.6.3 and the plugin.
 */
public final class JMeterMain {
  private JMeterMain() {}

  public static void main(String[] args) {
    new JMeter().start(args);
  }
}
