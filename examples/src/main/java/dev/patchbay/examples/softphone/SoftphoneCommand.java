package dev.patchbay.examples.softphone;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.Credentials;
import dev.patchbay.Diagnostics;
import dev.patchbay.IncomingCall;
import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.examples.cli.Args;
import dev.patchbay.webrtc.AudioInput;
import dev.patchbay.webrtc.LevelMeter;
import dev.patchbay.webrtc.WavRecorder;
import dev.patchbay.webrtc.WebRtcMediaEngine;
import dev.patchbay.webrtc.WebRtcMediaSession;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code softphone}: a command-line softphone. Registers as one user, then either dials someone
 * or waits for a call and answers it; sends a tone or a WAV file, records what it hears to a WAV
 * file, hangs up after {@code --duration} (or when the other side does), and closes everything.
 */
public final class SoftphoneCommand {
  static final String USAGE = """
      usage: java -jar patchbay-examples.jar softphone --edge URL --tenant T --user U --secret S
                 (--dial WHO | --answer) [options]
        --dial WHO        call a user of the tenant, or a built-in party (auto-answer, busy, ...)
        --answer          wait for one incoming call and answer it
        --tone HZ         send a sine tone (default 440)
        --play FILE       send a 16-bit PCM WAV file instead of a tone
        --record FILE     record what the other side sends to a WAV file (48 kHz mono)
        --duration D      hang up after this (default 10s)
        --wait D          how long --answer waits for a call (default 60s)
        --media M         webrtc (default, real audio) or signaling (no native media)""";

  private SoftphoneCommand() {}

  public static int run(String[] argv) {
    return run(argv, System.out, System.err);
  }

  /** Runs the softphone; returns 0 when a call was made and ended normally. */
  public static int run(String[] argv, PrintStream out, PrintStream err) {
    Args a;
    try {
      a = Args.parse(argv, Set.of("answer", "help"), Set.of("edge", "tenant", "user", "secret",
          "dial", "tone", "play", "record", "duration", "wait", "media"));
      if (a.flag("help")) {
        out.println(USAGE);
        return 0;
      }
      for (String required : new String[] {"edge", "tenant", "user", "secret"}) {
        if (!a.has(required)) {
          throw new IllegalArgumentException("--" + required + " is required");
        }
      }
      if (a.has("dial") == a.flag("answer")) {
        throw new IllegalArgumentException("exactly one of --dial WHO or --answer is required");
      }
    } catch (IllegalArgumentException e) {
      err.println("softphone: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    Duration duration = a.duration("duration", Duration.ofSeconds(10));
    String media = a.string("media", "webrtc");
    MediaEngine engine;
    try {
      engine = switch (media) {
        case "webrtc" -> WebRtcMediaEngine.builder().audioInput(input(a)).build();
        case "signaling" -> MediaEngines.signalingOnly();
        default -> throw new IllegalArgumentException(
            "--media must be webrtc or signaling, but was " + media);
      };
    } catch (RuntimeException e) {
      err.println("softphone: " + e.getMessage());
      return 2;
    }
    Path recordTo = a.has("record") ? Path.of(a.string("record", "")) : null;
    WavRecorder recorder = recordTo == null ? null : new WavRecorder(recordTo);
    LevelMeter meter = new LevelMeter();
    int code;
    try (Patchbay patchbay = Patchbay.builder().edge(URI.create(a.string("edge", "")))
        .mediaEngine(engine).build()) {
      code = session(patchbay, a, duration, recorder, meter, out, err);
      patchbay.close();
      Diagnostics d = patchbay.diagnostics();
      out.println("closed: " + d.openSockets() + " sockets, " + d.calls() + " calls, "
          + d.mediaSessions() + " media sessions, " + d.liveNativeObjects()
          + " native objects left");
      if (!d.isIdle()) {
        code = Math.max(code, 1);
      }
    } finally {
      if (recorder != null) {
        recorder.close();
      }
    }
    if (recorder != null) {
      out.printf(Locale.ROOT, "recorded %d bytes of audio to %s (level %.1f dBFS)%n",
          recorder.dataBytes(), recordTo.toAbsolutePath(), meter.rmsDbfs());
    }
    return code;
  }

  private static AudioInput input(Args a) {
    if (a.has("play")) {
      return AudioInput.wav(Path.of(a.string("play", "")));
    }
    return AudioInput.tone(Double.parseDouble(a.string("tone", "440")), 0.3);
  }

  private static int session(Patchbay patchbay, Args a, Duration duration, WavRecorder recorder,
      LevelMeter meter, PrintStream out, PrintStream err) {
    String user = a.string("user", "");
    UserAgent ua;
    try {
      ua = patchbay.connect(Credentials.clientCredentials(user, a.string("secret", "")),
          UserAgentOptions.builder(a.string("tenant", "")).userId(user).build())
          .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      err.println("softphone: could not register " + user + ": " + cause(e));
      return 1;
    }
    out.println("registered as " + ua.userId() + " (connection "
        + ua.connectionId().orElse("?") + ")");
    try {
      Call call;
      if (a.has("dial")) {
        out.println("dialling " + a.string("dial", "") + " ...");
        call = ua.dial(a.string("dial", "")).get(90, TimeUnit.SECONDS);
      } else {
        CompletableFuture<Call> answered = new CompletableFuture<>();
        ua.onIncomingCall(incoming -> answer(incoming, answered, out));
        out.println("waiting for a call ...");
        call = answered.get(a.duration("wait", Duration.ofSeconds(60)).toMillis(),
            TimeUnit.MILLISECONDS);
      }
      out.println("connected with " + call.remoteParty() + " (call " + call.id() + ")");
      Optional<WebRtcMediaSession> media = call.unwrapMedia(WebRtcMediaSession.class);
      media.ifPresent(m -> {
        m.addAudioSink(meter);
        if (recorder != null) {
          m.addAudioSink(recorder);
        }
      });
      try {
        call.ended().get(duration.toMillis(), TimeUnit.MILLISECONDS);
        out.println("the other side hung up");
      } catch (TimeoutException holdOver) {
        call.hangUp().get(30, TimeUnit.SECONDS);
        out.println("hung up after " + duration.toSeconds() + " s");
      }
      out.println("call " + call.state().name().toLowerCase(Locale.ROOT) + ": "
          + call.endReason().map(Enum::name).orElse("?"));
      return call.state() == CallState.ENDED ? 0 : 1;
    } catch (TimeoutException e) {
      err.println("softphone: no call within the time limit");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (ExecutionException e) {
      err.println("softphone: call failed: " + cause(e));
      return 1;
    } finally {
      ua.close();
    }
  }

  private static void answer(IncomingCall incoming, CompletableFuture<Call> answered,
      PrintStream out) {
    if (answered.isDone()) {
      incoming.reject(dev.patchbay.RejectStatus.BUSY);
      return;
    }
    out.println("incoming call from " + incoming.from() + ", answering");
    incoming.accept().whenComplete((call, error) -> {
      if (error != null) {
        answered.completeExceptionally(error);
      } else {
        answered.complete(call);
      }
    });
  }

  private static String cause(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
