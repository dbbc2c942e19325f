#!/usr/bin/env bash
# The ordering benchmark (make bench calls it with a running stack):
# orders per second over HTTP through nginx, spread over many products and
# on one hot product, each with p50/p99 and as a ratio to the bare C client
# (order_client: the same SQL on the same database, no HTTP) in the same
# run; then the invariants: units sold + remaining = initial, and no
# enterprise above its cap.
#
# Environment: VOUCHER_STATE_DIR, VOUCHER_PORT, VOUCHER_BIN (of the stack),
# BENCH_SECONDS (8), BENCH_CONNS (16).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/bench
STATE=$VOUCHER_STATE_DIR
PORT=$VOUCHER_PORT
SECS=${BENCH_SECONDS:-8}
CONNS=${BENCH_CONNS:-16}
ENTS=200
PRODS=1000
UNITS=1000000
SQL=(mariadb --no-defaults --socket="$STATE/run/mysql.sock" -uroot -N -B voucher)
CLIENT=$ROOT/build/release/bench/order_client

echo "== ordering: $ENTS enterprises, $PRODS products + 1 hot product, $UNITS units each"
python3 "$HERE/orders_setup.py" $ENTS $PRODS $UNITS | "${SQL[@]}"

# wrk_orders FIRST COUNT → "orders/s (201s only) p50 p99 non2xx"
wrk_orders() {
	local out
	out=$(ENT_FIRST=100001 ENT_COUNT=$ENTS PROD_FIRST=$1 PROD_COUNT=$2 \
	    wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$HERE/orders.lua" \
	    "http://127.0.0.1:$PORT/api/orders" 2>&1)
	python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def ms(label):
    m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)\s*$" % label, out, re.M)
    if not m:
        return float("nan")
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
total = re.search(r"(\d+) requests in ([\d.]+)(ms|s)", out)
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
nbad = int(bad.group(1)) if bad else 0
secs = float(total.group(2)) / (1000 if total.group(3) == "ms" else 1) if total else 1
ok = (int(total.group(1)) - nbad) / secs if total else 0
print("%.1f %.2f %.2f %d" % (ok, ms("50"), ms("99"), nbad))
PY
}

bare() {
	VOUCHER_DB_SOCKET="$STATE/run/mysql.sock" VOUCHER_DB_USER=voucher_ordering \
	VOUCHER_DB_PASSWORD=${VOUCHER_DB_PASSWORD_ORDERING:-voucher_ordering_dev} \
	    "$CLIENT" "$CONNS" "$SECS" 100001 $ENTS "$1" "$2" | awk '{print $2}'
}

read -r spread_rps spread_p50 spread_p99 spread_bad < <(wrk_orders 100001 $PRODS)
read -r hot_rps hot_p50 hot_p99 hot_bad < <(wrk_orders $((100001 + PRODS)) 1)
bare_spread=$(bare 100001 $PRODS)
bare_hot=$(bare $((100001 + PRODS)) 1)

python3 - "$spread_rps" "$spread_p50" "$spread_p99" "$spread_bad" \
    "$hot_rps" "$hot_p50" "$hot_p99" "$hot_bad" "$bare_spread" "$bare_hot" <<'PY'
import sys
(s_rps, s50, s99, s_bad, h_rps, h50, h99, h_bad, b_s, b_h) = sys.argv[1:]
s_rps, h_rps, b_s, b_h = float(s_rps), float(h_rps), float(b_s), float(b_h)
print("%-34s %9s %8s %8s %10s %7s" % ("endpoint", "orders/s", "p50 ms", "p99 ms",
                                        "reference", "ratio"))
print("%-34s %9.0f %8s %8s %10.0f %6.0f%%" % ("POST /api/orders, 1000 products", s_rps,
      s50, s99, b_s, 100 * s_rps / b_s if b_s else 0))
print("%-34s %9.0f %8s %8s %10.0f %6.0f%%" % ("POST /api/orders, one hot product", h_rps,
      h50, h99, b_h, 100 * h_rps / b_h if b_h else 0))
print("goal: spread >= 60%% of the bare client: %s (%.0f%%)" % (
    "met" if b_s and s_rps / b_s >= 0.6 else "MISSED", 100 * s_rps / b_s if b_s else 0))
print("goal: hot product >= 30%% of the spread rate: %s (%.0f%%)" % (
    "met" if s_rps and h_rps / s_rps >= 0.3 else "MISSED", 100 * h_rps / s_rps if s_rps else 0))
if int(s_bad) or int(h_bad):
    print("note: refused over HTTP (not counted): spread %s, hot %s" % (s_bad, h_bad))
PY

echo "== invariants after the ordering benchmark"
"${SQL[@]}" -e "SELECT CONCAT('products whose sold + remaining <> initial: ',
    COUNT(*)) FROM products WHERE id > 100000 AND units_sold + remaining_units <> units_total"
"${SQL[@]}" -e "SELECT CONCAT('enterprises above their cap: ', COUNT(*))
    FROM enterprise_quota WHERE occupied > cap"
"${SQL[@]}" -e "SELECT CONCAT('orders placed: ', COUNT(*)) FROM orders WHERE product_id > 100000"
VOUCHER_STATE_DIR=$STATE "$ROOT/ops/stack.sh" ctl reconcile | tail -1
