#!/bin/sh
# reports.sh - durable report submissions per second: 32 concurrent clients
# (wrk -t2 -c32) POST citizens' reports to a fresh node on SQLite; every
# 201 is committed (WAL) before it is sent. Prints reports/s, p50/p99
# latency, and checks that the database holds exactly as many reports as
# were acknowledged.
#   bench/reports.sh BUILD_DIR
# Environment: OE_BENCH_SECONDS (default 10).
set -eu
build=$1
bin="$build/oureyes"
secs=${OE_BENCH_SECONDS:-10}
tmp=$(mktemp -d)
oe_pid=""
cleanup() {
	[ -n "$oe_pid" ] && kill "$oe_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$bin" init --data "$tmp/data" --org Bench --country ID >/dev/null
"$bin" serve --data "$tmp/data" --listen "127.0.0.1:$port" --set public.rate=0 \
	--set public.report_rate=0 2>"$tmp/serve.log" &
oe_pid=$!
sleep 1
wrk -t2 -c32 -d"${secs}s" --latency -s bench/reports.lua "http://127.0.0.1:$port" >"$tmp/wrk.txt"
rss=$(awk '/VmHWM/ {print $2}' /proc/$oe_pid/status)
kill "$oe_pid"
wait "$oe_pid" 2>/dev/null || true
oe_pid=""
stored=$(sqlite3 "$tmp/data/oureyes.db" "SELECT count(*) FROM reports")
python3 - "$tmp/wrk.txt" "$stored" "$rss" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
total = int(re.search(r"(\d+) requests in", t).group(1))
errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
errs = int(errs.group(1)) if errs else 0
def lat(p):
    m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", t)
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
stored = int(sys.argv[2])
print(f"oureyes  POST /public/v1/reports  {rps:>10,.0f} reports/s  (wrk -t2 -c32, target >= 1,000/s)"
      f"  p50 {lat(50):.1f} ms  p99 {lat(99):.1f} ms")
print(f"oureyes  acknowledged {total - errs:,}, stored {stored:,}"
      + ("" if stored >= total - errs else "  LOST REPORTS")
      + (f"  NON-2XX: {errs}" if errs else "") + f", server peak RSS {int(sys.argv[3]) / 1024:.0f} MiB")
PY
