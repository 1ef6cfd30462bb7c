#!/usr/bin/env bash
# Vigil vs. the real Alertmanager (Debian prometheus-alertmanager), same machine, same load:
# POST /api/v2/alerts in batches of 100 over 10,000 distinct label sets with wrk (8 connections, 2 threads),
# then GET /api/v2/alerts latency with 10,000 active alerts, then Vigil's RSS with 100,000 active alerts.
# Usage: bench/alertmanager/run.sh [seconds per run, default 20]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-20}"
for tool in wrk prometheus-alertmanager curl; do
  command -v "$tool" >/dev/null || { echo "installing wrk and prometheus-alertmanager"; apt-get install -y -qq wrk prometheus-alertmanager >/dev/null; break; }
done

work=$(mktemp -d)
vigil_port=18080; am_port=19093
cleanup() { kill "${vigil_pid:-}" "${am_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet build src/Vigil.Cli -c Release -nologo -v quiet >/dev/null
vigil="dotnet src/Vigil.Cli/bin/Release/net10.0/vigil.dll"
token=$($vigil tokens bootstrap --name bench --role responder --data-dir "$work/vigil" --create | grep -oE 'vgl_[A-Za-z0-9_-]+' | head -1)
cat > "$work/vigil.yml" <<YAML
route:
  receiver: default
  group_by: [alertname, service]
receivers:
  - name: default
YAML
$vigil serve --urls "http://127.0.0.1:$vigil_port" --data-dir "$work/vigil" --config "$work/vigil.yml" >"$work/vigil.log" 2>&1 &
vigil_pid=$!
cat > "$work/am.yml" <<YAML
route:
  receiver: default
  group_by: [alertname, service]
receivers:
  - name: default
YAML
prometheus-alertmanager --config.file="$work/am.yml" --storage.path="$work/am" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address="" >"$work/am.log" 2>&1 &
am_pid=$!
for url in "http://127.0.0.1:$vigil_port/-/ready" "http://127.0.0.1:$am_port/-/ready"; do
  for _ in $(seq 100); do curl -fs "$url" >/dev/null && break; sleep 0.2; done
done

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

run_load() { # name url pid token
  local out="$work/$1.wrk"
  BENCH_TOKEN="$4" wrk -t2 -c8 -d"${duration}s" --latency -s bench/alertmanager/post-alerts.lua "$2" >"$out" 2>"$work/$1.err" || true
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out")
  p99=$(awk '$1=="99%" {print $2}' "$out")
  local alerts_per_s
  alerts_per_s=$(awk -v r="$rps" 'BEGIN {printf "%.0f", r*100}')
  local errors
  errors=$(grep -c "unexpected status" "$work/$1.err" || true)
  printf "%-13s %12s alerts/s   p50 %-9s p99 %-9s RSS %5s MB   non-200: %s\n" "$1" "$alerts_per_s" "$p50" "$p99" "$(rss_mb "$3")" "$errors"
  echo "$alerts_per_s" >"$work/$1.rate"
}

get_latency() { # url token → median ms of 7 GETs
  local times=()
  for _ in $(seq 7); do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $2" "$1/api/v2/alerts")")
  done
  printf "%s\n" "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]*1000}'
}

echo "== POST /api/v2/alerts, batches of 100, 10,000 label sets, wrk -t2 -c8 -d${duration}s"
run_load alertmanager "http://127.0.0.1:$am_port" "$am_pid" ""
run_load vigil "http://127.0.0.1:$vigil_port" "$vigil_pid" "$token"
awk -v v="$(cat "$work/vigil.rate")" -v a="$(cat "$work/alertmanager.rate")" 'BEGIN {printf "Vigil/Alertmanager ingest ratio: %.2f\n", v/a}'

echo "== GET /api/v2/alerts with 10,000 active alerts (median of 7)"
echo "alertmanager  $(get_latency "http://127.0.0.1:$am_port" "") ms"
echo "vigil         $(get_latency "http://127.0.0.1:$vigil_port" "$token") ms"

echo "== Vigil RSS with 100,000 active alerts"
BENCH_LABEL_SETS=100000 BENCH_TOKEN="$token" wrk -t1 -c4 -d"$((duration / 2 + 5))s" -s bench/alertmanager/post-alerts.lua "http://127.0.0.1:$vigil_port" >/dev/null 2>&1 || true
active=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$vigil_port/api/v1/summary" | grep -oE '"firingAlerts":[0-9]+' | cut -d: -f2)
echo "vigil         RSS $(rss_mb "$vigil_pid") MB with ${active:-?} firing alerts, right after the load"
sleep 15
echo "vigil         RSS $(rss_mb "$vigil_pid") MB after 15 s without load (the idle trimmer returns burst headroom to the OS)"
