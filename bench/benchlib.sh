# Shared by the load benches (api-bench.sh, signin-flood.sh): their work folder,
# a throwaway PostgreSQL cluster, a demo database and guichetd on a free port.
# The sourcing script sets bench_name and build first.
# shellcheck shell=bash

guichetd=$build/app/guichetd/guichetd
guichetctl=$build/app/guichetctl/guichetctl
for tool in "$guichetd" "$guichetctl"; do
    [ -x "$tool" ] || { echo "$bench_name: $tool is missing: build first (bash scripts/test)" >&2; exit 1; }
done
for tool in wrk curl python3; do
    command -v $tool >/dev/null || { echo "$bench_name: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done

# The demo's principal manager signs in for the measured requests.
email=claire.dubois@demo.guichet.fr
password=Guichet-Demo-2026

work=$(mktemp -d "/tmp/guichet-${bench_name%.sh}.XXXXXX")
chmod 755 "$work"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
server_pid=""
base=""

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

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

json_field() { # json_field NAME < body
    python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# Starts a throwaway cluster with default (durable) settings, as a real server
# would run, only the connection limit raised; sets pg_url.
start_cluster() {
    [ -n "$pg_bin" ] || { echo "$bench_name: PostgreSQL is not installed (or give --postgres URL)" >&2; exit 1; }
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

# demo_database sqlite|postgresql: a new database with the demo data (fast
# password hashing: its set-up is not measured); sets database to its location.
demo_database() {
    if [ "$1" = sqlite ]; then
        database=$work/bench.sqlite
    else
        [ -n "$pg_url" ] || start_cluster
        database=$pg_url
    fi
    GUICHET_FAST_HASH=1 "$guichetctl" --database "$database" init >/dev/null
    GUICHET_FAST_HASH=1 "$guichetctl" --database "$database" demo >/dev/null
}

# start_guichetd guichetd-arguments...: guichetd on 127.0.0.1's first free port;
# sets server_pid and base (its http:// address).
start_guichetd() {
    "$guichetd" --listen 127.0.0.1:0 --language en "$@" >"$work/guichetd.out" 2>"$work/guichetd.err" &
    server_pid=$!
    base=""
    for _ in $(seq 1 300); do
        base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/guichetd.out" 2>/dev/null | head -n 1 || true)
        [ -n "$base" ] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$base" ] || { echo "$bench_name: guichetd did not start:" >&2; cat "$work/guichetd.err" >&2; exit 1; }
}

# The command wrk sends: setNotifications with a fresh commandId per request,
# unique across threads and runs.
cat >"$work/command.lua" <<LUA
-- wrk's Lua does not seed math.random: without this every wrk run would send
-- the same sequence (the same e-mails and addresses, the same commandIds).
local urandom = io.open("/dev/urandom", "rb")
local b1, b2, b3, b4 = urandom:read(4):byte(1, 4)
urandom:close()
math.randomseed(((b1 * 256 + b2) * 256 + b3) * 256 + b4)

local counter = 0
local prefix = ""
local threadIds = 0

function setup(thread)
    threadIds = threadIds + 1
    thread:set("threadId", threadIds)
end

function init(args)
    prefix = string.format("${bench_name%.sh}-%d-%d-%d-", os.time(), threadId or 0, math.random(1, 1000000000))
end

request = function()
    counter = counter + 1
    local body = string.format(
        '{"commandId":"%s%d","args":{"enabled":true,"contactEmail":"$email"}}',
        prefix, counter)
    return wrk.format("POST", "/api/v1/commands/setNotifications", nil, body)
end
LUA
