package dev.patchbay.examples;

import dev.patchbay.examples.loadtest.LoadTestCommand;
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
    return programs;
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
