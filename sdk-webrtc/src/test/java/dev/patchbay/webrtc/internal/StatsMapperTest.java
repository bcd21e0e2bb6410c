package dev.patchbay.webrtc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import dev.patchbay.webrtc.MediaStats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping of a libwebrtc stats report, on reports shaped like libwebrtc's own. */
class StatsMapperTest {
  private final Map<String, RTCStats> stats = new LinkedHashMap<>();

  @Test
  void theTransportsSelectedPairCodecDtlsRoleAndStatesAreReportedWithRedactedAddresses() {
    add(RTCStatsType.TRANSPORT, "T01", Map.of("dtlsRole", "client", "iceState", "connected",
        "dtlsState", "connected", "selectedCandidatePairId", "CP2"));
    // Another pair, also nominated, is not the selected one.
    add(RTCStatsType.CANDIDATE_PAIR, "CP1", Map.of("localCandidateId", "L1",
        "remoteCandidateId", "R1", "nominated", true, "currentRoundTripTime", 0.5));
    add(RTCStatsType.CANDIDATE_PAIR, "CP2", Map.of("localCandidateId", "L2",
        "remoteCandidateId", "R2", "nominated", true, "currentRoundTripTime", 0.012));
    add(RTCStatsType.LOCAL_CANDIDATE, "L1", candidate("host", "192.0.2.1", 1111));
    add(RTCStatsType.LOCAL_CANDIDATE, "L2", candidate("relay", "198.51.100.7", 50712));
    add(RTCStatsType.REMOTE_CANDIDATE, "R1", candidate("host", "192.0.2.2", 2222));
    add(RTCStatsType.REMOTE_CANDIDATE, "R2", candidate("srflx", "2001:db8::5", 40000));
    add(RTCStatsType.CODEC, "CO111", Map.of("mimeType", "audio/opus", "clockRate", 48000L,
        "channels", 2L));
    add(RTCStatsType.CODEC, "CI0", Map.of("mimeType", "audio/PCMU", "clockRate", 8000L));
    add(RTCStatsType.OUTBOUND_RTP, "O1", Map.of("kind", "audio", "codecId", "CO111",
        "packetsSent", 50L, "bytesSent", 4000L));
    add(RTCStatsType.INBOUND_RTP, "I1", Map.of("kind", "audio", "codecId", "CI0",
        "packetsReceived", 40L, "bytesReceived", 3000L, "packetsLost", 2L, "jitter", 0.003));

    MediaStats s = StatsMapper.map(report(), "checking");

    assertThat(s.roundTripTime()).contains(Duration.ofMillis(12));
    assertThat(s.jitter()).contains(Duration.ofMillis(3));
    assertThat(s.packetsSent()).isEqualTo(50);
    assertThat(s.packetsReceived()).isEqualTo(40);
    assertThat(s.packetsLost()).isEqualTo(2);
    assertThat(s.selectedCandidatePair()).contains(new MediaStats.CandidatePair("relay", "srflx",
        "udp", "██:50712", "[██]:40000"));
    assertThat(s.codec()).as("what is sent").contains("opus/48000/2");
    assertThat(s.dtlsRole()).contains("client");
    assertThat(s.iceState()).as("the transport's, not the fallback").isEqualTo("connected");
    assertThat(s.dtlsState()).isEqualTo("connected");
    assertThat(s.toString()).doesNotContain("198.51.100.7").doesNotContain("2001:db8")
        .doesNotContain("192.0.2");
  }

  @Test
  void beforeAnyTransportTheStatesComeFromThePeerConnectionAndTheRestIsEmpty() {
    add(RTCStatsType.PEER_CONNECTION, "P", Map.of());

    MediaStats s = StatsMapper.map(report(), StatsMapper.iceStateName(
        dev.onvoid.webrtc.RTCIceConnectionState.NEW));

    assertThat(s.selectedCandidatePair()).isEmpty();
    assertThat(s.codec()).isEmpty();
    assertThat(s.dtlsRole()).isEmpty();
    assertThat(s.roundTripTime()).isEmpty();
    assertThat(s.iceState()).isEqualTo("new");
    assertThat(s.dtlsState()).isEqualTo("new");
  }

  @Test
  void receivedCodecWhenNothingIsSentAndAnUnknownDtlsRoleIsLeftOut() {
    add(RTCStatsType.TRANSPORT, "T01", Map.of("dtlsRole", "unknown", "iceState", "checking",
        "dtlsState", "new"));
    add(RTCStatsType.CODEC, "CI0", Map.of("mimeType", "audio/PCMU", "clockRate", 8000L));
    add(RTCStatsType.INBOUND_RTP, "I1", Map.of("kind", "audio", "codecId", "CI0"));

    MediaStats s = StatsMapper.map(report(), "connected");

    assertThat(s.codec()).contains("PCMU/8000");
    assertThat(s.dtlsRole()).isEmpty();
    assertThat(s.iceState()).isEqualTo("checking");
  }

  private static Map<String, Object> candidate(String type, String address, int port) {
    return Map.of("candidateType", type, "protocol", "udp", "address", address, "ip", address,
        "port", port);
  }

  private void add(RTCStatsType type, String id, Map<String, Object> attributes) {
    stats.put(id, new RTCStats(0, type, id, attributes) { });
  }

  private RTCStatsReport report() {
    return new RTCStatsReport(stats, 0) { };
  }
}
