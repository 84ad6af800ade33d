#!/usr/bin/env bash
# Load test of guichetd with wrk (docs/PERFORMANCE.md "guichetd and sync").
#
# For each back-end: a new database, `guichetctl init` + `demo`, guichetd on
# 127.0.0.1:0, one demo user signed in, then wrk on
#   a) GET /api/v1/changes?since=<current>&wait=0  (a poll with nothing new)
#   b) POST /api/v1/commands/setNotifications      (a fresh commandId per request),
#      with all the connections then with one; as many users as connections,
#      copies of the demo user each signed in, so that commands do not queue
#      on one users row: each wrk thread sends its requests in turn as each of
#      its own users (wrk names no connection to a script, so this is one user
#      per connection whenever answers come back in the order sent)
# and, as the reference in the same run, nginx (one worker, access log off)
# serving a 60-byte JSON file with the same wrk settings; the poll's ratio to
# it is printed. On a throwaway PostgreSQL cluster, pgbench -N is the commands'
# reference (issue 14), run just before and just after each command load (8
# clients around the 50, 1 around the one), with the ratios. Builds
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
    GUICHET_BENCH_THREADS=$threads wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" \
        | tee "$work/wrk.out"
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
    # One user per connection for the command load (bench_users); their
    # sign-ins must not meet the anonymous routes' throttle.
    bench_users "$name" "$database" "$connections"
    local args=(--database "$database" --anonymous-rate 100000)
    [ -n "$workers" ] && args+=(--workers "$workers")
    [ "$name" = postgresql ] && pgbench_init
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
        "-> ratio to their mean $(ratio_to_mean "$poll_rate" "$nginx_before" "$nginx_rate")"
    local tokens="" i
    for i in $(seq 1 "$connections"); do
        tokens+="$(curl -sf -H 'Content-Type: application/json' \
            -d "{\"email\":\"bench$i@demo.guichet.fr\",\"password\":\"$password\"}" \
            "$base/api/v1/session" | json_field token),"
    done
    export GUICHET_BENCH_TOKENS=${tokens%,}
    local pg=0
    [ "$name" = postgresql ] && [ "$own_cluster" = 1 ] && pg=1
    local tps8_before="" tps1_before=""
    [ "$pg" = 1 ] && { pgbench_tps 8; tps8_before=$tps; }
    run_wrk "$name: POST /api/v1/commands/setNotifications (fresh commandId each, $connections users)" \
        -s "$work/users-command.lua" "$base"
    local command_rate=$rate
    [ "$pg" = 1 ] && { pgbench_tps 8; echo "=== postgresql commands: $command_rate/s ($connections clients)" \
        "vs pgbench -c8 -N $tps8_before and $tps tps -> ratio to their mean" \
        "$(ratio_to_mean "$command_rate" "$tps8_before" "$tps")"; }
    # One client at a time: each command waits for the previous one's answer.
    local saved_threads=$threads saved_connections=$connections
    threads=1 connections=1
    [ "$pg" = 1 ] && { pgbench_tps 1; tps1_before=$tps; }
    run_wrk "$name: the same commands, one client" \
        -s "$work/users-command.lua" "$base"
    local command_rate1=$rate
    [ "$pg" = 1 ] && { pgbench_tps 1; echo "=== postgresql commands, one client: $command_rate1/s" \
        "vs pgbench -c1 -N $tps1_before and $tps tps -> ratio to their mean" \
        "$(ratio_to_mean "$command_rate1" "$tps1_before" "$tps")"; }
    threads=$saved_threads connections=$saved_connections
    stop_server
    return 0
}

# bench_users NAME DATABASE N: N more users, bench1@demo.guichet.fr …, copies
# of the demo's principal manager (same password), written straight into the
# database before guichetd starts (set-up, not measured).
bench_users() {
    local name=$1 db=$2 n=$3 sql="" i
    for i in $(seq 1 "$n"); do
        sql+="INSERT INTO users (email, first_name, last_name, contact_email, password_hash, language, \
created_at, version) SELECT 'bench$i@demo.guichet.fr', 'Bench', 'User $i', 'bench$i@demo.guichet.fr', \
password_hash, language, created_at, version FROM users WHERE email = '$email';"
    done
    if [ "$name" = sqlite ]; then
        python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()' \
            "$db" "$sql"
    else
        psql -q "$db" -c "$sql" >/dev/null
    fi
}

# The command load's script: each thread takes its share of the users'
# tokens (GUICHET_BENCH_TOKENS, comma-separated) and sends its requests as
# each of them in turn, with a fresh commandId each time. (A script's headers
# replace wrk's -H ones: both are here.)
cat >"$work/users-command.lua" <<LUA
local urandom = io.open("/dev/urandom", "rb")
local b1, b2, b3, b4 = urandom:read(4):byte(1, 4)
urandom:close()
math.randomseed(((b1 * 256 + b2) * 256 + b3) * 256 + b4)

local threadCount = 0
local threads = {}
local counter = 0
local prefix = ""
local mine = {}

function setup(thread)
    threadCount = threadCount + 1
    thread:set("threadId", threadCount)
    table.insert(threads, thread)
end

function init(args)
    prefix = string.format("users-%d-%d-%d-", os.time(), threadId or 0, math.random(1, 1000000000))
    local all = {}
    for token in string.gmatch(os.getenv("GUICHET_BENCH_TOKENS") or "", "[^,]+") do
        table.insert(all, token)
    end
    -- Tokens threadId, threadId + threadTotal, …: each thread its own users.
    local total = tonumber(os.getenv("GUICHET_BENCH_THREADS") or "1")
    for i = threadId or 1, #all, total do
        table.insert(mine, all[i])
    end
end

request = function()
    counter = counter + 1
    local token = mine[(counter - 1) % #mine + 1]
    local body = string.format(
        '{"commandId":"%s%d","args":{"enabled":true,"contactEmail":"$email"}}', prefix, counter)
    return wrk.format("POST", "/api/v1/commands/setNotifications",
        { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
LUA

# The reference for commands on PostgreSQL (issue 14): pgbench's simple-update
# transactions (-N) on the same cluster, in a database of their own, run just
# before and just after each command load (8 clients around the 50-client load,
# 1 around the one-client load), as nginx is around the poll: the machine's
# load moves between runs. pgbench_init creates its tables (set-up, before
# guichetd starts); pgbench_tps CLIENTS sets tps.
pgbench_init() {
    [ "$own_cluster" = 1 ] || return 0
    local server=${pg_url%/*}
    as_postgres psql -q "$server/postgres" -c "CREATE DATABASE pgbench" >/dev/null
    "$pg_bin/pgbench" -i -q "$server/pgbench" >/dev/null 2>&1
}
pgbench_tps() { # pgbench_tps CLIENTS
    tps=""
    [ "$own_cluster" = 1 ] || return 0
    local server=${pg_url%/*} seconds=${duration%s} jobs=1
    [ "$1" -gt 1 ] && jobs=2
    echo "--- reference: pgbench -c$1 -j$jobs -N -T $seconds"
    "$pg_bin/pgbench" -c"$1" -j"$jobs" -N -T "$seconds" "$server/pgbench" 2>/dev/null | tee "$work/pgbench.out" | grep -E '^(tps|latency)'
    tps=$(awk '/^tps/ { print $3; exit }' "$work/pgbench.out")
}
# ratio_to_mean RATE BEFORE AFTER: RATE over the mean of the two references.
ratio_to_mean() {
    awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN { printf "%.2f", 2 * a / (b + c) }'
}

own_cluster=0
[ -z "$pg_url" ] && own_cluster=1
echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?") | $(nproc) cores | load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk: $threads threads, $connections connections, $duration; guichetd workers: ${workers:-default}"
[ "$backend" != postgresql ] && bench_backend sqlite
[ "$backend" != sqlite ] && bench_backend postgresql
exit 0
