package dev.patchbay.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/**
 * The refusal of an old OkHttp at {@code Patchbay.build()}. OkHttp 4.12 first on the class path
 * is proven to work by the consumer build {@code consumer-tests/src/it/okhttp4-first}.
 */
class OkHttpCompatibilityTest {

  @Test
  void okHttp412AndLaterPass() {
    assertThat(OkHttpCompatibility.problem("4.12.0", "okhttp-4.12.0.jar")).isEmpty();
    assertThat(OkHttpCompatibility.problem("4.12.1", "okhttp-4.12.1.jar")).isEmpty();
    assertThat(OkHttpCompatibility.problem("5.3.2", "okhttp-jvm-5.3.2.jar")).isEmpty();
    assertThat(OkHttpCompatibility.problem("5.0.0-alpha.17", "x.jar")).isEmpty();
  }

  @Test
  void anOlderOkHttpIsRefusedWithTheJarAndTheFixInTheMessage() {
    assertThat(OkHttpCompatibility.problem("4.9.3", "file:/m2/okhttp-4.9.3.jar")).hasValueSatisfying(
        m -> assertThat(m).contains("OkHttp 4.9.3", "file:/m2/okhttp-4.9.3.jar", "4.12.0",
            "okhttp-bom:" + OkHttpCompatibility.BUILT_WITH, "okhttp-jvm", "exclude"));
    // OkHttp 3.x has no okhttp3.OkHttp class: no version to read
    assertThat(OkHttpCompatibility.problem(null, "file:/m2/okhttp-3.14.9.jar"))
        .hasValueSatisfying(m -> assertThat(m).contains("older than 4.x", "okhttp-3.14.9.jar"));
  }

  @Test
  void versionsCompareNumerically() {
    assertThat(OkHttpCompatibility.compare("4.12.0", "4.9.3")).isPositive();
    assertThat(OkHttpCompatibility.compare("4.11.0", "4.12.0")).isNegative();
    assertThat(OkHttpCompatibility.compare("4.12", "4.12.0")).isZero();
  }

  @Test
  void theBuildsOwnOkHttpPasses() {
    assertThat(OkHttpCompatibility.BUILT_WITH).startsWith("5.");
    assertThatCode(OkHttpCompatibility::check).doesNotThrowAnyException();
  }
}
