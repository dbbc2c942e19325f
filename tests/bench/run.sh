#!/usr/bin/env bash
# make bench: the catalog's public reads, wrk through nginx, each reported
# as a ratio to a reference run in the same invocation (see
# shared/PERFORMANCE.md): nginx serving the identical response bytes as a
# static file, from a second small nginx with the same worker count and
# the same keep-alive and header settings.
#
# Its own stack: state-bench/ (wiped first), port 18090, the release build,
# access log off, log level warn; the reference nginx listens on 18091.
# BENCH_STATE_DIR and BENCH_PORT move them (the references follow the
# port: +1, +2).
# Both are stopped on exit. A benchmark, not a test: a missed goal does not
# fail it; exit status 1 only when something did not run, or a reply during
# a measured run was not 200 (the numbers of such a run mean nothing).
#
# Raw wrk outputs are kept in state-bench/bench/. Then the ordering part
# (tests/bench/orders.sh) runs on the same stack, then the publicity and
# upload parts (BENCH_OTHERS=0 skips the three), and last the demo-size /
# Beijing-size comparison
# (tests/bench/scale.sh: its own server, state-scale/, port BENCH_SCALE_PORT
# [BENCH_PORT + 4]; BENCH_SCALE=0 skips it).
#
# The peers (issue #13 §5, tests/bench/peers/): beside the catalog's
# uncached list, a bare C FastCGI program and a PHP-FPM 8.2 script run the
# catalog's own statements (its --dump-sql) for the same request and answer
# the same JSON through the same nginx; the three answers are compared
# before anything is measured (the bench fails when they differ), and each
# peer is measured right after the catalog's uncached list.
# BENCH_WRK_SECONDS shortens the measured runs while developing (the
# figures of record use the fixed 8 s).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/bench
export VOUCHER_STATE_DIR=${BENCH_STATE_DIR:-$ROOT/state-bench}
export VOUCHER_PORT=${BENCH_PORT:-18090}
export VOUCHER_BIN=$ROOT/build/release/bin
export VOUCHER_ACCESS_LOG=0
export VOUCHER_LOG_LEVEL=warn
export VOUCHER_DEMO=1
STATE=$VOUCHER_STATE_DIR
REF_PORT=$((VOUCHER_PORT + 1))
REFDIR=$STATE/bench-static
OUT=$STATE/bench
BASE=http://127.0.0.1:$VOUCHER_PORT
REF=http://127.0.0.1:$REF_PORT

# wrk settings: fixed.
WRK_THREADS=2
WRK_CONNS=64
WRK_SECONDS=${BENCH_WRK_SECONDS:-8}
WARMUP_SECONDS=2

# Goals (the issue): uncached list >= 20% of static with p99 < 15 ms;
# micro-cached list >= 80% of static (issue #13 §5, was 60%); the
# uncached list >= 90% of the bare C peer and >= 2.5x the PHP-FPM peer.
GOAL_UNCACHED_PCT=20
GOAL_UNCACHED_P99_MS=15
GOAL_CACHED_PCT=80
GOAL_BARE_PCT=90
GOAL_PHP_X=2.5

LIST_PATH='/api/products?category=digital'

HZ=$(getconf CLK_TCK)
failed=0

say() { printf '%s\n' "$*"; }
die() { say "bench: $*" >&2; exit 1; }
. "$HERE/lib.sh"
. "$HERE/peers/lib.sh"


cleanup() {
	trap - EXIT INT TERM
	stop_ref
	peers_stop
	"$ROOT/ops/stack.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v wrk >/dev/null || die "wrk is not installed (make deps)"
[ -x "$VOUCHER_BIN/voucher-catalog" ] ||
    die "$VOUCHER_BIN/voucher-catalog is missing: build with make VARIANT=release"

# ---- the stack ----------------------------------------------------------
"$ROOT/ops/stack.sh" stop >/dev/null 2>&1 || true
peers_stop	# a previous run's, if left
rm -rf "$STATE"
peers_conf	# the peers' nginx locations, included by the stack's nginx
say "== starting the stack (state $STATE, port $VOUCHER_PORT," \
    "threads per program: ${VOUCHER_THREADS:-default})"
"$ROOT/ops/stack.sh" start || die "the stack did not start"
mkdir -p "$OUT" "$REFDIR/www" "$REFDIR/tmp"

# ---- the reference bodies -------------------------------------------------
fetch() {	# URL FILE: the body, failing on anything but 200
	local code
	code=$(curl -sS -o "$2" -w '%{http_code}' "$1") || return 1
	[ "$code" = 200 ] || { say "bench: $1 answered $code" >&2; return 1; }
}

xcache() {	# URL → the X-Cache header of a GET
	curl -sS -o /dev/null -D - "$1" | tr -d '\r' |
	    awk -F': ' 'tolower($1) == "x-cache" { print $2 }'
}

fetch "$BASE$LIST_PATH" "$REFDIR/www/list.json" || die "cannot fetch the list"
ID=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])' \
    <"$REFDIR/www/list.json") || die "the list has no products"
ITEM_PATH=/api/products/$ID
fetch "$BASE$ITEM_PATH" "$REFDIR/www/product.json" || die "cannot fetch $ITEM_PATH"
# The floor: one FastCGI hop and one database round trip with no SQL in it
# (the health check pings MariaDB), what any uncached read costs at least.
HEALTH_PATH=/_internal/catalog/healthz
fetch "$BASE$HEALTH_PATH" "$REFDIR/www/health.json" || die "cannot fetch $HEALTH_PATH"

# The cache must be bypassed by the ignored parameter, and the program must
# answer the same bytes with it.
for p in "$LIST_PATH" "$ITEM_PATH"; do
	f=$REFDIR/www/list.json
	[ "$p" = "$ITEM_PATH" ] && f=$REFDIR/www/product.json
	case $p in *\?*) sep='&' ;; *) sep='?' ;; esac
	probe="$BASE$p${sep}_=probe-$$"
	fetch "$probe" "$OUT/probe.json" || die "cannot fetch $probe"
	cmp -s "$f" "$OUT/probe.json" ||
	    die "$p answers other bytes with an ignored parameter"
	x=$(xcache "$probe-2")
	[ "$x" = MISS ] || die "$p with a new parameter: X-Cache '$x', not MISS"
	xcache "$BASE$p" >/dev/null
	x=$(xcache "$BASE$p")
	[ "$x" = HIT ] || say "warning: $p twice in a row: X-Cache '$x', not HIT"
done

# ---- the reference nginx ---------------------------------------------------
ref_nginx_start "		location = /api/products {
			alias $REFDIR/www/list.json;
		}
		location = $ITEM_PATH {
			alias $REFDIR/www/product.json;
		}
		location = $HEALTH_PATH {
			alias $REFDIR/www/health.json;
		}"
for _ in $(seq 50); do
	curl -fsS -o /dev/null "$REF$LIST_PATH" 2>/dev/null && break
	sleep 0.1
done
for p in "$LIST_PATH" "$ITEM_PATH" "$HEALTH_PATH"; do
	f=$REFDIR/www/list.json
	[ "$p" = "$ITEM_PATH" ] && f=$REFDIR/www/product.json
	[ "$p" = "$HEALTH_PATH" ] && f=$REFDIR/www/health.json
	fetch "$REF$p" "$OUT/probe.json" || die "the reference does not serve $p"
	cmp -s "$f" "$OUT/probe.json" || die "the reference serves other bytes for $p"
done

# ---- the peers: the same answer, or nothing is measured ----------------------
say "== the peers of $LIST_PATH (tests/bench/peers/): bare C and PHP-FPM," \
    "$PEER_THREADS workers each, the catalog's SQL from its --dump-sql"
peers_start
peers_check "$BASE" ||
    die "the peers do not answer what the catalog answers (above; files in $PEERS)"
PEER_BARE_PATH=/bench/bare/products?${LIST_PATH#*\?}
PEER_PHP_PATH=/bench/php/products?${LIST_PATH#*\?}

# ---- measuring -------------------------------------------------------------
workers() {	# nginx master PID → its worker processes (not the cache
	# manager/loader: the loader exits during the runs)
	local pid
	for pid in $(pgrep -P "$1"); do
		grep -qa 'worker process' "/proc/$pid/cmdline" 2>/dev/null &&
		    printf '%s ' "$pid"
	done
}
MAIN_NGINX="$(workers "$(cat "$STATE/nginx/nginx.pid")")"
REF_NGINX="$(workers "$(cat "$REFDIR/nginx.pid")")"
CATALOG_PID=$(cat "$STATE/run/catalog.pid")
MARIADB_PID=$(cat "$STATE/run/mariadb.pid")

ticks() {	# PID... → utime+stime of all, in clock ticks
	local pid line f sum=0
	for pid in "$@"; do
		read -r line 2>/dev/null <"/proc/$pid/stat" || continue
		line=${line##*) }
		read -ra f <<<"$line"
		sum=$((sum + f[11] + f[12]))
	done
	echo "$sum"
}

machine() {	# → "busy total" jiffies of the whole machine
	local cpu u n s i w rest
	read -r cpu u n s i w rest </proc/stat
	set -- $rest
	local irq=$1 sirq=$2 steal=$3
	echo "$((u + n + s + irq + sirq + steal)) $((u + n + s + i + w + irq + sirq + steal))"
}

# user+sys of this shell's waited-for children (wrk) in ticks, from the
# file that `times` wrote (it must run in this shell, not a subshell).
times_ticks() {
	local line
	line=$(tail -1 "$1")	# "0m1.230s 0m0.450s"
	awk -v l="$line" -v hz="$HZ" 'BEGIN {
		n = split(l, a, " "); t = 0
		for (i = 1; i <= n; i++) {
			split(a[i], b, "m"); sub("s", "", b[2]); t += b[1] * 60 + b[2]
		}
		printf "%d\n", t * hz + 0.5 }'
}

app_count() {	# ROUTE → "ok other": the catalog's own request counters
	curl -fsS "$BASE/_internal/catalog/metrics" 2>/dev/null | awk -v r="$1" '
	    /^voucher_requests_total\{/ && index($0, "route=\"" r "\"") {
		if (index($0, "status=\"200\"")) ok += $NF; else other += $NF }
	    END { printf "%d %d\n", ok, other }'
}


# bench NAME URL VARY ROUTE → one measured run; sets R[NAME,...]
# (APP_PIDS: the processes counted as the program, the catalog's when
# unset)
declare -A R
bench() {
	local name=$1 url=$2 vary=$3 route=$4 script=() tag=$RANDOM
	local n0 c0 m0 w0 mach0 a0 n1 c1 m1 w1 mach1 a1 res
	[ "$vary" = 1 ] && script=(-s "$HERE/vary.lua")
	if ! wrk -t$WRK_THREADS -c$WRK_CONNS -d${WARMUP_SECONDS}s "${script[@]}" \
	    "$url" -- "w$tag" >"$OUT/$name.warmup.txt" 2>&1; then
		say "bench: wrk failed on $url (warm-up)" >&2
		cat "$OUT/$name.warmup.txt" >&2
		return 1
	fi
	[ -n "$route" ] && a0=$(app_count "$route")
	n0=$(ticks $MAIN_NGINX $REF_NGINX)
	c0=$(ticks ${APP_PIDS:-$CATALOG_PID})
	m0=$(ticks "$MARIADB_PID")
	mach0=$(machine)
	times >"$OUT/.times0"
	wrk -t$WRK_THREADS -c$WRK_CONNS -d${WRK_SECONDS}s --latency "${script[@]}" \
	    "$url" -- "m$tag" >"$OUT/$name.txt" 2>&1
	local rc=$?
	times >"$OUT/.times1"
	mach1=$(machine)
	n1=$(ticks $MAIN_NGINX $REF_NGINX)
	c1=$(ticks ${APP_PIDS:-$CATALOG_PID})
	m1=$(ticks "$MARIADB_PID")
	[ -n "$route" ] && a1=$(app_count "$route")
	if [ $rc -ne 0 ] || ! res=$(parse_wrk "$OUT/$name.txt"); then
		say "bench: wrk failed on $url" >&2
		cat "$OUT/$name.txt" >&2
		return 1
	fi
	read -r "R[$name,rps]" "R[$name,p50]" "R[$name,p99]" "R[$name,reqs]" \
	    "R[$name,non2xx]" "R[$name,sock]" <<<"$res"
	R[$name,nginx]=$((n1 - n0))
	R[$name,catalog]=$((c1 - c0))
	R[$name,mariadb]=$((m1 - m0))
	w0=$(times_ticks "$OUT/.times0")
	w1=$(times_ticks "$OUT/.times1")
	R[$name,wrk]=$((w1 - w0))
	read -r b0 t0 <<<"$mach0"
	read -r b1 t1 <<<"$mach1"
	# the machine: busy share, and the share of CPU that none of the
	# measured processes used (other load on the machine, kernel threads)
	local ours=$((R[$name,nginx] + R[$name,catalog] + R[$name,mariadb] + R[$name,wrk]))
	R[$name,busy]=$(awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) \
	    'BEGIN { printf "%.0f", (t > 0 ? 100 * b / t : 0) }')
	R[$name,others]=$(awk -v b=$((b1 - b0)) -v o=$ours -v t=$((t1 - t0)) \
	    'BEGIN { x = (t > 0 ? 100 * (b - o) / t : 0); printf "%.0f", (x < 0 ? 0 : x) }')
	if [ -n "$route" ]; then
		read -r ok0 other0 <<<"$a0"
		read -r ok1 other1 <<<"$a1"
		R[$name,app_ok]=$((ok1 - ok0))
		R[$name,app_other]=$((other1 - other0))
	fi
	if [ "${R[$name,non2xx]}" -gt 0 ] || [ "${R[$name,sock]}" -gt 0 ] ||
	    [ "${R[$name,app_other]:-0}" -gt 0 ]; then
		say "!! $name: ${R[$name,non2xx]} non-2xx replies, ${R[$name,sock]}" \
		    "socket errors, ${R[$name,app_other]:-0} non-200 in the catalog's" \
		    "counters: $(grep -E 'Non-2xx|Socket errors' "$OUT/$name.txt" | tr -s ' ' | tr '\n' ';')"
		R[$name,flag]=1
		failed=1
	fi
	printf '   %-22s %10.0f req/s  p50 %7.2f ms  p99 %7.2f ms\n' "$name" \
	    "${R[$name,rps]}" "${R[$name,p50]}" "${R[$name,p99]}"
}

# name, label, URL, reference URL, varying?, route (catalog counters)
ENDPOINTS=(
	"list-uncached|GET $LIST_PATH (uncached)|$BASE$LIST_PATH|$REF$LIST_PATH|1|/api/products"
	"list-cached|GET $LIST_PATH (micro-cached)|$BASE$LIST_PATH|$REF$LIST_PATH|0|/api/products"
	"item-uncached|GET /api/products/{id} (uncached)|$BASE$ITEM_PATH|$REF$ITEM_PATH|1|/api/products/{id}"
	"item-cached|GET /api/products/{id} (micro-cached)|$BASE$ITEM_PATH|$REF$ITEM_PATH|0|/api/products/{id}"
	"floor|GET $HEALTH_PATH (hop + DB ping, no SQL)|$BASE$HEALTH_PATH|$REF$HEALTH_PATH|1|/healthz"
)

# BENCH_ENDPOINTS: only the endpoints named (while developing; the list
# rows, uncached and cached, carry the peers' figures)
if [ -n "${BENCH_ENDPOINTS:-}" ]; then
	keep=()
	for e in "${ENDPOINTS[@]}"; do
		case " $BENCH_ENDPOINTS " in *" ${e%%|*} "*) keep+=("$e") ;; esac
	done
	ENDPOINTS=("${keep[@]}")
fi

say "== wrk -t$WRK_THREADS -c$WRK_CONNS -d${WRK_SECONDS}s --latency (after a" \
    "${WARMUP_SECONDS}s warm-up), $(nproc) cores, nginx workers: ${REF_WORKERS:-auto}," \
    "product id $ID ($(wc -c <"$REFDIR/www/list.json") B list," \
    "$(wc -c <"$REFDIR/www/product.json") B item)"
for e in "${ENDPOINTS[@]}"; do
	IFS='|' read -r name label url ref vary route <<<"$e"
	# the reference right before and right after the endpoint, with the
	# same wrk script (the varying parameter costs wrk the same on both
	# sides); the ratio is to the mean of the two, their spread shows
	# how steady the machine was
	bench "$name.ref1" "$ref" "$vary" "" || die "the reference run of $name failed"
	bench "$name" "$url" "$vary" "$route" || die "the run of $name failed"
	bench "$name.ref2" "$ref" "$vary" "" || die "the reference run of $name failed"
	for k in rps p50 p99; do
		R[$name.ref,$k]=$(awk -v a="${R[$name.ref1,$k]}" -v b="${R[$name.ref2,$k]}" \
		    'BEGIN { printf "%.3f", (a + b) / 2 }')
	done
	R[$name.ref,spread]=$(awk -v a="${R[$name.ref1,rps]}" -v b="${R[$name.ref2,rps]}" \
	    'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.0f", (a + b > 0 ? 200 * d / (a + b) : 0) }')
	[ -n "${R[$name.ref1,flag]:-}${R[$name.ref2,flag]:-}" ] && R[$name.ref,flag]=1
	# the peers right after the catalog's uncached list, varied the same
	if [ "$name" = list-uncached ]; then
		APP_PIDS=$(cat "$PEERS/bare.pid") \
		    bench peer-bare "$BASE$PEER_BARE_PATH" 1 "" ||
		    die "the run of the bare C peer failed"
		APP_PIDS="$(cat "$PEERS/php.pid") $(pgrep -P "$(cat "$PEERS/php.pid")" | tr '\n' ' ')" \
		    bench peer-php "$BASE$PEER_PHP_PATH" 1 "" ||
		    die "the run of the PHP-FPM peer failed"
		# and the catalog again: its figure is the mean of the runs
		# before and after the peers (a machine that drifts moves both)
		bench peer-catalog "$BASE$LIST_PATH" 1 /api/products ||
		    die "the second run of the catalog's list failed"
	fi
done

# ---- the report -------------------------------------------------------------
usreq() {	# TICKS REQUESTS → µs of CPU per request
	awk -v t="$1" -v n="$2" -v hz="$HZ" \
	    'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }'
}

say
say "== catalog reads vs nginx serving the same bytes as a static file"
printf '%-44s %9s %8s %8s %9s %7s  %s\n' endpoint req/s p50 p99 "static" ratio goal
for e in "${ENDPOINTS[@]}"; do
	IFS='|' read -r name label url ref vary route <<<"$e"
	ratio=$(pct "${R[$name,rps]}" "${R[$name.ref,rps]}")
	goal="-"
	case $name in
	list-uncached)
		if ge "$ratio" $GOAL_UNCACHED_PCT && lt "${R[$name,p99]}" $GOAL_UNCACHED_P99_MS; then
			goal="met"
		else
			goal="MISSED"
		fi
		goal="$goal (>= $GOAL_UNCACHED_PCT% of static, p99 < $GOAL_UNCACHED_P99_MS ms)"
		;;
	list-cached)
		if ge "$ratio" $GOAL_CACHED_PCT; then goal="met"; else goal="MISSED"; fi
		goal="$goal (>= $GOAL_CACHED_PCT% of static)"
		;;
	floor)
		goal="(no goal: the least any read that reaches the database costs)"
		;;
	esac
	[ -n "${R[$name,flag]:-}" ] && goal="$goal  FLAGGED: non-200 replies"
	[ -n "${R[$name.ref,flag]:-}" ] && goal="$goal  FLAGGED: reference errors"
	printf '%-44s %9.0f %5.2f ms %5.2f ms %9.0f %6s%%  %s\n' "$label" \
	    "${R[$name,rps]}" "${R[$name,p50]}" "${R[$name,p99]}" \
	    "${R[$name.ref,rps]}" "$ratio" "$goal"
done
say "static = the mean of the reference runs before and after; their p50/p99 and" \
    "how far apart their req/s were:"
for e in "${ENDPOINTS[@]}"; do
	IFS='|' read -r name _ <<<"$e"
	printf '   %-16s p50 %5.2f ms  p99 %6.2f ms  spread %s%%\n' "$name" \
	    "${R[$name.ref,p50]}" "${R[$name.ref,p99]}" "${R[$name.ref,spread]}"
	[ "${R[$name.ref,spread]}" -gt 15 ] && noisy=1
done

say
say "== CPU per request (µs, /proc/<pid>/stat utime+stime over the measured run)"
printf '%-22s %9s %8s %8s %8s %8s %8s  %s\n' run requests nginx catalog mariadbd \
    wrk sum "machine: busy, not ours"
for e in "${ENDPOINTS[@]}"; do
	IFS='|' read -r name _ <<<"$e"
	for n in "$name.ref1" "$name" "$name.ref2"; do
		reqs=${R[$n,reqs]}
		sum=$((R[$n,nginx] + R[$n,catalog] + R[$n,mariadb] + R[$n,wrk]))
		printf '%-22s %9d %8s %8s %8s %8s %8s  %s%%, %s%%\n' "$n" "$reqs" \
		    "$(usreq "${R[$n,nginx]}" "$reqs")" \
		    "$(usreq "${R[$n,catalog]}" "$reqs")" \
		    "$(usreq "${R[$n,mariadb]}" "$reqs")" \
		    "$(usreq "${R[$n,wrk]}" "$reqs")" \
		    "$(usreq "$sum" "$reqs")" "${R[$n,busy]}" "${R[$n,others]}"
		[ "${R[$n,others]}" -gt 10 ] && noisy=1
	done
done
[ -n "${noisy:-}" ] && say "!! the machine was not steady: the two reference runs of an" \
    "endpoint differ by more than 15%, or more than 10% of the CPU went to" \
    "processes other than the measured ones (other load on the cores), so" \
    "these numbers and ratios are not reliable; rerun on a quiet machine"

# the peers' rows need the list's runs (BENCH_ENDPOINTS may leave them out)
if [ -n "${R[peer-bare,rps]:-}" ] && [ -n "${R[list-cached,rps]:-}" ]; then
say
say "== peers (issue #13 §5): the same statements and JSON, the same nginx, uncached"
printf '%-44s %9s %8s %8s %9s  %s\n' run req/s p50 p99 catalog/it goal
x_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
for k in rps p50 p99; do
	R[cat2,$k]=$(awk -v a="${R[list-uncached,$k]}" -v b="${R[peer-catalog,$k]}" \
	    'BEGIN { printf "%.3f", (a + b) / 2 }')
done
printf '%-44s %9.0f %5.2f ms %5.2f ms %9s  %s\n' \
    "catalog GET $LIST_PATH (2 runs)" "${R[cat2,rps]}" \
    "${R[cat2,p50]}" "${R[cat2,p99]}" "" \
    "(before the peers ${R[list-uncached,rps]%.*}, after ${R[peer-catalog,rps]%.*})"
r=$(pct "${R[cat2,rps]}" "${R[peer-bare,rps]}")
ge "$r" $GOAL_BARE_PCT && g=met || g=MISSED
[ -n "${R[peer-bare,flag]:-}" ] && g="$g  FLAGGED: non-200 replies"
printf '%-44s %9.0f %5.2f ms %5.2f ms %8s%%  %s\n' \
    "bare C (libfcgi + Connector/C + jansson)" "${R[peer-bare,rps]}" \
    "${R[peer-bare,p50]}" "${R[peer-bare,p99]}" "$r" \
    "$g (catalog >= $GOAL_BARE_PCT% of bare C)"
x=$(x_of "${R[cat2,rps]}" "${R[peer-php,rps]}")
ge "$x" $GOAL_PHP_X && g=met || g=MISSED
[ -n "${R[peer-php,flag]:-}" ] && g="$g  FLAGGED: non-200 replies"
printf '%-44s %9.0f %5.2f ms %5.2f ms %8sx  %s\n' \
    "PHP-FPM 8.2 ($PEER_THREADS children, p: mysqli)" "${R[peer-php,rps]}" \
    "${R[peer-php,p50]}" "${R[peer-php,p99]}" "$x" \
    "$g (catalog >= ${GOAL_PHP_X}x PHP-FPM)"
r=$(pct "${R[list-cached,rps]}" "${R[list-cached.ref,rps]}")
ge "$r" $GOAL_CACHED_PCT && g=met || g=MISSED
printf '%-44s %9.0f %5.2f ms %5.2f ms %8s%%  %s\n' \
    "micro-cached list vs static (above)" "${R[list-cached,rps]}" \
    "${R[list-cached,p50]}" "${R[list-cached,p99]}" "$r" \
    "$g (>= $GOAL_CACHED_PCT% of static, static ${R[list-cached.ref,rps]%.*} req/s)"
# the same ratios by CPU per request of the program, nginx and mariadbd
# together: what the req/s ratios tend to where these three are what
# fills the cores, and much less moved by other load on a busy machine
cpu_req() { awk -v a="${R[$1,catalog]}" -v b="${R[$1,nginx]}" -v c="${R[$1,mariadb]}" \
    -v n="${R[$1,reqs]}" -v hz="$HZ" 'BEGIN { printf "%.1f", (n > 0 ? (a + b + c) * 1e6 / hz / n : 0) }'; }
cc=$(awk -v a="$(cpu_req list-uncached)" -v b="$(cpu_req peer-catalog)" \
    'BEGIN { printf "%.1f", (a + b) / 2 }')
cb=$(cpu_req peer-bare) cp=$(cpu_req peer-php)
say "by CPU per request (program + nginx + mariadbd; steadier on a busy machine):" \
    "catalog $cc µs, bare C $cb µs, PHP-FPM $cp µs: catalog = $(pct "$cb" "$cc")% of" \
    "bare C, $(x_of "$cp" "$cc")x PHP-FPM"
say "CPU per request (µs): the program (the catalog, the bare peer, php-fpm's" \
    "processes), nginx, mariadbd; the machine's busy share and the share of others:"
for n in list-uncached peer-bare peer-php peer-catalog; do
	printf '   %-14s program %7s  nginx %7s  mariadbd %7s  machine %s%% busy, %s%% others\n' \
	    "$n" "$(usreq "${R[$n,catalog]}" "${R[$n,reqs]}")" \
	    "$(usreq "${R[$n,nginx]}" "${R[$n,reqs]}")" \
	    "$(usreq "${R[$n,mariadb]}" "${R[$n,reqs]}")" \
	    "${R[$n,busy]}" "${R[$n,others]}"
done
fi

say
say "== requests the catalog program itself answered during each measured run"
for e in "${ENDPOINTS[@]}"; do
	IFS='|' read -r name _ <<<"$e"
	printf '%-22s wrk %8d   catalog 200: %8d   catalog other: %d\n' "$name" \
	    "${R[$name,reqs]}" "${R[$name,app_ok]}" "${R[$name,app_other]}"
	case $name in
	*-uncached)
		# every request must have reached the program (up to the
		# connections in flight when wrk stopped)
		if [ "${R[$name,app_ok]}" -lt "${R[$name,reqs]}" ]; then
			say "!! $name: fewer requests reached the catalog than wrk made:" \
			    "the micro-cache was not bypassed"
			failed=1
		fi
		;;
	esac
done

# ---- the other parts of make bench, on the same stack ----------------------
# (after the catalog: they write to the database)
stop_ref
peers_stop
[ "${BENCH_OTHERS:-1}" = 0 ] || {
if [ -x "$HERE/orders.sh" ]; then
	say
	"$HERE/orders.sh" || { say "bench: tests/bench/orders.sh failed"; failed=1; }
fi
for part in publicity upload; do
	say
	"$HERE/$part.sh" || { say "bench: tests/bench/$part.sh failed"; failed=1; }
done
}

# ---- demo size against Beijing's size (its own server) ---------------------
if [ "${BENCH_SCALE:-1}" != 0 ]; then
	"$ROOT/ops/stack.sh" stop >/dev/null 2>&1 || true
	say
	BENCH_SCALE_PORT=${BENCH_SCALE_PORT:-$((VOUCHER_PORT + 4))} "$HERE/scale.sh" ||
	    { say "bench: tests/bench/scale.sh failed"; failed=1; }
fi

if [ $failed -ne 0 ]; then
	say
	say "bench: some runs had errors (see above and $OUT/)"
	exit 1
fi
exit 0
