#!/bin/sh
# Prints the WebRTC engine's figures (call -> media connected vs a raw webrtc-java pair; RSS
# growth per call cycle), inside a private network namespace like the tests. Needs root.
# The Java heap is fixed and touched up front (-Xms = -Xmx, AlwaysPreTouch), so the RSS growth
# is native memory (libwebrtc, the C heap, JIT, threads), not the heap's first use of its pages;
# it is measured over CYCLES calls after RSS_WARMUP calls (default 200 each), whose growth (the
# C allocator's high-water mark) is printed apart.
#   sdk-webrtc/src/test/netns/run-figures.sh            # with the peer connection leak mitigation
#   MITIGATION=false sdk-webrtc/src/test/netns/run-figures.sh   # without it, to see the leak
#   PATCHBAY_REAL_JAVA=/path/to/java, MVN_ARGS="-o -Dmaven.repo.local=..." also honoured
set -eu
cd "$(dirname "$0")/../../../.."
mvn -B -ntp -q ${MVN_ARGS:-} -pl sdk-webrtc -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/figures.classpath -Dmdep.includeScope=test
cp="sdk-webrtc/target/test-classes:sdk-webrtc/target/classes:$(cat sdk-webrtc/target/figures.classpath)"
: "${PATCHBAY_REAL_JAVA:=$(command -v java)}"
export PATCHBAY_REAL_JAVA
exec sdk-webrtc/src/test/netns/bin/java -Xms512m -Xmx512m -XX:+AlwaysPreTouch \
  -Dpatchbay.webrtc.pcLeakMitigation="${MITIGATION:-true}" \
  -Dcalls="${CALLS:-40}" -Dcycles="${CYCLES:-200}" -DrssWarmup="${RSS_WARMUP:-200}" -Dtimeline="${TIMELINE:-false}" \
  -Dlogback.configurationFile=sdk-webrtc/src/test/netns/figures-logback.xml \
  -cp "$cp" dev.patchbay.webrtc.bench.WebRtcFigures
