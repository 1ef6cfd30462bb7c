#!/usr/bin/env bash
# Runs every Vigil test on a fresh Debian machine: installs the real tools the tests drive (PostgreSQL, Prometheus,
# amtool, Chromium), starts a throwaway PostgreSQL on a private port, runs `dotnet test`, and stops it again.
set -euo pipefail
cd "$(dirname "$0")"

packages=(postgresql prometheus prometheus-alertmanager chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== starting PostgreSQL for the storage and API tests"
tests/scripts/postgres.sh start
trap 'tests/scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT
eval "$(tests/scripts/postgres.sh env)"

export VIGIL_TEST_PROMETHEUS="${VIGIL_TEST_PROMETHEUS:-/usr/bin/prometheus}"
export VIGIL_TEST_PROMTOOL="${VIGIL_TEST_PROMTOOL:-/usr/bin/promtool}"
export VIGIL_TEST_AMTOOL="${VIGIL_TEST_AMTOOL:-/usr/bin/amtool}"
export VIGIL_TEST_CHROMIUM="${VIGIL_TEST_CHROMIUM:-/usr/bin/chromium}"
export VIGIL_TEST_ALERTMANAGER="${VIGIL_TEST_ALERTMANAGER:-/usr/bin/prometheus-alertmanager}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== building"
dotnet build Vigil.sln -c Release -warnaserror -nologo -v quiet

echo "== testing"
log=$(mktemp)
status=0
dotnet test Vigil.sln -c Release --no-build --nologo 2>&1 | tee "$log" || status=$?
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit $status
