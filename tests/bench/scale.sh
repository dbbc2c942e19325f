#!/usr/bin/env bash
# The reads and the ordering rush at demo size and at Beijing's size, in
# one invocation (issue #13, part 2): every public and role read route,
# uncached (wrk through nginx, every request reaching the program and the
# database), on the demo database and on the generated year
# (tests/scale/make.sh) served by the same MariaDB server, programs and
# nginx; then POST /api/orders spread over 1,000 products and on one hot
# product at both sizes. Each Beijing figure is reported as a ratio to the
# demo figure of the same route measured in this run.
#
# Goals (issue #13): reads >= 80% of the demo-size throughput with p99 <
# 20 ms at 64 connections; the ordering rush >= 90%.
#
# Two stacks of the same build and settings, both up for the whole run so
# that each route is measured at demo size and right after at Beijing's
# size (the machine's load drifts; adjacent runs compare fairly): the
# demo on state-scale/demo-stack/ (made afresh, port BENCH_SCALE_PORT + 1)
# and the year on state-scale/ (the generated data, made by
# tests/scale/make.sh when missing or stale, and restored from its pristine
# copy before every run, so each run measures the same data), nginx on
# BENCH_SCALE_PORT (18094). A benchmark, not a test: a missed goal does
# not fail it; exit status 1 when something did not run or a measured
# reply was not 2xx.
#
# Environment: BENCH_SCALE_PORT [18094], BENCH_SECONDS [4] per run (after a
# 1 s warm-up), BENCH_CONNS [64], VOUCHER_STATE_DIR [state-scale],
# VOUCHER_SCALE… (tests/scale/make.sh), BENCH_ROUTES (a regex: only the
# routes whose name matches), BENCH_SCALE_REUSE=1 (measure the kept data even
# when its stamp differs: an older schema, before a change).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/bench
export VOUCHER_STATE_DIR=${VOUCHER_SCALE_STATE:-$ROOT/state-scale}
export VOUCHER_PORT=${BENCH_SCALE_PORT:-18094}
DEMO_STATE=$VOUCHER_STATE_DIR/demo-stack
DEMO_PORT=$((VOUCHER_PORT + 1))
export VOUCHER_BIN=$ROOT/build/release/bin
export VOUCHER_ACCESS_LOG=0
export VOUCHER_LOG_LEVEL=warn
export VOUCHER_DEMO=1
export VOUCHER_DB_BUFFER_POOL=${VOUCHER_DB_BUFFER_POOL:-2G}
STATE=$VOUCHER_STATE_DIR
SECS=${BENCH_SECONDS:-4}
WARMUP=1
CONNS=${BENCH_CONNS:-64}
ONLY=${BENCH_ROUTES:-.}
OUT=$STATE/bench
declare -A PORT_OF=([demo]=$DEMO_PORT [beijing]=$VOUCHER_PORT)
declare -A STATE_OF=([demo]=$DEMO_STATE [beijing]=$STATE)
declare -A DB_OF=([demo]=voucher [beijing]=${VOUCHER_SCALE_DB:-voucher_scale})
# sqlc SIZE ARGS...: the admin client of that size's server
sqlc() { local s=$1; shift; mariadb --no-defaults --socket="${STATE_OF[$s]}/run/mysql.sock" \
    -u"$(id -un)" -N -B "${DB_OF[$s]}" "$@"; }
# stack SIZE ARGS...: ops/stack.sh of that size
stack() { local s=$1; shift; VOUCHER_STATE_DIR=${STATE_OF[$s]} VOUCHER_PORT=${PORT_OF[$s]} \
    VOUCHER_DB_NAME=${DB_OF[$s]} "$ROOT/ops/stack.sh" "$@"; }
GOAL_READ_PCT=80
GOAL_READ_P99=20
GOAL_RUSH_PCT=90
REFDIR=$OUT/none	# lib.sh's reference nginx is not used here
REF_PORT=0
failed=0

say() { printf '%s\n' "$*"; }
die() { say "bench scale: $*" >&2; exit 1; }
. "$HERE/lib.sh"

trap 'stack demo stop >/dev/null 2>&1; stack beijing stop >/dev/null 2>&1' EXIT
trap 'exit 130' INT TERM
command -v wrk >/dev/null || die "wrk is not installed (make deps)"

# ---- the data: generated once, restored before every run ------------------
stack demo stop >/dev/null 2>&1 || true
stack beijing stop >/dev/null 2>&1 || true
# fresh: the same first two lines, and every migration the data was made
# with unchanged (tests/scale/stamp.sh)
fresh() {
	local now
	now=$("$ROOT/tests/scale/stamp.sh") || return 1
	[ -f "$STATE/scale.stamp" ] || return 1
	[ "$(head -2 "$STATE/scale.stamp")" = "$(head -2 <<<"$now")" ] || return 1
	while read -r line; do
		grep -qxF "$line" <<<"$now" || return 1
	done < <(tail -n +3 "$STATE/scale.stamp")
}
if [ ! -d "$STATE/db.pristine" ] || { [ "${BENCH_SCALE_REUSE:-0}" != 1 ] && ! fresh; }; then
	say "== the scale data is missing or stale: tests/scale/make.sh"
	"$ROOT/tests/scale/make.sh" || die "make scale-data failed"
fi
rm -rf "$STATE/db" "$OUT" "$DEMO_STATE"
cp -a --reflink=auto "$STATE/db.pristine" "$STATE/db" || die "cannot restore the data"
mkdir -p "$OUT"

# enc TEXT: percent-encoded UTF-8 (the search words)
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

# sessions DB: ready sessions of four accounts (tokens "bench-read-<role>"
# padded with x to 43 characters):
# the demo's ent01 / prov01 / reviewer / bureau, or at Beijing's size the
# enterprise and the provider with the most orders this year and the
# generated staff accounts.
sessions() {
	local size=$1 ent prov rev bur
	if [ "$size" = demo ]; then
		ent="login = 'ent01'" prov="login = 'prov01'"
		rev="login = 'reviewer'" bur="login = 'bureau'"
	else
		ent="enterprise_id = @e" prov="provider_id = @p"
		rev="login = 'scale-reviewer'" bur="login = 'scale-bureau'"
	fi
	sqlc "$size" <<SQL
SET @now = UTC_TIMESTAMP(), @y = YEAR(UTC_TIMESTAMP() + INTERVAL 8 HOUR);
SET @e = (SELECT enterprise_id FROM orders WHERE year = @y GROUP BY enterprise_id
    ORDER BY COUNT(*) DESC, enterprise_id LIMIT 1);
SET @p = (SELECT provider_id FROM orders WHERE year = @y GROUP BY provider_id
    ORDER BY COUNT(*) DESC, provider_id LIMIT 1);
DELETE FROM sessions WHERE csrf_token = REPEAT('b', 43);
INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at)
SELECT UNHEX(SHA2(RPAD(CONCAT('bench-read-', role), 43, 'x'), 256)), MIN(id), REPEAT('b', 43), @now, @now,
    @now + INTERVAL 1 DAY FROM accounts
WHERE ($ent) OR ($prov) OR ($rev) OR ($bur) GROUP BY role;
SQL
}

# the routes, as "name|path|role|vary" (role: public or the session's)
routes() {
	local size=$1 pid bid oid vid year BASE=http://127.0.0.1:${PORT_OF[$1]}
	year=$(sqlc "$size" -e "SELECT YEAR(UTC_TIMESTAMP() + INTERVAL 8 HOUR)")
	pid=$(curl -fsS "$BASE/api/products?sort=sales&per_page=1" |
	    python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')
	bid=$(curl -fsS "$BASE/api/publicity/batches?per_page=1" |
	    python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')
	oid=$(sqlc "$size" -e "SELECT MAX(o.id) FROM orders o JOIN accounts a
	    ON a.enterprise_id = o.enterprise_id JOIN sessions s ON s.account_id = a.id
	    WHERE s.token_hash = UNHEX(SHA2(RPAD('bench-read-enterprise', 43, 'x'), 256))")
	vid=$(sqlc "$size" -e "SELECT a.provider_id FROM accounts a JOIN sessions s
	    ON s.account_id = a.id
	    WHERE s.token_hash = UNHEX(SHA2(RPAD('bench-read-provider', 43, 'x'), 256))")
	[ -n "$pid" ] && [ -n "$bid" ] && [ -n "$oid" ] && [ -n "$vid" ] || return 1
	# name|path|role|vary; the paths differ between the sizes only by ids
	cat <<EOT
categories|/api/categories|public|1
list-newest|/api/products|public|1
list-category|/api/products?category=digital|public|1
list-price|/api/products?sort=price|public|1
list-price-desc|/api/products?sort=-price&category=it|public|1
list-rating|/api/products?sort=rating|public|1
list-sales|/api/products?sort=sales|public|1
list-price-range|/api/products?min_price=1000000&max_price=5000000|public|1
list-page-10|/api/products?category=it&page=10|public|1
search-1char|/api/products?q=$(enc 云)|public|1
search-2char|/api/products?q=$(enc 服务)|public|1
search-3char|/api/products?q=$(enc 数字化)|public|1
search-4char|/api/products?q=$(enc 知识产权)&sort=price|public|1
product|/api/products/$pid|public|1
pub-batches|/api/publicity/batches|public|1
pub-items|/api/publicity/batches/$bid/items|public|1
pub-items-search|/api/publicity/batches/$bid/items?q=$(enc 服务)|public|1
ent-orders|/api/orders|enterprise|0
prov-inbox|/api/provider/orders|provider|0
prov-inbox-pending|/api/provider/orders?status=pending|provider|0
review-claims|/api/review/claims?status=submitted|reviewer|0
review-apps|/api/review/applications?status=pending|reviewer|0
bureau-stats|/api/bureau/stats?year=$year|bureau|0
audit-order|/api/bureau/audit?entity=order&id=$oid|bureau|0
audit-recent|/api/bureau/audit|bureau|0
bureau-enterprises|/api/bureau/enterprises?q=$(enc 华信)|bureau|0
bureau-providers|/api/bureau/providers?q=$(enc 科技)|bureau|0
me|/api/me|enterprise|0
review-certs|/api/review/certifications?status=pending|reviewer|0
review-certs-decided|/api/review/certifications?status=approved|reviewer|0
bureau-lists|/api/bureau/lists|bureau|0
bureau-rounds|/api/bureau/rounds|bureau|0
product-evals|/api/products/$pid/evaluations|public|1
bureau-orders|/api/bureau/orders|bureau|0
bureau-orders-prov|/api/bureau/orders?provider_id=$vid|bureau|0
bureau-overdue|/api/bureau/overdue|bureau|0
ent-inbox|/api/notifications|enterprise|0
EOT
}

declare -A R

# measure SIZE NAME PATH ROLE VARY: one warm-up and one measured wrk run
measure() {
	local size=$1 name=$2 path=$3 role=$4 vary=$5 script=() hdr=() res tag=$RANDOM
	local BASE=http://127.0.0.1:${PORT_OF[$size]}
	[ "$vary" = 1 ] && script=(-s "$HERE/vary.lua")
	# a session token has 43 characters (sessions())
	[ "$role" != public ] && hdr=(-H "Authorization: Bearer $(printf '%-43s' "bench-read-$role" | tr ' ' x)")
	code=$(curl -sS -o "$OUT/$size-$name.json" -w '%{http_code}' "${hdr[@]}" "$BASE$path")
	if [ "$code" != 200 ]; then
		say "!! $size $name: $path answered $code: $(head -c 300 "$OUT/$size-$name.json")"
		R[$size,$name,rps]=0 R[$size,$name,p99]=0
		failed=1
		return
	fi
	wrk -t2 -c"$CONNS" -d${WARMUP}s "${hdr[@]}" "${script[@]}" "$BASE$path" -- "w$tag" \
	    >/dev/null 2>&1
	wrk -t2 -c"$CONNS" -d${SECS}s --latency "${hdr[@]}" "${script[@]}" "$BASE$path" \
	    -- "m$tag" >"$OUT/$size-$name.txt" 2>&1
	if ! res=$(parse_wrk "$OUT/$size-$name.txt"); then
		say "!! $size $name: wrk failed"; failed=1; return
	fi
	read -r rps p50 p99 reqs non2xx sock <<<"$res"
	R[$size,$name,rps]=$rps R[$size,$name,p99]=$p99
	if [ "$non2xx" -gt 0 ] || [ "$sock" -gt 0 ]; then
		say "!! $size $name: $non2xx non-2xx replies, $sock socket errors"
		R[$size,$name,flag]=1
		failed=1
	fi
	printf '   %-7s %-20s %9.0f req/s  p99 %7.2f ms  %s\n' "$size" "$name" "$rps" "$p99" \
	    "$(wc -c <"$OUT/$size-$name.json") B"
}

# rush SIZE DB: the ordering benchmark's set-up (orders_setup.py) and two
# wrk runs of POST /api/orders
rush() {
	local size=$1 first=100001 ents=200 prods=1000 out kind
	local BASE=http://127.0.0.1:${PORT_OF[$size]}
	python3 "$HERE/orders_setup.py" $ents $prods 1000000 | sqlc "$size" ||
	    { say "!! $size: the ordering set-up failed"; failed=1; return; }
	for kind in spread hot; do
		local pf=$first pc=$prods
		[ $kind = hot ] && pf=$((first + prods)) pc=1
		out=$(ENT_FIRST=$first ENT_COUNT=$ents PROD_FIRST=$pf PROD_COUNT=$pc \
		    wrk -t2 -c16 -d${SECS}s --latency -s "$HERE/orders.lua" "$BASE/api/orders" 2>&1)
		printf '%s\n' "$out" >"$OUT/$size-rush-$kind.txt"
		read -r rps p50 p99 reqs non2xx sock <<<"$(parse_wrk "$OUT/$size-rush-$kind.txt")"
		R[$size,rush-$kind,rps]=$(awk -v r="$rps" -v n="$non2xx" -v q="$reqs" \
		    'BEGIN { printf "%.1f", (q > 0 ? r * (q - n) / q : 0) }')
		R[$size,rush-$kind,p99]=$p99
		printf '   %-7s %-20s %9.0f orders/s  p99 %7.2f ms  (%s refused)\n' "$size" \
		    "rush-$kind" "${R[$size,rush-$kind,rps]}" "$p99" "$non2xx"
	done
	sqlc "$size" -e "SELECT CONCAT('   ', '$size', ': products sold past their units ',
	    (SELECT COUNT(*) FROM products WHERE units_sold + remaining_units <> units_total),
	    ', quota rows above their cap ', (SELECT COUNT(*) FROM enterprise_quota
	    WHERE occupied > cap))"
	stack "$size" ctl reconcile 2>&1 | tail -1 | sed "s/^/   $size: /"
}

for size in demo beijing; do
	say "== $size size: database ${DB_OF[$size]}, port ${PORT_OF[$size]}"
	stack "$size" start >"$OUT/$size-start.log" 2>&1 ||
	    { cat "$OUT/$size-start.log" >&2; die "the $size stack did not start"; }
	# production runs the sweeper every minute: the data as it would be
	stack "$size" ctl sweep >/dev/null 2>&1
	sessions "$size" || die "cannot make the $size sessions"
done
declare -A PATH_OF
for size in demo beijing; do
	list=$(routes "$size") || die "cannot find the ids the routes need ($size)"
	while IFS='|' read -r name path role vary; do
		PATH_OF[$size,$name]="$path|$role|$vary"
	done <<<"$list"
done
NAMES=()
while IFS='|' read -r name _; do
	[[ $name =~ $ONLY ]] && NAMES+=("$name")
done <<<"$list"
say "== each route at demo size, then at Beijing's size"
# rows_of FILE: how many items a list reply holds (nothing for another reply)
rows_of() {
	python3 -c 'import json, sys
try:
    j = json.load(open(sys.argv[1]))
    print(len(j["items"]) if isinstance(j, dict) and isinstance(j.get("items"), list) else "")
except Exception:
    print("")' "$1"
}
for name in "${NAMES[@]}"; do
	for size in demo beijing; do
		IFS='|' read -r path role vary <<<"${PATH_OF[$size,$name]}"
		measure $size "$name" "$path" "$role" "$vary"
	done
	# A list whose demo page is shorter than the Beijing page (1-4 of the
	# demo's rows against 20) compares pages of different sizes: measured
	# once more at Beijing's size with per_page = the demo's row count, the
	# same reply size on a year of data (what "cost flat as the data grows"
	# asks)
	n=$(rows_of "$OUT/demo-$name.json") m=$(rows_of "$OUT/beijing-$name.json")
	if [ -n "$n" ] && [ -n "$m" ] && [ "$n" -lt "$m" ]; then
		[ "$n" -gt 0 ] || n=1
		sep='?'
		[[ $path == *\?* ]] && sep='&'
		measure beijing "$name=rows" "$path${sep}per_page=$n" "$role" "$vary"
		R[rows,$name]="$n"
	fi
done
if [[ rush =~ $ONLY ]]; then
	say "== the ordering rush"
	rush demo
	rush beijing
fi
# exports: the bureau's paid orders (~146,000 at Beijing's size) as CSV and
# as a workbook (issue 13 §2: a 150,000-row list streams in constant memory
# and finishes in seconds): rows, bytes, seconds, and the oversight
# program's peak resident memory (VmHWM) before and after each
exports() {
	local BASE=http://127.0.0.1:${PORT_OF[beijing]} pid ext code t bytes rows total hwm0 hwm1
	local hdr=(-H "Authorization: Bearer $(printf '%-43s' bench-read-bureau | tr ' ' x)")
	pid=$(cat "${STATE_OF[beijing]}/run/oversight.pid") || { say "!! no oversight pid"; failed=1; return; }
	total=$(curl -fsS "${hdr[@]}" "$BASE/api/bureau/orders?status=paid&per_page=1" |
	    python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')
	for ext in csv xlsx; do
		hwm0=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
		read -r code t bytes < <(curl -sS -o "$OUT/beijing-export.$ext" "${hdr[@]}" \
		    -w '%{http_code} %{time_total} %{size_download}\n' "$BASE/api/bureau/orders.$ext?status=paid")
		hwm1=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
		if [ "$code" != 200 ]; then
			say "!! export .$ext answered $code"; failed=1; continue
		fi
		rows=$(python3 - "$OUT/beijing-export.$ext" <<'PY'
import sys, zipfile
f = sys.argv[1]
if f.endswith(".csv"):
    print(open(f, "rb").read().count(b"\r\n") - 1)
else:
    with zipfile.ZipFile(f) as z, z.open("xl/worksheets/sheet1.xml") as s:
        n, tail = 0, b""
        for chunk in iter(lambda: s.read(1 << 20), b""):
            n += (tail + chunk).count(b"<row ")
            tail = chunk[-4:]      # a "<row " across the boundary counts once
    print(n - 1)
PY
)
		R[export,$ext]=$(printf '%-5s %8s rows of %s  %6.1f MB  %6.2f s  peak RSS %6.1f -> %6.1f MB' \
		    ".$ext" "$rows" "$total" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" "$t" \
		    "$(awk -v k="$hwm0" 'BEGIN { print k / 1024 }')" "$(awk -v k="$hwm1" 'BEGIN { print k / 1024 }')")
		say "   beijing export ${R[export,$ext]}"
		[ "$rows" = "$total" ] || { say "!! export .$ext: $rows rows, the list says $total"; failed=1; }
	done
}
if [[ export =~ $ONLY ]]; then
	say "== the bureau's export of the paid orders at Beijing's size"
	exports
fi
stack demo stop >/dev/null 2>&1
stack beijing stop >/dev/null 2>&1

say
say "== demo size (~40 products, 72 orders) vs Beijing's year (5,000 products, 600,000 orders, 300,000 enterprises)"
printf '%-20s %10s %9s %10s %9s %7s  %-34s %s\n' route "demo r/s" "p99 ms" "Beijing" "p99 ms" ratio goal \
    "same rows: Beijing r/s, p99, ratio"
for name in "${NAMES[@]}" rush-spread rush-hot; do
	[ -n "${R[demo,$name,rps]:-}" ] || continue
	d=${R[demo,$name,rps]} b=${R[beijing,$name,rps]:-0} p99=${R[beijing,$name,p99]:-0}
	ratio=$(pct "$b" "$d")
	case $name in
	rush-*)
		if ge "$ratio" $GOAL_RUSH_PCT; then goal=met; else goal=MISSED; fi
		goal="$goal (>= $GOAL_RUSH_PCT%)" ;;
	*)
		if ge "$ratio" $GOAL_READ_PCT && lt "$p99" $GOAL_READ_P99; then goal=met; else goal=MISSED; fi
		goal="$goal (>= $GOAL_READ_PCT%, p99 < $GOAL_READ_P99 ms)" ;;
	esac
	[ -n "${R[demo,$name,flag]:-}${R[beijing,$name,flag]:-}" ] && goal="$goal FLAGGED: errors"
	same=
	if [ -n "${R[rows,$name]:-}" ]; then
		e=${R[beijing,$name=rows,rps]:-0}
		same=$(printf '%s rows: %.0f, %.2f ms, %s%%' "${R[rows,$name]}" "$e" \
		    "${R[beijing,$name=rows,p99]:-0}" "$(pct "$e" "$d")")
	fi
	printf '%-20s %10.0f %9.2f %10.0f %9.2f %6s%%  %-34s %s\n' "$name" "$d" "${R[demo,$name,p99]}" \
	    "$b" "$p99" "$ratio" "$goal" "$same"
done
if [ -n "${R[export,csv]:-}" ]; then
	say "exports of /api/bureau/orders?status=paid (goal: constant memory, seconds):"
	say "   ${R[export,csv]}"
	say "   ${R[export,xlsx]:-}"
fi
say "(wrk -t2 -c$CONNS -d${SECS}s after ${WARMUP}s, reads uncached: a new ignored parameter per"
say " request on the public routes; the rush -c16 as tests/bench/orders.sh; raw output in $OUT)"
exit $failed
