package dev.patchbay;

import dev.patchbay.internal.auth.TokenManager;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A token manager double: hands out "token-1", "token-2", … and counts what it is asked. */
class FakeTokenManager implements TokenManager {
  final AtomicInteger tokenCalls = new AtomicInteger();
  final AtomicInteger renewals = new AtomicInteger();
  final AtomicInteger invalidations = new AtomicInteger();
  final AtomicInteger closes = new AtomicInteger();
  final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger issued = new AtomicInteger(1);
  private volatile AccessToken current;
  private final Instant expiresAt;

  FakeTokenManager() {
    this(null);
  }

  FakeTokenManager(Instant expiresAt) {
    this.expiresAt = expiresAt;
    this.current = new AccessToken("token-1", expiresAt, null);
  }

  @Override
  public CompletableFuture<AccessToken> token() {
    tokenCalls.incrementAndGet();
    return CompletableFuture.completedFuture(current);
  }

  @Override
  public CompletableFuture<AccessToken> invalidate(AccessToken rejected) {
    invalidations.incrementAndGet();
    current = new AccessToken("token-" + issued.incrementAndGet(), expiresAt, null);
    return CompletableFuture.completedFuture(current);
  }

  @Override
  public CompletableFuture<AccessToken> renew(AccessToken stale) {
    renewals.incrementAndGet();
    if (current.equals(stale)) {
      current = new AccessToken("token-" + issued.incrementAndGet(), expiresAt, null);
    }
    return CompletableFuture.completedFuture(current);
  }

  /** Rotates the token and tells the listeners, as a proactive refresh would. */
  AccessToken refresh(Instant newExpiry) {
    current = new AccessToken("token-" + issued.incrementAndGet(), newExpiry, null);
    for (Listener l : listeners) {
      l.onTokenRefreshed(current);
    }
    return current;
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    closes.incrementAndGet();
    return CompletableFuture.completedFuture(null);
  }
}
