package dev.patchbay.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Extracts the code examples ({@code <pre>} blocks, with or without {@code {@code ...}}; command
 * lines such as {@code java -jar ...} left out) from the Javadoc of a module's public sources and compiles each against the module's classes
 * (javax.tools). An example is a method body (statements, or one expression) or, when it starts
 * with a type declaration, class members. Names an example uses without declaring them (the
 * reader's {@code patchbay}, {@code secret}, ...) come from the module's "ambient" members,
 * declared once in the wrapper class.
 */
public final class JavadocExamples {
  private static final Pattern PRE = Pattern.compile("<pre>(.*?)</pre>", Pattern.DOTALL);
  /** A command line, not Java: {@code java -jar ...}, {@code mvn ...}, {@code $ ...}. */
  private static final Pattern SHELL = Pattern.compile("\\A(java|mvn|gradle|\\$) ");

  private JavadocExamples() {}

  /** One example: where it is and its code. */
  public record Example(String where, String code) {}

  /**
   * Every example in the public (non-{@code internal}) sources under {@code sourceRoot}.
   *
   * @param sourceRoot e.g. {@code src/main/java}
   * @return the examples, in file order
   * @throws IOException when a file cannot be read
   */
  public static List<Example> extract(Path sourceRoot) throws IOException {
    List<Example> out = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(sourceRoot)) {
      files = s.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !sourceRoot.relativize(p).toString().contains("internal")).sorted()
          .toList();
    }
    for (Path f : files) {
      String text = Files.readString(f);
      Matcher m = PRE.matcher(text);
      while (m.find()) {
        int line = text.substring(0, m.start()).split("\n", -1).length;
        String code = clean(m.group(1));
        if (!SHELL.matcher(code).find()) {
          out.add(new Example(sourceRoot.relativize(f) + ":" + line, code));
        }
      }
    }
    return out;
  }

  /**
   * Strips the comment's leading stars, the {@code {@code ...}} wrapper and HTML entities.
   *
   * @param pre the text between {@code <pre>} and {@code </pre>}
   * @return the code
   */
  public static String clean(String pre) {
    StringBuilder b = new StringBuilder();
    for (String line : pre.split("\n")) {
      b.append(line.replaceFirst("^\\s*\\*( |$)", "")).append('\n');
    }
    String s = b.toString().strip();
    if (s.startsWith("{@code") && s.endsWith("}")) {
      s = s.substring("{@code".length(), s.length() - 1);
    }
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&#64;", "@")
        .replace("{@literal @}", "@").replace("&amp;", "&");
  }

  /**
   * Compiles {@code example} against the test classpath, with {@code imports} and the
   * {@code ambient} members in scope.
   *
   * @param example the example
   * @param imports import lines, e.g. {@code import dev.patchbay.*;}
   * @param ambient member declarations the examples may use (fields, nested types, methods)
   * @return the compiler's errors, empty when the example compiles
   */
  public static List<String> compile(Example example, String imports, String ambient) {
    String code = example.code().strip();
    String body;
    if (code.matches("(?s)^(public |abstract |final |static )*(class|interface|record|enum) .*")) {
      body = code;
    } else {
      String statements = code.endsWith(";") || code.endsWith("}") ? code
          : "Object example = " + code + ";";
      body = "void example() throws Exception {\n" + statements + "\n}";
    }
    String source = "package examples;\n" + imports + "\n"
        + "@SuppressWarnings(\"all\") abstract class Example {\n" + ambient + "\n"
        + body + "\n}\n";
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaFileObject file = new SimpleJavaFileObject(
        URI.create("string:///examples/Example.java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    Path out;
    try {
      out = Files.createTempDirectory("javadoc-example");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<String> options = List.of("-proc:none", "-d", out.toString(), "-classpath", classpath());
    boolean ok = javac.getTask(new StringWriter(), null, diagnostics, options, null,
        List.of(file)).call();
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors.add(example.where() + ": " + d.getMessage(null));
      }
    }
    if (!ok && errors.isEmpty()) {
      errors.add(example.where() + ": did not compile");
    }
    return errors;
  }

  private static String classpath() {
    StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
    try { // surefire may run from a manifest-only jar: name the module's classes too
      cp.append(java.io.File.pathSeparator).append(Path.of(
          JavadocExamples.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    for (String p : List.of("target/classes", "target/test-classes")) {
      cp.append(java.io.File.pathSeparator).append(Path.of(p).toAbsolutePath());
    }
    return cp.toString();
  }
}
