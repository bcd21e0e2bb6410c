package dev.patchbay.webrtc.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCDtmfSender;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCSignalingState;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioOptions;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.patchbay.ClosedException;
import dev.patchbay.IceCandidate;
import dev.patchbay.IcePolicy;
import dev.patchbay.MediaState;
import dev.patchbay.PatchbayException;
import dev.patchbay.SessionDescription;
import dev.patchbay.webrtc.AudioInput;
import dev.patchbay.webrtc.AudioSink;
import dev.patchbay.webrtc.MediaStats;
import dev.patchbay.webrtc.WebRtcMediaSession;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media of one call on webrtc-java. Every native call runs on the engine's media thread;
 * public methods only check "closed" and enqueue. libwebrtc callbacks (signaling thread) are
 * re-posted to the media thread and checked against "closed" again there.
 *
 * <p>Release order (verified on 0.14.0): {@code removeTrack(sender)}, {@code close()} the peer
 * connection (plus the leak mitigation of {@link NativeHandles}), dispose the track, dispose
 * the source, drop the factory reference.
 */
public final class RealWebRtcMediaSession implements WebRtcMediaSession {
  private static final Logger log = LoggerFactory.getLogger(RealWebRtcMediaSession.class);
  /** Lets libwebrtc finish its own "transport writable" work before audio is attached. */
  private static final Duration ATTACH_DELAY = Duration.ofMillis(50);
  /** A second stop of the capture path, in case libwebrtc's writable work came late after all. */
  private static final Duration LATE_QUIESCE = Duration.ofMillis(250);
  private static final Pattern DTMF_TONES = Pattern.compile("[0-9A-Da-d*#,]+");

  private final String callId;
  private final IcePolicy policy;
  private final Listener listener;
  private final EngineContext ctx;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> released = new CompletableFuture<>();
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private final CopyOnWriteArrayList<AudioSink> sinks = new CopyOnWriteArrayList<>();
  private final AtomicInteger restarts = new AtomicInteger();
  private volatile MediaState state = MediaState.NEW;
  private volatile boolean muted;
  private volatile boolean onHold;
  private volatile AudioInput input;
  private volatile String failureReason;

  // Media thread only.
  private PeerConnectionFactory factory;
  private RTCPeerConnection pc;
  private CustomAudioSource appSource;
  private AudioTrack track;
  private RTCRtpSender sender;
  private RTCRtpTransceiver transceiver;
  private AudioTrack remoteTrack;
  private RTCDtmfSender dtmf;
  private boolean initialized;
  private boolean trackAttached;
  private boolean pumping;
  private boolean everConnected;
  private boolean initialOfferer;
  private boolean negotiated;
  private boolean remoteReady;
  private String localUfrag;
  private boolean localComplete = true;
  private final RemoteCandidates remoteCandidates = new RemoteCandidates();
  private ScheduledFuture<?> gatheringDeadline;
  private ScheduledFuture<?> graceTimer;
  private ScheduledFuture<?> recoveryDeadline;
  private final short[] frame = new short[AudioInput.FRAME_SAMPLES];
  private final byte[] frameBytes = new byte[AudioInput.FRAME_SAMPLES * 2];
  private final AudioTrackSink remoteSink = this::onRemoteAudio;
  private boolean inputFailureLogged;

  public RealWebRtcMediaSession(String callId, IcePolicy policy, Listener listener,
      EngineContext ctx) {
    this.callId = Objects.requireNonNull(callId, "callId");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.ctx = ctx;
    this.input = ctx.inputs.apply(callId);
  }

  /** Creates the native objects; runs on the media thread right after construction. */
  public void init() {
    if (closed.get()) {
      return;
    }
    try {
      factory = ctx.factoryForSession();
      pc = factory.createPeerConnection(RtcConfigurations.from(policy), new Observer());
      ctx.live.created();
      if (ctx.factory.headless()) {
        appSource = new CustomAudioSource();
        ctx.live.created();
        track = factory.createAudioTrack("patchbay-audio", appSource);
      } else {
        // Sources have no dispose() in 0.14.0; the microphone source is not counted.
        track = factory.createAudioTrack("patchbay-audio",
            factory.createAudioSource(new AudioOptions()));
      }
      ctx.live.created();
      sender = pc.addTrack(track, List.of("patchbay"));
      RTCRtpTransceiver[] transceivers = pc.getTransceivers();
      transceiver = transceivers.length > 0 ? transceivers[0] : null;
      if (ctx.factory.headless()) {
        // Attached once the transport is up; see attachTrack().
        sender.replaceTrack(null);
      } else {
        trackAttached = true;
      }
      initialized = true;
    } catch (Throwable t) {
      fail("media setup failed: " + t.getMessage());
    }
  }

  @Override
  public String callId() {
    return callId;
  }

  @Override
  public MediaState state() {
    return state;
  }

  // ---- offer / answer -------------------------------------------------------------------

  @Override
  public CompletableFuture<SessionDescription> createOffer(boolean iceRestart) {
    return op(() -> {
      if (!negotiated && !remoteReady) {
        initialOfferer = true;
      }
      negotiated = true;
      if (iceRestart) {
        remoteCandidates.clear();
      }
      applyDirection();
      return SdpOps.createOffer(pc, iceRestart)
          .thenComposeAsync(desc -> setLocal(desc), ctx.thread)
          .thenApply(desc -> SessionDescription.offer(desc.sdp));
    });
  }

  @Override
  public CompletableFuture<SessionDescription> acceptOffer(SessionDescription offer) {
    requireType(offer, SessionDescription.Type.OFFER);
    return op(() -> {
      negotiated = true;
      CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);
      if (pc.getSignalingState() == RTCSignalingState.HAVE_LOCAL_OFFER) {
        // Glare: the remote offer wins; roll ours back.
        log.debug("call {}: offer collision, rolling back the local offer", callId);
        initialOfferer = false;
        ready = SdpOps.setLocal(pc, new RTCSessionDescription(RTCSdpType.ROLLBACK, ""));
      }
      return ready
          .thenComposeAsync(v -> setRemote(RTCSdpType.OFFER, offer.sdp()), ctx.thread)
          .thenComposeAsync(v -> {
            checkOpen();
            applyDirection();
            return SdpOps.createAnswer(pc);
          }, ctx.thread)
          .thenComposeAsync(desc -> setLocal(desc), ctx.thread)
          .thenApply(desc -> SessionDescription.answer(desc.sdp));
    });
  }

  @Override
  public CompletableFuture<Void> acceptAnswer(SessionDescription answer) {
    requireType(answer, SessionDescription.Type.ANSWER);
    return op(() -> setRemote(RTCSdpType.ANSWER, answer.sdp()));
  }

  private CompletableFuture<RTCSessionDescription> setLocal(RTCSessionDescription desc) {
    checkOpen();
    String ufrag = Sdp.iceUfrag(desc.sdp);
    boolean newGeneration = ufrag != null && !ufrag.equals(localUfrag);
    if (newGeneration) {
      localUfrag = ufrag;
    }
    CompletableFuture<Void> applied = SdpOps.setLocal(pc, desc);
    quiesceIfSending();
    return applied.thenApplyAsync(v -> {
      checkOpen();
      if (newGeneration) {
        startGathering();
      }
      return desc;
    }, ctx.thread);
  }

  private CompletableFuture<Void> setRemote(RTCSdpType type, String sdp) {
    checkOpen();
    remoteReady = false;
    String ufrag = Sdp.iceUfrag(sdp);
    CompletableFuture<Void> applied = SdpOps.setRemote(pc, new RTCSessionDescription(type, sdp));
    quiesceIfSending();
    return applied
        .whenCompleteAsync((v, e) -> {
          if (closed.get()) {
            return;
          }
          if (e == null) {
            remoteCandidates.generation(ufrag);
          }
          // Even after a failed set the previous remote description is still in force.
          remoteReady = pc.getRemoteDescription() != null;
          if (remoteReady) {
            for (IceCandidate c : remoteCandidates.drain()) {
              applyCandidate(c);
            }
          }
        }, ctx.thread);
  }

  // ---- trickle ICE ----------------------------------------------------------------------

  @Override
  public void addRemoteCandidate(IceCandidate candidate) {
    Objects.requireNonNull(candidate, "candidate");
    post(() -> {
      if (!initialized) {
        return;
      }
      switch (remoteReady ? remoteCandidates.classify(candidate) : RemoteCandidates.Kind.FUTURE) {
        case STALE -> log.debug("call {}: dropping a candidate of an earlier ICE generation",
            callId);
        case CURRENT -> applyCandidate(candidate);
        case FUTURE -> remoteCandidates.buffer(candidate);
      }
    });
  }

  @Override
  public void endOfRemoteCandidates() {
    // libwebrtc 0.14.0 has no end-of-candidates call; ICE simply stops waiting for more.
    post(() -> log.debug("call {}: remote end of candidates", callId));
  }

  private void applyCandidate(IceCandidate c) {
    try {
      pc.addIceCandidate(new dev.onvoid.webrtc.RTCIceCandidate(
          c.sdpMid(), c.sdpMLineIndex(), Sdp.stripAttributePrefix(c.candidate())));
    } catch (Throwable t) {
      log.warn("call {}: remote candidate rejected: {}", callId, t.toString());
    }
  }

  private void startGathering() {
    localComplete = false;
    cancel(gatheringDeadline);
    gatheringDeadline = ctx.thread.schedule(() -> {
      if (!closed.get() && !localComplete) {
        log.info("call {}: ICE gathering deadline of {} reached, ending candidates", callId,
            policy.gatheringTimeout());
        completeLocalCandidates();
      }
    }, policy.gatheringTimeout());
  }

  private void completeLocalCandidates() {
    if (localComplete) {
      return;
    }
    localComplete = true;
    cancel(gatheringDeadline);
    notifyListener(listener::onLocalCandidatesComplete);
  }

  // ---- connectivity and recovery --------------------------------------------------------

  private void onConnectionState(dev.onvoid.webrtc.RTCPeerConnectionState s) {
    if (isTerminal()) {
      return;
    }
    switch (s) {
      case CONNECTING -> {
        if (state == MediaState.NEW) {
          setState(MediaState.CONNECTING);
        }
      }
      case CONNECTED -> {
        cancel(graceTimer);
        cancel(recoveryDeadline);
        everConnected = true;
        setState(MediaState.CONNECTED);
        if (!trackAttached) {
          ctx.thread.schedule(this::attachTrack, ATTACH_DELAY);
        }
      }
      case DISCONNECTED -> {
        setState(MediaState.DISCONNECTED);
        cancel(graceTimer);
        graceTimer = ctx.thread.schedule(() -> {
          if (!closed.get() && state == MediaState.DISCONNECTED) {
            recover("ICE disconnected for longer than " + policy.disconnectedGrace());
          }
        }, policy.disconnectedGrace());
      }
      case FAILED -> {
        cancel(graceTimer);
        if (!everConnected) {
          fail("ICE failed before media connected");
        } else {
          setState(MediaState.DISCONNECTED);
          recover("ICE failed");
        }
      }
      default -> { }
    }
  }

  /** Bounded ICE restarts; the side that made the first offer drives them (no glare). */
  private void recover(String reason) {
    if (isTerminal() || (recoveryDeadline != null && !recoveryDeadline.isDone())) {
      return;
    }
    Duration attempt = policy.gatheringTimeout().plus(policy.disconnectedGrace());
    if (!initialOfferer) {
      Duration wait = attempt.multipliedBy(policy.maxIceRestarts() + 1L);
      log.info("call {}: {}; waiting up to {} for the remote ICE restart", callId, reason, wait);
      recoveryDeadline = ctx.thread.schedule(() -> recoveryExpired(reason, wait), wait);
      return;
    }
    if (restarts.get() >= policy.maxIceRestarts()) {
      fail(reason + " and no ICE restart is left (max " + policy.maxIceRestarts() + ")");
      return;
    }
    int n = restarts.incrementAndGet();
    log.info("call {}: {}; ICE restart {} of {}", callId, reason, n, policy.maxIceRestarts());
    recoveryDeadline = ctx.thread.schedule(() -> recoveryExpired(reason, attempt), attempt);
    notifyListener(() -> listener.onNegotiationNeeded(true));
  }

  private void recoveryExpired(String reason, Duration waited) {
    if (closed.get() || isTerminal() || state == MediaState.CONNECTED) {
      return;
    }
    recoveryDeadline = null;
    if (initialOfferer && restarts.get() < policy.maxIceRestarts()) {
      recover(reason + "; restart did not reconnect within " + waited);
    } else {
      fail(reason + "; media did not recover within " + waited);
    }
  }

  private void attachTrack() {
    if (closed.get() || trackAttached || isTerminal()) {
      return;
    }
    sender.replaceTrack(track);
    trackAttached = true;
    quiesceIfSending();
    if (appSource != null) {
      pumping = true;
      ctx.pump.add(this);
      ctx.thread.schedule(() -> {
        if (!closed.get()) {
          quiesceIfSending();
        }
      }, LATE_QUIESCE);
    }
  }

  /** See {@link SharedFactory#quiesceCapture()}: only after our own synchronous starts. */
  private void quiesceIfSending() {
    if (trackAttached && appSource != null) {
      ctx.factory.quiesceCapture();
    }
  }

  /** Called by the {@link AudioPump} on the media thread every 10 ms. */
  void pushAudioFrame() {
    if (!pumping || closed.get()) {
      return;
    }
    try {
      input.read(frame);
    } catch (RuntimeException e) {
      if (!inputFailureLogged) {
        inputFailureLogged = true;
        log.warn("call {}: audio input failed, sending silence", callId, e);
      }
      java.util.Arrays.fill(frame, (short) 0);
    }
    for (int i = 0; i < frame.length; i++) {
      frameBytes[2 * i] = (byte) frame[i];
      frameBytes[2 * i + 1] = (byte) (frame[i] >> 8);
    }
    appSource.pushAudio(frameBytes, 16, AudioInput.SAMPLE_RATE, 1, AudioInput.FRAME_SAMPLES);
  }

  private void onRemoteTrack(RTCRtpTransceiver t) {
    if (remoteTrack != null) {
      return;
    }
    MediaStreamTrack received = t.getReceiver().getTrack();
    if (received instanceof AudioTrack audio) {
      remoteTrack = audio;
      audio.addSink(remoteSink);
    }
  }

  /** Native audio thread. */
  private void onRemoteAudio(byte[] data, int bits, int rate, int channels, int frames) {
    if (sinks.isEmpty() || bits != 16 || closed.get()) {
      return;
    }
    int n = Math.min(frames * channels, data.length / 2);
    short[] samples = new short[n];
    for (int i = 0; i < n; i++) {
      samples[i] = (short) ((data[2 * i] & 0xff) | (data[2 * i + 1] << 8));
    }
    for (AudioSink sink : sinks) {
      try {
        sink.onAudio(samples, rate, channels);
      } catch (RuntimeException e) {
        log.warn("call {}: audio sink threw", callId, e);
      }
    }
  }

  // ---- controls -------------------------------------------------------------------------

  @Override
  public CompletableFuture<Void> mute(boolean mute) {
    return op(() -> {
      muted = mute;
      track.setEnabled(!mute);
      quiesceIfSending();
      return CompletableFuture.completedFuture(null);
    });
  }

  @Override
  public boolean muted() {
    return muted;
  }

  @Override
  public CompletableFuture<Void> hold(boolean hold) {
    return op(() -> {
      if (onHold != hold) {
        onHold = hold;
        applyDirection();
        notifyListener(() -> listener.onNegotiationNeeded(false));
      }
      return CompletableFuture.completedFuture(null);
    });
  }

  @Override
  public boolean onHold() {
    return onHold;
  }

  private void applyDirection() {
    if (transceiver == null) {
      return;
    }
    RTCRtpTransceiverDirection wanted =
        onHold ? RTCRtpTransceiverDirection.SEND_ONLY : RTCRtpTransceiverDirection.SEND_RECV;
    if (transceiver.getDirection() != wanted) {
      transceiver.setDirection(wanted);
    }
  }

  @Override
  public CompletableFuture<Void> sendDtmf(String tones, Duration toneDuration, Duration gap) {
    Objects.requireNonNull(tones, "tones");
    if (!DTMF_TONES.matcher(tones).matches()) {
      throw new IllegalArgumentException(
          "tones must be made of 0-9, A-D, *, # and ',', but was '" + tones + "'");
    }
    long ms = toneDuration.toMillis();
    if (ms < 40 || ms > 6000) {
      throw new IllegalArgumentException("toneDuration must be 40..6000 ms, but was " + ms);
    }
    long gapMs = gap.toMillis();
    if (gapMs < 30) {
      throw new IllegalArgumentException("gap must be >= 30 ms, but was " + gapMs);
    }
    return op(() -> {
      if (!trackAttached) {
        throw new IllegalStateException("DTMF needs connected media, but call " + callId
            + " is " + state);
      }
      if (dtmf == null) {
        dtmf = sender.getDtmfSender();
      }
      if (dtmf == null || !dtmf.canInsertDtmf()) {
        throw new IllegalStateException("call " + callId + " cannot send DTMF (the remote "
            + "side did not negotiate telephone-event)");
      }
      if (!dtmf.insertDtmf(tones, (int) ms, (int) gapMs)) {
        throw new IllegalStateException("DTMF tones were refused by the sender");
      }
      return CompletableFuture.completedFuture(null);
    });
  }

  @Override
  public CompletableFuture<MediaStats> stats() {
    return op(() -> {
      CompletableFuture<MediaStats> f = new CompletableFuture<>();
      pc.getStats(report -> {
        try {
          f.complete(StatsMapper.map(report));
        } catch (RuntimeException e) {
          f.completeExceptionally(e);
        }
      });
      return f;
    });
  }

  @Override
  public void audioInput(AudioInput newInput) {
    this.input = Objects.requireNonNull(newInput, "input");
  }

  @Override
  public void addAudioSink(AudioSink sink) {
    sinks.addIfAbsent(Objects.requireNonNull(sink, "sink"));
  }

  @Override
  public void removeAudioSink(AudioSink sink) {
    sinks.remove(sink);
  }

  @Override
  public int iceRestarts() {
    return restarts.get();
  }

  @Override
  public Optional<String> failureReason() {
    return Optional.ofNullable(failureReason);
  }

  // ---- close ----------------------------------------------------------------------------

  @Override
  public CompletableFuture<Void> close() {
    if (closed.compareAndSet(false, true)) {
      state = MediaState.CLOSED;
      for (CompletableFuture<?> f : pending) {
        f.completeExceptionally(closedException());
      }
      try {
        ctx.thread.execute(() -> {
          try {
            release();
          } finally {
            ctx.onSessionClosed.accept(this);
            released.complete(null);
          }
        });
      } catch (RejectedExecutionException e) {
        // The media thread is gone, and with it every native object (engine close).
        ctx.onSessionClosed.accept(this);
        released.complete(null);
      }
    }
    return released.copy();
  }

  /** The verified release order; media thread; runs once. */
  private void release() {
    cancel(gatheringDeadline);
    cancel(graceTimer);
    cancel(recoveryDeadline);
    if (pumping) {
      pumping = false;
      ctx.pump.remove(this);
    }
    if (remoteTrack != null) {
      quietly("remove remote sink", () -> remoteTrack.removeSink(remoteSink));
    }
    if (pc != null) {
      if (sender != null && trackAttached && appSource != null) {
        // Stops our send stream now, synchronously, so that libwebrtc's own stop of the capture
        // path happens inside this call and never overlaps a later quiesceCapture().
        quietly("detach track", () -> sender.replaceTrack(null));
      }
      if (sender != null) {
        quietly("removeTrack", () -> pc.removeTrack(sender));
      }
      long handle = NativeHandles.handleOf(pc);
      quietly("close peer connection", pc::close);
      NativeHandles.releaseReference(handle);
      pc = null;
      ctx.live.released();
    }
    if (track != null) {
      quietly("dispose track", track::dispose);
      track = null;
      ctx.live.released();
    }
    if (appSource != null) {
      quietly("dispose source", appSource::dispose);
      appSource = null;
      ctx.live.released();
    }
    if (factory != null) {
      factory = null;
      ctx.factory.release();
    }
  }

  private void quietly(String what, Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      log.warn("call {}: {} failed: {}", callId, what, t.toString());
    }
  }

  // ---- plumbing -------------------------------------------------------------------------

  private <T> CompletableFuture<T> op(Supplier<CompletableFuture<T>> body) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedException());
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    pending.add(result);
    result.whenComplete((r, e) -> pending.remove(result));
    try {
      ctx.thread.execute(() -> {
        if (closed.get()) {
          result.completeExceptionally(closedException());
          return;
        }
        if (!initialized) {
          result.completeExceptionally(new PatchbayException(
              "media session " + callId + " is not usable: " + failureReason));
          return;
        }
        try {
          body.get().whenComplete((r, e) -> {
            if (e != null) {
              result.completeExceptionally(unwrap(e));
            } else {
              result.complete(r);
            }
          });
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(closedException());
    }
    if (closed.get()) {
      result.completeExceptionally(closedException());
    }
    return result;
  }

  /** Runs {@code r} on the media thread unless closed (checked before and on the thread). */
  private void post(Runnable r) {
    if (closed.get()) {
      return;
    }
    try {
      ctx.thread.execute(() -> {
        if (!closed.get()) {
          r.run();
        }
      });
    } catch (RejectedExecutionException ignored) {
      // engine closed
    }
  }

  private void notifyListener(Runnable call) {
    if (closed.get()) {
      return;
    }
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("call {}: media listener threw", callId, e);
    }
  }

  private void setState(MediaState s) {
    if (closed.get() || isTerminal() || state == s) {
      return;
    }
    state = s;
    notifyListener(() -> listener.onStateChange(s));
  }

  private void fail(String reason) {
    if (closed.get() || isTerminal()) {
      return;
    }
    failureReason = reason;
    cancel(graceTimer);
    cancel(recoveryDeadline);
    cancel(gatheringDeadline);
    log.warn("call {}: media failed: {}", callId, reason);
    state = MediaState.FAILED;
    notifyListener(() -> listener.onStateChange(MediaState.FAILED));
  }

  private boolean isTerminal() {
    return state == MediaState.FAILED || state == MediaState.CLOSED;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  private ClosedException closedException() {
    return new ClosedException("media session " + callId + " is closed");
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
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
    return "WebRtcMediaSession{callId=" + callId + ", state=" + state + '}';
  }

  /** libwebrtc's observer: every event is re-posted to the media thread. */
  private final class Observer implements dev.onvoid.webrtc.PeerConnectionObserver {
    @Override
    public void onIceCandidate(dev.onvoid.webrtc.RTCIceCandidate c) {
      post(() -> {
        String ufrag = Sdp.candidateUfrag(c.sdp);
        if (ufrag != null && localUfrag != null && !ufrag.equals(localUfrag)) {
          return; // a late candidate of the previous generation
        }
        IceCandidate candidate = new IceCandidate(c.sdpMid, Math.max(0, c.sdpMLineIndex), c.sdp);
        notifyListener(() -> listener.onLocalCandidate(candidate));
      });
    }

    @Override
    public void onIceGatheringChange(dev.onvoid.webrtc.RTCIceGatheringState s) {
      if (s == dev.onvoid.webrtc.RTCIceGatheringState.COMPLETE) {
        post(RealWebRtcMediaSession.this::completeLocalCandidates);
      }
    }

    @Override
    public void onConnectionChange(dev.onvoid.webrtc.RTCPeerConnectionState s) {
      post(() -> onConnectionState(s));
    }

    @Override
    public void onTrack(RTCRtpTransceiver t) {
      post(() -> onRemoteTrack(t));
    }
  }
}
