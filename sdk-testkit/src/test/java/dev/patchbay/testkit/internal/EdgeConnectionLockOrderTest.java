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

  @Test
  void aFrameTriggersFaultRunsOutsideTheConnectionsSendLock() throws Exception {
    try (FakeEdge edge = FakeEdge.builder().user("acme", "alice", "alice-secret").start();
        EdgeClients clients = new EdgeClients(edge)) {
      RawWebSocket ws = clients.connect("alice");
      hello(ws);
      Method modelOf = FakeEdge.class.getDeclaredMethod("model");
      modelOf.setAccessible(true);
      EdgeModel model = (EdgeModel) modelOf.invoke(edge);
      EdgeConnection alice = model.liveConnectionsOf("alice").get(0);

      edge.faults().stallFrames("alice");
      ws.send(new Frames.Invite("c", "busy", OFFER)); // the edge's 486 is held by the stall
      await().until(() -> edge.counters().get("framesIn") >= 1 && alice.stalledFrames() == 1);
      model.faults.endConditions(Fault.StallFrames.class, "alice");
      edge.faults().arm(new Fault.Drop(), Trigger.afterFrames("alice", 1));

      Thread releaser = new Thread(alice::releaseStalled, "releaser");
      CountDownLatch sent = new CountDownLatch(1);
      Thread sender = new Thread(() -> {
        alice.send(new Frames.Closing(1_000L, "lock order"));
        sent.countDown();
      }, "sender");
      synchronized (model) {
        releaser.start(); // writes the 486; its drop waits for the model's lock (held here)
        await().until(() -> releaser.getState() == Thread.State.BLOCKED);
        sender.start();
        assertThat(sent.await(10, TimeUnit.SECONDS))
            .as("a frame sent while a frame trigger's fault waits for the model's lock")
            .isTrue();
      }
      releaser.join(10_000);
      sender.join(10_000);
      assertThat(releaser.isAlive()).isFalse();
      assertThat(ws.closeCode(EdgeClients.T)).as("the drop happened").isPositive();
    }
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
    try (FakeEdge edge = FakeEdge.builder().user("acme", "alice", "alice-secret").start();
        EdgeClients clients = new EdgeClients(edge)) {
      RawWebSocket ws = clients.connect("alice");
      hello(ws);
      Method modelOf = FakeEdge.class.getDeclaredMethod("model");
      modelOf.setAccessible(true);
      EdgeModel model = (EdgeModel) modelOf.invoke(edge);
      EdgeConnection alice = model.liveConnectionsOf("alice").get(0);

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

      Thread failing = new Thread(() -> alice.send(new Frames.Closing(1_000L, "first")),
          "failing-send");
      CountDownLatch secondOut = new CountDownLatch(1);
      Thread sender = new Thread(() -> {
        alice.send(new Frames.Closing(2_000L, "second"));
        secondOut.countDown();
      }, "sender");
      synchronized (model) {
        failing.start(); // its error report waits for the model's lock (held here)
        await().until(() -> failing.getState() == Thread.State.BLOCKED);
        sender.start();
        assertThat(secondOut.await(10, TimeUnit.SECONDS))
            .as("a frame sent while a failed send's error report waits for the model's lock")
            .isTrue();
      }
      failing.join(10_000);
      sender.join(10_000);
      assertThat(failing.isAlive()).as("the error report ran once the model's lock was free")
          .isFalse();
      assertThat(sent).hasSize(1);
      assertThat(sent.get(0)).contains("second");
    }
  }
}
