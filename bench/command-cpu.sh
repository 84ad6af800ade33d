#!/usr/bin/env bash
# CPU time and round trips per guichetd command on PostgreSQL, against
# pgbench's per transaction (docs/PERFORMANCE.md, issue 14). Throughput on a
# shared machine follows its load; the CPU a command costs does much less.
#
# A throwaway cluster (default durable settings, pg_stat_statements loaded),
# `guichetctl init` + `demo`, guichetd, then N `setNotifications` with a
# fresh commandId each, one at a time over one keep-alive connection (after
# 200 unmeasured ones). The CPU time of guichetd and of every process of the
# cluster is read from /proc before and after; each PostgreSQL backend is
# named by what it ran last. Then the round trips of 20 more commands
# (log_statement = all: one log line per query message) and the statements
# they ran (pg_stat_statements). The reference: `pgbench -c1 -N -t N` on
# the same cluster, its backends' CPU per transaction; the ratio is printed.
# Builds nothing: expects guichetd and guichetctl in the build folder.
#
# Usage: bench/command-cpu.sh [--build DIR] [--commands N] [--workers N] [--perf FILE]
# --perf: `perf record -g` of guichetd and the cluster's processes during the
# measured commands, into FILE (then perf report -i FILE); the CPU figures
# then include what recording costs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build
commands=2000
workers=""
perf_file=""
while [ $# -gt 0 ]; do
    case $1 in
        --build) build=$2; shift 2 ;;
        --commands) commands=$2; shift 2 ;;
        --workers) workers=$2; shift 2 ;;
        --perf) perf_file=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "command-cpu.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case $commands in '' | *[!0-9]*) echo "command-cpu.sh: --commands: '$commands'" >&2; exit 2 ;; esac

export GUICHET_FAST_HASH=1
bench_name=command-cpu.sh
source "$root/bench/benchlib.sh"
command -v "$pg_bin/pgbench" >/dev/null || { echo "command-cpu.sh: pgbench is missing" >&2; exit 1; }

# The cluster of benchlib, with pg_stat_statements (set-up, not measured).
start_cluster
printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\npg_stat_statements.track_planning = on\n" >>"$work/pg/data/postgresql.conf"
as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w restart >/dev/null
demo_database postgresql
psql -q "$database" -c "CREATE EXTENSION pg_stat_statements" >/dev/null
postmaster=$(head -n 1 "$work/pg/data/postmaster.pid")

args=(--database "$database")
[ -n "$workers" ] && args+=(--workers "$workers")
start_guichetd "${args[@]}"
token=$(curl -sf -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session" | json_field token)

# ticks PID...: the CPU time (user + system, clock ticks) of each, "pid ticks" a line.
ticks() {
    local pid
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] && awk -v p="$pid" '{ sub(/^.*\) /, ""); print p, $12 + $13 }' "/proc/$pid/stat"
    done
    return 0
}
cluster_pids() { echo "$postmaster"; pgrep -P "$postmaster" || true; }
# The CPU time of the whole cluster, in ticks: its processes', and the
# postmaster's ended children's (a backend's when its client left: pgbench's).
cluster_ticks() {
    local pid total
    total=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$postmaster/stat")
    for pid in $(pgrep -P "$postmaster" || true); do
        [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")))
    done
    echo "$total"
}

# send COUNT: COUNT commands, one at a time, on one connection.
send() {
    python3 - "$base" "$token" "$1" "$email" <<'PY'
import http.client, json, os, sys, urllib.parse
base, token, count, email = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
url = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port)
prefix = "cpu-%d-%s-" % (os.getpid(), os.urandom(4).hex())
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
for i in range(count):
    body = json.dumps({"commandId": prefix + str(i), "args": {"enabled": True, "contactEmail": email}})
    conn.request("POST", "/api/v1/commands/setNotifications", body, headers)
    answer = conn.getresponse()
    data = answer.read()
    if answer.status != 200:
        sys.exit("command %d: HTTP %d %s" % (i, answer.status, data[:200]))
PY
}

hz=$(getconf CLK_TCK)
send 200
before_total=$(cluster_ticks)
mapfile -t pids < <(cluster_pids)
before_pg=$(ticks "${pids[@]}")
before_d=$(ticks "$server_pid")
perf_pid=""
if [ -n "$perf_file" ]; then
    perf record -q -g -F 999 -o "$perf_file" -p "$(cluster_pids | paste -sd, -),$server_pid" 2>/dev/null &
    perf_pid=$!
    sleep 1
fi
start_ns=$(date +%s%N)
send "$commands"
end_ns=$(date +%s%N)
if [ -n "$perf_pid" ]; then
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
fi
after_d=$(ticks "$server_pid")
mapfile -t pids < <(cluster_pids)
after_pg=$(ticks "${pids[@]}")
after_total=$(cluster_ticks)
# Who each backend is: what it ran last.
roles=$(psql -At -F ' ' "$database" -c "SELECT pid, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) FROM pg_stat_activity WHERE pid <> pg_backend_pid()")

echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?") | $(nproc) cores | load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "--- $commands commands, one at a time: $(awk -v n="$commands" -v ns=$((end_ns - start_ns)) \
    'BEGIN { printf "%.0f/s", n / (ns / 1e9) }') (python client)"
per_command() { # per_command BEFORE AFTER COUNT: ms of CPU per item, by pid
    join <(sort <<<"$1") <(sort <<<"$2") | awk -v n="$3" -v hz="$hz" '{ printf "%s %.3f\n", $1, ($3 - $2) * 1000 / hz / n }'
}
guichetd_ms=$(per_command "$before_d" "$after_d" "$commands" | awk '{ print $2 }')
echo "guichetd: $guichetd_ms ms of CPU per command"
pg_lines=$(per_command "$before_pg" "$after_pg" "$commands")
while read -r pid ms; do
    [ "$ms" = 0.000 ] && continue
    role=$(awk -v p="$pid" '$1 == p { $1 = ""; print substr($0, 2) }' <<<"$roles")
    [ "$pid" = "$postmaster" ] && role="postmaster"
    echo "  postgres $pid: $ms ms  ${role:-(background process)}"
done <<<"$pg_lines"
pg_ms=$(awk -v a="$before_total" -v b="$after_total" -v n="$commands" -v hz="$hz" \
    'BEGIN { printf "%.3f", (b - a) * 1000 / hz / n }')
echo "postgres, every process: $pg_ms ms of CPU per command"

# Round trips and statements of 20 commands.
psql -q "$database" -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" \
    -c "SELECT pg_stat_statements_reset()" >/dev/null
sleep 0.5
lines_before=$(grep -c 'LOG:  statement:' "$work/pg/log" || true)
send 20
sleep 0.5
lines_after=$(grep -c 'LOG:  statement:' "$work/pg/log" || true)
psql -q "$database" -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
echo "round trips per command (query messages, watcher included): $(awk -v a="$lines_before" -v b="$lines_after" \
    'BEGIN { printf "%.1f", (b - a) / 20 }')"
psql -At -F ' | ' "$database" -c "SELECT round(calls / 20.0, 1), round((total_plan_time + total_exec_time)::numeric \
/ 20, 3), left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' \
ORDER BY calls DESC, total_exec_time DESC LIMIT 25" | sed 's/^/  per command: /'
echo "  (calls | ms planning + executing, nested statements included | statement)"
psql -At "$database" -c "SELECT 'planning: ' || round(sum(total_plan_time)::numeric / 20, 3) || ' ms, executing: ' \
|| round(sum(total_exec_time) FILTER (WHERE toplevel)::numeric / 20, 3) || ' ms per command (top-level statements)' \
FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%log_statement%'"
stop_server

# The reference: pgbench's simple update, one client, on the same cluster.
server=${pg_url%/*}
as_postgres psql -q "$server/postgres" -c "CREATE DATABASE pgbench" >/dev/null
"$pg_bin/pgbench" -i -q "$server/pgbench" >/dev/null 2>&1
"$pg_bin/pgbench" -c1 -N -t 200 "$server/pgbench" >/dev/null 2>&1
sleep 0.5
before_total=$(cluster_ticks)
start_ns=$(date +%s%N)
"$pg_bin/pgbench" -c1 -N -t "$commands" "$server/pgbench" >"$work/pgbench.out" 2>&1
end_ns=$(date +%s%N)
sleep 0.5 # the backend ends and is reaped
after_total=$(cluster_ticks)
ref_ms=$(awk -v a="$before_total" -v b="$after_total" -v n="$commands" -v hz="$hz" \
    'BEGIN { printf "%.3f", (b - a) * 1000 / hz / n }')
echo "--- reference: pgbench -c1 -N -t $commands: $(awk -v n="$commands" -v ns=$((end_ns - start_ns)) \
    'BEGIN { printf "%.0f tps", n / (ns / 1e9) }'), postgres $ref_ms ms of CPU per transaction"
echo "=== CPU per command: guichetd $guichetd_ms + postgres $pg_ms = $(awk -v a="$guichetd_ms" -v b="$pg_ms" \
    'BEGIN { printf "%.3f", a + b }') ms; pgbench's postgres $ref_ms ms -> ratio $(awk -v a="$guichetd_ms" \
    -v b="$pg_ms" -v c="$ref_ms" 'BEGIN { printf "%.2f", c / (a + b) }')"
