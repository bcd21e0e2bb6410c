package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The app's main code starts a FakeEdge in a JVM whose class path is the runtime scope only. */
class RunsWithoutJUnitTest {

  @Test
  void fakeEdgeRunsOnTheRuntimeClassPathWhichHasNoJUnit() throws Exception {
    String deps = Files.readString(Path.of("target/runtime-classpath.txt")).trim();
    assertTrue(deps.contains("patchbay-testkit-"), deps);
    assertFalse(deps.contains("junit") || deps.contains("opentest4j"), deps);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", "target/classes" + File.pathSeparator + deps,
        App.class.getName()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("edge up: http, open sockets 0"), out);
  }
}
