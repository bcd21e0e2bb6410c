package dev.patchbay.testkit.internal;

import dev.patchbay.testkit.Fault;
import dev.patchbay.testkit.FiredFault;
import dev.patchbay.testkit.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The armed faults of one edge and the one place that decides what fires: armed triggers wait
 * for their event ({@link #onOpen}, {@link #onInvite}, {@link #onAnswer}, {@link #onFrame});
 * endpoint faults are taken by their endpoint ({@link #take}); conditions are read by the
 * socket ({@link #conditionsOf}). Socket and tenant effects are carried out by the
 * {@link EdgeModel} ({@link EdgeModel#applyFault}). Thread-safe; the reads on the frame path
 * cost one volatile read while nothing is armed.
 */
public final class FaultState {
  private static final Logger LOG = LoggerFactory.getLogger(FaultState.class);
  static final int FIRED_KEPT = 1024;

  /** How a socket effect is carried out relative to the event that fired it. */
  enum Mode {
    /** On the calling thread (outside the model's lock). */
    INLINE,
    /** On the timer thread at once (the event runs under the model's lock). */
    ASYNC,
    /** On the timer thread 50 ms later, so that the answer reaches the peer first. */
    AFTER_ANSWER
  }

  /** An armed trigger waiting for its event. */
  private static final class Rule {
    final Fault fault;
    final Trigger trigger;
    final AtomicInteger remaining;
    final AtomicInteger framesLeft;

    Rule(Fault fault, Trigger trigger) {
      this.fault = fault;
      this.trigger = trigger;
      this.remaining = new AtomicInteger(trigger.times());
      this.framesLeft = new AtomicInteger(trigger.frames());
    }

    /** Takes one firing; false once spent. */
    boolean take() {
      return remaining.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0;
    }

    boolean spent() {
      return remaining.get() <= 0;
    }
  }

  /** A condition in force on a socket, a user, a tenant or everything (null = any). */
  record Condition(Fault fault, String user, String tenant, String connectionId) {
    boolean covers(EdgeConnection c) {
      return (connectionId == null || connectionId.equals(c.id))
          && (user == null || user.equals(c.user))
          && (tenant == null || tenant.equals(c.tenant));
    }
  }

  /** The conditions in force on one socket. */
  record Conditions(boolean withholdPongs, Duration frameDelay, boolean stall,
      boolean duplicate, boolean reorder, boolean candidatesFirst) {
    static final Conditions NONE = new Conditions(false, null, false, false, false, false);
  }

  private final long seed;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final CounterSet counters;
  private EdgeModel model;
  private Random random;
  /** Triggers waiting for an event. */
  private final CopyOnWriteArrayList<Rule> waiting = new CopyOnWriteArrayList<>();
  /** Endpoint faults armed for their next requests (trigger = scope and count). */
  private final CopyOnWriteArrayList<Rule> endpoint = new CopyOnWriteArrayList<>();
  private volatile Condition[] conditions = new Condition[0];
  private volatile boolean frameRules;
  private final List<Future<?>> delayed = new ArrayList<>(); // guarded by this
  private final ArrayDeque<FiredFault> fired = new ArrayDeque<>(); // guarded by this

  public FaultState(long seed, Clock clock, ScheduledExecutorService scheduler,
      CounterSet counters) {
    this.seed = seed;
    this.clock = clock;
    this.scheduler = scheduler;
    this.counters = counters;
    this.random = new Random(seed);
  }

  void bind(EdgeModel model) {
    this.model = model;
  }

  /** The seeded source of every random fault decision. */
  public synchronized int nextInt(int bound) {
    return random.nextInt(bound);
  }

  public synchronized boolean nextBoolean() {
    return random.nextBoolean();
  }

  // ---- arming -------------------------------------------------------------------------------

  /** Arms {@code fault}: fires it now, schedules it, or keeps it for its event. */
  public void arm(Fault fault, Trigger trigger) {
    LOG.debug("fault armed: {} ({})", fault, trigger);
    switch (trigger.on()) {
      case NOW -> fireInScope(fault, trigger);
      case AFTER -> {
        synchronized (this) {
          delayed.add(scheduler.schedule(() -> fireInScope(fault, trigger),
              trigger.delay().toNanos(), TimeUnit.NANOSECONDS));
        }
      }
      case NEXT -> {
        if (isEndpoint(fault)) {
          fireInScope(fault, trigger);
        } else {
          waiting.add(new Rule(fault, trigger));
        }
      }
      default -> {
        waiting.add(new Rule(fault, trigger));
        frameRules |= trigger.on() == Trigger.On.AFTER_FRAMES;
      }
    }
  }

  static boolean isEndpoint(Fault f) {
    return f instanceof Fault.RefuseUpgrade || f instanceof Fault.DelayHandshake
        || f instanceof Fault.TokenEndpointStatus || f instanceof Fault.RevokeEndpointStatus
        || f instanceof Fault.RefuseTokenRefresh;
  }

  static boolean isCondition(Fault f) {
    return f instanceof Fault.WithholdPongs || f instanceof Fault.DelayFrames
        || f instanceof Fault.StallFrames || f instanceof Fault.DuplicateFrames
        || f instanceof Fault.ReorderFrames || f instanceof Fault.CandidatesBeforeAnswer;
  }

  /** A NOW or AFTER firing: acts on the trigger's scope. */
  private void fireInScope(Fault fault, Trigger t) {
    if (isEndpoint(fault)) {
      endpoint.add(new Rule(fault, t));
      if (t.on() == Trigger.On.AFTER) { // armed now: each request it answers is a firing
        record(fault, t, t.user(), "the next " + count(t) + " requests" + scope(t));
      }
    } else if (isCondition(fault)) {
      addCondition(new Condition(fault, t.user(), t.tenant(), null));
      record(fault, t, t.user(), "every socket" + scope(t));
    } else {
      model.applyFault(fault, t, null, Mode.INLINE);
    }
  }

  private static String count(Trigger t) {
    return t.times() == Integer.MAX_VALUE ? "all" : Integer.toString(t.times());
  }

  private static String scope(Trigger t) {
    return (t.user() != null ? " of user " + t.user() : "")
        + (t.tenant() != null ? " of tenant " + t.tenant() : "");
  }

  /** A firing on the socket of an event. */
  private void fireOn(Rule r, EdgeConnection c, Mode mode) {
    Fault f = r.fault;
    Trigger t = r.trigger;
    if (isEndpoint(f)) {
      Trigger scoped = Trigger.next(1).forUser(c.user);
      endpoint.add(new Rule(f, scoped));
      record(f, t, c.user, "the next request of " + c.user);
    } else if (isCondition(f)) {
      addCondition(new Condition(f, c.user, c.tenant, c.id));
      record(f, t, c.user, c.toString());
    } else {
      model.applyFault(f, t, c, mode);
    }
  }

  private synchronized void addCondition(Condition c) {
    Condition[] now = conditions;
    Condition[] next = java.util.Arrays.copyOf(now, now.length + 1);
    next[now.length] = c;
    conditions = next;
  }

  /** Records (and logs) a firing; the model calls it for the effects it carries out. */
  void record(Fault fault, Trigger trigger, String user, String subject) {
    FiredFault ff = new FiredFault(clock.instant(), fault, trigger, user, subject);
    counters.inc("faultsFired");
    boolean first;
    synchronized (this) {
      first = fired.isEmpty() || !fired.peekLast().fault().equals(fault);
      if (fired.size() >= FIRED_KEPT) {
        fired.pollFirst();
      }
      fired.addLast(ff);
    }
    if (first) {
      LOG.info("fault fired: {}", ff);
    } else {
      LOG.debug("fault fired: {}", ff);
    }
  }

  public synchronized List<FiredFault> fired() {
    return List.copyOf(fired);
  }

  // ---- events ---------------------------------------------------------------------------------

  /**
   * Takes one armed endpoint fault of {@code type} for a request of {@code user} in
   * {@code tenant} (either null when not known), or null.
   */
  public <F extends Fault> F take(Class<F> type, String tenant, String user) {
    if (endpoint.isEmpty()) {
      return null;
    }
    for (Rule r : endpoint) {
      Trigger t = r.trigger;
      if (type.isInstance(r.fault) && (t.user() == null || t.user().equals(user))
          && (t.tenant() == null || t.tenant().equals(tenant)) && r.take()) {
        if (r.spent()) {
          endpoint.remove(r);
        }
        if (t.times() == Integer.MAX_VALUE || r.fault instanceof Fault.DelayHandshake) {
          counters.inc("faultsFired"); // every request: counted, not kept one by one
        } else {
          record(r.fault, t, user, "a request" + (user != null ? " of " + user : ""));
        }
        return type.cast(r.fault);
      }
    }
    return null;
  }

  /** A socket was opened. */
  void onOpen(EdgeConnection c) {
    if (waiting.isEmpty()) {
      return;
    }
    for (Rule r : waiting) {
      Trigger t = r.trigger;
      if (t.on() == Trigger.On.NEXT && inScope(t, c) && takeFrom(r)) {
        fireOn(r, c, Mode.ASYNC);
      }
    }
  }

  /** An invite from {@code c} to {@code to} arrived (under the model's lock). */
  void onInvite(EdgeConnection c, String to) {
    if (waiting.isEmpty()) {
      return;
    }
    for (Rule r : waiting) {
      Trigger t = r.trigger;
      boolean hit = (t.on() == Trigger.On.INVITE_FROM && t.user().equals(c.user))
          || (t.on() == Trigger.On.INVITE_TO && t.user().equals(to));
      if (hit && (t.tenant() == null || t.tenant().equals(c.tenant)) && takeFrom(r)) {
        fireOn(r, c, Mode.ASYNC);
      }
    }
  }

  /** A call became active (under the model's lock); either connection may be null. */
  void onAnswer(String callId, String caller, EdgeConnection callerConn, String callee,
      EdgeConnection calleeConn) {
    if (waiting.isEmpty()) {
      return;
    }
    for (Rule r : waiting) {
      Trigger t = r.trigger;
      EdgeConnection subject = switch (t.on()) {
        case ANSWER -> t.user().equals(caller) ? callerConn
            : t.user().equals(callee) ? calleeConn : null;
        case ANSWER_OUTBOUND -> t.user().equals(caller) ? callerConn : null;
        case ANSWER_INBOUND -> t.user().equals(callee) ? calleeConn : null;
        case ANSWER_OF_CALL -> t.callId().equals(callId)
            ? (callerConn != null ? callerConn : calleeConn) : null;
        default -> null;
      };
      if (subject != null && (t.tenant() == null || t.tenant().equals(subject.tenant))
          && takeFrom(r)) {
        fireOn(r, subject, Mode.AFTER_ANSWER);
      }
    }
  }

  /**
   * Counts a frame on {@code c} (either direction) and returns what fires once it has passed.
   * The edge counts a frame <em>before</em> handing it to the socket and runs the result after:
   * a client that has read a frame and then arms a frame trigger never has that frame counted
   * against the trigger, and a fault the frame makes due (a close, a drop) still follows it on
   * the wire.
   */
  Runnable onFrame(EdgeConnection c) {
    if (!frameRules) {
      return NOTHING;
    }
    List<Rule> due = null;
    for (Rule r : waiting) {
      Trigger t = r.trigger;
      if (t.on() == Trigger.On.AFTER_FRAMES && t.user().equals(c.user)
          && r.framesLeft.decrementAndGet() == 0 && takeFrom(r)) {
        if (due == null) {
          due = new ArrayList<>(1);
        }
        due.add(r);
      }
    }
    if (due == null) {
      return NOTHING;
    }
    List<Rule> fire = due;
    return () -> fire.forEach(r -> fireOn(r, c, Mode.INLINE));
  }

  private static final Runnable NOTHING = () -> { };

  private boolean takeFrom(Rule r) {
    boolean took = r.take();
    if (r.spent()) {
      waiting.remove(r);
    }
    return took;
  }

  private static boolean inScope(Trigger t, EdgeConnection c) {
    return (t.user() == null || t.user().equals(c.user))
        && (t.tenant() == null || t.tenant().equals(c.tenant));
  }

  /** The conditions in force on {@code c}. */
  Conditions conditionsOf(EdgeConnection c) {
    Condition[] all = conditions;
    if (all.length == 0) {
      return Conditions.NONE;
    }
    boolean pongs = false;
    boolean stall = false;
    boolean dup = false;
    boolean reorder = false;
    boolean candidates = false;
    Duration delay = null;
    for (Condition x : all) {
      if (!x.covers(c)) {
        continue;
      }
      Fault f = x.fault();
      if (f instanceof Fault.WithholdPongs) {
        pongs = true;
      } else if (f instanceof Fault.DelayFrames d) {
        delay = d.delay();
      } else if (f instanceof Fault.StallFrames) {
        stall = true;
      } else if (f instanceof Fault.DuplicateFrames) {
        dup = true;
      } else if (f instanceof Fault.ReorderFrames) {
        reorder = true;
      } else if (f instanceof Fault.CandidatesBeforeAnswer) {
        candidates = true;
      }
    }
    return new Conditions(pongs, delay, stall, dup, reorder, candidates);
  }

  /**
   * Ends the conditions of {@code type} that cover the user (socket-, user- or edge-wide), or
   * all of them for a null user.
   */
  synchronized void endConditions(Class<? extends Fault> type, String user) {
    List<Condition> keep = new ArrayList<>();
    for (Condition x : conditions) {
      if (!(type.isInstance(x.fault())
          && (user == null || x.user() == null || x.user().equals(user)))) {
        keep.add(x);
      }
    }
    conditions = keep.toArray(new Condition[0]);
  }

  /** Disarms every fault of {@code type}: armed triggers, endpoint faults and conditions. */
  public void disarm(Class<? extends Fault> type) {
    waiting.removeIf(r -> type.isInstance(r.fault));
    endpoint.removeIf(r -> type.isInstance(r.fault));
    endConditions(type, null);
  }

  /** Disarms everything and re-seeds the randomness (the model restores what faults changed). */
  public synchronized void clear() {
    waiting.clear();
    endpoint.clear();
    conditions = new Condition[0];
    frameRules = false;
    delayed.forEach(f -> f.cancel(false));
    delayed.clear();
    fired.clear();
    random = new Random(seed);
  }
}
