package dev.patchbay.internal.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A future handed to the app. The SDK completes it on its own thread, which wakes a thread
 * blocked in {@code get()}/{@code join()} directly; every dependent stage, including the ones
 * added with the non-async methods, runs on the app's callback executor, never on the SDK's
 * thread. Stages derived from it are {@code AppFuture}s too.
 */
public final class AppFuture<T> extends CompletableFuture<T> {
  private static final AtomicReferenceFieldUpdater<AppFuture, Runnable> ON_CANCEL =
      AtomicReferenceFieldUpdater.newUpdater(AppFuture.class, Runnable.class, "onCancel");

  private final Executor callbacks;
  private volatile Runnable onCancel;

  public AppFuture(Executor callbacks) {
    this.callbacks = callbacks instanceof Fallback ? callbacks : new Fallback(callbacks);
  }

  /**
   * Runs {@code hook} once if this future is (or already was) cancelled, on the cancelling
   * thread, or on this thread when it was cancelled before. Unlike a dependent stage it costs
   * nothing when the future completes normally (a stage would be a task on the callback
   * executor each time). The hook must only enqueue work. One hook per future.
   */
  public void onCancel(Runnable hook) {
    ON_CANCEL.set(this, java.util.Objects.requireNonNull(hook, "hook"));
    if (isCancelled()) {
      runCancelHook();
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      runCancelHook();
    }
    return cancelled;
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    boolean completed = super.completeExceptionally(ex);
    if (completed && ex instanceof java.util.concurrent.CancellationException) {
      runCancelHook();
    }
    return completed;
  }

  private void runCancelHook() {
    Runnable hook = ON_CANCEL.getAndSet(this, null);
    if (hook != null) {
      hook.run();
    }
  }

  /**
   * Once the SDK is closed its callback executor rejects work; stages the app adds later then
   * run on the app's own (calling) thread instead of failing.
   */
  private static final class Fallback implements Executor {
    private final Executor delegate;

    Fallback(Executor delegate) {
      this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
      try {
        delegate.execute(task);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        task.run();
      }
    }
  }

  @Override
  public Executor defaultExecutor() {
    return callbacks;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new AppFuture<>(callbacks);
  }

  @Override
  public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
    return thenApplyAsync(fn);
  }

  @Override
  public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
    return thenAcceptAsync(action);
  }

  @Override
  public CompletableFuture<Void> thenRun(Runnable action) {
    return thenRunAsync(action);
  }

  @Override
  public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other,
      BiFunction<? super T, ? super U, ? extends V> fn) {
    return thenCombineAsync(other, fn);
  }

  @Override
  public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
      BiConsumer<? super T, ? super U> action) {
    return thenAcceptBothAsync(other, action);
  }

  @Override
  public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
    return runAfterBothAsync(other, action);
  }

  @Override
  public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other,
      Function<? super T, U> fn) {
    return applyToEitherAsync(other, fn);
  }

  @Override
  public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other,
      Consumer<? super T> action) {
    return acceptEitherAsync(other, action);
  }

  @Override
  public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
    return runAfterEitherAsync(other, action);
  }

  @Override
  public <U> CompletableFuture<U> thenCompose(
      Function<? super T, ? extends CompletionStage<U>> fn) {
    return thenComposeAsync(fn);
  }

  @Override
  public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
    return whenCompleteAsync(action);
  }

  @Override
  public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
    return handleAsync(fn);
  }

  @Override
  public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
    return exceptionallyAsync(fn);
  }

  @Override
  public CompletableFuture<T> exceptionallyCompose(
      Function<Throwable, ? extends CompletionStage<T>> fn) {
    return exceptionallyComposeAsync(fn);
  }
}
