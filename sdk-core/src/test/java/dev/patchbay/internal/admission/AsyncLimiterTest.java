package dev.patchbay.internal.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.ClosedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class AsyncLimiterTest {

  @Test
  void grantsUpToTheLimitThenQueuesInArrivalOrder() {
    AsyncLimiter l = new AsyncLimiter("sockets", 2);
    Permit a = l.acquire().join();
    Permit b = l.acquire().join();
    CompletableFuture<Permit> c = l.acquire();
    CompletableFuture<Permit> d = l.acquire();

    assertThat(c).isNotDone();
    assertThat(l.waiting()).isEqualTo(2);
    a.release();
    assertThat(c).isDone();
    assertThat(d).isNotDone();
    b.release();
    assertThat(d).isDone();
    assertThat(l.inUse()).isEqualTo(2);
  }

  @Test
  void releasingTwiceFreesOnlyOneSlot() {
    AsyncLimiter l = new AsyncLimiter("sockets", 1);
    Permit a = l.acquire().join();
    a.release();
    a.release();
    Permit b = l.acquire().join();
    CompletableFuture<Permit> c = l.acquire();

    assertThat(c).isNotDone();
    assertThat(l.inUse()).isEqualTo(1);
    b.release();
  }

  @Test
  void cancelledWaiterLeavesTheQueueAndTakesNoSlot() {
    AsyncLimiter l = new AsyncLimiter("sockets", 1);
    Permit a = l.acquire().join();
    CompletableFuture<Permit> waiter = l.acquire();

    waiter.cancel(false);
    assertThat(l.waiting()).isZero();
    a.release();

    assertThat(l.inUse()).isZero();
  }

  @Test
  void loweringTheLimitHoldsNewWaitersUntilBelowIt() {
    AsyncLimiter l = new AsyncLimiter("negotiations", 3);
    Permit a = l.acquire().join();
    Permit b = l.acquire().join();
    l.limit(1);
    CompletableFuture<Permit> c = l.acquire();

    a.release();
    assertThat(c).isNotDone();
    b.release();
    assertThat(c).isDone();
  }

  @Test
  void overdraftIsGrantedAboveTheLimit() {
    AsyncLimiter l = new AsyncLimiter("sockets", 1);
    l.acquire().join();
    Permit extra = l.acquireOverdraft();

    assertThat(l.inUse()).isEqualTo(2);
    extra.release();
    assertThat(l.inUse()).isEqualTo(1);
  }

  @Test
  void closeFailsWaitersAndLaterAcquires() {
    AsyncLimiter l = new AsyncLimiter("sockets", 1);
    l.acquire().join();
    CompletableFuture<Permit> waiter = l.acquire();

    l.close();

    assertThatThrownBy(waiter::get).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(ClosedException.class);
    assertThat(l.acquire()).isCompletedExceptionally();
  }

  @Test
  void limitMustBePositive() {
    assertThatThrownBy(() -> new AsyncLimiter("sockets", 0))
        .hasMessage("sockets limit must be >= 1, but was 0");
  }
}
