package dev.patchbay.benchmarks.handrolled;

import dev.patchbay.benchmarks.compare.LoadDriver;
import dev.patchbay.benchmarks.compare.LoadRecorder;
import dev.patchbay.benchmarks.compare.Scenario;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.WebSocket;

/**
 * A client written the way the field reports describe it, with raw OkHttp + Jackson (and the
 * shared frame model): one token shared across all users, fixed-interval retries without jitter
 * or {@code Retry-After}, invites retried with a new call id, and the socket abandoned (never
 * closed) after a failed negotiation. Used by {@code loadtest --compare} as the "before" column.
 *
 * <p>With {@link #ownTokens()} every agent fetches its own token instead (the one bug fixed), so
 * the run gets far enough to show the other field failures: retry storms that ignore
 * {@code Retry-After}, and sockets leaked after failed negotiations filling the tenant's cap.
 */
public final class HandRolledDriver implements LoadDriver {
  /** Fixed retry interval of everything (no backoff, no jitter). */
  static final long RETRY_MS = 1000;
  static final int CONNECT_ATTEMPTS = 10;
  static final int INVITE_ATTEMPTS = 3;
  static final long ANSWER_TIMEOUT_MS = 30_000;

  private final boolean sharedToken;
  private final Set<WebSocket> live = ConcurrentHashMap.newKeySet();
  private final AtomicInteger openCalls = new AtomicInteger();
  private OkHttpClient http;
  private ExecutorService blocking;

  private HandRolledDriver(boolean sharedToken) {
    this.sharedToken = sharedToken;
  }

  /** The field client: one token shared by every user. */
  public static HandRolledDriver sharedToken() {
    return new HandRolledDriver(true);
  }

  /** The field client with one bug fixed: each user fetches its own token. */
  public static HandRolledDriver ownTokens() {
    return new HandRolledDriver(false);
  }

  @Override
  public String name() {
    return sharedToken ? "hand-rolled" : "hand-rolled, own tokens";
  }

  @Override
  public ClientResult run(Scenario s, URI edge, LoadRecorder rec, Duration deadline)
      throws InterruptedException {
    blocking = Executors.newFixedThreadPool(32, daemon("handrolled-worker"));
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(10_000);
    dispatcher.setMaxRequestsPerHost(10_000);
    http = new OkHttpClient.Builder().dispatcher(dispatcher).build();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
        daemon("handrolled-timer"));
    SharedToken shared = new SharedToken(http, edge, s.user(0), s.secret(0), RETRY_MS, 10);
    CountDownLatch agentsLeft = new CountDownLatch(s.agents());
    long[] offsets = s.startOffsetsMs();
    long[][] holds = s.holdsMs();
    HandRolledAgent[] agents = new HandRolledAgent[s.agents()];
    for (int i = 0; i < s.agents(); i++) {
      SharedToken token = sharedToken ? shared
          : new SharedToken(http, edge, s.user(i), s.secret(i), RETRY_MS, 10);
      agents[i] = new HandRolledAgent(this, s, i, holds[i], rec, token, edge, timer,
          agentsLeft);
      HandRolledAgent a = agents[i];
      timer.schedule(() -> blocking.execute(a::start), offsets[i], TimeUnit.MILLISECONDS);
    }
    agentsLeft.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
    timer.shutdownNow();
    long lost = 0;
    int abandoned = 0;
    for (HandRolledAgent a : agents) {
      lost += a.callsWithoutOutcome();
      abandoned += a.abandonedSocket() ? 1 : 0;
    }
    // closes it started are allowed to finish before counting what is still open
    long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (live.size() > abandoned && System.nanoTime() < settle) {
      Thread.sleep(50);
    }
    return new ClientResult(lost, live.size(), openCalls.get(), 0);
  }

  OkHttpClient http() {
    return http;
  }

  ExecutorService blocking() {
    return blocking;
  }

  void opened(WebSocket ws) {
    live.add(ws);
  }

  void released(WebSocket ws) {
    live.remove(ws);
  }

  AtomicInteger openCalls() {
    return openCalls;
  }

  @Override
  public void forceRelease() {
    for (WebSocket ws : live) {
      ws.cancel();
    }
    live.clear();
    if (blocking != null) {
      blocking.shutdownNow();
    }
    if (http != null) {
      http.dispatcher().cancelAll();
      http.dispatcher().executorService().shutdownNow();
      http.connectionPool().evictAll();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
