package dev.patchbay.webrtc.internal;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import dev.patchbay.webrtc.MediaStats;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Folds an {@link RTCStatsReport} into the SDK's {@link MediaStats}. */
final class StatsMapper {
  /** How the SDK's logs mask what must not leak. */
  static final String MASK = "██";

  private StatsMapper() {}

  /**
   * The snapshot of one report.
   *
   * @param report libwebrtc's report
   * @param iceConnectionState the peer connection's ICE state, used while the report has no
   *     transport (before the first description is applied)
   */
  static MediaStats map(RTCStatsReport report, String iceConnectionState) {
    Map<String, RTCStats> byId = report.getStats();
    Double pairRtt = null;
    Double rtcpRtt = null;
    Double jitter = null;
    long lost = 0;
    long sent = 0;
    long received = 0;
    long bytesSent = 0;
    long bytesReceived = 0;
    String sentCodecId = null;
    String receivedCodecId = null;
    RTCStats transport = null;
    for (RTCStats s : byId.values()) {
      Map<String, Object> a = s.getAttributes();
      if (s.getType() == RTCStatsType.CANDIDATE_PAIR) {
        boolean nominated = Boolean.TRUE.equals(a.get("nominated"));
        Double rtt = number(a.get("currentRoundTripTime"));
        if (rtt != null && (nominated || pairRtt == null)) {
          pairRtt = rtt;
        }
      } else if (s.getType() == RTCStatsType.REMOTE_INBOUND_RTP) {
        Double rtt = number(a.get("roundTripTime"));
        if (rtt != null) {
          rtcpRtt = rtt;
        }
      } else if (s.getType() == RTCStatsType.INBOUND_RTP && "audio".equals(kind(a))) {
        Double j = number(a.get("jitter"));
        if (j != null) {
          jitter = j;
        }
        lost += whole(a.get("packetsLost"));
        received += whole(a.get("packetsReceived"));
        bytesReceived += whole(a.get("bytesReceived"));
        receivedCodecId = text(a.get("codecId"));
      } else if (s.getType() == RTCStatsType.OUTBOUND_RTP && "audio".equals(kind(a))) {
        sent += whole(a.get("packetsSent"));
        bytesSent += whole(a.get("bytesSent"));
        sentCodecId = text(a.get("codecId"));
      } else if (s.getType() == RTCStatsType.TRANSPORT) {
        transport = s;
      }
    }
    Map<String, Object> t = transport == null ? Map.of() : transport.getAttributes();
    RTCStats selected = byId.get(text(t.get("selectedCandidatePairId")));
    if (selected != null) {
      Double rtt = number(selected.getAttributes().get("currentRoundTripTime"));
      pairRtt = rtt != null ? rtt : pairRtt;
    }
    Double rtt = pairRtt != null ? pairRtt : rtcpRtt;
    String iceState = text(t.get("iceState"));
    String dtlsState = text(t.get("dtlsState"));
    String dtlsRole = text(t.get("dtlsRole"));
    return new MediaStats(seconds(rtt), seconds(jitter), lost, sent, received, bytesSent,
        bytesReceived,
        Optional.ofNullable(selected).flatMap(pair -> pair(pair, byId)),
        codec(byId.get(sentCodecId != null ? sentCodecId : receivedCodecId)),
        "client".equals(dtlsRole) || "server".equals(dtlsRole)
            ? Optional.of(dtlsRole) : Optional.empty(),
        iceState != null ? iceState : iceConnectionState,
        dtlsState != null ? dtlsState : "new");
  }

  /** libwebrtc's ICE connection state as WebRTC names it ({@code CHECKING} → "checking"). */
  static String iceStateName(Enum<?> state) {
    return state == null ? "new" : state.name().toLowerCase(Locale.ROOT);
  }

  private static Optional<MediaStats.CandidatePair> pair(RTCStats pair,
      Map<String, RTCStats> byId) {
    RTCStats local = byId.get(text(pair.getAttributes().get("localCandidateId")));
    RTCStats remote = byId.get(text(pair.getAttributes().get("remoteCandidateId")));
    if (local == null || remote == null) {
      return Optional.empty();
    }
    Map<String, Object> l = local.getAttributes();
    Map<String, Object> r = remote.getAttributes();
    return Optional.of(new MediaStats.CandidatePair(
        orUnknown(l.get("candidateType")), orUnknown(r.get("candidateType")),
        orUnknown(l.get("protocol")), redacted(l), redacted(r)));
  }

  /** The host part masked, the port kept: {@code ██:50712}, {@code [██]:50712} for IPv6. */
  static String redacted(Map<String, Object> candidate) {
    Object host = candidate.get("address") != null ? candidate.get("address")
        : candidate.get("ip");
    String masked = host != null && host.toString().contains(":") ? "[" + MASK + "]" : MASK;
    Object port = candidate.get("port");
    return port instanceof Number n ? masked + ":" + n.intValue() : masked;
  }

  private static Optional<String> codec(RTCStats codec) {
    if (codec == null) {
      return Optional.empty();
    }
    Map<String, Object> a = codec.getAttributes();
    String mime = text(a.get("mimeType"));
    if (mime == null) {
      return Optional.empty();
    }
    StringBuilder b = new StringBuilder(mime.substring(mime.indexOf('/') + 1));
    if (a.get("clockRate") instanceof Number rate) {
      b.append('/').append(rate.longValue());
      if (a.get("channels") instanceof Number channels) {
        b.append('/').append(channels.longValue());
      }
    }
    return Optional.of(b.toString());
  }

  private static Object kind(Map<String, Object> a) {
    Object kind = a.get("kind");
    return kind != null ? kind : a.get("mediaType");
  }

  private static String text(Object o) {
    return o == null ? null : o.toString();
  }

  private static String orUnknown(Object o) {
    return o == null ? "unknown" : o.toString();
  }

  private static Optional<Duration> seconds(Double s) {
    return s == null ? Optional.empty() : Optional.of(Duration.ofNanos(Math.round(s * 1e9)));
  }

  private static Double number(Object o) {
    return o instanceof Number n ? n.doubleValue() : null;
  }

  private static long whole(Object o) {
    return o instanceof Number n ? n.longValue() : 0;
  }
}
