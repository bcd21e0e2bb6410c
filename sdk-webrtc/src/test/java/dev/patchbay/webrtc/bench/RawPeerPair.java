package dev.patchbay.webrtc.bench;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The baseline for the figures: a hand-written webrtc-java peer pair doing the same exchange as
 * a Patchbay call (audio track, offer/answer, trickled candidates, wait for CONNECTED), with no
 * SDK, no signaling server and no threading discipline.
 */
final class RawPeerPair {
  private final Peer a;
  private final Peer b;

  /**
   * @param signaling carries trickled candidates between the peers, like a signaling channel
   *     (calling the other peer directly from libwebrtc's callback thread deadlocks two
   *     factories' signaling threads)
   */
  RawPeerPair(PeerConnectionFactory fa, PeerConnectionFactory fb, Executor signaling) {
    a = new Peer(fa, signaling);
    b = new Peer(fb, signaling);
    a.other = b;
    b.other = a;
  }

  /** Runs the exchange; returns when both peers are connected. */
  void connect() throws Exception {
    RTCSessionDescription offer = create(a.pc, true);
    set(a.pc, offer, true);
    set(b.pc, offer, false);
    RTCSessionDescription answer = create(b.pc, false);
    set(b.pc, answer, true);
    set(a.pc, answer, false);
    a.connected.get(15, TimeUnit.SECONDS);
    b.connected.get(15, TimeUnit.SECONDS);
  }

  void close() {
    a.close();
    b.close();
  }

  private static RTCSessionDescription create(RTCPeerConnection pc, boolean offer)
      throws Exception {
    CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
    CreateSessionDescriptionObserver o = new CreateSessionDescriptionObserver() {
      @Override
      public void onSuccess(RTCSessionDescription d) {
        f.complete(d);
      }

      @Override
      public void onFailure(String e) {
        f.completeExceptionally(new IllegalStateException(e));
      }
    };
    if (offer) {
      pc.createOffer(new RTCOfferOptions(), o);
    } else {
      pc.createAnswer(new RTCAnswerOptions(), o);
    }
    return f.get(10, TimeUnit.SECONDS);
  }

  private static void set(RTCPeerConnection pc, RTCSessionDescription d, boolean local)
      throws Exception {
    CompletableFuture<Void> f = new CompletableFuture<>();
    SetSessionDescriptionObserver o = new SetSessionDescriptionObserver() {
      @Override
      public void onSuccess() {
        f.complete(null);
      }

      @Override
      public void onFailure(String e) {
        f.completeExceptionally(new IllegalStateException(e));
      }
    };
    if (local) {
      pc.setLocalDescription(d, o);
    } else {
      pc.setRemoteDescription(d, o);
    }
    f.get(10, TimeUnit.SECONDS);
  }

  private static final class Peer implements PeerConnectionObserver {
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    final RTCPeerConnection pc;
    final CustomAudioSource source = new CustomAudioSource();
    final AudioTrack track;
    final RTCRtpSender sender;
    final Executor signaling;
    Peer other;

    Peer(PeerConnectionFactory f, Executor signaling) {
      this.signaling = signaling;
      RTCConfiguration c = new RTCConfiguration();
      c.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE;
      pc = f.createPeerConnection(c, this);
      track = f.createAudioTrack("raw", source);
      sender = pc.addTrack(track, List.of("raw"));
    }

    @Override
    public void onIceCandidate(RTCIceCandidate candidate) {
      signaling.execute(() -> other.pc.addIceCandidate(candidate));
    }

    @Override
    public void onConnectionChange(RTCPeerConnectionState state) {
      if (state == RTCPeerConnectionState.CONNECTED) {
        connected.complete(null);
      }
    }

    void close() {
      pc.removeTrack(sender);
      pc.close();
      track.dispose();
      source.dispose();
    }
  }
}
