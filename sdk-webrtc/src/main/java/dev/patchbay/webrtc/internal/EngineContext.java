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

  public EngineContext(MediaThread thread, SharedFactory factory, LiveObjects live,
      Function<String, AudioInput> inputs, Consumer<RealWebRtcMediaSession> onSessionClosed) {
    this.thread = thread;
    this.factory = factory;
    this.live = live;
    this.pump = new AudioPump(thread, factory);
    this.inputs = inputs;
    this.onSessionClosed = onSessionClosed;
  }

  /** A factory reference for a new session. Media thread only. */
  PeerConnectionFactory factoryForSession() {
    return factory.acquire();
  }

  /** Engine close begins (any thread): sessions closing from now on make no warm spare. */
  public void closing() {
    factory.closing();
  }

  /**
   * Engine close: releases the warm spare and disposes the factory now if no session holds it.
   * Media thread only.
   */
  public void disposeFactoryIfUnused() {
    factory.disposeIfUnused();
  }
}
