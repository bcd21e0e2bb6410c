package dev.patchbay;

/**
 * A snapshot of what one {@link Patchbay} holds. After {@link Patchbay#close()} every count is 0.
 *
 * @param openSockets WebSockets created and not yet terminated (closed, failed or cancelled)
 * @param userAgents user agents not yet closed
 * @param calls calls not yet terminal (or whose media is not yet released)
 * @param mediaSessions media sessions open in the engine
 * @param sdkThreads threads the SDK started that are alive (scheduler, workers, WebSocket
 *     readers, default callback executor); OkHttp's shared task-runner threads are not counted
 * @param pendingTimers timers scheduled and not yet run or cancelled
 * @param liveNativeObjects native media objects alive, as the engine reports them
 */
public record Diagnostics(
    int openSockets, int userAgents, int calls, int mediaSessions, int sdkThreads,
    int pendingTimers, long liveNativeObjects) {

  /**
   * True when nothing is held: no socket, agent, call, session, timer or native object.
   *
   * @return true when everything is back to zero
   */
  public boolean isIdle() {
    return openSockets == 0 && userAgents == 0 && calls == 0 && mediaSessions == 0
        && pendingTimers == 0 && liveNativeObjects == 0;
  }
}
