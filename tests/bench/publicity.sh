#!/usr/bin/env bash
# The publicity benchmark (make bench calls it with a running stack): the
# public items list of a published batch (R5), GET
# /api/publicity/batches/{id}/items, uncached (every request with a new
# ignored parameter, so it reaches the program and the database) and
# micro-cached (nginx's 1-second cache), each as a ratio to nginx serving
# the very same bytes as a static file from a second small nginx with the
# same worker count, keep-alive and security headers — measured side by
# side in this run (shared/PERFORMANCE.md), with p50/p99.
#
# Set-up: ~20 approved claims in SQL (publicity_setup.py), then the batch
# is made and published through the API as the demo bureau account (so the
# stack needs the demo data).
#
# Environment: VOUCHER_STATE_DIR, VOUCHER_PORT (the running stack),
# PUB_REF_PORT (reference nginx, default VOUCHER_PORT + 2), PUB_ITEMS (20),
# BENCH_SECONDS (8), BENCH_CONNS (64), BENCH_THREADS (2).
# Exit status 1 when something did not run or a measured reply was not
# 200; a missed goal is reported, not an error.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/bench
STATE=${VOUCHER_STATE_DIR:?VOUCHER_STATE_DIR: the running stack}
PORT=${VOUCHER_PORT:?VOUCHER_PORT: the running stack}
REF_PORT=${PUB_REF_PORT:-$((PORT + 2))}
ITEMS=${PUB_ITEMS:-20}
SECS=${BENCH_SECONDS:-8}
CONNS=${BENCH_CONNS:-64}
THREADS=${BENCH_THREADS:-2}
WARMUP=2
BASE=http://127.0.0.1:$PORT
REF=http://127.0.0.1:$REF_PORT
OUT=$STATE/bench/publicity
REFDIR=$STATE/bench-publicity-static
SQL=(mariadb --no-defaults --socket="$STATE/run/mysql.sock" -uroot -N -B voucher)

GOAL_UNCACHED_PCT=20
GOAL_CACHED_PCT=60

say() { printf '%s\n' "$*"; }
die() { say "bench publicity: $*" >&2; exit 1; }

. "$HERE/lib.sh"
trap stop_ref EXIT

command -v wrk >/dev/null || die "wrk is not installed (make deps)"
mkdir -p "$OUT" "$REFDIR/www" "$REFDIR/tmp"

# json FIELD < body: a top-level field.
json() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# ---- a published batch of ITEMS approved claims -----------------------------
TAG=b$$$(date +%s | tail -c 5)
python3 "$HERE/publicity_setup.py" "$ITEMS" "$TAG" | "${SQL[@]}" ||
    die "seeding the approved claims failed"
TOKEN=$(curl -fsS -H 'Content-Type: application/json' \
    -d '{"login":"bureau","password":"demo-pass-2024"}' "$BASE/api/session" |
    json token) || die "cannot log in as the demo bureau account"
auth=(-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json')
ID=$(curl -fsS "${auth[@]}" -d '{}' "$BASE/api/bureau/batches" | json id) ||
    die "POST /api/bureau/batches failed"
curl -fsS "${auth[@]}" -d '{"period_days":7}' -o "$OUT/batch.json" \
    "$BASE/api/bureau/batches/$ID/publish" || die "publishing batch $ID failed"
curl -fsS -X DELETE "${auth[@]}" "$BASE/api/session" >/dev/null || true
N=$(json item_count <"$OUT/batch.json")
PATH_ITEMS=/api/publicity/batches/$ID/items

# ---- the reference: the same bytes as a static file -------------------------
curl -fsS -o "$REFDIR/www/items.json" "$BASE$PATH_ITEMS" ||
    die "cannot fetch $PATH_ITEMS"
curl -fsS -o "$OUT/probe.json" "$BASE$PATH_ITEMS?_=probe$$" ||
    die "cannot fetch $PATH_ITEMS with an ignored parameter"
cmp -s "$REFDIR/www/items.json" "$OUT/probe.json" ||
    die "$PATH_ITEMS answers other bytes with an ignored parameter"
ref_nginx_start "		location = $PATH_ITEMS {
			alias $REFDIR/www/items.json;
		}"
for _ in $(seq 50); do
	curl -fsS -o "$OUT/ref.json" "$REF$PATH_ITEMS" 2>/dev/null && break
	sleep 0.1
done
cmp -s "$REFDIR/www/items.json" "$OUT/ref.json" ||
    die "the reference does not serve the same bytes"

# ---- measuring ----------------------------------------------------------------

# items_count → the publicity program's 200s on the items route so far
items_count() {
	curl -fsS "$BASE/_internal/publicity/metrics" 2>/dev/null | awk '
	    /^voucher_requests_total\{/ && index($0, "route=\"/api/publicity/batches/{id}/items\"") &&
	    index($0, "status=\"200\"") { n += $NF } END { print n + 0 }'
}

declare -A R
failed=0
# run NAME URL VARY → sets R[NAME,rps|p50|p99|reqs|bad]
run() {
	local name=$1 url=$2 vary=$3 script=() tag=$RANDOM res
	[ "$vary" = 1 ] && script=(-s "$HERE/vary.lua")
	wrk -t"$THREADS" -c"$CONNS" -d${WARMUP}s "${script[@]}" "$url" -- "w$tag" \
	    >"$OUT/$name.warmup.txt" 2>&1 || { cat "$OUT/$name.warmup.txt" >&2; return 1; }
	wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency "${script[@]}" "$url" \
	    -- "m$tag" >"$OUT/$name.txt" 2>&1 || { cat "$OUT/$name.txt" >&2; return 1; }
	res=$(parse_wrk "$OUT/$name.txt") || { cat "$OUT/$name.txt" >&2; return 1; }
	read -r "R[$name,rps]" "R[$name,p50]" "R[$name,p99]" "R[$name,reqs]" \
	    "R[$name,non2xx]" "R[$name,sock]" <<<"$res"
	if [ "${R[$name,non2xx]}" -gt 0 ] || [ "${R[$name,sock]}" -gt 0 ]; then
		say "!! $name: ${R[$name,non2xx]} non-2xx replies, ${R[$name,sock]} socket errors"
		failed=1
	fi
	printf '   %-26s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n' "$name" \
	    "${R[$name,rps]}" "${R[$name,p50]}" "${R[$name,p99]}"
}

say "== publicity: GET $PATH_ITEMS ($N items, $(wc -c <"$REFDIR/www/items.json") B)," \
    "wrk -t$THREADS -c$CONNS -d${SECS}s after a ${WARMUP}s warm-up, $(nproc) cores"
# each reference right before its endpoint, with the same wrk script
run uncached.ref "$REF$PATH_ITEMS" 1 || die "the reference run failed"
before=$(items_count)
run uncached "$BASE$PATH_ITEMS" 1 || die "the uncached run failed"
reached=$(( $(items_count) - before ))
run cached.ref "$REF$PATH_ITEMS" 0 || die "the reference run failed"
run cached "$BASE$PATH_ITEMS" 0 || die "the cached run failed"
stop_ref

say
printf '%-52s %9s %9s %9s %9s %7s  %s\n' endpoint req/s p50 p99 static ratio goal
for name in uncached cached; do
	ratio=$(pct "${R[$name,rps]}" "${R[$name.ref,rps]}")
	want=$GOAL_UNCACHED_PCT
	[ $name = cached ] && want=$GOAL_CACHED_PCT
	if ge "$ratio" "$want"; then goal="met"; else goal="MISSED"; fi
	printf '%-52s %9.0f %6.2f ms %6.2f ms %9.0f %6s%%  %s (>= %s%% of static)\n' \
	    "GET /api/publicity/batches/{id}/items ($name)" "${R[$name,rps]}" \
	    "${R[$name,p50]}" "${R[$name,p99]}" "${R[$name.ref,rps]}" "$ratio" \
	    "$goal" "$want"
done
say "(static p50/p99: uncached.ref ${R[uncached.ref,p50]}/${R[uncached.ref,p99]} ms;" \
    "cached.ref ${R[cached.ref,p50]}/${R[cached.ref,p99]} ms)"
say "uncached: the program answered $reached of ${R[uncached,reqs]} requests (wrk's" \
    "count; the ones in flight at the end may differ)"
if [ "$reached" -lt $(( R[uncached,reqs] * 9 / 10 )) ]; then
	say "!! the uncached run did not reach the program: the cache was not bypassed"
	failed=1
fi
exit $failed
