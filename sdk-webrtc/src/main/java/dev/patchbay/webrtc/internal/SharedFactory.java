package dev.patchbay.webrtc.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.AudioDevice;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.patchbay.IcePolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's one {@link PeerConnectionFactory} and its audio device module, reference
 * counted: created by the first {@link #acquire()}, disposed (factory first, then the audio
 * module) once the last reference is released and the linger period has passed without a new
 * user (so back-to-back calls do not pay for a new factory), or at once by
 * {@link #disposeIfUnused()} when the engine closes. While the factory lives it also holds the
 * engine's warm spare peer ({@link #replenish}, {@link #takeSpare}), released with it. Media
 * thread only.
 *
 * <p>Never the default {@code new PeerConnectionFactory()}: it opens the platform audio layer
 * and aborts the JVM on a machine without audio. Without a configured microphone we use the
 * {@link HeadlessAudioDeviceModule}; with one, the platform module, after checking that the
 * device exists.
 */
public final class SharedFactory {
  private static final Logger log = LoggerFactory.getLogger(SharedFactory.class);

  private final String microphone;
  private final LiveObjects live;
  private final MediaThread thread;
  private final Duration linger;
  private ScheduledFuture<?> pendingDispose;
  private PeerConnectionFactory factory;
  private AudioDeviceModuleBase audioModule;
  private int references;
  /** The warm spare peer the next session adopts; owned here until then. */
  private NativePeer spare;
  /** The engine is closing: no new spare. Set from any thread. */
  private volatile boolean closing;

  /** @param microphone the recording device name to use, or null for headless audio */
  public SharedFactory(String microphone, LiveObjects live, MediaThread thread, Duration linger) {
    this.microphone = microphone;
    this.live = live;
    this.thread = thread;
    this.linger = linger;
  }

  /** True when audio is app-fed (headless module), false with a real microphone. */
  public boolean headless() {
    return microphone == null;
  }

  /**
   * Takes a reference, creating the factory on first use.
   *
   * @throws MicrophoneUnavailable when the configured microphone does not exist
   */
  public PeerConnectionFactory acquire() {
    if (pendingDispose != null) {
      pendingDispose.cancel(false);
      pendingDispose = null;
    }
    if (factory == null) {
      audioModule = headless() ? new HeadlessAudioDeviceModule() : deviceModule(microphone);
      live.created();
      try {
        factory = new PeerConnectionFactory(audioModule);
      } catch (RuntimeException | Error e) {
        disposeAudioModule();
        throw e;
      }
      live.created();
      log.debug("peer connection factory created (headless={})", headless());
    }
    references++;
    return factory;
  }

  /**
   * The warm spare peer when it was made for the same ICE configuration as {@code policy}; the
   * caller owns it from now on. A spare that does not fit is released here. Null when there is
   * none (or none that fits). Call with a reference held.
   */
  NativePeer takeSpare(IcePolicy policy) {
    NativePeer s = spare;
    spare = null;
    if (s != null && !s.fits(policy)) {
      log.debug("warm spare peer made for another ICE configuration; released");
      s.release(live);
      return null;
    }
    return s;
  }

  /**
   * Makes the warm spare peer for the next session, with {@code policy}'s ICE configuration,
   * unless there is one, the factory is gone (disposed with the last call) or the engine is
   * closing. The spare lives as long as the factory: it is released with it (linger passed,
   * engine close) or when a session with another configuration does not take it. A failure
   * only means no spare. Headless audio only: with a configured microphone nothing of the next
   * call is made before the call (a device is the app's to open, per call, never between calls).
   */
  void replenish(IcePolicy policy) {
    if (spare != null || factory == null || closing || thread.isShutdown() || !headless()) {
      return;
    }
    try {
      spare = NativePeer.create(factory, headless(), policy, live);
    } catch (RuntimeException | Error e) {
      log.debug("no warm spare peer: {}", e.toString());
    }
  }

  /** The engine is closing: no further spare is made (any thread). */
  public void closing() {
    closing = true;
  }

  /** Drops a reference; after the last one the factory is disposed once the linger passed. */
  public void release() {
    if (references == 0 || --references > 0) {
      return;
    }
    if (linger.isZero() || thread.isShutdown()) {
      dispose();
    } else {
      pendingDispose = thread.schedule(this::disposeIfUnused, linger);
      if (pendingDispose == null) {
        dispose();
      }
    }
  }

  /**
   * Disposes the factory now if nobody holds a reference (engine close, linger passed); the
   * spare goes in any case when the engine is closing.
   */
  public void disposeIfUnused() {
    if (pendingDispose != null) {
      pendingDispose.cancel(false);
      pendingDispose = null;
    }
    if (closing) {
      releaseSpare();
    }
    if (references == 0 && factory != null) {
      dispose();
    }
  }

  private void releaseSpare() {
    if (spare != null) {
      NativePeer s = spare;
      spare = null;
      s.release(live);
    }
  }

  /** The spare first (its peer connection needs the factory), then the factory. */
  private void dispose() {
    releaseSpare();
    try {
      factory.dispose();
    } catch (Throwable t) {
      // 0.14.0 reports "Native object was not deleted" when a peer connection leaked.
      log.warn("peer connection factory dispose: {}", t.toString());
    } finally {
      factory = null;
      live.released();
      disposeAudioModule();
      log.debug("peer connection factory disposed");
    }
  }

  /**
   * Stops the headless module's capture path and returns once its capture thread has ended
   * (the module joins it). libwebrtc starts that path whenever a send stream starts; left
   * running, it pushes the playout mix (the remote party's own audio) into every started send
   * stream of the engine, racing the app-fed frames pushed on the media thread, and two
   * producers in one send stream abort the process (a race check in
   * {@code audio_send_stream.cc}).
   *
   * <p>Only {@link AudioPath} calls this, in the same media-thread task as its own synchronous
   * start of a send stream: sessions with app-fed audio never let libwebrtc start a stream on
   * its own (their send encoding is inactive until then), so no start or stop of libwebrtc's can
   * overlap this one, and the capture thread never runs between two media-thread tasks.
   */
  public void stopCapture() {
    if (headless() && audioModule != null) {
      try {
        audioModule.stopRecording();
      } catch (Throwable t) {
        log.debug("stopRecording: {}", t.toString());
      }
    }
  }

  private void disposeAudioModule() {
    if (audioModule == null) {
      return;
    }
    try {
      audioModule.stopPlayout();
      audioModule.stopRecording();
    } catch (Throwable t) {
      log.debug("audio module stop: {}", t.toString());
    }
    try {
      audioModule.dispose();
    } catch (Throwable t) {
      log.warn("audio module dispose: {}", t.toString());
    } finally {
      audioModule = null;
      live.released();
    }
  }

  /**
   * Checks that the recording device exists (opens and closes the platform audio layer).
   *
   * @throws MicrophoneUnavailable when it does not, or when there is no audio layer at all
   */
  public static void probe(String microphone) {
    deviceModule(microphone).dispose();
  }

  private static AudioDeviceModuleBase deviceModule(String name) {
    AudioDeviceModule module;
    try {
      module = new AudioDeviceModule(AudioLayer.kPlatformDefaultAudio);
    } catch (RuntimeException | Error e) {
      throw new MicrophoneUnavailable("microphone '" + name + "' is not available: the platform "
          + "audio layer failed to start (" + e.getMessage() + ")");
    }
    try {
      List<AudioDevice> devices = module.getRecordingDevices();
      AudioDevice match = devices.stream()
          .filter(d -> name.equals(d.getName()) || name.equals(d.getDescriptor()))
          .findFirst()
          .orElse(null);
      if (match == null) {
        String available = devices.stream().map(AudioDevice::getName)
            .collect(Collectors.joining(", ", "[", "]"));
        throw new MicrophoneUnavailable("microphone must be one of the recording devices "
            + available + ", but was '" + name + "'");
      }
      module.setRecordingDevice(match);
      return module;
    } catch (RuntimeException | Error e) {
      try {
        module.dispose();
      } catch (Throwable ignored) {
        // already failing
      }
      throw e;
    }
  }

  /**
   * The configured microphone does not exist or the platform audio layer failed; the engine
   * turns it into the public {@code AudioDeviceException}.
   */
  public static final class MicrophoneUnavailable extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    MicrophoneUnavailable(String message) {
      super(message);
    }
  }
}
