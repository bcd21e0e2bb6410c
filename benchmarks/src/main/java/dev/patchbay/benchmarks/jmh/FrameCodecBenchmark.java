package dev.patchbay.benchmarks.jmh;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.protocol.FrameDecodingException;
import dev.patchbay.internal.protocol.Frames;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The signaling hot path: every frame in and out goes through {@link FrameCodec}. Measures
 * encoding and decoding of the frames a call exchanges most (invite with SDP, candidate, answer).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBenchmark {
  private final FrameCodec codec = new FrameCodec();
  private final Frames.Invite invite = new Frames.Invite("c0ffee00-1234-4567-89ab-0123456789ab",
      "auto-answer", SyncCallHost.SDP);
  private final Frames.Candidate candidate = new Frames.Candidate(
      "c0ffee00-1234-4567-89ab-0123456789ab",
      "candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host generation 0", "0", 0, null);
  private final String inviteJson = codec.encode(invite);
  private final String candidateJson = codec.encode(candidate);
  private final String answerJson = codec.encode(
      new Frames.Answer("c0ffee00-1234-4567-89ab-0123456789ab", SyncCallHost.SDP));

  @Benchmark
  public String encodeInvite() {
    return codec.encode(invite);
  }

  @Benchmark
  public String encodeCandidate() {
    return codec.encode(candidate);
  }

  @Benchmark
  public Frame decodeInvite() throws FrameDecodingException {
    return codec.decode(inviteJson);
  }

  @Benchmark
  public Frame decodeCandidate() throws FrameDecodingException {
    return codec.decode(candidateJson);
  }

  @Benchmark
  public Frame decodeAnswer() throws FrameDecodingException {
    return codec.decode(answerJson);
  }
}
