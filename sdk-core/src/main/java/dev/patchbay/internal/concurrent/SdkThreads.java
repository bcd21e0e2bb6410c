package dev.patchbay.internal.concurrent;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and counts the threads one {@code Patchbay} owns. On Java 21+ (found reflectively,
 * since the SDK is compiled for 17) task executors run on virtual threads; the scheduler always
 * uses one platform thread.
 */
public final class SdkThreads {
  private static final Logger LOG = LoggerFactory.getLogger(SdkThreads.class);
  private static final ThreadFactory VIRTUAL = virtualFactoryOrNull();

  private final String prefix;
  private final boolean useVirtual;
  private final AtomicInteger live = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicInteger ids = new AtomicInteger();

  public SdkThreads(String prefix, boolean preferVirtual) {
    this.prefix = prefix;
    this.useVirtual = preferVirtual && VIRTUAL != null;
  }

  /** True when the runtime offers virtual threads (Java 21+). */
  public static boolean virtualThreadsAvailable() {
    return VIRTUAL != null;
  }

  public boolean usesVirtualThreads() {
    return useVirtual;
  }

  /** SDK threads alive now (platform and virtual). */
  public int live() {
    return live.get();
  }

  /**
   * The most SDK threads (platform and virtual) that were alive at once since this instance was
   * made: a bound on threads is checked against this, not against a sample of {@link #live()}.
   */
  public int peak() {
    return peak.get();
  }

  /** A platform-thread factory (daemon) whose threads are counted. */
  public ThreadFactory platform(String role) {
    return r -> {
      Thread t = new Thread(counted(r), prefix + role + "-" + ids.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * An executor for short non-blocking tasks (the user agents' actors): always a pool of up to
   * {@code threads} platform threads that shrinks to zero when idle. Virtual threads bring
   * nothing to code that never blocks, and a few long-lived threads keep per-thread caches
   * (Jackson's buffers) few.
   */
  public ExecutorService computeExecutor(String role, int threads) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), platform(role));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * An executor for tasks that may block (app callbacks): a virtual thread per task when
   * available, else a pool of up to {@code maxPlatformThreads} that shrinks to zero when idle.
   */
  public ExecutorService taskExecutor(String role, int maxPlatformThreads) {
    if (useVirtual) {
      try {
        Method m = java.util.concurrent.Executors.class
            .getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
        ThreadFactory named = r -> {
          Thread t = VIRTUAL.newThread(counted(r));
          t.setName(prefix + role + "-v" + ids.incrementAndGet());
          return t;
        };
        return (ExecutorService) m.invoke(null, named);
      } catch (ReflectiveOperationException e) {
        LOG.debug("virtual-thread executor unavailable; using platform threads", e);
      }
    }
    ThreadPoolExecutor pool = new ThreadPoolExecutor(maxPlatformThreads, maxPlatformThreads,
        10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), platform(role));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * An executor for short blocking tasks that arrive in bursts (HTTP calls of the token client:
   * thousands of agents connecting at once): a virtual thread per task when available, else at
   * most {@code maxPlatformThreads} platform threads that shrink to zero when idle, the excess
   * waiting in a queue. The number of threads never grows with the number of tasks.
   */
  public ExecutorService boundedBlockingExecutor(String role, int maxPlatformThreads) {
    return taskExecutor(role, maxPlatformThreads);
  }

  /**
   * An executor for long-lived blocking tasks (OkHttp's WebSocket readers hold one per socket):
   * a virtual thread per task when available, else an unbounded cached pool.
   */
  public ExecutorService blockingExecutor(String role) {
    if (useVirtual) {
      return taskExecutor(role, 1);
    }
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
        new java.util.concurrent.SynchronousQueue<>(), platform(role));
  }

  private Runnable counted(Runnable r) {
    return () -> {
      peak.accumulateAndGet(live.incrementAndGet(), Math::max);
      try {
        r.run();
      } finally {
        live.decrementAndGet();
      }
    };
  }

  private static ThreadFactory virtualFactoryOrNull() {
    try {
      Method ofVirtual = Thread.class.getMethod("ofVirtual");
      Object builder = ofVirtual.invoke(null);
      Method factory = Class.forName("java.lang.Thread$Builder").getMethod("factory");
      return (ThreadFactory) factory.invoke(builder);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
