package dev.patchbay.webrtc.internal;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import dev.patchbay.webrtc.MediaStats;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Folds an {@link RTCStatsReport} into the SDK's {@link MediaStats}. */
final class StatsMapper {
  private StatsMapper() {}

  static MediaStats map(RTCStatsReport report) {
    Double pairRtt = null;
    Double rtcpRtt = null;
    Double jitter = null;
    long lost = 0;
    long sent = 0;
    long received = 0;
    long bytesSent = 0;
    long bytesReceived = 0;
    for (RTCStats s : report.getStats().values()) {
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
      } else if (s.getType() == RTCStatsType.OUTBOUND_RTP && "audio".equals(kind(a))) {
        sent += whole(a.get("packetsSent"));
        bytesSent += whole(a.get("bytesSent"));
      }
    }
    Double rtt = pairRtt != null ? pairRtt : rtcpRtt;
    return new MediaStats(seconds(rtt), seconds(jitter), lost, sent, received, bytesSent,
        bytesReceived);
  }

  private static Object kind(Map<String, Object> a) {
    Object kind = a.get("kind");
    return kind != null ? kind : a.get("mediaType");
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
