package dev.patchbay.webrtc.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.patchbay.webrtc.AudioInput;
import java.util.function.Consumer;
import java.util.function.Function;

/** What an engine shares with its sessions: the media thread, the factory, the counters. */
public final class EngineContext {
  final MediaThread thread;
  final SharedFactory factory;
  final LiveObjects live;
  final AudioPump pump;
  final Function<String, AudioInput> inputs;
  final Consumer<RealWebRtcMediaSession> onSessionClosed;
  private boolean factoryHeld;

  public EngineContext(MediaThread thread, SharedFactory factory, LiveObjects live,
      Function<String, AudioInput> inputs, Consumer<RealWebRtcMediaSession> onSessionClosed) {
    this.thread = thread;
    this.factory = factory;
    this.live = live;
    this.pump = new AudioPump(thread, factory);
    this.inputs = inputs;
    this.onSessionClosed = onSessionClosed;
  }

  /**
   * The factory for a new session: the engine itself keeps one reference from the first
   * session until {@link #releaseEngineReference()}, so back-to-back calls reuse one factory.
   * Media thread only.
   */
  PeerConnectionFactory factoryForSession() {
    if (!factoryHeld) {
      factory.acquire();
      factoryHeld = true;
    }
    return factory.acquire();
  }

  /** Drops the engine's own factory reference (engine close). Media thread only. */
  public void releaseEngineReference() {
    if (factoryHeld) {
      factoryHeld = false;
      factory.release();
    }
  }
}
