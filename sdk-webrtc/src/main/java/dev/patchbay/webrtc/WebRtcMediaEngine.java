package dev.patchbay.webrtc;

import dev.patchbay.IcePolicy;
import dev.patchbay.internal.Errors;
import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaSession;
import dev.patchbay.webrtc.internal.EngineContext;
import dev.patchbay.webrtc.internal.LiveObjects;
import dev.patchbay.webrtc.internal.MediaThread;
import dev.patchbay.webrtc.internal.RealWebRtcMediaSession;
import dev.patchbay.webrtc.internal.SharedFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MediaEngine} on webrtc-java (native libwebrtc): real audio for calls.
 *
 * <pre>{@code
 * WebRtcMediaEngine engine = WebRtcMediaEngine.builder()
 *     .audioInputPerCall(callId -> AudioInput.tone(440, 0.3))   // app-fed audio (default: silence)
 *     .build();
 * }</pre>
 *
 * <p>One engine owns one peer connection factory, shared by its calls and reference counted
 * (created with the first call, disposed when the last call released it and
 * {@link Builder#factoryLinger(Duration)} passed without a new one, or at {@link #close()}), and
 * one media thread on which every native call runs. Without {@link Builder#microphone(String)} audio is headless: nothing touches the
 * machine's sound devices, calls send their {@link AudioInput} and the remote audio reaches
 * {@link AudioSink}s. Per-call controls: {@code session.unwrap(WebRtcMediaSession.class)}.
 */
public final class WebRtcMediaEngine implements MediaEngine {
  private static final Logger log = LoggerFactory.getLogger(WebRtcMediaEngine.class);
  private static final AtomicInteger ENGINES = new AtomicInteger();

  /** How long an unused factory is kept for the next call. */
  public static final Duration DEFAULT_FACTORY_LINGER = Duration.ofSeconds(2);
  /** How long {@link #close()} waits for calls and native teardown. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final MediaThread thread;
  private final LiveObjects live = new LiveObjects();
  private final EngineContext ctx;
  private final Set<RealWebRtcMediaSession> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Duration closeTimeout;

  private WebRtcMediaEngine(Builder b) {
    this.thread = new MediaThread("patchbay-media-" + ENGINES.incrementAndGet());
    SharedFactory factory = new SharedFactory(b.microphone, live, thread, b.factoryLinger);
    this.ctx = new EngineContext(thread, factory, live, b.inputs, sessions::remove);
    this.closeTimeout = b.closeTimeout;
    if (b.microphone != null) {
      checkMicrophone(b.microphone);
    }
  }

  private void checkMicrophone(String microphone) {
    try {
      thread.call(() -> {
        SharedFactory.probe(microphone);
        return null;
      }).get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      thread.shutdown();
      if (e.getCause() instanceof SharedFactory.MicrophoneUnavailable unavailable) {
        throw new AudioDeviceException(unavailable.getMessage());
      }
      throw new AudioDeviceException("microphone '" + microphone + "' check failed: " + e.getCause());
    } catch (InterruptedException e) {
      thread.shutdown();
      Thread.currentThread().interrupt();
      throw new AudioDeviceException("interrupted while checking microphone '" + microphone + "'");
    } catch (TimeoutException e) {
      thread.shutdown();
      throw new AudioDeviceException("microphone '" + microphone + "' check did not finish within "
          + closeTimeout.toMillis() + " ms");
    }
  }

  /**
   * An engine with headless audio that sends silence.
   *
   * @return the new engine
   */
  public static WebRtcMediaEngine create() {
    return builder().build();
  }

  /**
   * A builder: headless audio sending silence unless configured otherwise.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "webrtc";
  }

  /**
   * {@inheritDoc}
   *
   * <p>The returned session also implements {@link WebRtcMediaSession}.
   */
  @Override
  public MediaSession createSession(String callId, IcePolicy policy,
      MediaSession.Listener listener) {
    if (closed.get()) {
      throw Errors.closed("media engine is closed");
    }
    RealWebRtcMediaSession session = new RealWebRtcMediaSession(callId, policy, listener, ctx);
    sessions.add(session);
    try {
      thread.execute(session::init);
    } catch (RejectedExecutionException e) {
      sessions.remove(session);
      throw Errors.closed("media engine is closed");
    }
    return session;
  }

  @Override
  public int openSessions() {
    return sessions.size();
  }

  @Override
  public long liveNativeObjects() {
    return live.count();
  }

  /**
   * Closes every session, disposes the factory and stops the media thread; waits up to the
   * close timeout unless called from the media thread itself. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ctx.closing();
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (RealWebRtcMediaSession s : sessions) {
      closing.add(s.close());
    }
    try {
      thread.execute(ctx::disposeFactoryIfUnused);
    } catch (RejectedExecutionException ignored) {
      // already stopped
    }
    thread.shutdown();
    if (thread.isCurrent()) {
      return;
    }
    try {
      CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
          .get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!thread.awaitTermination(closeTimeout)) {
        log.warn("media thread did not stop within {}", closeTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("media engine close did not finish within {}: {}", closeTimeout, e.toString());
    }
  }

  @Override
  public String toString() {
    return "WebRtcMediaEngine{sessions=" + sessions.size() + ", liveNativeObjects="
        + live.count() + ", closed=" + closed.get() + '}';
  }

  /** Validating builder. */
  public static final class Builder {
    private String microphone;
    private Function<String, AudioInput> inputs = callId -> AudioInput.silence();
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private Duration factoryLinger = DEFAULT_FACTORY_LINGER;

    private Builder() {}

    /**
     * Uses this recording device (by name or descriptor) instead of headless audio.
     * {@link #build()} fails with {@link AudioDeviceException} (naming the devices that do
     * exist) when it does not exist or the machine has no audio layer; it never aborts the JVM.
     *
     * @param deviceName the device's name or descriptor
     * @return this builder
     */
    public Builder microphone(String deviceName) {
      Objects.requireNonNull(deviceName, "deviceName");
      if (deviceName.isBlank()) {
        throw new IllegalArgumentException("microphone must not be blank");
      }
      this.microphone = deviceName;
      return this;
    }

    /**
     * The audio every call sends (headless mode). Each call plays its own copy
     * ({@link AudioInput#forNewCall()}): concurrent calls each send the whole tone or file.
     *
     * @param input the audio to send
     * @return this builder
     */
    public Builder audioInput(AudioInput input) {
      Objects.requireNonNull(input, "input");
      return audioInputPerCall(callId -> input);
    }

    /**
     * The audio each call sends, by call id (headless mode); called once per call.
     *
     * @param inputs the audio to send, by call id
     * @return this builder
     */
    public Builder audioInputPerCall(Function<String, AudioInput> inputs) {
      this.inputs = Objects.requireNonNull(inputs, "inputs");
      return this;
    }

    /**
     * How long the peer connection factory outlives its last call, waiting for the next one
     * ({@link Duration#ZERO}: disposed with the last call). Default 2 s.
     *
     * @param linger how long the factory waits for the next call, zero or more
     * @return this builder
     */
    public Builder factoryLinger(Duration linger) {
      Objects.requireNonNull(linger, "linger");
      if (linger.isNegative()) {
        throw new IllegalArgumentException("factoryLinger must be >= 0, but was " + linger);
      }
      this.factoryLinger = linger;
      return this;
    }

    /**
     * Deadline of a session's close (peer connection, tracks, sources) on the media thread.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder closeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("closeTimeout must be > 0, but was " + timeout);
      }
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * Creates the engine.
     *
     * @return the engine
     * @throws AudioDeviceException when the configured microphone does not exist or the machine has
     *     no audio layer
     */
    public WebRtcMediaEngine build() {
      return new WebRtcMediaEngine(this);
    }
  }
}
