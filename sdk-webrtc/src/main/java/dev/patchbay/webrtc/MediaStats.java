package dev.patchbay.webrtc;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one call's audio statistics and of what its transport chose (from libwebrtc's
 * {@code getStats}): traffic, and for interop debugging the selected candidate pair, the codec,
 * the DTLS role and the ICE and DTLS states. Values the stack has not measured yet are empty or
 * 0. Addresses are never given in full: see {@link CandidatePair}.
 *
 * @param roundTripTime current round-trip time of the selected ICE candidate pair (or, failing
 *     that, from RTCP), if measured
 * @param jitter receive jitter, if measured
 * @param packetsLost packets lost on the receive side (cumulative; can be negative per RFC 3550)
 * @param packetsSent RTP packets sent
 * @param packetsReceived RTP packets received
 * @param bytesSent payload bytes sent
 * @param bytesReceived payload bytes received
 * @param selectedCandidatePair the candidate pair ICE selected, once it selected one
 * @param codec the codec of the sent audio (or, while nothing is sent, of the received audio)
 *     as in an SDP {@code rtpmap}: {@code opus/48000/2}; empty before negotiation
 * @param dtlsRole {@code client} or {@code server} once DTLS negotiated it
 * @param iceState the transport's ICE state as WebRTC names it: {@code new}, {@code checking},
 *     {@code connected}, {@code completed}, {@code disconnected}, {@code failed} or
 *     {@code closed}
 * @param dtlsState the transport's DTLS state as WebRTC names it: {@code new},
 *     {@code connecting}, {@code connected}, {@code closed} or {@code failed}
 */
public record MediaStats(
    Optional<Duration> roundTripTime,
    Optional<Duration> jitter,
    long packetsLost,
    long packetsSent,
    long packetsReceived,
    long bytesSent,
    long bytesReceived,
    Optional<CandidatePair> selectedCandidatePair,
    Optional<String> codec,
    Optional<String> dtlsRole,
    String iceState,
    String dtlsState) {

  /**
   * Checks the snapshot.
   *
   * @param roundTripTime round-trip time, if measured
   * @param jitter receive jitter, if measured
   * @param packetsLost packets lost on the receive side
   * @param packetsSent RTP packets sent
   * @param packetsReceived RTP packets received
   * @param bytesSent payload bytes sent
   * @param bytesReceived payload bytes received
   * @param selectedCandidatePair the selected candidate pair, if any
   * @param codec the codec, if negotiated
   * @param dtlsRole the DTLS role, if negotiated
   * @param iceState the ICE state
   * @param dtlsState the DTLS state
   * @throws NullPointerException when a component is null
   */
  public MediaStats {
    Objects.requireNonNull(roundTripTime, "roundTripTime");
    Objects.requireNonNull(jitter, "jitter");
    Objects.requireNonNull(selectedCandidatePair, "selectedCandidatePair");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(dtlsRole, "dtlsRole");
    Objects.requireNonNull(iceState, "iceState");
    Objects.requireNonNull(dtlsState, "dtlsState");
  }

  /**
   * The ICE candidate pair that carries the media. Addresses are redacted as the SDK's logs
   * redact what must not leak: the host part is masked ({@code ██}), the port is kept, so
   * {@code ██:50712} or {@code [██]:50712} (IPv6). The candidate types tell what kind of
   * address it was.
   *
   * @param localType the local candidate's type: {@code host}, {@code srflx}, {@code prflx} or
   *     {@code relay}
   * @param remoteType the remote candidate's type, as {@code localType}
   * @param protocol the transport protocol of the pair, {@code udp} or {@code tcp}
   * @param localAddress the local candidate's address, redacted
   * @param remoteAddress the remote candidate's address, redacted
   */
  public record CandidatePair(String localType, String remoteType, String protocol,
      String localAddress, String remoteAddress) {

    /**
     * Checks the pair.
     *
     * @param localType the local candidate's type
     * @param remoteType the remote candidate's type
     * @param protocol the transport protocol
     * @param localAddress the local address, redacted
     * @param remoteAddress the remote address, redacted
     * @throws NullPointerException when a component is null
     */
    public CandidatePair {
      Objects.requireNonNull(localType, "localType");
      Objects.requireNonNull(remoteType, "remoteType");
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(localAddress, "localAddress");
      Objects.requireNonNull(remoteAddress, "remoteAddress");
    }
  }
}
