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

pg_url=""
bench_name=signin-flood.sh
source "$root/bench/benchlib.sh"

# Failing sign-ins, each from a new address for a new unknown e-mail: each one
# costs a full argon2id verification (the slowest path a flood can take).
cat >"$work/flood.lua" <<'EOF'
-- wrk's Lua does not seed math.random: without this every wrk run would send
-- the same sequence (the same e-mails and addresses, the same commandIds).
local urandom = io.open("/dev/urandom", "rb")
local b1, b2, b3, b4 = urandom:read(4):byte(1, 4)
urandom:close()
math.randomseed(((b1 * 256 + b2) * 256 + b3) * 256 + b4)

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
    demo_database "$name"
    echo "=== $name"
    # Real argon2id from here on (the demo users keep their fast hashes; the
    # flood's unknown e-mails are verified against an interactive dummy hash).
    start_guichetd --database "$database" --trusted-proxy 127.0.0.1 --anonymous-rate 1000000
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
    # What a non-2xx command was (guichetd's request log: method path status ...).
    echo "    commands not answered 200 (status: count), from guichetd's log:"
    awk '$2 == "/api/v1/commands/setNotifications" && $3 != 200 { n[$3]++ } END { for (s in n) printf "      %s: %d\n", s, n[s] }' \
        "$work/guichetd.err"
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
