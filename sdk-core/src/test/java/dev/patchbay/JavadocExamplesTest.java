package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.testing.JavadocExamples;
import dev.patchbay.testing.JavadocExamples.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every code example in core's public Javadoc compiles against core. */
class JavadocExamplesTest {
  static final String IMPORTS = """
      import dev.patchbay.*;
      import dev.patchbay.media.*;
      import java.net.URI;
      import java.time.Duration;
      import java.util.concurrent.CompletableFuture;
      """;

  /** What the examples use without declaring it: the reader's own objects. */
  static final String AMBIENT = """
      interface Browser { void open(URI uri); }
      Browser browser;
      Patchbay patchbay;
      String id;
      String secret;
      URI redirectTheBrowserCameBackWith;
      """;

  @Test
  void everyExampleCompiles() throws Exception {
    List<Example> examples = JavadocExamples.extract(Path.of("src/main/java"));
    assertThat(examples).extracting(Example::where).as("the examples found")
        .anyMatch(w -> w.startsWith("dev/patchbay/Patchbay.java"))
        .anyMatch(w -> w.startsWith("dev/patchbay/AuthorizationCodeFlow.java"));
    List<String> errors = new ArrayList<>();
    for (Example e : examples) {
      errors.addAll(JavadocExamples.compile(e, IMPORTS, AMBIENT));
    }
    assertThat(errors).isEmpty();
  }

  /** The example AuthorizationCodeFlow's Javadoc had before: connect takes options too. */
  @Test
  void theOldAuthorizationCodeFlowExampleWouldFail() {
    Example old = new Example("AuthorizationCodeFlow (before)", JavadocExamples.clean("""
         * <pre>{@code
         * Credentials credentials = flow.complete(redirectTheBrowserCameBackWith);
         * UserAgent alice = patchbay.connect(credentials).join();
         * }</pre>""".replace("<pre>", "").replace("</pre>", "")));
    String ambient = AMBIENT + "AuthorizationCodeFlow flow;";
    assertThat(JavadocExamples.compile(old, IMPORTS, ambient)).singleElement().asString()
        .contains("connect");
  }
}
