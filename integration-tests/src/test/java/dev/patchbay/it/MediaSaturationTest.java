package dev.patchbay.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.Call;
import dev.patchbay.CallFailedException;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.RetryPolicy;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The field failure: media allocation saturates and invites get 504/503. */
class MediaSaturationTest extends EdgeFixture {
  private static final RetryPolicy INVITE_RETRY = RetryPolicy.builder()
      .baseDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(200)).maxAttempts(3)
      .deadline(Duration.ofSeconds(10)).build();

  @Test
  void inviteGetting504IsRetriedWithTheSameCallIdThenFailsNamingStatusAndAttempts()
      throws Exception {
    start(b -> b.tenant(TENANT, t -> t.mediaCapacity(1).negotiationTimeout(Duration.ofMillis(300))
        .retryAfter(Duration.ofMillis(100))));
    patchbay();
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob", options("bob").inviteRetry(INVITE_RETRY).build());
    Call holding = get(alice.dial("auto-answer")); // takes the tenant's only media slot

    Throwable e = failureOf(bob.dial("auto-answer"));

    assertThat(e).isInstanceOf(CallFailedException.class)
        .hasMessageContaining("504").hasMessageContaining("3 attempts");
    CallFailedException cfe = (CallFailedException) e;
    assertThat(cfe.status()).hasValue(504);
    assertThat(cfe.attempts()).isEqualTo(3);
    assertThat(cfe.retryable()).isTrue();
    assertThat(edge.counters().errors504()).isEqualTo(3);
    assertThat(edge.frames("bob").snapshot().stream()
        .filter(f -> f.type().equals("invite"))
        .map(f -> f.callId()).distinct().count())
        .as("every invite carries the same call id").isEqualTo(1);
    get(holding.hangUp());
    alice.close();
    bob.close();
    assertAllReleased();
  }

  @Test
  void inviteRetriedAfter504ConnectsOnceASlotIsFree() throws Exception {
    start(b -> b.tenant(TENANT, t -> t.mediaCapacity(1).negotiationTimeout(Duration.ofMillis(300))
        .retryAfter(Duration.ofMillis(100))));
    patchbay();
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob", options("bob").inviteRetry(INVITE_RETRY).build());
    Call holding = get(alice.dial("auto-answer"));

    CompletableFuture<Call> dial = bob.dial("auto-answer");
    edge.frames("bob").takeSent("error", Duration.ofSeconds(5)); // the first 504
    get(holding.hangUp());
    Call call = get(dial);

    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    assertThat(edge.counters().errors504()).isGreaterThanOrEqualTo(1);
    get(call.hangUp());
    assertThat(call.endReason()).contains(EndReason.LOCAL_HANGUP);
    alice.close();
    bob.close();
    assertAllReleased();
  }

  @Test
  void fullMediaQueueAnswers503AndTheSdkBacksOffThenGivesUp() throws Exception {
    start(b -> b.tenant(TENANT, t -> t.mediaCapacity(1).mediaQueueLimit(0)
        .retryAfter(Duration.ofMillis(200))));
    patchbay();
    UserAgent alice = connect("alice");
    UserAgent bob = connect("bob", options("bob").inviteRetry(INVITE_RETRY).build());
    Call holding = get(alice.dial("auto-answer"));

    long start = System.nanoTime();
    Throwable e = failureOf(bob.dial("auto-answer"));
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(e).isInstanceOf(CallFailedException.class).hasMessageContaining("503");
    assertThat(((CallFailedException) e).attempts()).isEqualTo(3);
    assertThat(tookMs).as("two retries, each honouring retryAfterMs=200").isGreaterThanOrEqualTo(400);
    get(holding.hangUp());
    alice.close();
    bob.close();
    assertAllReleased();
  }
}
