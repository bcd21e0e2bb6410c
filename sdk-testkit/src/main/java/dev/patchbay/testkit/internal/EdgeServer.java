package dev.patchbay.testkit.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Jetty 12 server (core handler API, no servlets) and its routing. */
public final class EdgeServer {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);

  /** Extra routes (admin endpoints of the launcher). */
  public interface Route {
    void handle(Request request, Response response, Callback callback) throws Exception;
  }

  private final Server server;
  private final ServerConnector connector;
  private final EdgeModel model;
  private volatile Map<String, Route> extraRoutes = Map.of();
  private OAuthHandler oauth;
  private SignalingHandler signaling;

  public EdgeServer(EdgeModel model, String host, int port, int maxThreads) {
    this(model, host, port, maxThreads, null);
  }

  /**
   * @param tls serves https/wss with this key store's certificate when not null
   */
  public EdgeServer(EdgeModel model, String host, int port, int maxThreads,
      org.eclipse.jetty.util.ssl.SslContextFactory.Server tls) {
    this.model = model;
    QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(4, maxThreads));
    pool.setName("fake-edge");
    pool.setDaemon(true);
    this.server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    http.setHeaderCacheSize(0); // the upgrade request (and its parser) stays referenced by the session
    http.setRequestHeaderSize(8192);
    this.connector = tls == null
        ? new ServerConnector(server, 1, 1, new HttpConnectionFactory(http))
        : new ServerConnector(server, 1, 1,
            new org.eclipse.jetty.server.SslConnectionFactory(tls, "http/1.1"),
            new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setAcceptQueueSize(4096);
    connector.setIdleTimeout(Duration.ofMinutes(5).toMillis());
    server.addConnector(connector);
    ServerWebSocketContainer container = ServerWebSocketContainer.ensure(server);
    container.setMaxTextMessageSize(1024 * 1024);
    container.setIdleTimeout(Duration.ofMinutes(10));
    container.setInputBufferSize(4096);
    container.setOutputBufferSize(4096);
    server.setHandler(new Root());
    server.setStopTimeout(0);
    pool.setStopTimeout(200);
    this.signaling = new SignalingHandler(model, container);
  }

  public void oauth(OAuthHandler oauth) {
    this.oauth = oauth;
  }

  public void routes(Map<String, Route> routes) {
    this.extraRoutes = Map.copyOf(routes);
  }

  public void start() throws Exception {
    server.start();
  }

  public int port() {
    return connector.getLocalPort();
  }

  public String host() {
    return connector.getHost();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  public int serverThreads() {
    return ((QueuedThreadPool) server.getThreadPool()).getThreads();
  }

  public void stop() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("fake edge did not stop cleanly: {}", e.toString());
    }
  }

  private final class Root extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      try {
        switch (path) {
          case "/v1/signaling" -> signaling.handle(request, response, callback);
          case "/oauth/token" -> oauth.token(request, response, callback);
          case "/oauth/authorize" -> oauth.authorize(request, response, callback);
          case "/oauth/revoke" -> oauth.revoke(request, response, callback);
          default -> {
            Route r = extraRoutes.get(path);
            if (r != null) {
              r.handle(request, response, callback);
            } else {
              Http.json(response, callback, 404, Map.of("status", 404, "error", "not_found",
                  "message", "no such endpoint"));
            }
          }
        }
      } catch (Exception e) {
        model.counters.inc("serverErrors");
        LOG.error("fake edge failed on {}", path, e);
        if (!response.isCommitted()) {
          Http.json(response, callback, 500, Map.of("status", 500, "error", "server_error",
              "message", "fake edge internal error"));
        } else {
          callback.failed(e);
        }
      }
      return true;
    }
  }
}
