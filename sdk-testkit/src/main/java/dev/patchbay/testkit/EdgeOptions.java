package dev.patchbay.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The command-line syntax of a standalone fake edge, shared by every program that starts one
 * (the testkit's {@link FakeEdgeLauncher} and the examples' {@code edge} command): one parser,
 * one {@link #USAGE}. Options may repeat; a later value wins, lists add up. Immutable once
 * parsed.
 */
public final class EdgeOptions {
  /** The options, one per line, as {@code --help} prints them. */
  public static final String USAGE = String.join("\n",
      "  --host H                  bind address (default 127.0.0.1)",
      "  --port N                  port (default 0 = any free port)",
      "  --port-file F             write the bound port to F",
      "  --profile lenient|field   default limits (see docs/protocol.md)",
      "  --users N|LIST            N: user-0..user-N-1 in --tenant with --secret;",
      "                            LIST: tenant:user:secret,... (repeatable)",
      "  --user T:ID:SECRET        add users (comma-separated, repeatable)",
      "  --backends LIST           backend clients for token exchange as tenant:client:secret,...",
      "                            (--backend is the same; repeatable)",
      "  --tenant T                tenant of --users N and of the limit options (default load)",
      "  --secret S                secret of --users N (default secret)",
      "  --socket-cap N --user-socket-limit N --media-capacity N --media-queue N",
      "  --negotiation-timeout-ms N  limits of --tenant",
      "  --limits T:K=V,...        limits of any tenant T (repeatable); K is socketCap,",
      "                            userSocketLimit, mediaCapacity, mediaQueueLimit,",
      "                            negotiationTimeoutMs or retryAfterMs",
      "  --token-ttl-ms N --heartbeat-ms N --resume-window-ms N",
      "  --seed N                  seed of random faults (default 42)",
      "  --no-frame-log            do not keep frame logs (throughput runs)",
      "  --no-logout               hello does not offer logout: clients revoke over HTTP",
      "  --max-threads N           Jetty thread-pool ceiling (default 64)",
      "  --run-for D               stop after D (30s, 500ms, 2m; default: until killed)");

  /** Where the limit options of {@code --tenant} wait until the tenant is known. */
  private static final String FOR_TENANT = "\0";

  private final FakeEdge.Builder builder;
  private final boolean help;
  private final boolean frameLog;
  private final Path portFile;
  private final Duration runFor;

  private EdgeOptions(FakeEdge.Builder builder, boolean help, boolean frameLog, Path portFile,
      Duration runFor) {
    this.builder = builder;
    this.help = help;
    this.frameLog = frameLog;
    this.portFile = portFile;
    this.runFor = runFor;
  }

  /**
   * Parses the options of {@link #USAGE}.
   *
   * @param args the command-line arguments
   * @return the parsed options
   * @throws IllegalArgumentException naming the bad option
   */
  public static EdgeOptions parse(String... args) {
    FakeEdge.Builder b = FakeEdge.builder();
    boolean help = false;
    boolean frameLog = true;
    Path portFile = null;
    Duration runFor = null;
    String tenant = "load";
    String secret = "secret";
    int users = 0;
    Map<String, Map<String, String>> limits = new LinkedHashMap<>();
    List<String[]> userList = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        help = true;
        continue;
      }
      if (a.equals("--no-frame-log")) {
        frameLog = false;
        continue;
      }
      if (a.equals("--no-logout")) {
        b.logout(false);
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      try {
        switch (a) {
          case "--host" -> b.host(v);
          case "--port" -> b.port(Integer.parseInt(v));
          case "--port-file" -> portFile = Path.of(v);
          case "--profile" -> b.profile(Profile.valueOf(v.toUpperCase(Locale.ROOT)));
          case "--tenant" -> tenant = v;
          case "--users" -> {
            if (v.contains(":")) {
              userList.addAll(triples(a, v));
            } else {
              users = Integer.parseInt(v);
            }
          }
          case "--secret" -> secret = v;
          case "--user" -> userList.addAll(triples(a, v));
          case "--backend", "--backends" -> triples(a, v).forEach(p ->
              b.backendClient(p[0], p[1], p[2]));
          case "--socket-cap" -> limit(limits, FOR_TENANT, "socketCap", v);
          case "--user-socket-limit" -> limit(limits, FOR_TENANT, "userSocketLimit", v);
          case "--media-capacity" -> limit(limits, FOR_TENANT, "mediaCapacity", v);
          case "--media-queue" -> limit(limits, FOR_TENANT, "mediaQueueLimit", v);
          case "--negotiation-timeout-ms" ->
              limit(limits, FOR_TENANT, "negotiationTimeoutMs", v);
          case "--limits" -> {
            int colon = v.indexOf(':');
            if (colon <= 0) {
              throw new IllegalArgumentException("--limits must be TENANT:KEY=VALUE,..., but was "
                  + v);
            }
            for (String kv : v.substring(colon + 1).split(",")) {
              String[] p = kv.trim().split("=", 2);
              if (p.length != 2) {
                throw new IllegalArgumentException("--limits entries must be KEY=VALUE, but was "
                    + kv.trim());
              }
              limit(limits, v.substring(0, colon), p[0], p[1]);
            }
          }
          case "--token-ttl-ms" -> b.tokenTtl(Duration.ofMillis(Long.parseLong(v)));
          case "--heartbeat-ms" -> b.heartbeat(Duration.ofMillis(Long.parseLong(v)));
          case "--resume-window-ms" -> b.resumeWindow(Duration.ofMillis(Long.parseLong(v)));
          case "--seed" -> b.seed(Long.parseLong(v));
          case "--max-threads" -> b.maxThreads(Integer.parseInt(v));
          case "--run-for" -> runFor = duration(a, v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(a + " needs a number, but was " + v);
      }
    }
    // the tenant of the limit options is known only at the end
    Map<String, String> pending = limits.remove(FOR_TENANT);
    if (pending != null) {
      limits.computeIfAbsent(tenant, k -> new LinkedHashMap<>()).putAll(pending);
    }
    for (Map.Entry<String, Map<String, String>> e : limits.entrySet()) {
      Map<String, String> l = e.getValue();
      b.tenant(e.getKey(), t -> apply(t, l));
    }
    for (String[] u : userList) {
      b.user(u[0], u[1], u[2]);
    }
    for (int i = 0; i < users; i++) {
      b.user(tenant, "user-" + i, secret);
    }
    return new EdgeOptions(b, help, frameLog, portFile, runFor);
  }

  private static void limit(Map<String, Map<String, String>> limits, String tenant, String key,
      String value) {
    if (!List.of("socketCap", "userSocketLimit", "mediaCapacity", "mediaQueueLimit",
        "negotiationTimeoutMs", "retryAfterMs").contains(key)) {
      throw new IllegalArgumentException("unknown tenant limit " + key);
    }
    Long.parseLong(value); // a number, checked now
    limits.computeIfAbsent(tenant, k -> new LinkedHashMap<>()).put(key, value);
  }

  private static void apply(TenantSpec t, Map<String, String> l) {
    l.forEach((k, v) -> {
      switch (k) {
        case "socketCap" -> t.socketCap(Integer.parseInt(v));
        case "userSocketLimit" -> t.userSocketLimit(Integer.parseInt(v));
        case "mediaCapacity" -> t.mediaCapacity(Integer.parseInt(v));
        case "mediaQueueLimit" -> t.mediaQueueLimit(Integer.parseInt(v));
        case "negotiationTimeoutMs" -> t.negotiationTimeout(Duration.ofMillis(Long.parseLong(v)));
        default -> t.retryAfter(Duration.ofMillis(Long.parseLong(v)));
      }
    });
  }

  private static List<String[]> triples(String opt, String list) {
    List<String[]> out = new ArrayList<>();
    for (String item : list.split(",")) {
      String[] p = item.trim().split(":", 3);
      if (p.length != 3 || p[0].isEmpty() || p[1].isEmpty() || p[2].isEmpty()) {
        throw new IllegalArgumentException(opt + " entries must be TENANT:ID:SECRET, but was "
            + item.trim());
      }
      out.add(p);
    }
    return out;
  }

  static Duration duration(String opt, String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      if (s.endsWith("s")) {
        return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1))
            * 1000));
      }
      if (s.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)) * 60);
      }
      return Duration.ofMillis((long) (Double.parseDouble(s) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(opt + " must be a duration like 30s, 500ms or 2m, but "
          + "was " + v);
    }
  }

  /**
   * The configured builder (admin endpoints not yet turned on).
   *
   * @return the builder
   */
  public FakeEdge.Builder builder() {
    return builder;
  }

  /**
   * Whether {@code --help} was given.
   *
   * @return true to print the usage and stop
   */
  public boolean help() {
    return help;
  }

  /**
   * False when {@code --no-frame-log} was given.
   *
   * @return whether to keep frame logs
   */
  public boolean frameLog() {
    return frameLog;
  }

  /**
   * The {@code --port-file}, if given.
   *
   * @return the file to write the bound port to
   */
  public Optional<Path> portFile() {
    return Optional.ofNullable(portFile);
  }

  /**
   * The {@code --run-for} duration, if given.
   *
   * @return how long to run
   */
  public Optional<Duration> runFor() {
    return Optional.ofNullable(runFor);
  }
}
