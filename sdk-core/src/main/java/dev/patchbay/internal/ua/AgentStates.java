package dev.patchbay.internal.ua;

import dev.patchbay.UserAgent.State;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A user agent's state: read from any thread, changed on the actor, each change delivered to
 * the app's listeners in order on the agent's app-callback lane.
 */
final class AgentStates {
  private final AgentActor actor;
  private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
  private volatile State state = State.CONNECTING;

  AgentStates(AgentActor actor) {
    this.actor = actor;
  }

  State get() {
    return state;
  }

  void addListener(Consumer<State> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  void set(State next) {
    if (state == next) {
      return;
    }
    state = next;
    for (Consumer<State> l : listeners) {
      actor.toApp(() -> l.accept(next));
    }
  }
}
