package dev.patchbay.webrtc.internal;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/**
 * Pushes app-fed audio into the sending sessions' audio paths every 10 ms, on the media thread,
 * so that pushes never overlap another native call of the engine, nor the headless capture
 * path, which only ever runs inside a media-thread task (see {@link AudioPath}). Media thread
 * only.
 */
final class AudioPump {
  private static final Duration PERIOD = Duration.ofMillis(10);

  private final MediaThread thread;
  private final SharedFactory factory;
  private final Set<AudioPath> sending = new LinkedHashSet<>();
  private ScheduledFuture<?> ticker;

  AudioPump(MediaThread thread, SharedFactory factory) {
    this.thread = thread;
    this.factory = factory;
  }

  void add(AudioPath session) {
    sending.add(session);
    if (ticker == null) {
      ticker = thread.scheduleAtFixedRate(this::tick, PERIOD);
    }
  }

  void remove(AudioPath session) {
    sending.remove(session);
    if (sending.isEmpty() && ticker != null) {
      ticker.cancel(false);
      ticker = null;
    }
  }

  private void tick() {
    for (AudioPath s : sending.toArray(new AudioPath[0])) {
      s.pushAudioFrame();
    }
  }
}
