#!/usr/bin/env bash
# Clients that never read their answers (issue 13, item 5; docs/PERFORMANCE.md
# « Clients that do not read »).
#
# A new SQLite demo database; guichetd on 127.0.0.1:0; the demo's principal
# manager adds a 4 MiB file. Then --clients connections each pipeline
# --downloads GET /api/v1/files/<id>/content and read nothing for --wait
# seconds, while guichetd's resident memory (VmRSS of /proc/<pid>/status) is
# sampled; then the clients read everything and every answer is checked (status
# 200, the file's bytes). Prints the baseline, the peak and the answers logged.
# Builds nothing: expects guichetd and guichetctl in the build folder
# (--guichetd PATH measures another guichetd, e.g. one built before the change).
#
# Usage: bench/unread-clients.sh [--build DIR] [--guichetd PATH] [--clients N]
#                                [--downloads N] [--wait SECONDS] [-- guichetd-options...]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build
clients=20
downloads=50
wait_seconds=10
other_guichetd=""
while [ $# -gt 0 ]; do
    case $1 in
        --build) build=$2; shift 2 ;;
        --guichetd) other_guichetd=$2; shift 2 ;;
        --clients) clients=$2; shift 2 ;;
        --downloads) downloads=$2; shift 2 ;;
        --wait) wait_seconds=$2; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unread-clients.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done

pg_url=""
bench_name=unread-clients.sh
source "$root/bench/benchlib.sh"
[ -n "$other_guichetd" ] && guichetd=$other_guichetd

demo_database sqlite
start_guichetd --database "$database" "$@"
token=$(curl -sf -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session" | json_field token)

echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?") | $(nproc) cores | load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "guichetd $guichetd $*"
python3 - "$base" "$token" "$server_pid" "$clients" "$downloads" "$wait_seconds" "$work/guichetd.err" <<'PY'
import base64, hashlib, json, socket, sys, time, urllib.request

base, token, pid, clients, downloads, wait, log = sys.argv[1], sys.argv[2], sys.argv[3], *map(int, sys.argv[4:7]), sys.argv[7]
content = bytes((i * 7919 >> 3) & 0xff for i in range(4 * 1024 * 1024))

def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

body = json.dumps({"args": {"designation": "Brochure", "fileType": "brochure", "fileName": "brochure.pdf",
                            "content": base64.b64encode(content).decode()}}).encode()
request = urllib.request.Request(base + "/api/v1/commands/addFile", data=body, method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
file_id = json.load(urllib.request.urlopen(request))["id"]
path = f"/api/v1/files/{file_id}/content"
one = urllib.request.urlopen(urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})).read()
assert one == content
baseline = rss_mb()
host, port = base.split("//")[1].split(":")
pipelined = (f"GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n" * downloads).encode()
sockets = []
for _ in range(clients):
    s = socket.create_connection((host, int(port)))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    s.sendall(pipelined)
    sockets.append(s)
peak = baseline
start = time.time()
while time.time() - start < wait:
    peak = max(peak, rss_mb())
    time.sleep(0.2)
answered = open(log).read().count(path + " 200")
print(f"{clients} connections x {downloads} pipelined downloads of 4 MiB, unread for {wait} s:")
print(f"  guichetd VmRSS: baseline {baseline:.0f} MB, peak {peak:.0f} MB (+{peak - baseline:.0f} MB); "
      f"answers written meanwhile: {answered - 1} of {clients * downloads}")
ok = 0
for s in sockets:
    s.settimeout(120)
    stream = b""
    for _ in range(downloads):
        while b"\r\n\r\n" not in stream:
            stream += s.recv(1 << 20)
        head, _, stream = stream.partition(b"\r\n\r\n")
        length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
        while len(stream) < length:
            stream += s.recv(1 << 20)
        answer, stream = stream[:length], stream[length:]
        ok += head.startswith(b"HTTP/1.1 200") and answer == content
    s.close()
print(f"  then read: {ok} of {clients * downloads} answers 200 with the file's exact bytes; VmRSS after {rss_mb():.0f} MB")
PY
stop_server
