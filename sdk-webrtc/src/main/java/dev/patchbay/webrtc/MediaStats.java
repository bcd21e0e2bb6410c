package dev.patchbay.webrtc;

import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of one call's audio statistics (from libwebrtc's {@code getStats}). Values the
 * stack has not measured yet are empty or 0.
 *
 * @param roundTripTime current round-trip time of the selected ICE candidate pair (or, failing
 *     that, from RTCP), if measured
 * @param jitter receive jitter, if measured
 * @param packetsLost packets lost on the receive side (cumulative; can be negative per RFC 3550)
 * @param packetsSent RTP packets sent
 * @param packetsReceived RTP packets received
 * @param bytesSent payload bytes sent
 * @param bytesReceived payload bytes received
 */
public record MediaStats(
    Optional<Duration> roundTripTime,
    Optional<Duration> jitter,
    long packetsLost,
    long packetsSent,
    long packetsReceived,
    long bytesSent,
    long bytesReceived) {}
