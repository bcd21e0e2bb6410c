package dev.patchbay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** Without chromium the browser test is skipped, unless CI requires it: then it fails. */
class HeadlessChromiumTest {
  @TempDir
  Path dir;

  @Test
  void missingChromiumSkipsWithTheFixUnlessRequired() {
    assertThatThrownBy(() -> HeadlessChromium.find(dir.toString(), null))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("apt-get install -y chromium")
        .hasMessageContaining(HeadlessChromium.REQUIRE_ENV + "=1");
    assertThatThrownBy(() -> HeadlessChromium.find(dir.toString(), "0"))
        .isInstanceOf(TestAbortedException.class);
  }

  @Test
  void missingChromiumFailsWhenRequired() {
    assertThatThrownBy(() -> HeadlessChromium.find(dir.toString(), "1"))
        .isInstanceOf(AssertionError.class)
        .isNotInstanceOf(TestAbortedException.class)
        .hasMessageContaining("requires it");
  }

  @Test
  void findsAnExecutableChromiumOnThePath() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Path chromium = Files.createFile(bin.resolve("chromium"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    assertThat(HeadlessChromium.find(empty + ":" + bin, "1")).isEqualTo(chromium);
  }
}
