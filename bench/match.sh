#!/bin/sh
# match.sh - the matcher's figures beside their anchors, in one run:
#   GET /api/v1/lookup req/s            vs nginx serving a static file
#   POST /api/v1/lookup values/s        vs redis-benchmark -P 16 SISMEMBER
#   oureyes match MB/s over a 1 GB log  vs grep -F -f and wc -l (exact hits checked)
#   memory per entry, load time, restart to first lookup, one lookup's cost
#   bench/match.sh BUILD_DIR
# Environment: OE_BENCH_LOG_MB (default 1024), OE_BENCH_MATCH_N (indicators,
# default 1000000), OE_BENCH_SECONDS (wrk duration, default 10),
# OE_BENCH_10M (1: also load 10,000,000 indicators; default 1).
set -eu
build=$1
bin="$build/oureyes"
mb=${OE_BENCH_LOG_MB:-1024}
n=${OE_BENCH_MATCH_N:-1000000}
secs=${OE_BENCH_SECONDS:-10}
big=${OE_BENCH_10M:-1}
shared=${OE_SHARED:-../shared}
out=bench/out/match
mkdir -p "$out"
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
now() { date +%s.%N; }
fig() { printf '%-9s%s\n' "$1" "$2"; }

if [ ! -f "$shared/fixtures/blocklists/ipsum.txt" ]; then
	echo "match:   skipped ($shared/fixtures absent)"
	exit 0
fi
echo "== matcher ($(nproc) cores, $n indicators, ${mb} MB log)"
stamp="$out/.made-$mb-$n"
if [ ! -f "$stamp" ]; then
	rm -f "$out"/.made-*
	python3 bench/gen_log.py "$shared" "$out" "$mb" "$n"
	touch "$stamp"
fi

# Indicators: real block lists, topped up to n.
"$bin" init --data "$tmp/data" --org Bench --country ID >"$tmp/init.json"
key=$(sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p' "$tmp/init.json")
# Exit 3: a few block-list lines are not valid values (refused, reported).
"$bin" import --data "$tmp/data" --format txt "$out/indicators.txt" >/dev/null || [ $? -eq 3 ]

# Load time and memory per entry, from the store (one-shot, as oureyes match).
"$bin" match --data "$tmp/data" --stats </dev/null 2>"$tmp/load.json" >/dev/null
# One lookup's own cost, and memory per 16-character name (synthetic).
"$build/tests/match/bench_match" "$n" >"$tmp/lookup.json"

# Restart to first answered lookup.
value=$(sed -n '30000p' "$out/indicators.txt")
port=$(free_port)
t0=$(now)
"$bin" serve --data "$tmp/data" --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
oe_pid=$!
pids="$pids $oe_pid"
until curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/lookup?value=$value" \
	-o "$tmp/first.json" 2>/dev/null; do sleep 0.01; done
t1=$(now)
grep -q '"match":true' "$tmp/first.json" || { echo "bench: $value did not match" >&2; exit 1; }

# GET lookups beside nginx serving a small static file.
ngport=$(free_port)
mkdir -p "$tmp/www" "$tmp/nginx"
cp "$tmp/first.json" "$tmp/www/lookup.json"
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
pids="$pids $!"
sleep 0.5
wrk -t2 -c64 -d"${secs}s" "http://127.0.0.1:$ngport/lookup.json" >"$tmp/wrk-nginx.txt"
wrk -t2 -c64 -d"${secs}s" -H "Authorization: Bearer $key" \
	"http://127.0.0.1:$port/api/v1/lookup?value=$value" >"$tmp/wrk-get.txt"

# POST batches of 1,000 values (half stored) beside Redis SISMEMBER, pipelined x16.
python3 - "$out/indicators.txt" "$tmp/body.json" <<'PY'
import json, sys
vals = [l.strip() for l in open(sys.argv[1])]
step = max(1, len(vals) // 500)
batch = [vals[i * step] for i in range(500)] + [f"miss{i}.example" for i in range(250)] + \
        [f"192.0.2.{i % 250}" for i in range(250)]
json.dump({"values": batch}, open(sys.argv[2], "w"))
PY
OE_BODY="$tmp/body.json" wrk -t2 -c16 -d"${secs}s" -s bench/lookup_post.lua \
	-H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/lookup" >"$tmp/wrk-post.txt"
rport=$(free_port)
redis-server --port "$rport" --save '' --appendonly no --bind 127.0.0.1 >"$tmp/redis.log" 2>&1 &
pids="$pids $!"
until redis-cli -p "$rport" ping >/dev/null 2>&1; do sleep 0.05; done
awk '{printf "*3\r\n$4\r\nSADD\r\n$3\r\nset\r\n$%d\r\n%s\r\n", length($0), $0}' "$out/indicators.txt" |
	redis-cli -p "$rport" --pipe >/dev/null
redis-benchmark -p "$rport" -n 4000000 -P 16 -c 50 -r 1000000 -q sismember set __rand_int__ \
	>"$tmp/redis.txt" 2>&1
kill "$oe_pid" 2>/dev/null || true

# Bulk matching: oureyes match vs grep -F -f vs wc -l, same file, from page cache.
cat "$out/access.log" >/dev/null
t2=$(now)
wc -l "$out/access.log" >/dev/null
t3=$(now)
"$bin" match --data "$tmp/data" --stats "$out/access.log" >"$tmp/hits.jsonl" 2>"$tmp/match.json"
t4=$(now)
grep -F -c -f "$out/values.txt" "$out/access.log" >"$tmp/grep.count" || true
t5=$(now)

# 10,000,000 indicators: load time from the store.
if [ "$big" = 1 ]; then
	python3 - "$out/indicators.txt" "$tmp/ten.txt" <<'PY'
import sys
vals = [l for l in open(sys.argv[1])]
with open(sys.argv[2], "w") as f:
    f.writelines(vals)
    for i in range(10_000_000 - len(vals)):
        j = i >> 1
        f.write(f"t{j}.ten-million.example\n" if i & 1 else
                f"{100 + (j >> 24) % 27}.{(j >> 16) & 255}.{(j >> 8) & 255}.{j & 255}\n")
PY
	"$bin" init --data "$tmp/ten" --org Bench --country ID >/dev/null
	# One import is bounded (OE_IMPORT limits): a million lines at a time.
	split -l 1000000 "$tmp/ten.txt" "$tmp/ten-part-"
	rm -f "$tmp/ten.txt"
	for part in "$tmp"/ten-part-*; do
		"$bin" import --data "$tmp/ten" --format txt "$part" >/dev/null || [ $? -eq 3 ]
		rm -f "$part"
	done
	"$bin" match --data "$tmp/ten" --stats </dev/null 2>"$tmp/ten.json" >/dev/null
fi

python3 - "$tmp" "$out" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$mb" <<'PY'
import json, os, re, sys
tmp, out = sys.argv[1], sys.argv[2]
t0, t1, t2, t3, t4, t5 = map(float, sys.argv[3:9])
size = os.path.getsize(os.path.join(out, "access.log")) / 1e6
def rps(p):
    t = open(os.path.join(tmp, p)).read()
    m = re.search(r"Requests/sec:\s+([\d.]+)", t)
    e = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    return float(m.group(1)), int(e.group(1)) if e else 0
load = json.load(open(os.path.join(tmp, "load.json")))
lk = json.load(open(os.path.join(tmp, "lookup.json")))
m = json.loads(open(os.path.join(tmp, "match.json")).read().strip().splitlines()[-1])
ng, _ = rps("wrk-nginx.txt")
get, gerr = rps("wrk-get.txt")
post, perr = rps("wrk-post.txt")
red = re.findall(r"([\d.]+) requests per second", open(os.path.join(tmp, "redis.txt")).read())
red = float(red[-1]) if red else 0.0
got = {(h["line"], h["indicator"], h["how"]) for h in map(json.loads, open(os.path.join(tmp, "hits.jsonl")))}
want = {(int(a), b, c) for a, b, c in (l.rstrip("\n").split("\t") for l in open(os.path.join(out, "expected.tsv")))}
grep_lines = int(open(os.path.join(tmp, "grep.count")).read().strip() or 0)
wc_mbs, oe_mbs, grep_mbs = size / (t3 - t2), size / (t4 - t3), size / (t5 - t4)
print(f"lookup   GET  /api/v1/lookup        {get:>12,.0f} req/s    nginx static {ng:>10,.0f} req/s   ratio {get / ng:.2f} (target >= 1.0)"
      + (f"  NON-2XX {gerr}" if gerr else ""))
print(f"lookup   POST /api/v1/lookup x1000  {post * 1000:>12,.0f} values/s redis -P 16  {red:>10,.0f} req/s   ratio {post * 1000 / red if red else 0:.2f} (target >= 1.0)"
      + (f"  NON-2XX {perr}" if perr else ""))
print(f"match    oureyes match              {oe_mbs:>12,.1f} MB/s     grep -F -f   {grep_mbs:>10,.1f} MB/s    ratio {oe_mbs / grep_mbs:.1f} (target >= 5)")
print(f"match    oureyes match              {oe_mbs:>12,.1f} MB/s     wc -l        {wc_mbs:>10,.1f} MB/s    ratio {oe_mbs / wc_mbs:.2f} (target >= 0.1)")
print(f"match    {m['lines']:,} lines, {size:,.0f} MB, {m['lines_per_s']:,.0f} lines/s; hits {len(got):,}, injected {len(want):,}, "
      f"missing {len(want - got)}, unexpected {len(got - want)}; grep -F reports {grep_lines:,} lines")
names = [l.strip() for l in open(os.path.join(out, "indicators.txt")) if not l[0].isdigit()]
avg = sum(map(len, names)) / max(1, len(names))
print(f"memory   {load['bytes_per_ipv4']:.1f} B per IPv4 entry (target <= 16); {lk['bytes_per_domain']:.1f} B per 16-char name "
      f"(synthetic; target <= 32 at 14); {load['bytes_per_domain']:.1f} B per stored name here (avg {avg:.1f} chars)")
print(f"load     {load['indicators']:,} indicators from the store in {load['load_s']:.2f} s")
if os.path.exists(os.path.join(tmp, "ten.json")):
    ten = json.loads(open(os.path.join(tmp, "ten.json")).read().strip().splitlines()[-1])
    print(f"load     {ten['indicators']:,} indicators from the store in {ten['load_s']:.2f} s (target <= 10 s)")
print(f"restart  serve with {load['indicators']:,} indicators to first answered lookup: {t1 - t0:.2f} s (target <= 3 s)")
print(f"lookup   one lookup's own cost (detect + canonicalise + match): {lk['lookup_ns']:.0f} ns, "
      f"match alone {lk['match_only_ns']:.0f} ns (target <= 2 us)")
PY
