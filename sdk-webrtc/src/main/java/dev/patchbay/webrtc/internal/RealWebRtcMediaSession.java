package dev.patchbay.webrtc.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.patchbay.media.IceCandidate;
import dev.patchbay.IcePolicy;
import dev.patchbay.media.MediaState;
import dev.patchbay.media.SessionDescription;
import dev.patchbay.webrtc.AudioInput;
import dev.patchbay.webrtc.AudioSink;
import dev.patchbay.webrtc.MediaStats;
import dev.patchbay.webrtc.WebRtcMediaSession;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The media of one call on webrtc-java. Every native call runs on the engine's media thread;
 * public methods only check "closed" and enqueue. libwebrtc callbacks (signaling thread) are
 * re-posted to the media thread and checked against "closed" again there.
 *
 * <p>This class creates the native objects and delegates: {@link Negotiation} (offer/answer),
 * {@link Trickle} (trickle ICE), {@link Recovery} (connectivity, ICE restarts, failure),
 * {@link AudioPath} (attach, pump, sinks), {@link Controls} (mute, hold, DTMF, stats) and
 * {@link Releaser} (close, in the verified release order), sharing {@link SessionCore}.
 */
public final class RealWebRtcMediaSession implements WebRtcMediaSession {
  private final SessionCore core;
  private final Trickle trickle;
  private final AudioPath audio;
  private final Recovery recovery;
  private final Controls controls;
  private final Negotiation negotiation;
  private final Releaser releaser;

  public RealWebRtcMediaSession(String callId, IcePolicy policy, Listener listener,
      EngineContext ctx) {
    this.core = new SessionCore(Objects.requireNonNull(callId, "callId"),
        Objects.requireNonNull(policy, "policy"), Objects.requireNonNull(listener, "listener"),
        ctx);
    this.trickle = new Trickle(core);
    this.audio = new AudioPath(core, ctx.inputs.apply(callId));
    this.recovery = new Recovery(core, trickle, audio);
    this.controls = new Controls(core, audio);
    this.negotiation = new Negotiation(core, trickle, recovery, controls, audio);
    this.releaser = new Releaser(core, trickle, recovery, audio, this);
  }

  /**
   * Takes the engine's warm spare peer when it fits this session's ICE configuration, else
   * creates the native objects; runs on the media thread right after construction.
   */
  public void init() {
    if (core.closed.get()) {
      return;
    }
    try {
      PeerConnectionFactory factory = core.ctx.factoryForSession();
      core.factory = factory;
      NativePeer peer = core.ctx.factory.takeSpare(core.policy);
      if (peer == null) {
        peer = NativePeer.create(factory, core.ctx.factory.headless(), core.policy,
            core.ctx.live);
      }
      peer.attach(new Observer());
      core.pc = peer.pc;
      core.appSource = peer.appSource;
      core.track = peer.track;
      core.sender = peer.sender;
      core.transceiver = peer.transceiver;
      core.trackAttached = peer.appSource == null;
      core.initialized = true;
    } catch (Throwable t) {
      recovery.fail("media setup failed: " + t.getMessage());
    }
  }

  @Override
  public String callId() {
    return core.callId;
  }

  @Override
  public MediaState state() {
    return core.state;
  }

  @Override
  public CompletableFuture<SessionDescription> createOffer(boolean iceRestart) {
    return negotiation.createOffer(iceRestart);
  }

  @Override
  public CompletableFuture<SessionDescription> acceptOffer(SessionDescription offer) {
    requireType(offer, SessionDescription.Type.OFFER);
    return negotiation.acceptOffer(offer);
  }

  @Override
  public CompletableFuture<Void> acceptAnswer(SessionDescription answer) {
    requireType(answer, SessionDescription.Type.ANSWER);
    return negotiation.acceptAnswer(answer);
  }

  @Override
  public void addRemoteCandidate(IceCandidate candidate) {
    Objects.requireNonNull(candidate, "candidate");
    core.post(() -> trickle.addRemote(candidate));
  }

  @Override
  public void endOfRemoteCandidates() {
    // libwebrtc 0.14.0 has no end-of-candidates call; ICE simply stops waiting for more.
    core.post(() -> SessionCore.log.debug("call {}: remote end of candidates", core.callId));
  }

  @Override
  public CompletableFuture<Void> mute(boolean mute) {
    return controls.mute(mute);
  }

  @Override
  public boolean muted() {
    return controls.muted();
  }

  @Override
  public CompletableFuture<Void> hold(boolean hold) {
    return controls.hold(hold);
  }

  @Override
  public boolean onHold() {
    return controls.onHold();
  }

  @Override
  public CompletableFuture<Void> sendDtmf(String tones, Duration toneDuration, Duration gap) {
    return controls.sendDtmf(tones, toneDuration, gap);
  }

  @Override
  public CompletableFuture<MediaStats> stats() {
    return controls.stats();
  }

  @Override
  public void audioInput(AudioInput newInput) {
    audio.input(newInput);
  }

  @Override
  public void addAudioSink(AudioSink sink) {
    audio.addSink(sink);
  }

  @Override
  public void removeAudioSink(AudioSink sink) {
    audio.removeSink(sink);
  }

  @Override
  public int iceRestarts() {
    return recovery.iceRestarts();
  }

  @Override
  public Optional<String> failureReason() {
    return Optional.ofNullable(core.failureReason);
  }

  @Override
  public CompletableFuture<Void> close() {
    return releaser.close();
  }

  private static void requireType(SessionDescription d, SessionDescription.Type type) {
    Objects.requireNonNull(d, "description");
    if (d.type() != type) {
      throw new IllegalArgumentException("description must be an " + type + ", but was "
          + d.type());
    }
  }

  @Override
  public String toString() {
    return "WebRtcMediaSession{callId=" + core.callId + ", state=" + core.state + '}';
  }

  /**
   * libwebrtc's observer: every event is re-posted to the media thread; a first CONNECTED is
   * also reported at once ({@link SessionCore#connectedEarly}).
   */
  private final class Observer implements dev.onvoid.webrtc.PeerConnectionObserver {
    @Override
    public void onIceCandidate(dev.onvoid.webrtc.RTCIceCandidate c) {
      core.post(() -> trickle.onLocalCandidate(c));
    }

    @Override
    public void onIceGatheringChange(dev.onvoid.webrtc.RTCIceGatheringState s) {
      if (s == dev.onvoid.webrtc.RTCIceGatheringState.COMPLETE) {
        core.post(trickle::completeLocalCandidates);
      }
    }

    @Override
    public void onConnectionChange(dev.onvoid.webrtc.RTCPeerConnectionState s) {
      if (s == dev.onvoid.webrtc.RTCPeerConnectionState.CONNECTED) {
        core.connectedEarly();
      }
      if (s == dev.onvoid.webrtc.RTCPeerConnectionState.CONNECTING) {
        core.post(() -> recovery.onConnectionState(s)); // never undoes a CONNECTED
        return;
      }
      core.connectionEventsQueued.incrementAndGet();
      core.post(() -> {
        try {
          recovery.onConnectionState(s);
        } finally {
          core.connectionEventsQueued.decrementAndGet();
        }
      });
    }

    @Override
    public void onTrack(RTCRtpTransceiver t) {
      core.post(() -> audio.onRemoteTrack(t));
    }
  }
}
