package dev.patchbay.reliability.gen;

import dev.patchbay.testkit.FakeEdge;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads which calls the fake edge holds, by id, without changing the testkit: the edge lists
 * what it still holds in {@link FakeEdge#assertNoLeaks(Duration)}'s message ("open call ID
 * CALLER→CALLEE STATE"), so a zero-grace check is a snapshot.
 */
final class EdgeProbe {
  /** A call the edge holds. */
  record EdgeCall(String id, String caller, String callee, String state) {}

  private static final Pattern CALL = Pattern.compile(
      "^\\s*open call (\\S+) (\\S+)\u2192(\\S+) (\\S+)\\s*$", Pattern.MULTILINE);

  private EdgeProbe() {}

  /** The calls the edge holds now, by id. */
  static Map<String, EdgeCall> openCalls(FakeEdge edge) {
    Map<String, EdgeCall> out = new LinkedHashMap<>();
    try {
      edge.assertNoLeaks(Duration.ZERO);
    } catch (AssertionError e) {
      Matcher m = CALL.matcher(String.valueOf(e.getMessage()));
      while (m.find()) {
        out.put(m.group(1), new EdgeCall(m.group(1), m.group(2), m.group(3), m.group(4)));
      }
    }
    return out;
  }

  /** What the edge still holds, as its leak report says, or "" when nothing. */
  static String describe(FakeEdge edge) {
    try {
      edge.assertNoLeaks(Duration.ZERO);
      return "";
    } catch (AssertionError e) {
      return String.valueOf(e.getMessage());
    }
  }
}
