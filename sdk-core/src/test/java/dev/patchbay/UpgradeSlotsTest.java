package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.patchbay.PatchbayEventListener.AdmissionKind;
import dev.patchbay.media.MediaEngines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket upgrades in flight are bounded per process (issue 15): with thousands of agents
 * connecting on a starved CPU, unbounded handshakes queued on the HTTP client's selector, timed
 * out there (their deadline included the queueing) and were retried with new tokens, while the
 * edge had admitted the abandoned sockets. Here the edge holds every upgrade until the test lets
 * it answer: with a limit of 2, the other 3 agents wait for a slot (an admission wait) instead of
 * sending their upgrades.
 */
class UpgradeSlotsTest {
  private static final int LIMIT = 2;
  private static final int AGENTS = 5;

  private final AtomicInteger upgradeWaits = new AtomicInteger();
  private final AtomicInteger upgradeAdmitted = new AtomicInteger();
  private final Semaphore gate = new Semaphore(0);
  private ScriptedEdge edge;
  private Patchbay patchbay;

  @BeforeEach
  void start() throws Exception {
    edge = new ScriptedEdge();
    edge.upgradeGate = gate;
    patchbay = patchbay(LIMIT);
  }

  private Patchbay patchbay(int limit) {
    return Patchbay.builder().edge(edge.uri()).mediaEngine(MediaEngines.signalingOnly())
        .maxConcurrentUpgrades(limit)
        .eventListenerFactory(ua -> new PatchbayEventListener() {
          @Override
          public void admissionQueued(UserAgent userAgent, AdmissionKind kind) {
            if (kind == AdmissionKind.UPGRADE) {
              upgradeWaits.incrementAndGet();
            }
          }

          @Override
          public void admissionAdmitted(UserAgent userAgent, AdmissionKind kind,
              Duration waited) {
            if (kind == AdmissionKind.UPGRADE) {
              upgradeAdmitted.incrementAndGet();
            }
          }
        }).build();
  }

  @AfterEach
  void stop() {
    gate.release(1_000); // never leave an edge thread parked, even after a failure
    patchbay.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Diagnostics d = patchbay.diagnostics();
      assertThat(d.isIdle()).as("%s", d).isTrue();
      assertThat(d.sdkThreads()).as("SDK threads after close").isZero();
    });
    assertThat(patchbay.upgradeSlotsHeld()).as("upgrade slots held after close").isZero();
    edge.close();
  }

  private static UserAgentOptions options(String user) {
    return UserAgentOptions.builder("acme").userId(user)
        .upgradeTimeout(Duration.ofSeconds(30)).helloTimeout(Duration.ofSeconds(30)).build();
  }

  @Test
  void atMostTheLimitOfUpgradesIsInFlightAndEveryAgentConnects() throws Exception {
    List<CompletableFuture<UserAgent>> connects = new ArrayList<>();
    for (int i = 0; i < AGENTS; i++) {
      connects.add(patchbay.connect(new FakeTokenManager(), options("agent-" + i)));
    }
    // two upgrades reach the edge and are held there; the other three wait for a slot
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(edge.upgradesInFlight.get()).as("upgrades held at the edge").isEqualTo(LIMIT);
      assertThat(upgradeWaits.get()).as("agents waiting for an upgrade slot")
          .isEqualTo(AGENTS - LIMIT);
    });
    assertThat(patchbay.upgradeSlotsHeld()).isEqualTo(LIMIT);

    gate.release(AGENTS); // the edge answers; each answer frees a slot for the next agent
    List<UserAgent> agents = new ArrayList<>();
    for (CompletableFuture<UserAgent> c : connects) {
      agents.add(c.get(20, TimeUnit.SECONDS));
    }
    assertThat(agents).allMatch(a -> a.state() == UserAgent.State.CONNECTED);
    assertThat(edge.maxUpgradesInFlight.get()).as("most upgrades in flight at the edge at once")
        .isEqualTo(LIMIT);
    assertThat(edge.upgradeNanos).as("one upgrade per agent: none timed out").hasSize(AGENTS);
    assertThat(upgradeAdmitted.get()).isEqualTo(AGENTS - LIMIT);
    assertThat(patchbay.upgradeSlotsHeld()).as("slots held once every agent is upgraded")
        .isZero();
    agents.forEach(UserAgent::close);
  }

  @Test
  void aRefusedUpgradeFreesItsSlot() throws Exception {
    patchbay.close();
    edge.upgradeGate = null;
    patchbay = patchbay(1);
    edge.refuse(503, "0"); // the first upgrade is refused; its retry needs the one slot again
    UserAgent first = patchbay.connect(new FakeTokenManager(), options("first"))
        .get(20, TimeUnit.SECONDS);
    UserAgent second = patchbay.connect(new FakeTokenManager(), options("second"))
        .get(20, TimeUnit.SECONDS);
    assertThat(edge.upgradeNanos).as("refused, retried, then the second agent").hasSize(3);
    assertThat(patchbay.upgradeSlotsHeld()).isZero();
    first.close();
    second.close();
  }

  @Test
  void closeReleasesHeldAndQueuedSlots() {
    List<CompletableFuture<UserAgent>> connects = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      connects.add(patchbay.connect(new FakeTokenManager(), options("agent-" + i)));
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(edge.upgradesInFlight.get()).isEqualTo(LIMIT);
      assertThat(upgradeWaits.get()).isEqualTo(1);
    });
    patchbay.close(); // two upgrades held at the edge, one agent waiting for a slot
    assertThat(patchbay.upgradeSlotsHeld()).as("upgrade slots held after close").isZero();
    assertThat(connects).allMatch(CompletableFuture::isCompletedExceptionally);
  }

  @Test
  void theLimitIsValidated() {
    assertThatThrownBy(() -> Patchbay.builder().maxConcurrentUpgrades(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConcurrentUpgrades");
  }
}
