package dev.patchbay.examples.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.PatchbayException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The report groups never-connected agents by a short reason without ids. */
class LoadFailuresTest {

  @Test
  void aRefusalIsItsClassAndStatus() {
    assertThat(LoadFailures.reason(new CompletionException(
        new Failure("too many upgrades for tenant t-7", 429)))).isEqualTo("Failure 429");
  }

  @Test
  void withoutAStatusTheFirstWordsOfTheMessageTellFailuresApart() {
    String hello = LoadFailures.reason(new Failure("the edge sent no hello within PT5S", 0));
    String upgrade = LoadFailures.reason(new CompletionException(
        new Failure("the WebSocket upgrade did not complete within PT10S", 0)));

    assertThat(hello).isEqualTo("Failure: the edge sent no hello within PTN");
    assertThat(upgrade).isEqualTo("Failure: the WebSocket upgrade did not complete within PTN");
  }

  @Test
  void idsAndNumbersAreMaskedSoEqualFailuresShareARow() {
    String a = LoadFailures.reason(new Failure("no free socket permit for tenant t-1 within 60"
        + " s: this process already holds", 0));
    String b = LoadFailures.reason(new Failure("no free socket permit for tenant acme within 90"
        + " s: this process already holds", 0));

    assertThat(a).isEqualTo(b).doesNotContain("t-1").doesNotContain("60")
        .startsWith("Failure: no free socket permit for tenant … within").endsWith("…");
  }

  @Test
  void noMessageIsTheClassAlone() {
    assertThat(LoadFailures.reason(new IllegalStateException())).isEqualTo(
        "IllegalStateException");
  }

  private static final class Failure extends PatchbayException {
    Failure(String message, int status) {
      super(message, null, true, status, null);
    }
  }
}
