package dev.patchbay.testkit.internal;

import static dev.patchbay.testkit.support.EdgeClients.OFFER;
import static dev.patchbay.testkit.support.EdgeClients.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.testkit.Fault;
import dev.patchbay.testkit.Trigger;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.RawWebSocket;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Session;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A frame trigger's fault (here a drop, which unbinds the socket's token under the model's lock)
 * must not run while its connection's send lock is held: a thread holding the model's lock that
 * sends on that connection (an error answer from {@code onText}) would wait for the send lock
 * while the fault waits for the model's lock. The generated fault schedules hung once on exactly
 * that (stalled frames released by the test's thread, a drop after one frame, a Jetty thread
 * answering a candidate with a 404). Here the model's lock is held by the test, the fault's
 * thread is parked on it, and a second thread must still get its frame out.
 */
class EdgeConnectionLockOrderTest {
  private FakeEdge edge;
  private EdgeClients clients;
  private RawWebSocket ws;
  private EdgeModel model;
  /** alice's one connection, after its hello. */
  private EdgeConnection alice;

  @BeforeEach
  void connectAlice() throws Exception {
    edge = FakeEdge.builder().user("acme", "alice", "alice-secret").start();
    clients = new EdgeClients(edge);
    ws = clients.connect("alice");
    hello(ws);
    model = modelOf(edge);
    alice = model.liveConnectionsOf("alice").get(0);
  }

  @AfterEach
  void close() throws Exception {
    clients.close();
    edge.close();
  }

  @Test
  void aFrameTriggersFaultRunsOutsideTheConnectionsSendLock() throws Exception {
    edge.faults().stallFrames("alice");
    ws.send(new Frames.Invite("c", "busy", OFFER)); // the edge's 486 is held by the stall
    await().until(() -> edge.counters().get("framesIn") >= 1 && alice.stalledFrames() == 1);
    model.faults.endConditions(Fault.StallFrames.class, "alice");
    edge.faults().arm(new Fault.Drop(), Trigger.afterFrames("alice", 1));

    // the releaser writes the 486; its drop waits for the model's lock
    sendWhileAThreadWaitsForTheModel(model, alice::releaseStalled,
        () -> alice.send(new Frames.Closing(1_000L, "lock order")),
        "a frame sent while a frame trigger's fault waits for the model's lock");
    assertThat(ws.closeCode(EdgeClients.T)).as("the drop happened").isPositive();
  }

  /**
   * Jetty reports a send that fails at once (the peer reset the connection) inline, on the
   * sending thread, through {@code onWebSocketError} — which takes the model's lock. The
   * generated fault schedules hung on exactly that: the test's thread released stalled frames,
   * the write failed inside {@code sendText} under the connection's send lock, while a Jetty
   * thread holding the model's lock (answering a candidate with a 404) waited for that send
   * lock. Here the session fails its first send the way Jetty does, the model's lock is held by
   * the test, and a second thread must still get its frame out.
   */
  @Test
  void aSendThatFailsInlineReportsItsErrorOutsideTheConnectionsSendLock() throws Exception {
    Session real = alice.session;
    AtomicBoolean failNextSend = new AtomicBoolean(true);
    List<String> sent = new CopyOnWriteArrayList<>();
    alice.session = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(),
        new Class<?>[] {Session.class}, (proxy, m, args) -> {
          if (m.getName().equals("sendText")) {
            if (failNextSend.compareAndSet(true, false)) {
              // what Jetty's flusher does when the write fails: the error callback, inline
              alice.onWebSocketError(new java.io.IOException("Connection reset by peer"));
              return null;
            }
            sent.add((String) args[0]);
          }
          return m.invoke(real, args);
        });

    // the first send fails; its error report waits for the model's lock
    sendWhileAThreadWaitsForTheModel(model,
        () -> alice.send(new Frames.Closing(1_000L, "first")),
        () -> alice.send(new Frames.Closing(2_000L, "second")),
        "a frame sent while a failed send's error report waits for the model's lock");
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0)).contains("second");
  }

  /**
   * Holds the model's lock (as a Jetty thread answering a frame does) until {@code blocked},
   * started on its own thread, waits for it; {@code send} must then get out on another thread
   * within 10 s. {@code blocked} must end once the lock is free.
   */
  private static void sendWhileAThreadWaitsForTheModel(EdgeModel model, Runnable blocked,
      Runnable send, String what) throws InterruptedException {
    Thread waiting = new Thread(blocked, "waits-for-the-model");
    CountDownLatch sent = new CountDownLatch(1);
    Thread sender = new Thread(() -> {
      send.run();
      sent.countDown();
    }, "sender");
    synchronized (model) {
      waiting.start();
      await().until(() -> waiting.getState() == Thread.State.BLOCKED);
      sender.start();
      assertThat(sent.await(10, TimeUnit.SECONDS)).as(what).isTrue();
    }
    waiting.join(10_000);
    sender.join(10_000);
    assertThat(waiting.isAlive()).as("done once the model's lock was free").isFalse();
  }

  private static EdgeModel modelOf(FakeEdge edge) throws ReflectiveOperationException {
    Method model = FakeEdge.class.getDeclaredMethod("model");
    model.setAccessible(true);
    return (EdgeModel) model.invoke(edge);
  }
}
