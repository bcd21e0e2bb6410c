package dev.patchbay.testkit.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.RawWebSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The {@code patchbay-testkit-standalone} jar: every class outside {@code dev.patchbay.testkit}
 * relocated, no class referring to an unrelocated third-party package (JUnit aside: the app's
 * own, for {@code @FakeEdgeTest}), and {@code java -jar} serves a working edge.
 */
class StandaloneJarIT {
  /** Unrelocated packages a bundled class may refer to besides the JDK's: the app's JUnit. */
  private static final List<String> JUNIT = List.of("org/junit/", "org/opentest4j/");

  static Path jar() {
    Path p = Path.of(System.getProperty("patchbay.testkit.standaloneJar",
        "target/patchbay-testkit-standalone-0.1.0-SNAPSHOT.jar"));
    assertThat(p).exists();
    return p;
  }

  @Test
  void everyThirdPartyClassIsRelocatedAndNothingReferstoAnUnrelocatedOne() throws Exception {
    try (ZipFile zip = new ZipFile(jar().toFile())) {
      List<String> classes = zip.stream().map(ZipEntry::getName)
          .filter(n -> n.endsWith(".class")).toList();
      assertThat(classes).allMatch(n -> n.startsWith("dev/patchbay/testkit/"));
      assertThat(classes).contains("dev/patchbay/testkit/FakeEdge.class",
          "dev/patchbay/testkit/FakeEdgeLauncher.class",
          "dev/patchbay/testkit/shaded/jetty/server/Server.class",
          "dev/patchbay/testkit/shaded/jackson/databind/ObjectMapper.class",
          "dev/patchbay/testkit/shaded/slf4j/LoggerFactory.class",
          "dev/patchbay/testkit/shaded/patchbay/internal/protocol/FrameCodec.class");
      List<String> leaks = new ArrayList<>();
      for (String name : classes) {
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
          for (String ref : classReferences(in.readAllBytes())) {
            if (!ref.startsWith("dev/patchbay/testkit/") && !inTheJdk(ref)
                && JUNIT.stream().noneMatch(ref::startsWith)) {
              leaks.add(name + " -> " + ref);
            }
          }
        }
      }
      assertThat(leaks).as("references to classes outside the jar and the JDK").isEmpty();
      String manifest = new String(zip.getInputStream(zip.getEntry("META-INF/MANIFEST.MF"))
          .readAllBytes(), StandardCharsets.UTF_8);
      assertThat(manifest).contains("Main-Class: dev.patchbay.testkit.FakeEdgeLauncher");
    }
  }

  @Test
  void javaDashJarServesOAuthSignalingAndAdmin() throws Exception {
    Path portFile = Files.createTempDirectory("edge").resolve("port");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-jar", jar().toString(), "--port", "0", "--port-file",
        portFile.toString(), "--users", "2", "--profile", "field")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(portFile)) {
        assertThat(p.isAlive()).as("launcher alive").isTrue();
        assertThat(System.nanoTime()).as("port file within 30 s").isLessThan(deadline);
        Thread.sleep(50);
      }
      int port = Integer.parseInt(Files.readString(portFile).trim());
      URI base = URI.create("http://127.0.0.1:" + port);
      String token = OAuthClient.accessToken(base, "user-1", "secret");
      try (RawWebSocket ws = RawWebSocket.connect(
          URI.create("ws://127.0.0.1:" + port + "/v1/signaling"), token, "user-1")) {
        assertThat(ws.next(Frames.Hello.class, Duration.ofSeconds(10)).limits().tenantSockets())
            .isEqualTo(200);
        JsonNode state = OAuthClient.JSON.readTree(
            OAuthClient.get(base.resolve("/admin/counters")).body());
        assertThat(state.get("openSockets").asInt()).isEqualTo(1);
        // the live view: its page is a resource of the standalone jar too
        assertThat(OAuthClient.get(base.resolve("/admin/")).body()).contains("/admin/stats");
        assertThat(OAuthClient.JSON.readTree(OAuthClient.get(base.resolve("/admin/stats")).body())
            .get("totals").get("openSockets").asInt()).isEqualTo(1);
      }
    } finally {
      p.destroy();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("launcher stops on SIGTERM").isTrue();
    }
  }

  private static boolean inTheJdk(String internalName) {
    return ClassLoader.getPlatformClassLoader().getResource(internalName + ".class") != null;
  }

  /**
   * The internal names of the classes a class file refers to: its constant pool's
   * {@code CONSTANT_Class} entries and the class names inside descriptors and signatures.
   */
  static List<String> classReferences(byte[] classFile) throws IOException {
    var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(classFile));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    List<Integer> classIndexes = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 7 -> classIndexes.add(in.readUnsignedShort());
        case 8, 16, 19, 20 -> in.readUnsignedShort();
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        default -> throw new IOException("constant pool tag " + tag);
      }
    }
    List<String> refs = new ArrayList<>();
    for (int index : classIndexes) {
      String name = utf8[index];
      String element = name.replaceAll("^\\[+L?|;$", ""); // an array's element class
      if (element.contains("/")) { // not a primitive array
        refs.add(element);
      }
    }
    // descriptors and generic signatures: every "Lpkg/Name;" in a UTF-8 constant
    var descriptor = java.util.regex.Pattern.compile("L([a-zA-Z_$][\\w$]*(?:/[\\w$]+)+)[;<]");
    for (String s : utf8) {
      if (s != null && s.contains("/")) {
        var m = descriptor.matcher(s);
        while (m.find()) {
          refs.add(m.group(1));
        }
      }
    }
    return refs;
  }
}
