package dev.patchbay.webrtc.internal;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.patchbay.internal.Errors;
import java.util.concurrent.CompletableFuture;

/**
 * libwebrtc's observer-style SDP operations as futures. Call on the media thread; the futures
 * complete on libwebrtc's signaling thread, so continue with an {@code *Async} stage on the
 * media thread. Error texts from libwebrtc never contain ICE passwords.
 */
final class SdpOps {
  private SdpOps() {}

  static CompletableFuture<RTCSessionDescription> createOffer(RTCPeerConnection pc,
      boolean iceRestart) {
    RTCOfferOptions options = new RTCOfferOptions();
    options.iceRestart = iceRestart;
    CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
    pc.createOffer(options, observer(f, "create offer"));
    return f;
  }

  static CompletableFuture<RTCSessionDescription> createAnswer(RTCPeerConnection pc) {
    CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
    pc.createAnswer(new RTCAnswerOptions(), observer(f, "create answer"));
    return f;
  }

  static CompletableFuture<Void> setLocal(RTCPeerConnection pc, RTCSessionDescription d) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    pc.setLocalDescription(d, setObserver(f, "set local description"));
    return f;
  }

  static CompletableFuture<Void> setRemote(RTCPeerConnection pc, RTCSessionDescription d) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    pc.setRemoteDescription(d, setObserver(f, "set remote description"));
    return f;
  }

  private static CreateSessionDescriptionObserver observer(
      CompletableFuture<RTCSessionDescription> f, String what) {
    return new CreateSessionDescriptionObserver() {
      @Override
      public void onSuccess(RTCSessionDescription description) {
        f.complete(description);
      }

      @Override
      public void onFailure(String error) {
        f.completeExceptionally(Errors.patchbay(what + " failed: " + error));
      }
    };
  }

  private static SetSessionDescriptionObserver setObserver(CompletableFuture<Void> f,
      String what) {
    return new SetSessionDescriptionObserver() {
      @Override
      public void onSuccess() {
        f.complete(null);
      }

      @Override
      public void onFailure(String error) {
        f.completeExceptionally(Errors.patchbay(what + " failed: " + error));
      }
    };
  }
}
