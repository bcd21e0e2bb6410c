package dev.patchbay.examples.backend;

import dev.patchbay.Call;
import dev.patchbay.Credentials;
import dev.patchbay.Diagnostics;
import dev.patchbay.IncomingCall;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A multi-tenant backend: one {@link Patchbay} holding one {@link UserAgent} per user, across
 * tenants, each obtained by token exchange on behalf of that user (RFC 8693) with the tenant's
 * backend client, so every user has their own token. It answers every incoming call (signaling
 * only: the backend terminates media elsewhere) and keeps it until the caller hangs up.
 * {@link #close()} hangs up, closes every agent (revoking its token) and the SDK, and reports
 * what is left (nothing).
 */
public final class Backend implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Backend.class);

  /** A user the backend acts for. */
  public record User(String tenant, String userId) {
    public User {
      Objects.requireNonNull(tenant, "tenant must not be null");
      Objects.requireNonNull(userId, "userId must not be null");
    }
  }

  /** A tenant's backend OAuth client (allowed to exchange tokens for that tenant's users). */
  public record BackendClient(String clientId, String secret) {}

  private final Patchbay patchbay;
  private final Map<String, BackendClient> clients;
  private final Function<User, String> subjectTokens;
  private final Map<User, UserAgent> agents = new ConcurrentHashMap<>();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong ended = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param clients the backend client of each tenant
   * @param subjectTokens the identity provider's assertion (subject token) for a user
   */
  public Backend(URI edge, Map<String, BackendClient> clients,
      Function<User, String> subjectTokens) {
    this.patchbay = Patchbay.builder().edge(edge).mediaEngine(MediaEngines.signalingOnly())
        .build();
    this.clients = Map.copyOf(clients);
    this.subjectTokens = Objects.requireNonNull(subjectTokens, "subjectTokens");
  }

  /** Connects every user (in parallel); completes when all are connected. */
  public CompletableFuture<Void> start(List<User> users) {
    List<CompletableFuture<UserAgent>> all = new ArrayList<>();
    for (User u : users) {
      BackendClient c = clients.get(u.tenant());
      if (c == null) {
        throw new IllegalArgumentException("no backend client for tenant " + u.tenant());
      }
      Credentials onBehalf = Credentials.tokenExchange(c.clientId(), c.secret(),
          subjectTokens.apply(u), Credentials.TokenExchange.ID_TOKEN_TYPE);
      all.add(patchbay.connect(onBehalf,
          UserAgentOptions.builder(u.tenant()).userId(u.userId()).build())
          .thenApply(ua -> {
            ua.onIncomingCall(this::answer);
            agents.put(u, ua);
            return ua;
          }));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private void answer(IncomingCall incoming) {
    incoming.accept().whenComplete((call, error) -> {
      if (error != null) {
        LOG.info("call {} from {} could not be answered: {}", incoming.id(), incoming.from(),
            error.toString());
        return;
      }
      answered.incrementAndGet();
      call.ended().thenRun(ended::incrementAndGet);
    });
  }

  /** Users connected right now. */
  public int connectedUsers() {
    return (int) agents.values().stream().filter(a -> a.state() == UserAgent.State.CONNECTED)
        .count();
  }

  public long callsAnswered() {
    return answered.get();
  }

  public long callsEnded() {
    return ended.get();
  }

  /** Calls in progress across every user. */
  public int liveCalls() {
    return agents.values().stream().mapToInt(a -> a.calls().size()).sum();
  }

  public Diagnostics diagnostics() {
    return patchbay.diagnostics();
  }

  /**
   * Graceful shutdown: every agent hangs up its calls, closes its socket and revokes its token
   * (in parallel, bounded), then the SDK stops its threads. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    agents.values().forEach(a -> closing.add(a.closeAsync()));
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
          .get(Patchbay.CLOSE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("agents did not all close within {}: {}", Patchbay.CLOSE_BOUND, e.toString());
    }
    patchbay.close();
  }

  /** Diagnostics once they settle to zero after {@link #close()}, or as they are at the end. */
  public Diagnostics settledDiagnostics(Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    Diagnostics d = patchbay.diagnostics();
    while (!(d.isIdle() && d.sdkThreads() == 0) && System.nanoTime() < deadline) {
      Thread.sleep(50); // polling gauges that settle on their own, bounded by grace
      d = patchbay.diagnostics();
    }
    return d;
  }

  /** Calls a user's agent holds (for tests). */
  List<Call> calls(User u) {
    UserAgent a = agents.get(u);
    return a == null ? List.of() : a.calls();
  }
}
