#!/usr/bin/env bash
# Sign-in flood next to a command stream (issue 13, item 3; docs/PERFORMANCE.md
# « Sign-ins next to commands »).
#
# For each back-end: a new database (`guichetctl init` + `demo`), guichetd with
# real argon2id (interactive limits) on 127.0.0.1:0, trusting 127.0.0.1 as its
# proxy and with the anonymous throttle opened wide, so that the flood below
# takes the slowest path: every attempt a new (e-mail, address), every one
# verified with argon2id. Then, with wrk:
#   1. reference: POST /api/v1/commands/setNotifications alone (--connections);
#   2. the same command stream while --flood connections send failing sign-ins
#      (random unknown e-mail, random X-Forwarded-For) as fast as answered;
#   3. during another flood, a legitimate sign-in timed with curl, 5 times.
# Builds nothing: expects guichetd and guichetctl in the build folder.
#
# Usage: bench/signin-flood.sh [--build DIR] [--backend sqlite|postgresql|both]
#                              [--connections N] [--flood N] [--duration 10s]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build
backend=both
connections=4
flood=32
duration=10s
while [ $# -gt 0 ]; do
    case $1 in
        --build) build=$2; shift 2 ;;
        --backend) backend=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --flood) flood=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "signin-flood.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case $backend in sqlite|postgresql|both) ;; *) echo "signin-flood.sh: --backend: '$backend'" >&2; exit 2 ;; esac

guichetd=$build/app/guichetd/guichetd
guichetctl=$build/app/guichetctl/guichetctl
for tool in "$guichetd" "$guichetctl"; do
    [ -x "$tool" ] || { echo "signin-flood.sh: $tool is missing: build first" >&2; exit 1; }
done
for tool in wrk curl python3; do
    command -v $tool >/dev/null || { echo "signin-flood.sh: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done

email=claire.dubois@demo.guichet.fr
password=Guichet-Demo-2026
work=$(mktemp -d /tmp/guichet-signin-flood.XXXXXX)
chmod 755 "$work"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
server_pid=""
pg_url=""

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
    jobs -p | xargs -r kill 2>/dev/null
    if [ -f "$work/pg/data/postmaster.pid" ]; then
        as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$work"
}
trap cleanup EXIT

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_cluster() {
    [ -n "$pg_bin" ] || { echo "signin-flood.sh: PostgreSQL is not installed" >&2; exit 1; }
    mkdir -p "$work/pg"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$work/pg"
    local port
    port=$(free_port)
    as_postgres "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w start \
        -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=100" >/dev/null
    as_postgres psql -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE bench" >/dev/null
    pg_url="postgresql://postgres@127.0.0.1:$port/bench"
}

cat >"$work/command.lua" <<'EOF'
local counter = 0
local prefix = ""
local threadIds = 0
function setup(thread)
    threadIds = threadIds + 1
    thread:set("threadId", threadIds)
end
function init(args)
    prefix = string.format("flood-%d-%d-%d-", os.time(), threadId or 0, math.random(1, 1000000000))
end
request = function()
    counter = counter + 1
    local body = string.format(
        '{"commandId":"%s%d","args":{"enabled":true,"contactEmail":"claire.dubois@demo.guichet.fr"}}',
        prefix, counter)
    return wrk.format("POST", "/api/v1/commands/setNotifications", nil, body)
end
EOF

# Failing sign-ins, each from a new address for a new unknown e-mail: each one
# costs a full argon2id verification (the slowest path a flood can take).
cat >"$work/flood.lua" <<'EOF'
request = function()
    local headers = {}
    headers["Content-Type"] = "application/json"
    headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255),
                                               math.random(1, 254))
    local body = string.format('{"email":"flood%d@example.org","password":"Wrong-password-%d"}',
                               math.random(1, 1000000000), math.random(1, 1000000000))
    return wrk.format("POST", "/api/v1/session", headers, body)
end
EOF

bench_backend() {
    local name=$1 database
    if [ "$name" = sqlite ]; then
        database=$work/bench.sqlite
    else
        [ -n "$pg_url" ] || start_cluster
        database=$pg_url
    fi
    echo "=== $name"
    GUICHET_FAST_HASH=1 "$guichetctl" --database "$database" init >/dev/null
    GUICHET_FAST_HASH=1 "$guichetctl" --database "$database" demo >/dev/null
    # Real argon2id from here on (the demo users keep their fast hashes; the
    # flood's unknown e-mails are verified against an interactive dummy hash).
    "$guichetd" --database "$database" --listen 127.0.0.1:0 --language en \
        --trusted-proxy 127.0.0.1 --anonymous-rate 1000000 >"$work/guichetd.out" 2>"$work/guichetd.err" &
    server_pid=$!
    local base=""
    for _ in $(seq 1 300); do
        base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/guichetd.out" 2>/dev/null | head -n 1 || true)
        [ -n "$base" ] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$base" ] || { echo "signin-flood.sh: guichetd did not start:" >&2; cat "$work/guichetd.err" >&2; exit 1; }
    local token
    token=$(curl -sf -H 'Content-Type: application/json' -H 'X-Forwarded-For: 192.0.2.1' \
        -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session" | json_field token)

    echo "--- $name: reference, commands alone (wrk -t1 -c$connections -d$duration)"
    wrk -t1 -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' -s "$work/command.lua" "$base" | grep -E 'Latency|50%|90%|99%|Requests/sec|Non-2xx'

    echo "--- $name: the same commands during a flood of $flood connections of failing sign-ins"
    wrk -t1 -c"$flood" -d"$duration" --latency -s "$work/flood.lua" "$base" >"$work/flood.out" &
    local flood_pid=$!
    sleep 1
    wrk -t1 -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' -s "$work/command.lua" "$base" | grep -E 'Latency|50%|90%|99%|Requests/sec|Non-2xx'
    wait "$flood_pid" || true
    echo "    the flood itself:"
    grep -E 'Latency|Requests/sec|Non-2xx' "$work/flood.out" | sed 's/^/    /'

    echo "--- $name: a legitimate sign-in during the flood (curl time_total, 5 times)"
    wrk -t1 -c"$flood" -d"$duration" -s "$work/flood.lua" "$base" >/dev/null &
    flood_pid=$!
    sleep 1
    for i in 1 2 3 4 5; do
        curl -s -o /dev/null -w "    sign-in $i: %{http_code} in %{time_total} s\n" -H 'Content-Type: application/json' \
            -H "X-Forwarded-For: 192.0.2.$((i + 1))" \
            -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session"
        sleep 0.5
    done
    wait "$flood_pid" || true
    stop_server
}

echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?") | $(nproc) cores | load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$backend" != postgresql ] && bench_backend sqlite
[ "$backend" != sqlite ] && bench_backend postgresql
exit 0
