package dev.patchbay.jmeter;

import dev.patchbay.TenantLimits;
import dev.patchbay.Diagnostics;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.RetryPolicy;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.jmeter.internal.Engine;
import dev.patchbay.jmeter.internal.EngineRegistry;
import dev.patchbay.jmeter.internal.EventRecorder;
import java.net.URI;
import java.time.Duration;
import org.apache.jmeter.config.ConfigTestElement;
import org.apache.jmeter.engine.util.NoConfigMerge;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.testbeans.TestBeanHelper;
import org.apache.jmeter.testelement.TestStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "Patchbay" config element: builds one {@link Patchbay} when the test starts (one per
 * JMeter engine, i.e. per JVM, also per {@code jmeter-server} in distributed mode) and closes it
 * when the test ends. The samplers find it by {@link #getPatchbayName() name}.
 *
 * <p>At test end, after every JMeter thread closed its user agent, the config element reads
 * {@link Patchbay#diagnostics()}, closes the Patchbay and reads them again: a user agent,
 * socket, call or media session left over is logged as an ERROR naming the counts (a failed
 * sample needs a sampler: use {@link CloseSampler} with "verify" in a tearDown Thread Group).
 */
public class PatchbayConfig extends ConfigTestElement implements TestBean, TestStateListener,
    NoConfigMerge {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PatchbayConfig.class);

  /** {@link #getMediaEngine()} value: SDP and signaling only, no native media (load tests). */
  public static final String MEDIA_SIGNALING_ONLY = "signaling-only";
  /** {@link #getMediaEngine()} value: the engine found on the classpath (patchbay-webrtc). */
  public static final String MEDIA_CLASSPATH = "classpath (webrtc)";

  private transient String patchbayName = "patchbay";
  private transient String edgeUrl = "";
  private transient String tenant = "";
  private transient String mediaEngine = MEDIA_SIGNALING_ONLY;
  private transient boolean allowPlaintext;
  private transient int maxSockets;
  private transient int maxNegotiations;
  private transient int connectAttempts;
  private transient long connectDeadlineMs;
  private transient int inviteAttempts;
  private transient long inviteDeadlineMs;
  private transient long upgradeTimeoutMs;
  private transient long helloTimeoutMs;
  private transient long inviteTimeoutMs;
  private transient long ringTimeoutMs;
  private transient long mediaTimeoutMs;
  private transient long sampleTimeoutMs;

  @Override
  public void testStarted() {
    testStarted("local");
  }

  @Override
  public void testStarted(String host) {
    TestBeanHelper.prepare(this); // fields are not set before the first sample otherwise
    String name = name();
    if (edgeUrl == null || edgeUrl.isBlank() || tenant == null || tenant.isBlank()) {
      throw new IllegalArgumentException("Patchbay config '" + name
          + "': edge URL and tenant are required");
    }
    EventRecorder recorder = new EventRecorder();
    Patchbay.Builder b = Patchbay.builder().edge(URI.create(edgeUrl.trim()))
        .eventListener(recorder);
    if (!MEDIA_CLASSPATH.equals(mediaEngine)) {
      b.mediaEngine(MediaEngines.signalingOnly());
    }
    if (allowPlaintext) {
      b.allowPlaintext();
    }
    if (maxSockets > 0 || maxNegotiations > 0) {
      TenantLimits.Builder limits = TenantLimits.builder();
      if (maxSockets > 0) {
        limits.maxSockets(maxSockets);
      }
      if (maxNegotiations > 0) {
        limits.maxNegotiations(maxNegotiations);
      }
      b.tenantLimits(tenant.trim(), limits.build());
    }
    UserAgentOptions.Builder o = UserAgentOptions.builder(tenant.trim());
    if (connectAttempts > 0 || connectDeadlineMs > 0) {
      o.connectRetry(retry(UserAgentOptions.DEFAULT_CONNECT_RETRY, connectAttempts,
          connectDeadlineMs));
    }
    if (inviteAttempts > 0 || inviteDeadlineMs > 0) {
      o.inviteRetry(retry(UserAgentOptions.DEFAULT_INVITE_RETRY, inviteAttempts,
          inviteDeadlineMs));
    }
    if (upgradeTimeoutMs > 0) {
      o.upgradeTimeout(Duration.ofMillis(upgradeTimeoutMs));
    }
    if (helloTimeoutMs > 0) {
      o.helloTimeout(Duration.ofMillis(helloTimeoutMs));
    }
    if (inviteTimeoutMs > 0) {
      o.inviteTimeout(Duration.ofMillis(inviteTimeoutMs));
    }
    if (ringTimeoutMs > 0) {
      o.ringTimeout(Duration.ofMillis(ringTimeoutMs));
    }
    if (mediaTimeoutMs > 0) {
      o.mediaTimeout(Duration.ofMillis(mediaTimeoutMs));
    }
    UserAgentOptions options = o.build();
    Patchbay patchbay = b.build();
    Duration sampleTimeout = Duration.ofMillis(sampleTimeoutMs > 0 ? sampleTimeoutMs : 180_000);
    try {
      EngineRegistry.register(new Engine(name, patchbay, options, recorder, sampleTimeout));
    } catch (RuntimeException e) {
      patchbay.close();
      throw e;
    }
    LOG.info("Patchbay '{}' started on {} for edge {} tenant {} ({})", name, host, edgeUrl,
        tenant, mediaEngine);
  }

  private static RetryPolicy retry(RetryPolicy defaults, int attempts, long deadlineMs) {
    RetryPolicy.Builder r = defaults.toBuilder();
    if (attempts > 0) {
      r.maxAttempts(attempts);
    }
    if (deadlineMs > 0) {
      r.deadline(Duration.ofMillis(deadlineMs));
    }
    return r.build();
  }

  @Override
  public void testEnded() {
    testEnded("local");
  }

  @Override
  public void testEnded(String host) {
    String name = name();
    EngineRegistry.remove(name).ifPresent(engine -> {
      int leftOpen = engine.openAgents();
      Diagnostics before = engine.diagnostics();
      engine.patchbay().close();
      Diagnostics after = engine.diagnostics();
      EngineRegistry.CloseReport report = new EngineRegistry.CloseReport(before, after, leftOpen);
      EngineRegistry.closed(name, report);
      if (report.clean()) {
        LOG.info("Patchbay '{}' closed on {}: nothing left open ({})", name, host, after);
      } else {
        LOG.error("Patchbay '{}' on {} LEAKED at test end: {} user agents of JMeter threads"
            + " still open; before close {}; after close {}", name, host, leftOpen, before,
            after);
      }
    });
  }

  private String name() {
    return patchbayName == null || patchbayName.isBlank() ? "patchbay" : patchbayName.trim();
  }

  /**
   * Name the samplers use to find this Patchbay; default {@code patchbay}.
   *
   * @return the name
   */
  public String getPatchbayName() {
    return patchbayName;
  }

  /**
   * Sets {@link #getPatchbayName()}.
   *
   * @param patchbayName the new value
   */
  public void setPatchbayName(String patchbayName) {
    this.patchbayName = patchbayName;
  }

  /**
   * The edge's base URL, e.g. {@code https://edge.example.com}.
   *
   * @return the edge URL
   */
  public String getEdgeUrl() {
    return edgeUrl;
  }

  /**
   * Sets {@link #getEdgeUrl()}.
   *
   * @param edgeUrl the new value
   */
  public void setEdgeUrl(String edgeUrl) {
    this.edgeUrl = edgeUrl;
  }

  /**
   * The tenant every user agent belongs to.
   *
   * @return the tenant
   */
  public String getTenant() {
    return tenant;
  }

  /**
   * Sets {@link #getTenant()}.
   *
   * @param tenant the new value
   */
  public void setTenant(String tenant) {
    this.tenant = tenant;
  }

  /**
   * {@link #MEDIA_SIGNALING_ONLY} (default) or {@link #MEDIA_CLASSPATH}.
   *
   * @return the media engine choice
   */
  public String getMediaEngine() {
    return mediaEngine;
  }

  /**
   * Sets {@link #getMediaEngine()}.
   *
   * @param mediaEngine the new value
   */
  public void setMediaEngine(String mediaEngine) {
    this.mediaEngine = mediaEngine;
  }

  /**
   * Accept a plaintext {@code http://} edge that is not on loopback.
   *
   * @return true to accept a plaintext edge off loopback
   */
  public boolean getAllowPlaintext() {
    return allowPlaintext;
  }

  /**
   * Sets {@link #getAllowPlaintext()}.
   *
   * @param allowPlaintext the new value
   */
  public void setAllowPlaintext(boolean allowPlaintext) {
    this.allowPlaintext = allowPlaintext;
  }

  /**
   * Local cap of open sockets of the tenant (queues locally); 0: the edge's advertised cap.
   *
   * @return the socket cap, or 0
   */
  public int getMaxSockets() {
    return maxSockets;
  }

  /**
   * Sets {@link #getMaxSockets()}.
   *
   * @param maxSockets the new value
   */
  public void setMaxSockets(int maxSockets) {
    this.maxSockets = maxSockets;
  }

  /**
   * Local cap of concurrent media negotiations; 0: the edge's advertised cap.
   *
   * @return the negotiation cap, or 0
   */
  public int getMaxNegotiations() {
    return maxNegotiations;
  }

  /**
   * Sets {@link #getMaxNegotiations()}.
   *
   * @param maxNegotiations the new value
   */
  public void setMaxNegotiations(int maxNegotiations) {
    this.maxNegotiations = maxNegotiations;
  }

  /**
   * Connect attempts (429/503/network) including the first; 0: SDK default (6).
   *
   * @return the connect attempts, or 0
   */
  public int getConnectAttempts() {
    return connectAttempts;
  }

  /**
   * Sets {@link #getConnectAttempts()}.
   *
   * @param connectAttempts the new value
   */
  public void setConnectAttempts(int connectAttempts) {
    this.connectAttempts = connectAttempts;
  }

  /**
   * No connect retry starts later than this; 0: SDK default (60 s).
   *
   * @return the connect deadline in ms, or 0
   */
  public long getConnectDeadlineMs() {
    return connectDeadlineMs;
  }

  /**
   * Sets {@link #getConnectDeadlineMs()}.
   *
   * @param connectDeadlineMs the new value
   */
  public void setConnectDeadlineMs(long connectDeadlineMs) {
    this.connectDeadlineMs = connectDeadlineMs;
  }

  /**
   * Invites sent for a call answered 503/504 (same call id); 0: SDK default (3).
   *
   * @return the invite attempts, or 0
   */
  public int getInviteAttempts() {
    return inviteAttempts;
  }

  /**
   * Sets {@link #getInviteAttempts()}.
   *
   * @param inviteAttempts the new value
   */
  public void setInviteAttempts(int inviteAttempts) {
    this.inviteAttempts = inviteAttempts;
  }

  /**
   * No invite retry starts later than this; 0: SDK default (60 s).
   *
   * @return the invite deadline in ms, or 0
   */
  public long getInviteDeadlineMs() {
    return inviteDeadlineMs;
  }

  /**
   * Sets {@link #getInviteDeadlineMs()}.
   *
   * @param inviteDeadlineMs the new value
   */
  public void setInviteDeadlineMs(long inviteDeadlineMs) {
    this.inviteDeadlineMs = inviteDeadlineMs;
  }

  /**
   * Deadline of the WebSocket upgrade; 0: SDK default (10 s).
   *
   * @return the upgrade deadline in ms, or 0
   */
  public long getUpgradeTimeoutMs() {
    return upgradeTimeoutMs;
  }

  /**
   * Sets {@link #getUpgradeTimeoutMs()}.
   *
   * @param upgradeTimeoutMs the new value
   */
  public void setUpgradeTimeoutMs(long upgradeTimeoutMs) {
    this.upgradeTimeoutMs = upgradeTimeoutMs;
  }

  /**
   * Deadline of the edge's hello; 0: SDK default (5 s).
   *
   * @return the hello deadline in ms, or 0
   */
  public long getHelloTimeoutMs() {
    return helloTimeoutMs;
  }

  /**
   * Sets {@link #getHelloTimeoutMs()}.
   *
   * @param helloTimeoutMs the new value
   */
  public void setHelloTimeoutMs(long helloTimeoutMs) {
    this.helloTimeoutMs = helloTimeoutMs;
  }

  /**
   * Deadline from invite to the edge's first answer; 0: SDK default (30 s).
   *
   * @return the invite deadline in ms, or 0
   */
  public long getInviteTimeoutMs() {
    return inviteTimeoutMs;
  }

  /**
   * Sets {@link #getInviteTimeoutMs()}.
   *
   * @param inviteTimeoutMs the new value
   */
  public void setInviteTimeoutMs(long inviteTimeoutMs) {
    this.inviteTimeoutMs = inviteTimeoutMs;
  }

  /**
   * Deadline of ringing; 0: SDK default (60 s).
   *
   * @return the ringing deadline in ms, or 0
   */
  public long getRingTimeoutMs() {
    return ringTimeoutMs;
  }

  /**
   * Sets {@link #getRingTimeoutMs()}.
   *
   * @param ringTimeoutMs the new value
   */
  public void setRingTimeoutMs(long ringTimeoutMs) {
    this.ringTimeoutMs = ringTimeoutMs;
  }

  /**
   * Deadline from offer/answer to connected media; 0: SDK default (15 s).
   *
   * @return the media deadline in ms, or 0
   */
  public long getMediaTimeoutMs() {
    return mediaTimeoutMs;
  }

  /**
   * Sets {@link #getMediaTimeoutMs()}.
   *
   * @param mediaTimeoutMs the new value
   */
  public void setMediaTimeoutMs(long mediaTimeoutMs) {
    this.mediaTimeoutMs = mediaTimeoutMs;
  }

  /**
   * Upper bound of one blocking wait of a sampler; 0: 180 s.
   *
   * @return the wait bound in ms, or 0
   */
  public long getSampleTimeoutMs() {
    return sampleTimeoutMs;
  }

  /**
   * Sets {@link #getSampleTimeoutMs()}.
   *
   * @param sampleTimeoutMs the new value
   */
  public void setSampleTimeoutMs(long sampleTimeoutMs) {
    this.sampleTimeoutMs = sampleTimeoutMs;
  }
}
