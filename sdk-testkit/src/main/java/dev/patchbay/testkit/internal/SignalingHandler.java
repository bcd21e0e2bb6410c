package dev.patchbay.testkit.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /v1/signaling}: admission (refusals with JSON bodies), then the WebSocket upgrade. */
public final class SignalingHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SignalingHandler.class);
  public static final String SUBPROTOCOL = "patchbay.v1";
  public static final String USER_HEADER = "Patchbay-User";
  /** Names one upgrade attempt (protocol §3): an HTTP client's repeat carries the same id. */
  static final String UPGRADE_ID_HEADER = "Patchbay-Upgrade-Id";

  private final EdgeModel model;
  private final ServerWebSocketContainer container;

  public SignalingHandler(EdgeModel model, ServerWebSocketContainer container) {
    this.model = model;
    this.container = container;
  }

  public void handle(Request request, Response response, Callback callback) {
    model.counters.inc("upgradeAttempts");
    String token = Http.bearer(request);
    TokenStore.AccessGrant grant = model.tokens.lookup(token);
    String userHeader = request.getHeaders().get(USER_HEADER);
    model.recordHandshake(grant != null ? grant.user() : userHeader);

    String tenant = grant != null ? grant.tenant() : null;
    String user = grant != null ? grant.user() : userHeader;
    dev.patchbay.testkit.Fault.RefuseUpgrade scripted =
        model.faults.take(dev.patchbay.testkit.Fault.RefuseUpgrade.class, tenant, user);
    if (scripted != null) {
      model.countRefusal(scripted.status());
      Http.refusal(response, callback, new Refusal(scripted.status(), "scripted_refusal",
          "upgrade refused by a scripted fault",
          scripted.retryAfter() == null ? 0 : Math.max(1, scripted.retryAfter().toSeconds())));
      return;
    }
    String upgrade = request.getHeaders().get(HttpHeader.UPGRADE);
    if (!"GET".equals(request.getMethod()) || upgrade == null
        || !upgrade.equalsIgnoreCase("websocket")) {
      model.countRefusal(400);
      Http.refusal(response, callback, new Refusal(400, "not_websocket",
          "expected a WebSocket upgrade (GET with Upgrade: websocket)", 0));
      return;
    }
    List<String> protocols = request.getHeaders().getCSV(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL,
        true);
    if (!protocols.contains(SUBPROTOCOL)) {
      model.countRefusal(400);
      Http.refusal(response, callback, new Refusal(400, "unsupported_subprotocol",
          "Sec-WebSocket-Protocol must offer " + SUBPROTOCOL, 0));
      return;
    }
    Duration delay = model.handshakeDelay(tenant, user);
    if (delay.isZero()) {
      proceed(request, response, callback, token, grant, userHeader);
    } else {
      model.scheduler.schedule(() -> {
        if (clientGone(request)) { // the client gave up during the delay: nothing to admit
          model.counters.inc("abandonedHandshakes");
          // an EofException (a QuietException): Jetty ends the exchange without a WARN
          callback.failed(new org.eclipse.jetty.io.EofException(
              "client closed during the handshake delay"));
          LOG.debug("a client of {} hung up during the handshake delay of {} ms", user,
              delay.toMillis());
          return;
        }
        proceed(request, response, callback, token, grant, userHeader);
      }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** True when the client's TCP connection is already closed (checked with a 1-byte peek). */
  private static boolean clientGone(Request request) {
    org.eclipse.jetty.io.EndPoint ep =
        request.getConnectionMetaData().getConnection().getEndPoint();
    if (!ep.isOpen() || ep.isInputShutdown()) {
      return true;
    }
    try {
      java.nio.ByteBuffer probe = java.nio.ByteBuffer.allocate(1);
      probe.flip();
      return ep.fill(probe) < 0; // -1: the client closed; 0: still there, nothing sent
    } catch (java.io.IOException e) {
      return true;
    }
  }

  private void proceed(Request request, Response response, Callback callback, String token,
      TokenStore.AccessGrant grant, String userHeader) {
    try {
      EdgeModel.Admission a = model.admit(token, grant, userHeader,
          request.getHeaders().get(UPGRADE_ID_HEADER));
      if (a.refusal() != null) {
        Http.refusal(response, callback, a.refusal());
        return;
      }
      EdgeConnection conn = a.connection();
      Callback guarded = Callback.from(callback::succeeded, x -> {
        model.abandon(conn);
        callback.failed(x);
      });
      boolean upgraded = container.upgrade((rq, rs, cb) -> {
        rs.setAcceptedSubProtocol(SUBPROTOCOL);
        return conn;
      }, request, response, guarded);
      if (!upgraded) {
        model.abandon(conn);
        model.countRefusal(400);
        Http.refusal(response, callback, new Refusal(400, "upgrade_failed",
            "the WebSocket upgrade could not be performed", 0));
      }
    } catch (RuntimeException e) {
      model.counters.inc("serverErrors");
      LOG.error("upgrade failed", e);
      callback.failed(e);
    }
  }
}
