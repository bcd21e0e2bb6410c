package dev.patchbay.media.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.testing.JavadocExamples;
import dev.patchbay.testing.JavadocExamples.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TCK's Javadoc example (how an engine uses the suite) compiles. */
class JavadocExamplesTest {
  static final String IMPORTS = """
      import dev.patchbay.*;
      import dev.patchbay.media.*;
      import dev.patchbay.media.tck.*;
      """;

  /** The reader's engine. */
  static final String AMBIENT = """
      static class MyEngine implements MediaEngine {
        final MediaEngine e = MediaEngines.signalingOnly();
        public String name() { return e.name(); }
        public MediaSession createSession(String c, IcePolicy p, MediaSession.Listener l) {
          return e.createSession(c, p, l);
        }
        public int openSessions() { return e.openSessions(); }
        public void close() { e.close(); }
      }
      """;

  @Test
  void everyExampleCompiles() throws Exception {
    List<Example> examples = JavadocExamples.extract(Path.of("src/main/java"));
    assertThat(examples).extracting(Example::where)
        .anyMatch(w -> w.startsWith("dev/patchbay/media/tck/MediaEngineTestSuite.java"));
    List<String> errors = new ArrayList<>();
    for (Example e : examples) {
      errors.addAll(JavadocExamples.compile(e, IMPORTS, AMBIENT));
    }
    assertThat(errors).isEmpty();
  }

  @Test
  void anExampleThatForgetsCreateEngineFails() {
    Example broken = new Example("MediaEngineTestSuite (broken)",
        "class MyEngineTckTest extends MediaEngineTestSuite {}");
    assertThat(JavadocExamples.compile(broken, IMPORTS, AMBIENT)).singleElement().asString()
        .contains("createEngine");
  }
}
