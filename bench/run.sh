#!/bin/sh
# run.sh - `make bench`: figures printed side by side with their anchors,
# measured in one run on this machine. Not a test: nothing here passes or
# fails; the numbers go into notes and issues.
#   bench/run.sh BUILD_DIR
# Environment: OE_BENCH_N (indicators, default 1000000), OE_BENCH_SECONDS
# (wrk duration, default 10).
set -eu
build=$1
bin="$build/oureyes"
n=${OE_BENCH_N:-1000000}
secs=${OE_BENCH_SECONDS:-10}
out=bench/out
mkdir -p "$out"
tmp=$(mktemp -d)
nginx_pid=""
oe_pid=""
cleanup() {
	[ -n "$oe_pid" ] && kill "$oe_pid" 2>/dev/null || true
	[ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

echo "== oureyes benchmarks ($(nproc) cores, $n indicators)"

# 1. Import: a generated STIX bundle into SQLite, with correlation.
bundle="$out/stix-$n.json"
[ -f "$bundle" ] || python3 bench/gen_stix.py "$n" "$bundle"
"$bin" init --data "$tmp/data" --org Bench --country ID >"$tmp/init.json"
key=$(sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p' "$tmp/init.json")
/usr/bin/time -f "%e %M" -o "$tmp/import.time" "$bin" import --data "$tmp/data" "$bundle" >"$tmp/import.json"
read -r secs_import rss_import <"$tmp/import.time"
python3 - "$n" "$secs_import" "$rss_import" <<'PY'
import sys
n, s, rss = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"import   {n} indicators from STIX in {s:.2f} s = {n / s:,.0f} indicators/s "
      f"(target >= 100,000/s), peak RSS {rss / 1024:.0f} MiB")
PY

# 2. Exact lookups over HTTP beside nginx serving a small static file.
ngport=$(free_port)
mkdir -p "$tmp/www" "$tmp/nginx"
printf '{"value":"198.51.100.7","type":"ipv4","match":true,"hits":[]}\n' >"$tmp/www/lookup.json"
cat >"$tmp/nginx/nginx.conf" <<NG
worker_processes 2;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx;
  proxy_temp_path $tmp/nginx;
  fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx;
  scgi_temp_path $tmp/nginx;
  server { listen 127.0.0.1:$ngport; root $tmp/www; }
}
NG
/usr/sbin/nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
nginx_pid=$!
port=$(free_port)
"$bin" serve --data "$tmp/data" --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
oe_pid=$!
sleep 1
# A value that is stored: the generator's first IPv4 indicator.
value="1.0.0.0"
curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/lookup?value=$value" | grep -q '"match":true' ||
	{ echo "bench: lookup of $value did not match" >&2; exit 1; }
wrk -t2 -c64 -d"${secs}s" "http://127.0.0.1:$ngport/lookup.json" >"$tmp/wrk-nginx.txt"
wrk -t2 -c64 -d"${secs}s" -H "Authorization: Bearer $key" \
	"http://127.0.0.1:$port/api/v1/lookup?value=$value" >"$tmp/wrk-oe.txt"
rss=$(awk '/VmHWM/ {print $2}' /proc/$oe_pid/status)
python3 - "$tmp/wrk-nginx.txt" "$tmp/wrk-oe.txt" "$rss" "$n" <<'PY'
import re, sys
def rps(p):
    t = open(p).read()
    m = re.search(r"Requests/sec:\s+([\d.]+)", t)
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    return float(m.group(1)), int(errs.group(1)) if errs else 0
ng, ne = rps(sys.argv[1])
oe, oerr = rps(sys.argv[2])
print(f"nginx    static file              {ng:>10,.0f} req/s  (wrk -t2 -c64)")
print(f"oureyes  GET /api/v1/lookup       {oe:>10,.0f} req/s  ratio {oe / ng:.2f} (target >= 0.5)"
      + (f"  NON-2XX: {oerr}" if oerr else ""))
print(f"oureyes  server peak RSS with {int(sys.argv[4]):,} indicators: {int(sys.argv[3]) / 1024:.0f} MiB")
PY
bench/reports.sh "$build"
bench/match.sh "$build"
bench/sync.sh "$build"
