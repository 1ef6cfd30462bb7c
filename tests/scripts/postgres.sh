#!/usr/bin/env bash
# A throwaway PostgreSQL server for the storage tests.
#
#   tests/scripts/postgres.sh start   # (re)start a fresh, empty server on 127.0.0.1:$PGTEST_PORT
#   tests/scripts/postgres.sh env     # print: export VIGIL_TEST_POSTGRES='Host=...'
#   tests/scripts/postgres.sh stop    # stop it and delete its data
#
# Uses Debian's server binaries (apt package "postgresql"; this script does not install it). PostgreSQL refuses to
# run as root, so when run as root the server runs as user "postgres" via runuser. Data and socket live in temp
# directories recorded in a state file, so stop can find them; start always stops a leftover server first.
set -euo pipefail

PORT="${PGTEST_PORT:-55432}"
PASSWORD="${PGTEST_PASSWORD:-vigil-test}"
STATE="${TMPDIR:-/tmp}/vigil-pgtest-${PORT}.state"

die() { echo "postgres.sh: $*" >&2; exit 1; }

find_bin() {
    local dir
    # Newest major version first (sort -V orders 9.6 < 15 < 17 correctly).
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$dir" && -x "$dir/pg_ctl" ]] || die "no PostgreSQL server found under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
    echo "$dir"
}

# Runs a command as the server's owner: "postgres" when we are root, ourselves otherwise.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "user postgres does not exist (apt-get install postgresql creates it)"
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

stop() {
    local bin
    bin=$(find_bin)
    if [[ -f "$STATE" ]]; then
        # shellcheck disable=SC1090
        source "$STATE"
        if [[ -n "${DATA_DIR:-}" && -d "$DATA_DIR" ]]; then
            as_owner "$bin/pg_ctl" -D "$DATA_DIR" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        [[ -n "${BASE_DIR:-}" && -d "$BASE_DIR" ]] && rm -rf "$BASE_DIR"
        rm -f "$STATE"
    fi
    # A server on our port that we have no state for (e.g. the state file was lost): stop it via its data directory.
    local pid_file
    for pid_file in /tmp/vigil-pgtest.*/data/postmaster.pid; do
        [[ -f "$pid_file" ]] || continue
        if [[ "$(sed -n 4p "$pid_file" 2>/dev/null)" == "$PORT" ]]; then
            local dir
            dir=$(dirname "$pid_file")
            as_owner "$bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1 || true
            rm -rf "$(dirname "$dir")"
        fi
    done
}

start() {
    local bin base
    bin=$(find_bin)
    stop
    base=$(mktemp -d /tmp/vigil-pgtest.XXXXXX)
    mkdir -p "$base/data" "$base/socket"
    chmod 755 "$base"
    if [[ $(id -u) -eq 0 ]]; then
        chown -R postgres:postgres "$base/data" "$base/socket"
    fi
    printf 'BASE_DIR=%q\nDATA_DIR=%q\n' "$base" "$base/data" >"$STATE"

    local pwfile="$base/socket/pwfile"
    printf '%s\n' "$PASSWORD" | as_owner tee "$pwfile" >/dev/null
    # Password (scram) auth over TCP, the way a real deployment connects; fsync off: this data is thrown away.
    as_owner "$bin/initdb" -D "$base/data" -U postgres --pwfile="$pwfile" --auth=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 \
        || { cat "$base/initdb.log" >&2; die "initdb failed"; }
    as_owner rm -f "$pwfile"
    as_owner "$bin/pg_ctl" -D "$base/data" -l "$base/socket/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $base/socket -c fsync=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
        || { cat "$base/socket/server.log" >&2; die "pg_ctl start failed"; }
    local i
    for i in $(seq 1 60); do
        if "$bin/pg_isready" -h 127.0.0.1 -p "$PORT" -q; then
            echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$PORT" >&2
            return 0
        fi
        sleep 0.5
    done
    die "PostgreSQL did not become ready on 127.0.0.1:$PORT"
}

print_env() {
    echo "export VIGIL_TEST_POSTGRES='Host=127.0.0.1;Port=$PORT;Username=postgres;Password=$PASSWORD;Database=postgres'"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env) print_env ;;
    *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
