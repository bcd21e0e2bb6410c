#!/usr/bin/env bash
# Runs every benchmark behind the speed-and-scale goals (issue 15) in one session, on Java 17 and
# Java 25, and prints each goal's figure next to the goal. Benchmarks, not tests: the figures
# are medians and ratios measured side by side; absolute times on a shared machine are noise.
#
#   benchmarks/figures.sh                 # everything (~18 min on 2 idle cores)
#   AGENTS=2000 LOAD_AGENTS=1000 benchmarks/figures.sh   # a smaller, quicker pass
#   JAVAS="/usr/lib/jvm/java-17-openjdk-amd64/bin/java" benchmarks/figures.sh   # one JVM only
#   MVN_ARGS="-o" also honoured; MEDIA=false skips the real-media figures (they need root).
#
# Every figure goes to target/figures/<name>-<java>.log as printed; the summary at the end
# quotes the benchmark's own lines.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${AGENTS:=10000}" "${LOAD_AGENTS:=10000}" "${WINDOW:=60s}" "${MEDIA:=true}"
: "${JAVAS:=$(command -v java) /usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
out=benchmarks/target/figures
mkdir -p "$out"

mvn -B -ntp -q ${MVN_ARGS:-} -DskipTests -Dinvoker.skip=true package
mvn -B -ntp -q ${MVN_ARGS:-} -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/cp.txt
cp="benchmarks/target/classes:$(cat benchmarks/target/cp.txt)"

summary=()
note() { summary+=("$1"); }
for java in $JAVAS; do
  [ -x "$java" ] || { note "$java: not installed, skipped"; continue; }
  v=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  echo "== Java $v: call set-up"
  "$java" -cp "$cp" dev.patchbay.benchmarks.core.CallSetupBenchmark | tee "$out/call-setup-$v.log"
  echo "== Java $v: $AGENTS idle agents and close()"
  "$java" -Xmx6g -cp "$cp" dev.patchbay.benchmarks.core.IdleAgentsBenchmark "$AGENTS" \
    | tee "$out/idle-agents-$v.log"
  if [ "$MEDIA" = true ]; then
    echo "== Java $v: call -> media connected (network namespace)"
    PATCHBAY_REAL_JAVA="$java" MVN_ARGS="${MVN_ARGS:-}" sdk-webrtc/src/test/netns/run-figures.sh \
      | tee "$out/media-$v.log"
  fi
  note "Java $v | call set-up, SDK / hand-written with TCP_NODELAY (goal <= 1.05x): $(grep -o 'TCP_NODELAY: [0-9.]*' "$out/call-setup-$v.log" | cut -d' ' -f2)x"
  note "Java $v | heap per idle agent (goal <= 12 KiB): $(grep -o 'agents): [a-z]* [0-9.]* KiB' "$out/idle-agents-$v.log" | sed 's/agents): [a-z]* //') per agent (median of the measured runs)"
  note "Java $v | JVM threads with $AGENTS agents (goal <= 64):$(grep -o ', [0-9,]* with the agents' "$out/idle-agents-$v.log" | head -1 | tr -d ',' | sed 's/with the agents//')"
  note "Java $v | Patchbay.close() with $AGENTS agents (goal <= 2 s): $(grep -o 'median of [0-9]* runs: .*) (goal' "$out/idle-agents-$v.log" | sed 's/ (goal$//'); $(grep -o 'edge after close: .*' "$out/idle-agents-$v.log" | sed 's/ (after waiting [0-9.]* s)//'); after a $(grep -o 'warm-up 1/[0-9]*: [0-9,]* agents connected, then closed in [0-9.]* s' "$out/idle-agents-$v.log" | sed 's#warm-up 1/[0-9]*: #warm-up of #')"
  if [ "$MEDIA" = true ]; then
    note "Java $v | call -> media connected, SDK / raw pair (goal <= 1.5x): $(grep -o 'SDK+fake edge .*ratio [0-9.]*x' "$out/media-$v.log" | head -1)"
    note "Java $v | RSS growth per real-media call (goal <= 64 KiB): $(grep -o '[0-9]* SDK call cycles: -*[0-9]* KiB = -*[0-9.]* KiB per cycle' "$out/media-$v.log"); the $(grep -o 'first [0-9]* SDK call cycles: -*[0-9]* KiB' "$out/media-$v.log") before"
  fi
done

java=${JAVAS%% *}
echo "== main job: loadtest --agents $LOAD_AGENTS --tenants 40 --window $WINDOW ($java)"
/usr/bin/time -v "$java" -jar examples/target/patchbay-examples.jar loadtest \
  --agents "$LOAD_AGENTS" --tenants 40 --window $WINDOW > "$out/loadtest.log" 2>&1 || true
grep -E "^Patchbay:|^exit code" "$out/loadtest.log" || tail -20 "$out/loadtest.log"
note "main job, $LOAD_AGENTS agents (goal CLEAN, <= 1.5 GiB RSS): $(grep -o 'SDK clean: *[a-z]*' "$out/loadtest.log" | tr -s ' '), max RSS $(awk '/Maximum resident/ {printf "%.2f GiB", $6/1048576}' "$out/loadtest.log"), connect p50/p95/max $(grep -o 'connect latency p50 / p95 / max *[0-9 /]* ms' "$out/loadtest.log" | sed 's/.*max *//')"

echo
echo "== figures against the goals ($(date -u +%F), commit $(git rev-parse --short HEAD 2>/dev/null || echo ?), load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%s\n' "${summary[@]}"
