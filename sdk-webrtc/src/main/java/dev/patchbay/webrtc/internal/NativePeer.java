package dev.patchbay.webrtc.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpEncodingParameters;
import dev.onvoid.webrtc.RTCRtpSendParameters;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.media.audio.AudioOptions;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.patchbay.IcePolicy;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native objects of one call before any negotiation: the peer connection, the audio track
 * and its source, the sender with its transceiver. Made by {@link #create} either for a session
 * at once or ahead of time as the engine's warm spare ({@link SharedFactory#replenish}), which
 * the next session with the same ICE configuration adopts, so that creating them is off the
 * call's set-up path. libwebrtc's events go to whichever session adopted it ({@link #attach});
 * before that there are none (a peer connection does nothing until a description is set).
 * Media thread only.
 */
final class NativePeer {
  private static final Logger log = LoggerFactory.getLogger(NativePeer.class);

  private final IcePolicy policy;
  private final Events events;
  final RTCPeerConnection pc;
  /** The app-fed source (headless audio), null with a microphone. */
  final CustomAudioSource appSource;
  final AudioTrack track;
  final RTCRtpSender sender;
  final RTCRtpTransceiver transceiver;

  private NativePeer(IcePolicy policy, Events events, RTCPeerConnection pc,
      CustomAudioSource appSource, AudioTrack track, RTCRtpSender sender,
      RTCRtpTransceiver transceiver) {
    this.policy = policy;
    this.events = events;
    this.pc = pc;
    this.appSource = appSource;
    this.track = track;
    this.sender = sender;
    this.transceiver = transceiver;
  }

  /**
   * Creates the objects; each counted in {@code live} as it is made. With app-fed audio the
   * track is detached from the sender and the send encoding inactive (see {@link AudioPath}).
   * On failure whatever was made is released before the exception is thrown.
   */
  static NativePeer create(PeerConnectionFactory factory, boolean headless, IcePolicy policy,
      LiveObjects live) {
    Events events = new Events();
    RTCPeerConnection pc = factory.createPeerConnection(RtcConfigurations.from(policy), events);
    live.created();
    CustomAudioSource appSource = null;
    AudioTrack track = null;
    RTCRtpSender sender = null;
    try {
      if (headless) {
        appSource = new CustomAudioSource();
        live.created();
        track = factory.createAudioTrack("patchbay-audio", appSource);
      } else {
        // Sources have no dispose() in 0.14.0; the microphone source is not counted.
        track = factory.createAudioTrack("patchbay-audio",
            factory.createAudioSource(new AudioOptions()));
      }
      live.created();
      sender = pc.addTrack(track, List.of("patchbay"));
      RTCRtpTransceiver[] transceivers = pc.getTransceivers();
      RTCRtpTransceiver transceiver = transceivers.length > 0 ? transceivers[0] : null;
      if (headless) {
        // Attached, and the send stream started, once the transport is writable; see AudioPath.
        sender.replaceTrack(null);
        encodingActive(sender, false);
      }
      return new NativePeer(policy, events, pc, appSource, track, sender, transceiver);
    } catch (RuntimeException | Error e) {
      release("new peer", pc, appSource, track, sender, false, live);
      throw e;
    }
  }

  /** True when this peer was made with the ICE configuration {@code other} asks for. */
  boolean fits(IcePolicy other) {
    return policy.transportPolicy() == other.transportPolicy()
        && policy.bundlePolicy() == other.bundlePolicy()
        && policy.minPort() == other.minPort()
        && policy.maxPort() == other.maxPort()
        && policy.iceServers().equals(other.iceServers());
  }

  /** From now on libwebrtc's events of this peer go to {@code observer}. Once. */
  void attach(PeerConnectionObserver observer) {
    events.target = Objects.requireNonNull(observer, "observer");
  }

  /** Releases a peer no session adopted (the spare), in the verified order. */
  void release(LiveObjects live) {
    events.target = null;
    release("spare peer", pc, appSource, track, sender, false, live);
  }

  /**
   * The verified release order of 0.14.0: {@code removeTrack(sender)}, {@code close()} the peer
   * connection (then drop the reference its wrapper keeps, see {@link NativeHandles}), dispose
   * the track, dispose the source. Each step runs even when one before it failed.
   *
   * @param owner what the log names on a failed step ("call 42", "spare peer")
   * @param trackAttached the app-fed track is attached to the sender: it is detached first, so
   *     the source stops feeding the send stream before the stream goes away
   */
  static void release(String owner, RTCPeerConnection pc, CustomAudioSource appSource,
      AudioTrack track, RTCRtpSender sender, boolean trackAttached, LiveObjects live) {
    if (pc != null) {
      if (sender != null && trackAttached && appSource != null) {
        quietly(owner, "detach track", () -> sender.replaceTrack(null));
      }
      if (sender != null) {
        quietly(owner, "removeTrack", () -> pc.removeTrack(sender));
      }
      long handle = NativeHandles.handleOf(pc);
      quietly(owner, "close peer connection", pc::close);
      NativeHandles.releaseReference(handle);
      live.released();
    }
    if (track != null) {
      quietly(owner, "dispose track", track::dispose);
      live.released();
    }
    if (appSource != null) {
      quietly(owner, "dispose source", appSource::dispose);
      live.released();
    }
  }

  /** Sets every send encoding of {@code sender} active or inactive. */
  static void encodingActive(RTCRtpSender sender, boolean active) {
    RTCRtpSendParameters parameters = sender.getParameters();
    if (parameters.encodings == null || parameters.encodings.isEmpty()) {
      throw new IllegalStateException("the audio sender has no encoding");
    }
    for (RTCRtpEncodingParameters e : parameters.encodings) {
      e.active = active;
    }
    sender.setParameters(parameters);
  }

  private static void quietly(String owner, String what, Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      log.warn("{}: {} failed: {}", owner, what, t.toString());
    }
  }

  /**
   * libwebrtc's observer of the peer connection, fixed at creation: forwards to the session
   * that adopted the peer, drops events while there is none.
   */
  private static final class Events implements PeerConnectionObserver {
    volatile PeerConnectionObserver target;

    @Override
    public void onIceCandidate(RTCIceCandidate candidate) {
      PeerConnectionObserver t = target;
      if (t != null) {
        t.onIceCandidate(candidate);
      }
    }

    @Override
    public void onIceGatheringChange(RTCIceGatheringState state) {
      PeerConnectionObserver t = target;
      if (t != null) {
        t.onIceGatheringChange(state);
      }
    }

    @Override
    public void onConnectionChange(RTCPeerConnectionState state) {
      PeerConnectionObserver t = target;
      if (t != null) {
        t.onConnectionChange(state);
      }
    }

    @Override
    public void onTrack(RTCRtpTransceiver transceiver) {
      PeerConnectionObserver t = target;
      if (t != null) {
        t.onTrack(transceiver);
      }
    }
  }
}
