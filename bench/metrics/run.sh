#!/usr/bin/env bash
# End-to-end metric push: POST /api/v1/metrics (JSON, BENCH_SERIES × BENCH_POINTS samples per request, default
# 100 × 10) into a running `vigil serve` on SQLite, with wrk. Each 200 means every sample was scored by its series'
# detector and committed to the sample journal (detector state is checkpointed, each series at least every five minutes — see docs/metrics-online.md).
# Usage: bench/metrics/run.sh [seconds, default 20] [connections, default 4]
# BENCH_DETECTOR=contextual measures the CAD-based detector instead of the server default (lightweight).
# BENCH_KEEP=FILE keeps wrk's error output and the server log there (a non-200 says why).
# Prints samples/s learned (counted by the server, so skipped out-of-order samples are not credited), latency, RSS.
# The machine may be shared: run it twice and report both.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-20}"
connections="${2:-4}"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }

work=$(mktemp -d)
port=18091
cleanup() { kill "${vigil_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; [ -n "${BENCH_KEEP:-}" ] && cat "$work/wrk.err" "$work/vigil.log" >"$BENCH_KEEP" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build src/Vigil.Cli -c Release -nologo -v quiet >/dev/null
vigil="dotnet src/Vigil.Cli/bin/Release/net10.0/vigil.dll"
if [ -n "${BENCH_DETECTOR:-}" ]; then
  mkdir -p "$work/vigil"
  printf 'route:\n  receiver: bench\nreceivers:\n  - name: bench\nmetrics:\n  detector: %s\n' "$BENCH_DETECTOR" >"$work/vigil/vigil.yml"
fi
token=$($vigil tokens bootstrap --name bench --role responder --data-dir "$work/vigil" --create 2>/dev/null | grep -oE 'vgl_[A-Za-z0-9_-]+' | head -1)
$vigil serve --urls "http://127.0.0.1:$port" --data-dir "$work/vigil" >"$work/vigil.log" 2>&1 &
vigil_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 0.2; done

learned() {
  curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/metrics/series?limit=10000" \
    | { grep -oE '"samples":[0-9]+' || true; } | awk -F: '{s += $2} END {print s + 0}'
}
before=$(learned)
BENCH_TOKEN="$token" wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/metrics/post-metrics.lua \
  "http://127.0.0.1:$port" >"$work/wrk.out" 2>"$work/wrk.err" || true
after=$(learned)
rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
p50=$(awk '$1=="50%" {print $2}' "$work/wrk.out")
p99=$(awk '$1=="99%" {print $2}' "$work/wrk.out")
errors=$(grep -c "unexpected status" "$work/wrk.err" || true)
rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$vigil_pid/status")
per=$(( ${BENCH_SERIES:-100} * ${BENCH_POINTS:-10} ))
printf "POST /api/v1/metrics, %s samples per request, %s connections, %ss, SQLite, detector %s\n" "$per" "$connections" "$duration" "${BENCH_DETECTOR:-default}"
printf "%12.0f samples/s learned   (%s offered: %s requests/s)   p50 %-9s p99 %-9s RSS %s MB   non-200: %s\n" \
  "$(awk -v a="$after" -v b="$before" -v d="$duration" 'BEGIN {print (a-b)/d}')" \
  "$(awk -v r="$rps" -v p="$per" 'BEGIN {printf "%.0f/s", r*p}')" "$rps" "$p50" "$p99" "$rss" "$errors"
