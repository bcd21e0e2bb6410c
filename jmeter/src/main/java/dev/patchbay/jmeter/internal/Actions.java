package dev.patchbay.jmeter.internal;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.Credentials;
import dev.patchbay.Diagnostics;
import dev.patchbay.EndReason;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.threads.JMeterVariables;

/**
 * What the samplers do, on the JMeter thread itself (no thread per sample): each action blocks
 * on the SDK's futures with the engine's sample timeout and turns the outcome into a
 * {@link SampleResult} with phases as sub-results.
 */
public final class Actions {
  private static final String OK = "200";

  /** The future a sampler is blocked on, so JMeter's "stop now" can cancel it. */
  private volatile Future<?> current;

  /** Cancels what the sampler is waiting for (JMeter's {@code Interruptible}). */
  public boolean interrupt() {
    Future<?> f = current;
    return f != null && f.cancel(true);
  }

  private static SampleResult newResult(String label) {
    SampleResult r = new SampleResult();
    r.setSampleLabel(label);
    r.setDataType(SampleResult.TEXT);
    return r;
  }

  private static void fail(SampleResult r, String code, String message) {
    if (r.getStartTime() == 0) {
      r.sampleStart();
    }
    if (r.getEndTime() == 0) {
      r.sampleEnd();
    }
    r.setSuccessful(false);
    r.setResponseCode(code);
    r.setResponseMessage(message);
    r.setResponseData(message, "UTF-8");
  }

  private static SampleResult phase(String label, long startMs, long endMs, boolean ok,
      String code, String message) {
    SampleResult s = new SampleResult();
    s.setSampleLabel(label);
    s.setDataType(SampleResult.TEXT);
    s.setStampAndTime(startMs, Math.max(0, endMs - startMs));
    s.setSuccessful(ok);
    s.setResponseCode(code);
    s.setResponseMessage(message);
    return s;
  }

  /** Epoch milliseconds of a {@code System.nanoTime()} reading, relative to the sample start. */
  private static long epochMs(SampleResult r, long t0Nanos, long nanos) {
    return r.getStartTime() + TimeUnit.NANOSECONDS.toMillis(nanos - t0Nanos);
  }

  // ---------------------------------------------------------------- connect

  /**
   * Connects this thread's user, or returns an ignored result (no sample) when the thread is
   * already connected: the agent is reused across iterations.
   */
  public SampleResult connect(String label, Engine engine, JMeterVariables vars,
      String clientId, String clientSecret, String userId) {
    SampleResult r = newResult(label);
    ThreadAgent existing = ThreadAgent.get(vars, engine.name());
    if (existing != null && existing.agent().state() != UserAgent.State.CLOSED) {
      r.setIgnore();
      return r;
    }
    if (existing != null) {
      existing.closeAndForget(vars);
    }
    if (clientId == null || clientId.isBlank() || clientSecret == null
        || clientSecret.isBlank()) {
      fail(r, "NO_CREDENTIALS", "client id or secret is empty: set them, e.g. from a CSV Data"
          + " Set (one user per thread)");
      return r;
    }
    String tenant = engine.options().tenant();
    String user = userId == null || userId.isBlank() ? clientId : userId;
    UserAgentOptions options = engine.options().toBuilder().userId(user).build();
    engine.recorder().drain(tenant, user, "connect");
    r.sampleStart();
    long t0 = System.nanoTime();
    CompletableFuture<UserAgent> f;
    try {
      f = engine.patchbay()
          .connect(Credentials.clientCredentials(clientId, clientSecret), options);
    } catch (RuntimeException e) { // refused before anything started (closed, bad input)
      f = CompletableFuture.failedFuture(e);
    }
    current = f;
    UserAgent agent = null;
    Throwable failure = null;
    try {
      agent = f.get(engine.sampleTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    } catch (ExecutionException e) {
      failure = e.getCause();
    } catch (TimeoutException | java.util.concurrent.CancellationException e) {
      failure = e;
    } finally {
      current = null;
    }
    long t1 = System.nanoTime();
    r.sampleEnd();
    if (agent == null) {
      // an agent that connects after we gave up must not stay open
      f.cancel(true);
      f.thenAccept(UserAgent::closeAsync);
    }
    engine.recorder().drain(tenant, user, "connect"); // the marks below carry the retries
    List<EventRecorder.Mark> marks = engine.recorder().drainConnect(tenant, user);
    int attempts = 1 + (int) marks.stream().filter(m -> m.what().equals("retry")).count();
    // JMeter's connect time: to the (last) WebSocket upgrade; latency: to the edge's hello
    long upgraded = lastMark(marks, "upgrade");
    long hello = lastMark(marks, "hello");
    r.setConnectTime(upgraded == 0 ? r.getTime()
        : Math.min(r.getTime(), TimeUnit.NANOSECONDS.toMillis(upgraded - t0)));
    r.setLatency(hello == 0 ? r.getTime()
        : Math.min(r.getTime(), TimeUnit.NANOSECONDS.toMillis(hello - t0)));
    Outcome o = agent != null ? null : failure instanceof TimeoutException
        ? new Outcome("TIMEOUT", "no connection within the sampler timeout of "
            + engine.sampleTimeout().toMillis() + " ms")
        : failure instanceof InterruptedException
            ? new Outcome("INTERRUPTED", "interrupted while connecting (test stopping)")
            : Outcome.ofConnect(failure, attempts);
    StringBuilder data = new StringBuilder();
    connectPhases(r, label, t0, t1, marks, o, data);
    if (agent != null) {
      ThreadAgent.put(vars, engine, agent);
      String msg = "connected " + user + " (token, upgrade, hello) after " + attempts
          + (attempts == 1 ? " attempt" : " attempts");
      r.setSuccessful(true);
      r.setResponseCode(OK);
      r.setResponseMessage(msg);
      data.append(msg).append('\n');
      r.setResponseData(data.toString(), "UTF-8");
      return r;
    }
    data.append(o.message()).append('\n');
    r.setSuccessful(false);
    r.setResponseCode(o.code());
    r.setResponseMessage(o.message());
    r.setResponseData(data.toString(), "UTF-8");
    return r;
  }

  /**
   * One sub-result per connect phase, from the SDK's phase events: {@code · token} (from the
   * sample's start to the token at hand, from the cache or a token request with its own
   * retries), {@code · upgrade} (the
   * WebSocket upgrade, admission wait included), {@code · hello} (the edge's hello) and, for
   * each refused attempt, the phase it was refused in (with the edge's status, but successful:
   * the SDK absorbed the refusal) and
   * {@code · backoff} (the SDK's wait before the next attempt). {@code failed} is null when the
   * connect succeeded.
   */
  private static void connectPhases(SampleResult r, String label, long t0, long t1,
      List<EventRecorder.Mark> marks, Outcome failed, StringBuilder data) {
    String phase = "token";
    long phaseStart = t0;
    int attempt = 1;
    for (EventRecorder.Mark m : marks) {
      long at = Math.min(Math.max(m.atNanos(), t0), t1);
      switch (m.what()) {
        case "start" -> { } // the token phase counts from the sample's start
        case "token", "upgrade", "hello" -> {
          if (phase != null) {
            r.storeSubResult(phase(label + " · " + phase, epochMs(r, t0, phaseStart),
                epochMs(r, t0, at), true, OK, phaseMessage(phase, attempt)), false);
          }
          phase = switch (m.what()) {
            case "token" -> "upgrade";
            case "upgrade" -> "hello";
            default -> null;
          };
          phaseStart = at;
        }
        case "retry" -> {
          String code = m.status() > 0 ? Integer.toString(m.status()) : m.cause();
          String msg = "attempt " + attempt + " refused (" + code + ") in the " + phase
              + " phase; the SDK retried after " + m.delay().toMillis()
              + " ms (backoff, Retry-After honoured)";
          // a refusal the SDK absorbed is not an error (JMeter would count it as one): the
          // row carries the edge's status, the sample fails only when the budget is spent
          r.storeSubResult(phase(label + " · " + (phase == null ? "token" : phase),
              epochMs(r, t0, phaseStart), epochMs(r, t0, at), true, code, msg), false);
          long resume = Math.min(at + m.delay().toNanos(), t1);
          r.storeSubResult(phase(label + " · backoff", epochMs(r, t0, at),
              epochMs(r, t0, resume), true, code, "waited " + m.delay().toMillis()
                  + " ms before attempt " + (attempt + 1)), false);
          data.append(msg).append('\n');
          attempt++;
          phase = "token";
          phaseStart = resume;
        }
        default -> { // failed: the phase ends with the connect's failure
          if (phase != null && failed != null) {
            r.storeSubResult(phase(label + " · " + phase, epochMs(r, t0, phaseStart),
                epochMs(r, t0, at), false, failed.code(), failed.message()), false);
          }
          phase = null;
        }
      }
    }
    if (phase != null) { // no end event (timeout, or the agent connected without one)
      r.storeSubResult(phase(label + " · " + phase, epochMs(r, t0, phaseStart),
          epochMs(r, t0, t1), failed == null, failed == null ? OK : failed.code(),
          failed == null ? phaseMessage(phase, attempt) : failed.message()), false);
    }
  }

  /** When the last {@code what} mark happened ({@code System.nanoTime()}), or 0. */
  private static long lastMark(List<EventRecorder.Mark> marks, String what) {
    long at = 0;
    for (EventRecorder.Mark m : marks) {
      if (m.what().equals(what)) {
        at = m.atNanos();
      }
    }
    return at;
  }

  private static String phaseMessage(String phase, int attempt) {
    String what = switch (phase) {
      case "token" -> "token at hand (cache or token request)";
      case "upgrade" -> "WebSocket upgrade (admission included)";
      default -> "hello from the edge";
    };
    return what + (attempt > 1 ? ", attempt " + attempt : "");
  }

  // ---------------------------------------------------------------- call

  /** First time this call was seen in each state (callbacks run on the SDK's callback executor). */
  private static final class PhaseClock {
    private final Map<CallState, Long> seen = new EnumMap<>(CallState.class);

    synchronized void onState(CallState state) {
      seen.putIfAbsent(state, System.nanoTime());
    }

    synchronized Long at(CallState state) {
      return seen.get(state);
    }
  }

  private static ThreadAgent connected(Engine engine, JMeterVariables vars) {
    ThreadAgent t = ThreadAgent.get(vars, engine.name());
    return t == null || t.agent().state() == UserAgent.State.CLOSED
        || t.agent().state() == UserAgent.State.CLOSING ? null : t;
  }

  /**
   * Dials {@code callee}; once media is connected holds the call {@code holdMs} and, when
   * {@code hangUp}, hangs it up. The sample's connect time is the invite phase (dial to the
   * edge's first progress), its latency dial to media connected, its elapsed time everything.
   */
  public SampleResult call(String label, Engine engine, JMeterVariables vars, String callee,
      long holdMs, boolean hangUp) {
    SampleResult r = newResult(label);
    ThreadAgent ta = connected(engine, vars);
    if (ta == null) {
      fail(r, "NOT_CONNECTED", "this thread has no connected user agent: put a Patchbay Connect"
          + " sampler before the call sampler");
      return r;
    }
    if (callee == null || callee.isBlank()) {
      fail(r, "NO_CALLEE", "callee is empty");
      return r;
    }
    UserAgent ua = ta.agent();
    Set<String> before = new HashSet<>();
    ua.calls().forEach(c -> before.add(c.id()));
    engine.recorder().drain(ua.tenant(), ua.userId(), "invite");
    r.sampleStart();
    long t0 = System.nanoTime();
    CompletableFuture<Call> f;
    try {
      f = ua.dial(callee);
    } catch (RuntimeException e) { // refused before anything started (closed, bad input)
      f = CompletableFuture.failedFuture(e);
    }
    Call call = ua.calls().stream()
        .filter(c -> !before.contains(c.id()) && c.direction() == Call.Direction.OUTBOUND)
        .findFirst().orElse(null);
    PhaseClock clock = new PhaseClock();
    if (call != null) {
      call.onStateChange(clock::onState);
    }
    current = f;
    Throwable failure = null;
    try {
      call = f.get(engine.sampleTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    } catch (ExecutionException e) {
      failure = e.getCause();
    } catch (TimeoutException | java.util.concurrent.CancellationException e) {
      failure = e;
    } finally {
      current = null;
    }
    long tActive = System.nanoTime();
    List<EventRecorder.Retry> retries = engine.recorder().drain(ua.tenant(), ua.userId(),
        "invite");
    StringBuilder data = new StringBuilder();
    for (EventRecorder.Retry retry : retries) {
      data.append("invite retry ").append(retry.retry()).append(" after ")
          .append(retry.status() > 0 ? retry.status() : retry.cause())
          .append("; retried with the same call id after ").append(retry.delay().toMillis())
          .append(" ms\n");
    }
    String retried = retries.isEmpty() ? ""
        : " (invite retried " + retries.size() + "× after "
            + retries.stream().map(x -> Integer.toString(x.status())).distinct()
                .reduce((a, b) -> a + "/" + b).orElse("") + ")";
    Long ringing = firstProgress(clock);
    if (failure != null) {
      f.cancel(true); // hangs the call up if it is still being set up
      if (call != null) {
        waitQuietly(call.hangUp(), engine);
      }
      r.sampleEnd();
      Outcome o = failure instanceof TimeoutException
          ? new Outcome("TIMEOUT", "call not connected within the sampler timeout of "
              + engine.sampleTimeout().toMillis() + " ms")
          : failure instanceof InterruptedException
              ? new Outcome("INTERRUPTED", "interrupted while dialling (test stopping)")
              : Outcome.ofCall(failure, call);
      if (ringing != null) {
        r.setConnectTime(TimeUnit.NANOSECONDS.toMillis(ringing - t0));
        r.storeSubResult(phase(label + " · invite", epochMs(r, t0, t0), epochMs(r, t0, ringing),
            true, OK, "edge answered the invite" + retried), false);
      }
      r.storeSubResult(phase(label + (ringing == null ? " · invite" : " · media"),
          epochMs(r, t0, ringing == null ? t0 : ringing), epochMs(r, t0, tActive), false,
          o.code(), o.message() + retried), false);
      data.append(o.message()).append('\n');
      r.setSuccessful(false);
      r.setResponseCode(o.code());
      r.setResponseMessage(o.message() + retried);
      r.setResponseData(data.toString(), "UTF-8");
      return r;
    }
    long setupMs = TimeUnit.NANOSECONDS.toMillis(tActive - t0);
    r.setLatency(setupMs);
    long tRing = ringing == null ? tActive : Math.min(ringing, tActive);
    r.setConnectTime(TimeUnit.NANOSECONDS.toMillis(tRing - t0));
    r.storeSubResult(phase(label + " · invite", epochMs(r, t0, t0), epochMs(r, t0, tRing), true,
        OK, "dial to the edge's first progress (ringing)" + retried), false);
    r.storeSubResult(phase(label + " · media", epochMs(r, t0, tRing), epochMs(r, t0, tActive),
        true, OK, "answer and media connected"), false);
    data.append("call ").append(call.id()).append(" to ").append(callee)
        .append(": media connected after ").append(setupMs).append(" ms").append(retried)
        .append('\n');
    // hold: wait on the call's end, so a call the other side ends shows at once
    boolean endedEarly = false;
    if (holdMs > 0) {
      CompletableFuture<Void> ended = call.ended().copy(); // "stop now" cancels the copy only
      current = ended;
      try {
        ended.get(holdMs, TimeUnit.MILLISECONDS);
        endedEarly = true;
      } catch (TimeoutException e) {
        // held for the whole time: the normal case
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | java.util.concurrent.CancellationException e) {
        endedEarly = call.state().isTerminal();
      } finally {
        current = null;
      }
    }
    long tHeld = System.nanoTime();
    r.storeSubResult(phase(label + " · hold", epochMs(r, t0, tActive), epochMs(r, t0, tHeld),
        !endedEarly, endedEarly ? reason(call) : OK, endedEarly
            ? "call ended during the hold: " + reason(call) : "held " + holdMs + " ms"), false);
    if (endedEarly) {
      r.sampleEnd();
      String msg = "call " + call.id() + " ended after " + TimeUnit.NANOSECONDS.toMillis(
          tHeld - tActive) + " ms of a " + holdMs + " ms hold: " + reason(call)
          + call.failure().map(e -> " (" + e.getMessage() + ")").orElse("");
      data.append(msg).append('\n');
      r.setSuccessful(false);
      r.setResponseCode(call.failure().flatMap(e -> e.status().isPresent()
          ? java.util.Optional.of(Integer.toString(e.status().getAsInt()))
          : java.util.Optional.empty()).orElse(reason(call)));
      r.setResponseMessage(msg);
      r.setResponseData(data.toString(), "UTF-8");
      return r;
    }
    if (!hangUp) {
      ta.openCalls().add(call);
      r.sampleEnd();
      String msg = "call " + call.id() + " up: media connected after " + setupMs + " ms"
          + retried + ", left up for a hang-up sampler";
      data.append(msg).append('\n');
      r.setSuccessful(true);
      r.setResponseCode(OK);
      r.setResponseMessage(msg);
      r.setResponseData(data.toString(), "UTF-8");
      return r;
    }
    boolean released = waitQuietly(call.hangUp(), engine);
    long tEnd = System.nanoTime();
    r.sampleEnd();
    boolean clean = released && call.endReason().orElse(null) == EndReason.LOCAL_HANGUP;
    r.storeSubResult(phase(label + " · hang up", epochMs(r, t0, tHeld), epochMs(r, t0, tEnd),
        clean, clean ? OK : reason(call), "bye to released: " + reason(call)), false);
    String msg = "call " + call.id() + " to " + callee + ": media connected after " + setupMs
        + " ms" + retried + ", held " + holdMs + " ms, " + (released ? "released ("
        + reason(call) + ")" : "NOT released within the sampler timeout");
    data.append(msg).append('\n');
    r.setSuccessful(clean);
    r.setResponseCode(clean ? OK : released ? reason(call) : "TIMEOUT");
    r.setResponseMessage(msg);
    r.setResponseData(data.toString(), "UTF-8");
    return r;
  }

  private static Long firstProgress(PhaseClock clock) {
    Long ringing = clock.at(CallState.RINGING);
    Long connecting = clock.at(CallState.CONNECTING);
    if (ringing == null) {
      return connecting;
    }
    return connecting == null ? ringing : Math.min(ringing, connecting);
  }

  private static String reason(Call call) {
    return call.endReason().map(Enum::name).orElse(call.state().name());
  }

  private static boolean waitQuietly(CompletableFuture<?> f, Engine engine) {
    try {
      f.get(engine.sampleTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException
        | java.util.concurrent.CancellationException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- hang up

  /** Hangs up the calls this thread's call sampler left up. */
  public SampleResult hangUp(String label, Engine engine, JMeterVariables vars) {
    SampleResult r = newResult(label);
    ThreadAgent ta = ThreadAgent.get(vars, engine.name());
    List<Call> calls = ta == null ? List.of() : new ArrayList<>(ta.openCalls());
    if (calls.isEmpty()) {
      fail(r, "NO_CALL", "this thread has no call up: use a call sampler with hang-up off"
          + " before the hang-up sampler (or the call already ended)");
      return r;
    }
    r.sampleStart();
    boolean ok = true;
    StringBuilder msg = new StringBuilder();
    for (Call call : calls) {
      boolean released = waitQuietly(call.hangUp(), engine);
      boolean clean = released && call.endReason().orElse(null) == EndReason.LOCAL_HANGUP;
      ok &= clean;
      msg.append("call ").append(call.id()).append(": ").append(released ? reason(call)
          : "NOT released within the sampler timeout").append("; ");
    }
    r.sampleEnd();
    ta.openCalls().clear();
    r.setSuccessful(ok);
    r.setResponseCode(ok ? OK : "HANGUP_FAILED");
    r.setResponseMessage(msg.toString().trim());
    r.setResponseData(msg.toString(), "UTF-8");
    return r;
  }

  // ---------------------------------------------------------------- close

  /**
   * Closes this thread's user agent. With {@code verify} (for a tearDown thread group, after
   * every other thread ended) also checks that the Patchbay holds no user agent, socket, call
   * or media session any more, and fails the sample naming what is left.
   */
  public SampleResult close(String label, Engine engine, JMeterVariables vars, boolean verify) {
    SampleResult r = newResult(label);
    ThreadAgent ta = ThreadAgent.get(vars, engine.name());
    if (ta == null && !verify) {
      fail(r, "NOT_CONNECTED", "this thread has no user agent to close");
      return r;
    }
    r.sampleStart();
    boolean closed = ta == null || ta.closeAndForget(vars);
    StringBuilder msg = new StringBuilder(ta == null ? "" : closed
        ? "user agent closed (calls hung up, socket closed, token revoked)"
        : "user agent did NOT finish closing within the sampler timeout");
    boolean ok = closed;
    if (verify) {
      Diagnostics d = awaitQuiet(engine);
      boolean quiet = quiet(d) && engine.openAgents() == 0;
      ok &= quiet;
      msg.append(msg.length() == 0 ? "" : "; ").append(quiet
          ? "Patchbay holds nothing: " : "Patchbay LEAKS: ").append(d)
          .append(", user agents of JMeter threads still open: ").append(engine.openAgents());
    }
    r.sampleEnd();
    r.setSuccessful(ok);
    r.setResponseCode(ok ? OK : closed ? "LEAK" : "TIMEOUT");
    r.setResponseMessage(msg.toString());
    r.setResponseData(msg.toString(), "UTF-8");
    return r;
  }

  private static boolean quiet(Diagnostics d) {
    return d.userAgents() == 0 && d.openSockets() == 0 && d.calls() == 0
        && d.mediaSessions() == 0;
  }

  /** Diagnostics once the SDK settled (sockets finish their close handshake), at most 5 s. */
  private static Diagnostics awaitQuiet(Engine engine) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    Diagnostics d = engine.diagnostics();
    while (!quiet(d) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      d = engine.diagnostics();
    }
    return d;
  }
}
