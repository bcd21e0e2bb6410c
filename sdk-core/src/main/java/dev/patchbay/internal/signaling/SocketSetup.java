package dev.patchbay.internal.signaling;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What one {@link SignalingSocket} is opened with besides its identity: the shared transport,
 * the scheduler that drives its heartbeat and close deadline, its heartbeat (clamped to
 * [{@link #MIN_HEARTBEAT_MS}, {@link #MAX_HEARTBEAT_MS}]) and its close-handshake timeout.
 */
public record SocketSetup(WsTransport transport, ScheduledExecutorService scheduler,
    long heartbeatMillis, Duration closeTimeout) {
  public static final long MIN_HEARTBEAT_MS = 1_000;
  public static final long MAX_HEARTBEAT_MS = 300_000;

  public SocketSetup {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    heartbeatMillis = clampHeartbeat(heartbeatMillis);
  }

  /** An edge-advertised heartbeat, clamped; zero or negative means the floor. */
  public static long clampHeartbeat(long millis) {
    return Math.max(MIN_HEARTBEAT_MS, Math.min(MAX_HEARTBEAT_MS, millis));
  }
}
