#!/usr/bin/env bash
# Load test of guichetd with wrk (docs/PERFORMANCE.md "guichetd and sync").
#
# For each back-end: a new database, `guichetctl init` + `demo`, guichetd on
# 127.0.0.1:0, one demo user signed in, then wrk on
#   a) GET /api/v1/changes?since=<current>&wait=0  (a poll with nothing new)
#   b) POST /api/v1/commands/setNotifications      (a fresh commandId per request)
# Builds nothing: expects guichetd and guichetctl in the build folder.
#
# Usage: bench/api-bench.sh [--build DIR] [--backend sqlite|postgresql|both]
#                           [--postgres URL] [--threads N] [--connections N]
#                           [--duration 10s] [--workers N]
# --postgres: an EMPTY database (postgresql://...) to use instead of starting a
# throwaway cluster (which needs the postgresql package, and root or postgres).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build
backend=both
pg_url=""
threads=2
connections=50
duration=10s
workers=""
while [ $# -gt 0 ]; do
    case $1 in
        --build) build=$2; shift 2 ;;
        --backend) backend=$2; shift 2 ;;
        --postgres) pg_url=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --workers) workers=$2; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "api-bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case $backend in sqlite|postgresql|both) ;; *) echo "api-bench.sh: --backend: '$backend'" >&2; exit 2 ;; esac

guichetd=$build/app/guichetd/guichetd
guichetctl=$build/app/guichetctl/guichetctl
for tool in "$guichetd" "$guichetctl"; do
    [ -x "$tool" ] || { echo "api-bench.sh: $tool is missing: build first (bash scripts/test)" >&2; exit 1; }
done
for tool in wrk curl python3; do
    command -v $tool >/dev/null || { echo "api-bench.sh: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done

# Demo data and guichetd: fast password hashing (the sign-in is setup, not measured).
export GUICHET_FAST_HASH=1
email=claire.dubois@demo.guichet.fr
password=Guichet-Demo-2026

work=$(mktemp -d /tmp/guichet-api-bench.XXXXXX)
chmod 755 "$work"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
server_pid=""

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}

cleanup() {
    set +e
    stop_server
    if [ -f "$work/pg/data/postmaster.pid" ]; then
        as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

json_field() { # json_field NAME < body
    python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

start_cluster() {
    [ -n "$pg_bin" ] || { echo "api-bench.sh: PostgreSQL is not installed (or give --postgres URL)" >&2; exit 1; }
    mkdir -p "$work/pg"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$work/pg"
    local port
    port=$(free_port)
    as_postgres "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # Defaults (durable commits), as a real server would run; only the connection limit is raised.
    as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w start \
        -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=100" >/dev/null
    as_postgres psql -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE bench" >/dev/null
    pg_url="postgresql://postgres@127.0.0.1:$port/bench"
}

# The command body: a fresh commandId per request, unique across threads and runs.
cat >"$work/command.lua" <<'EOF'
local counter = 0
local prefix = ""
local threadIds = 0

function setup(thread)
    threadIds = threadIds + 1
    thread:set("threadId", threadIds)
end

function init(args)
    prefix = string.format("bench-%d-%d-%d-", os.time(), threadId or 0, math.random(1, 1000000000))
end

request = function()
    counter = counter + 1
    local body = string.format(
        '{"commandId":"%s%d","args":{"enabled":true,"contactEmail":"claire.dubois@demo.guichet.fr"}}',
        prefix, counter)
    return wrk.format("POST", "/api/v1/commands/setNotifications", nil, body)
end
EOF

run_wrk() { # run_wrk LABEL wrk-arguments...
    local label=$1
    shift
    echo "--- $label"
    wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" | tee "$work/wrk.out"
    if grep -q 'Non-2xx' "$work/wrk.out"; then
        echo "!!! $label: some answers were not 2xx (see above)" >&2
    fi
}

bench_backend() { # bench_backend sqlite|postgresql
    local name=$1 database
    if [ "$name" = sqlite ]; then
        database=$work/bench.sqlite
    else
        [ -n "$pg_url" ] || start_cluster
        database=$pg_url
    fi
    echo "=== $name ($database)"
    "$guichetctl" --database "$database" init >/dev/null
    "$guichetctl" --database "$database" demo >/dev/null

    local args=(--database "$database" --listen 127.0.0.1:0 --language en)
    [ -n "$workers" ] && args+=(--workers "$workers")
    "$guichetd" "${args[@]}" >"$work/guichetd.out" 2>"$work/guichetd.err" &
    server_pid=$!
    local base=""
    for _ in $(seq 1 300); do
        base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/guichetd.out" 2>/dev/null | head -n 1 || true)
        [ -n "$base" ] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$base" ] || { echo "api-bench.sh: guichetd did not start:" >&2; cat "$work/guichetd.err" >&2; exit 1; }

    local token since
    token=$(curl -sf -H 'Content-Type: application/json' \
        -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session" | json_field token)
    # The current checkpoint: a poll from it has nothing new.
    since=$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/changes?since=0&limit=5000" | json_field checkpoint)
    local check
    check=$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/changes?since=$since&wait=0")
    echo "poll since $since answers: $check"

    run_wrk "$name: GET /api/v1/changes?since=$since&wait=0" \
        -H "Authorization: Bearer $token" "$base/api/v1/changes?since=$since&wait=0"
    run_wrk "$name: POST /api/v1/commands/setNotifications (fresh commandId each)" \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -s "$work/command.lua" "$base"
    stop_server
}

echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?") | $(nproc) cores | load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk: $threads threads, $connections connections, $duration; guichetd workers: ${workers:-default}"
[ "$backend" != postgresql ] && bench_backend sqlite
[ "$backend" != sqlite ] && bench_backend postgresql
exit 0
