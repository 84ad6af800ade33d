#!/usr/bin/env bash
# Load test of guichetd with wrk (docs/PERFORMANCE.md "guichetd and sync").
#
# For each back-end: a new database, `guichetctl init` + `demo`, guichetd on
# 127.0.0.1:0, one demo user signed in, then wrk on
#   a) GET /api/v1/changes?since=<current>&wait=0  (a poll with nothing new)
#   b) POST /api/v1/commands/setNotifications      (a fresh commandId per request),
#      with all the connections then with one
# and, as the reference in the same run, nginx (one worker, access log off)
# serving a 60-byte JSON file with the same wrk settings; the poll's ratio to
# it is printed. On a throwaway PostgreSQL cluster, pgbench -N with 8 clients
# then 1 is the commands' reference (issue 14), with the ratios. Builds
# nothing: expects guichetd and guichetctl in the build folder, and nginx on
# PATH or in /usr/sbin (apt-get install nginx-light).
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
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "api-bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case $backend in sqlite|postgresql|both) ;; *) echo "api-bench.sh: --backend: '$backend'" >&2; exit 2 ;; esac

# guichetd too: fast password hashing (the sign-in is setup, not measured).
export GUICHET_FAST_HASH=1
bench_name=api-bench.sh
source "$root/bench/benchlib.sh"

run_wrk() { # run_wrk LABEL wrk-arguments...
    local label=$1
    shift
    echo "--- $label"
    wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" | tee "$work/wrk.out"
    if grep -q 'Non-2xx' "$work/wrk.out"; then
        echo "!!! $label: some answers were not 2xx (see above)" >&2
    fi
    rate=$(awk '/^Requests\/sec:/ { print $2 }' "$work/wrk.out")
}

nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
nginx_rate=""
# The reference: nginx, one worker (guichetd's event loop is one thread too),
# serving a 60-byte JSON file; sets nginx_rate.
bench_nginx() {
    [ -x "$nginx_bin" ] || { echo "api-bench.sh: nginx is missing (apt-get install nginx-light)" >&2; exit 1; }
    mkdir -p "$work/nginx/logs" "$work/nginx/www"
    printf '{"checkpoint":123456,"deleted":[],"more":false,"rows":[]}\n' >"$work/nginx/www/poll.json"
    local port
    port=$(free_port)
    cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server {
        listen 127.0.0.1:$port;
        location / { root $work/nginx/www; default_type application/json; }
    }
}
NGINX
    "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
    local nginx_pid=$!
    for _ in $(seq 1 50); do
        curl -sf "http://127.0.0.1:$port/poll.json" >/dev/null && break
        sleep 0.1
    done
    run_wrk "reference: nginx, 60-byte file" "http://127.0.0.1:$port/poll.json"
    nginx_rate=$rate
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
}

bench_backend() { # bench_backend sqlite|postgresql
    local name=$1 database
    demo_database "$name"
    echo "=== $name ($database)"
    local args=(--database "$database")
    [ -n "$workers" ] && args+=(--workers "$workers")
    start_guichetd "${args[@]}"

    local token since
    token=$(curl -sf -H 'Content-Type: application/json' \
        -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session" | json_field token)
    # The current checkpoint: a poll from it has nothing new.
    since=$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/changes?since=0&limit=5000" | json_field checkpoint)
    local check
    check=$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/changes?since=$since&wait=0")
    echo "poll since $since answers: $check"

    # nginx just before and just after the poll: the machine's load moves between runs.
    bench_nginx
    local nginx_before=$nginx_rate
    run_wrk "$name: GET /api/v1/changes?since=$since&wait=0" \
        -H "Authorization: Bearer $token" "$base/api/v1/changes?since=$since&wait=0"
    local poll_rate=$rate
    bench_nginx
    echo "=== $name: empty poll $poll_rate req/s; nginx $nginx_before and $nginx_rate req/s" \
        "-> ratio to their mean $(awk -v a="$poll_rate" -v b="$nginx_before" -v c="$nginx_rate" \
            'BEGIN { printf "%.2f", 2 * a / (b + c) }')"
    run_wrk "$name: POST /api/v1/commands/setNotifications (fresh commandId each)" \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -s "$work/command.lua" "$base"
    local command_rate=$rate
    # One client at a time: each command waits for the previous one's answer.
    local saved_threads=$threads saved_connections=$connections
    threads=1 connections=1
    run_wrk "$name: the same commands, one client" \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -s "$work/command.lua" "$base"
    local command_rate1=$rate
    threads=$saved_threads connections=$saved_connections
    stop_server
    [ "$name" = postgresql ] && bench_pgbench "$command_rate" "$command_rate1"
    return 0
}

# The reference for commands on PostgreSQL (issue 14): pgbench's simple-update
# transactions (-N) on the same cluster, 8 clients then 1, in a database of
# their own; prints the ratios of guichetd's command rates (50 clients, 1).
bench_pgbench() { # bench_pgbench COMMANDS_PER_S COMMANDS_PER_S_ONE_CLIENT
    if [ "$own_cluster" != 1 ]; then
        echo "--- pgbench: skipped (--postgres given: it would add its tables there)"
        return 0
    fi
    local server=${pg_url%/*} seconds=${duration%s}
    as_postgres psql -q "$server/postgres" -c "CREATE DATABASE pgbench" >/dev/null
    "$pg_bin/pgbench" -i -q "$server/pgbench" >/dev/null 2>&1
    echo "--- reference: pgbench -c8 -j2 -N -T $seconds"
    "$pg_bin/pgbench" -c8 -j2 -N -T "$seconds" "$server/pgbench" 2>/dev/null | tee "$work/pgbench.out" | grep -E '^(tps|latency)'
    local tps8 tps1
    tps8=$(awk '/^tps/ { print $3; exit }' "$work/pgbench.out")
    echo "--- reference: pgbench -c1 -N -T $seconds"
    "$pg_bin/pgbench" -c1 -N -T "$seconds" "$server/pgbench" 2>/dev/null | tee "$work/pgbench.out" | grep -E '^(tps|latency)'
    tps1=$(awk '/^tps/ { print $3; exit }' "$work/pgbench.out")
    echo "=== postgresql commands: $1/s (${connections} clients) vs pgbench -c8 -N $tps8 tps" \
        "-> ratio $(awk -v a="$1" -v b="$tps8" 'BEGIN { printf "%.2f", a / b }');" \
        "one client $2/s vs pgbench -c1 -N $tps1 tps" \
        "-> ratio $(awk -v a="$2" -v b="$tps1" 'BEGIN { printf "%.2f", a / b }')"
}

own_cluster=0
[ -z "$pg_url" ] && own_cluster=1
echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?") | $(nproc) cores | load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk: $threads threads, $connections connections, $duration; guichetd workers: ${workers:-default}"
[ "$backend" != postgresql ] && bench_backend sqlite
[ "$backend" != sqlite ] && bench_backend postgresql
exit 0
