package dev.patchbay.internal.auth;

import dev.patchbay.internal.concurrent.SdkThreads;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The one OkHttp client of a {@code Patchbay}: it serves only the OAuth calls (token, refresh,
 * revoke) of every agent. Its one dispatcher runs at most {@link #MAX_CONCURRENT} calls at once
 * on a bounded executor (virtual threads on Java 21+), so 10,000 agents connecting or closing at
 * once queue their requests instead of each getting a thread. While the SDK shuts down
 * ({@link #beginShutdown()}) the bound rises to {@link #SHUTDOWN_CONCURRENT}: every agent then
 * revokes its tokens at once, and the calls are short. {@link #close()} cancels what is left
 * and ends the threads.
 */
public final class TokenHttp implements AutoCloseable {
  /** OAuth calls in flight at once, and the most platform threads that run them. */
  public static final int MAX_CONCURRENT = 16;
  /**
   * OAuth calls (revocations) in flight at once while the SDK shuts down: still a bound the
   * edge sees (one keep-alive connection each), not one request per agent at once.
   */
  public static final int SHUTDOWN_CONCURRENT = 64;

  private final ExecutorService executor;
  private final OkHttpClient client;

  private TokenHttp(ExecutorService executor, OkHttpClient client) {
    this.executor = executor;
    this.client = client;
  }

  /**
   * @param sslSocketFactory with {@code trustManager}: explicit trust, or both null for the
   *     platform's trust store
   * @param socketFactory the plain socket factory (TCP_NODELAY)
   */
  public static TokenHttp create(SdkThreads threads, SSLSocketFactory sslSocketFactory,
      X509TrustManager trustManager, SocketFactory socketFactory) {
    ExecutorService executor = threads.boundedBlockingExecutor("okhttp-token", MAX_CONCURRENT);
    Dispatcher dispatcher = new Dispatcher(executor);
    dispatcher.setMaxRequests(MAX_CONCURRENT);
    dispatcher.setMaxRequestsPerHost(MAX_CONCURRENT);
    OkHttpClient.Builder b = new OkHttpClient.Builder();
    if (sslSocketFactory != null) {
      b.sslSocketFactory(sslSocketFactory, trustManager);
    }
    OkHttpClient http = b.dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(SHUTDOWN_CONCURRENT, 30, TimeUnit.SECONDS))
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(10))
        .writeTimeout(Duration.ofSeconds(10))
        .socketFactory(socketFactory)
        .build();
    return new TokenHttp(executor, TokenEndpoint.forTokenRequests(http));
  }

  /** The client, prepared for token requests (no retries, no redirects); shared by all agents. */
  public OkHttpClient client() {
    return client;
  }

  /**
   * Raises the bound to {@link #SHUTDOWN_CONCURRENT} calls in flight (and as many platform
   * threads without virtual threads) for the revocations of {@code Patchbay.close()}.
   */
  public void beginShutdown() {
    if (executor instanceof ThreadPoolExecutor pool) { // maximum first: it must stay >= core
      pool.setMaximumPoolSize(SHUTDOWN_CONCURRENT);
      pool.setCorePoolSize(SHUTDOWN_CONCURRENT);
    }
    Dispatcher dispatcher = client.dispatcher();
    dispatcher.setMaxRequestsPerHost(SHUTDOWN_CONCURRENT);
    dispatcher.setMaxRequests(SHUTDOWN_CONCURRENT);
  }

  /** Drops idle pooled connections (their path may be dead). */
  public void evictIdleConnections() {
    client.connectionPool().evictAll();
  }

  /** Cancels the calls still queued or running and ends the executor's threads (bounded). */
  @Override
  public void close() {
    client.dispatcher().cancelAll();
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    client.connectionPool().evictAll();
  }
}
