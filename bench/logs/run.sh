#!/usr/bin/env bash
# End-to-end log ingest: POST /api/v1/logs (text/plain, the 2,000-line HDFS sample per request) into a running
# `vigil serve` on SQLite, with wrk. Each 200 means mined and committed (templates, per-minute counts, examples).
# Usage: bench/logs/run.sh [seconds, default 20] [connections, default 4]
# Prints lines/s (requests/s × 2,000), latency and the server's RSS. The machine may be shared: run it twice.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-20}"
connections="${2:-4}"
sample="${BENCH_FILE:-/work/shared/data/loghub-2k/HDFS/HDFS_2k.log}"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
[ -f "$sample" ] || { echo "sample log $sample not found (set BENCH_FILE)"; exit 1; }

work=$(mktemp -d)
port=18090
cleanup() { kill "${vigil_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet build src/Vigil.Cli -c Release -nologo -v quiet >/dev/null
vigil="dotnet src/Vigil.Cli/bin/Release/net10.0/vigil.dll"
token=$($vigil tokens bootstrap --name bench --role responder --data-dir "$work/vigil" --create | grep -oE 'vgl_[A-Za-z0-9_-]+' | head -1)
$vigil serve --urls "http://127.0.0.1:$port" --data-dir "$work/vigil" >"$work/vigil.log" 2>&1 &
vigil_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 0.2; done

lines=$(grep -c '' "$sample")
# Warm-up: learns the templates (the steady state is what a long-running server sees).
curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: text/plain' --data-binary @"$sample" \
  "http://127.0.0.1:$port/api/v1/logs?source=hdfs" >/dev/null

BENCH_TOKEN="$token" BENCH_FILE="$sample" wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/logs/post-logs.lua \
  "http://127.0.0.1:$port" >"$work/wrk.out" 2>"$work/wrk.err" || true
rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
p50=$(awk '$1=="50%" {print $2}' "$work/wrk.out")
p99=$(awk '$1=="99%" {print $2}' "$work/wrk.out")
errors=$(grep -c "unexpected status" "$work/wrk.err" || true)
rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$vigil_pid/status")
stored=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/logs/sources")
printf "POST /api/v1/logs, %s lines per request, %s connections, %ss, SQLite\n" "$lines" "$connections" "$duration"
printf "%12.0f lines/s   %8s requests/s   p50 %-9s p99 %-9s RSS %s MB   non-200: %s\n" \
  "$(awk -v r="$rps" -v l="$lines" 'BEGIN {print r*l}')" "$rps" "$p50" "$p99" "$rss" "$errors"
echo "stored: $stored"
