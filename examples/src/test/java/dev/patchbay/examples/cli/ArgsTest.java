package dev.patchbay.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {
  private static Args parse(String... argv) {
    return Args.parse(argv, Set.of("compare"), Set.of("agents", "window"));
  }

  @Test
  void readsValuesFlagsAndBothSpellings() {
    Args a = parse("--agents", "7", "--window=1.5s", "--compare", "extra");

    assertThat(a.integer("agents", 1)).isEqualTo(7);
    assertThat(a.duration("window", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
    assertThat(a.flag("compare")).isTrue();
    assertThat(a.positional()).containsExactly("extra");
  }

  @Test
  void durationsTakeMillisecondsSecondsMinutesOrPlainSeconds() {
    assertThat(parse("--window", "250ms").duration("window", null)).hasMillis(250);
    assertThat(parse("--window", "2m").duration("window", null)).hasSeconds(120);
    assertThat(parse("--window", "3").duration("window", null)).hasSeconds(3);
  }

  @Test
  void unknownOptionsMissingValuesAndBadNumbersAreErrorsNamingTheOption() {
    assertThatThrownBy(() -> parse("--agent", "5")).hasMessage("unknown option --agent");
    assertThatThrownBy(() -> parse("--agents")).hasMessage("--agents needs a value");
    assertThatThrownBy(() -> parse("--agents", "x").integer("agents", 1))
        .hasMessage("--agents must be an integer, but was x");
    assertThatThrownBy(() -> parse("--window", "soon").duration("window", null))
        .hasMessageContaining("--window must be a duration like 30s, 500ms or 2m, but was soon");
  }
}
