#!/bin/sh
# sync.sh - how long until indicators created at one node are visible at
# two others: three nodes (A, B, C) on loopback, each paired with the two
# others (`oureyes peer invite` / `peer add`) and pulling every second on
# the server's scheduler. N (default 100,000) GREEN indicators are imported
# at A with `oureyes import`; the clock runs from the start of the import
# until B and C each hold all N and answer a lookup of the last one. Not a
# test: nothing passes or fails here.
#   bench/sync.sh BUILD_DIR
# Environment: OE_BENCH_SYNC_N (indicators, default 100000),
# OE_BENCH_SYNC_ARGS (more flags for each server, e.g.
# "--set sync.page_limit=5000").
set -eu
build=$1
bin="$build/oureyes"
n=${OE_BENCH_SYNC_N:-100000}
out=bench/out
mkdir -p "$out"
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
key_of() { sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p' "$1"; }
now() { python3 -c 'import time;print(time.time())'; }

echo "== sync ($(nproc) cores, $n indicators from A to B and C)"
csv="$out/sync-green-$n.csv"
[ -f "$csv" ] || python3 - "$n" "$csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("type,value,tlp,confidence\n")
    for i in range(n):
        f.write(f"domain,sync-{i:07d}.bench.example,green,{50 + i % 50}\n")
PY
last=$(tail -n 1 "$csv" | cut -d, -f2)

for x in A B C; do
	"$bin" init --data "$tmp/$x" --org "Node $x" --country ID >"$tmp/$x.json"
	port=$(free_port)
	echo "$port" >"$tmp/$x.port"
	"$bin" serve --data "$tmp/$x" --listen "127.0.0.1:$port" --set sync.interval=1s ${OE_BENCH_SYNC_ARGS:-} \
		2>"$tmp/$x.log" &
	pids="$pids $!"
done
for x in A B C; do
	for _ in $(seq 100); do
		grep -q listening "$tmp/$x.log" 2>/dev/null && break
		sleep 0.1
	done
done
for a in A B C; do
	for b in A B C; do
		[ "$a" = "$b" ] && continue
		"$bin" peer invite --data "$tmp/$a" --name "Node $b" --country ID >"$tmp/inv-$a-$b.json"
		"$bin" peer add --data "$tmp/$b" --name "Node $a" \
			--url "http://127.0.0.1:$(cat "$tmp/$a.port")/taxii2/" \
			--key "$(key_of "$tmp/inv-$a-$b.json")" >/dev/null
	done
done

count() { sqlite3 "$tmp/$1/oureyes.db" "SELECT count(*) FROM indicators WHERE value LIKE 'sync-%'"; }
visible() {
	curl -sf -H "Authorization: Bearer $(key_of "$tmp/$1.json")" \
		"http://127.0.0.1:$(cat "$tmp/$1.port")/api/v1/lookup?value=$last" | grep -q '"match":true'
}

t0=$(now)
"$bin" import --data "$tmp/A" "$csv" >/dev/null
t_import=$(now)
tb=""
tc=""
deadline=$(($(date +%s) + 1800))
while [ -z "$tb" ] || [ -z "$tc" ]; do
	[ "$(date +%s)" -gt "$deadline" ] && { echo "bench: not visible after 30 minutes" >&2; exit 1; }
	if [ -z "$tb" ] && [ "$(count B)" -eq "$n" ] && visible B; then tb=$(now); fi
	if [ -z "$tc" ] && [ "$(count C)" -eq "$n" ] && visible C; then tc=$(now); fi
	sleep 0.1
done
python3 - "$n" "$t0" "$t_import" "$tb" "$tc" <<'PY'
import sys
n = int(sys.argv[1])
t0, ti, tb, tc = map(float, sys.argv[2:])
both = max(tb, tc)
print(f"import   {n} indicators at A in {ti - t0:.1f} s")
print(f"visible  at B {tb - t0:.1f} s, at C {tc - t0:.1f} s after the import began "
      f"({both - ti:.1f} s after it ended); {n / (both - t0):,.0f} indicators/s end to end")
PY
