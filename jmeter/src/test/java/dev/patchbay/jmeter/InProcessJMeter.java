package dev.patchbay.jmeter;

import java.nio.file.Path;
import java.util.Map;
import org.apache.jmeter.JMeter;
import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.save.SaveService;
import org.apache.jmeter.util.JMeterUtils;
import org.apache.jorphan.collections.HashTree;

/** Runs a plan headless in this JVM through JMeter's own engine, as {@code jmeter -n} does. */
final class InProcessJMeter {
  static final Path PLAN = Path.of("src/test/jmeter/patchbay-field.jmx");

  private InProcessJMeter() {}

  /** Sets {@code properties} (as {@code -J} would) and runs {@code plan} to its end. */
  static void run(Path home, Path plan, Map<String, String> properties) throws Exception {
    JMeterHome.create(home);
    properties.forEach(JMeterUtils::setProperty);
    HashTree tree = SaveService.loadTree(plan.toFile());
    JMeter.convertSubTree(tree, false);
    StandardJMeterEngine engine = new StandardJMeterEngine();
    engine.configure(tree);
    engine.run(); // returns when every thread group (tearDown included) ended
  }
}
