package dev.patchbay.examples;

import dev.patchbay.examples.backend.BackendCommand;
import dev.patchbay.examples.edge.EdgeCommand;
import dev.patchbay.examples.loadtest.LoadTestCommand;
import dev.patchbay.examples.softphone.SoftphoneCommand;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Entry point of {@code patchbay-examples.jar}: {@code java -jar … <program> [options]}. */
public final class Main {
  private Main() {}

  /** The runnable programs by name; each returns the process exit code. */
  static Map<String, Function<String[], Integer>> programs() {
    Map<String, Function<String[], Integer>> programs = new TreeMap<>();
    programs.put("loadtest", LoadTestCommand::run);
    programs.put("softphone", SoftphoneCommand::run);
    programs.put("backend", BackendCommand::run);
    programs.put("edge", EdgeCommand::run);
    programs.put("jmh", Main::jmh);
    return programs;
  }

  /** JMH benchmarks of the hot paths (frame codec, call state machine), with JMH's options. */
  static int jmh(String[] args) {
    try {
      org.openjdk.jmh.Main.main(args);
      return 0;
    } catch (Exception e) {
      System.err.println("jmh: " + e);
      return 1;
    }
  }

  public static void main(String[] args) {
    if (System.getProperty("patchbay.log.file") == null) {
      System.setProperty("patchbay.log.file", "reports/patchbay-examples.log");
    }
    Map<String, Function<String[], Integer>> programs = programs();
    if (args.length == 0 || !programs.containsKey(args[0])) {
      System.err.println("usage: java -jar patchbay-examples.jar <" + String.join("|",
          programs.keySet()) + "> [options]   (--help for a program's options)");
      System.exit(2);
    }
    System.exit(programs.get(args[0]).apply(Arrays.copyOfRange(args, 1, args.length)));
  }
}
