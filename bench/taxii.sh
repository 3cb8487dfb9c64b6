#!/bin/sh
# taxii.sh - the cost of a TAXII 2.1 page at the start and at the end of a
# large collection: N (default 1,000,000) GREEN indicators are imported into
# a fresh node (which fills the community collection's log by trigger), then
# GET .../objects/?limit=1000 is timed with curl for the first page and for
# the last page (added_after the 1000th-from-last date_added), several runs
# each. Pages are read from the log's (collection, date_added) key, so the
# two should cost the same. Not a test: nothing passes or fails here.
#   bench/taxii.sh BUILD_DIR
# Environment: OE_BENCH_TAXII_N (indicators, default 1000000),
# OE_BENCH_RUNS (requests per page, default 20).
set -eu
build=$1
bin="$build/oureyes"
n=${OE_BENCH_TAXII_N:-1000000}
runs=${OE_BENCH_RUNS:-20}
out=bench/out
mkdir -p "$out"
tmp=$(mktemp -d)
oe_pid=""
cleanup() {
	[ -n "$oe_pid" ] && kill "$oe_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

echo "== TAXII pages ($(nproc) cores, $n objects in one collection)"
csv="$out/taxii-green-$n.csv"
[ -f "$csv" ] || python3 - "$n" "$csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("type,value,tlp,confidence\n")
    for i in range(n):
        f.write(f"domain,taxii-{i:07d}.bench.example,green,{50 + i % 50}\n")
PY
"$bin" init --data "$tmp/data" --org Bench --country ID >"$tmp/init.json"
key=$(sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p' "$tmp/init.json")
/usr/bin/time -f "%e" -o "$tmp/import.time" "$bin" import --data "$tmp/data" "$csv" >/dev/null
python3 - "$n" "$(cat "$tmp/import.time")" <<'PY'
import sys
n, s = int(sys.argv[1]), float(sys.argv[2])
print(f"import   {n} indicators (CSV, with the TAXII log) in {s:.1f} s = {n / s:,.0f}/s")
PY

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$bin" serve --data "$tmp/data" --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
oe_pid=$!
for _ in $(seq 50); do
	grep -q listening "$tmp/serve.log" 2>/dev/null && break
	sleep 0.2
done
base="http://127.0.0.1:$port/taxii2/api/collections"
hdr="Accept: application/taxii+json;version=2.1"
col=$(curl -s -H "$hdr" -H "Authorization: Bearer $key" "$base/" |
	python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin)["collections"] if c["title"] == "community"][0])')
# The last page: the last 999 rows and the identity they name.
last_after=$(sqlite3 "$tmp/data/oureyes.db" \
	"SELECT date_added FROM taxii_log WHERE scope='community' ORDER BY date_added DESC LIMIT 1 OFFSET 999" |
	python3 -c 'import sys,datetime; us=int(sys.stdin.read()); print(datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (us % 1000000))')
first="$base/$col/objects/?limit=1000"
last="$base/$col/objects/?limit=1000&added_after=$last_after"

# One request of each to check the pages, then the timed runs.
for which in first last; do
	eval url=\$$which
	curl -s -H "$hdr" -H "Authorization: Bearer $key" "$url" >"$tmp/$which.json"
done
python3 - "$tmp/first.json" "$tmp/last.json" <<'PY'
import json, sys
for name, path in zip(("first", "last"), sys.argv[1:]):
    e = json.load(open(path))
    objs = e.get("objects", [])
    ind = sum(1 for o in objs if o["type"] == "indicator")
    print(f"check    {name} page: {len(objs)} objects ({ind} indicators), more={e.get('more')}")
PY
for which in first last; do
	eval url=\$$which
	: >"$tmp/$which.times"
	for _ in $(seq "$runs"); do
		curl -s -o /dev/null -w '%{time_total}\n' -H "$hdr" -H "Authorization: Bearer $key" \
			"$url" >>"$tmp/$which.times"
	done
done
python3 - "$tmp/first.times" "$tmp/last.times" "$n" <<'PY'
import statistics, sys
def ms(path):
    return sorted(float(x) * 1000 for x in open(path).read().split())
f, l, n = ms(sys.argv[1]), ms(sys.argv[2]), int(sys.argv[3])
fm, lm = statistics.median(f), statistics.median(l)
print(f"page 1   GET objects?limit=1000: median {fm:.1f} ms (min {f[0]:.1f}, max {f[-1]:.1f}, {len(f)} runs)")
print(f"page N   GET objects?limit=1000 (last page of {n}): median {lm:.1f} ms "
      f"(min {l[0]:.1f}, max {l[-1]:.1f}, {len(l)} runs)")
print(f"ratio    last/first = {lm / fm:.2f} (target: both under 100 ms, within 2x)")
PY
