package dev.patchbay.benchmarks.jmh;

import dev.patchbay.CallState;
import dev.patchbay.internal.call.RealCall;
import dev.patchbay.internal.protocol.Frames;
import java.util.concurrent.CompletableFuture;
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
 * The call state machine's hot path: one outbound call through every state (NEW → DIALING →
 * RINGING → CONNECTING → ACTIVE → ENDING → ENDED) on a synchronous host and media session, so
 * the figure is the state machine's own cost (no sockets, no thread hops).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CallStateBenchmark {
  private final SyncCallHost host = new SyncCallHost();
  private long n;

  @Benchmark
  public CallState outboundCallLifecycle() {
    String id = "call-" + (n++);
    RealCall call = RealCall.outbound(host, id, "auto-answer");
    call.dial(new CompletableFuture<>());
    call.onFrame(new Frames.Ringing(id));
    call.onFrame(new Frames.Answer(id, SyncCallHost.SDP));
    if (call.state() != CallState.ACTIVE) {
      throw new IllegalStateException("expected ACTIVE, but was " + call.state());
    }
    call.hangUp();
    call.onFrame(new Frames.Ended(id, "normal"));
    if (call.state() != CallState.ENDED) {
      throw new IllegalStateException("expected ENDED, but was " + call.state());
    }
    return call.state();
  }
}
