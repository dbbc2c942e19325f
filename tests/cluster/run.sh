#!/usr/bin/env bash
# make cluster-test: the production topology (ops/cluster.sh) in network
# namespaces on this machine, a bounded load of orders and catalog reads
# from the client host (tests/cluster/load.py), and four failures under it:
#
#   S2  a rolling restart of ordering across both app hosts: no request fails
#   S1  app1 loses every program (kill -9): nginx stops sending to it within
#       its failure window, retried orders keep their order, nothing else
#       fails after the window
#   S4  the replica is lost (kill -9 db2): catalog and publicity reads fall
#       back to the primary (voucher_db_ro_fallback_total) and go back to
#       the replica when it returns
#   S3  the primary is lost mid-rush (kill -9 db1) and db2 is promoted
#       (ops/cluster.sh promote): every acknowledged order is on the new
#       primary, nothing oversold, no cap exceeded, no reconcile drift;
#       then db1 is rebuilt as db2's replica (ops/cluster.sh rejoin) and
#       holds the same orders
#
# Prints the figures and "N passed, N failed". Everything it makes (the
# namespaces, every process in them, state-cluster-test/) is removed on
# exit, also on failure or Ctrl-C; VOUCHER_CLUSTER_KEEP=1 keeps the files.
# Bounded: the load stops by itself after 420 s, the whole run after 600 s.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export VOUCHER_CLUSTER_STATE=${VOUCHER_CLUSTER_STATE:-$ROOT/state-cluster-test}
export VOUCHER_CLUSTER_NS=${VOUCHER_CLUSTER_NS:-vct}
export VOUCHER_BIN=${VOUCHER_BIN:-$ROOT/build/release/bin}
export VOUCHER_CLUSTER_FAIL_TIMEOUT=10s
C=$ROOT/ops/cluster.sh
# where cluster.sh keeps it (outside a checkout www-data cannot reach)
VOUCHER_CLUSTER_STATE=$($C state-dir)
STATE=$VOUCHER_CLUSTER_STATE
OUT=$STATE/test
LB=http://$($C addr lb)
passed=0
failed=0
load_pid=
watchdog=

say() { printf '%s %s\n' "$(date -u +%T)" "$*"; }
ok() { passed=$((passed + 1)); say "ok   $*"; }
bad() { failed=$((failed + 1)); say "FAIL $*"; }
mark() { printf '%s %s\n' "$1" "$(date +%s.%N)" >>"$OUT/marks"; }
# sleep that a signal interrupts at once (the traps run at once)
pause_pid=
pause() { sleep "$1" & pause_pid=$!; wait "$pause_pid"; pause_pid=; }

cleanup() {
	trap - EXIT INT TERM
	[ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null
	[ -n "$pause_pid" ] && kill "$pause_pid" 2>/dev/null
	[ -d "$OUT" ] && touch "$OUT/stop"
	[ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
	"$C" down >/dev/null 2>&1
	if [ "${VOUCHER_CLUSTER_KEEP:-0}" != 1 ]; then
		rm -rf "$STATE"
	fi
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# The sum of a counter over the catalog and publicity instances.
fallbacks() {
	local h p total=0 v
	for h in app1 app2; do
		for p in catalog publicity; do
			v=$("$C" exec mon curl -fsS -m 2 "http://$($C addr "$h"):9180/_internal/$p/metrics" 2>/dev/null |
			    awk '/^voucher_db_ro_fallback_total/ { print $2 }')
			total=$((total + ${v:-0}))
		done
	done
	echo "$total"
}

[ "$(id -u)" -eq 0 ] || { echo "cluster test: root only (network namespaces)"; echo "0 passed, 1 failed"; exit 1; }
# a whole-run bound: the cluster goes down whatever happens
(
	trap 'kill $sp 2>/dev/null; exit 0' TERM
	sleep 600 & sp=$!
	wait $sp && { say "cluster test: 600 s bound reached"; kill -TERM $$; }
) &
watchdog=$!

"$C" down >/dev/null 2>&1
say "== topology up (state $STATE, namespaces $VOUCHER_CLUSTER_NS-*)"
if ! "$C" up; then
	bad "cluster did not come up"
	echo "$passed passed, $failed failed"
	exit 1
fi
mkdir -p "$OUT"
python3 "$ROOT/tests/cluster/setup.py" 8 6 300 200000 30 | "$C" sql db1 voucher ||
    bad "load data not loaded"

# every target of Prometheus is up
for _ in $(seq 1 60); do
	"$C" exec mon curl -fsS "http://$($C addr mon):9090/api/v1/targets" >"$OUT/targets.json" 2>/dev/null &&
	    python3 - "$OUT/targets.json" <<-'EOF' && break
	import json, sys
	t = json.load(open(sys.argv[1]))["data"]["activeTargets"]
	sys.exit(0 if t and all(x["health"] == "up" for x in t) else 1)
	EOF
	sleep 1
done
if python3 - "$OUT/targets.json" <<-'EOF'
	import json, sys
	t = json.load(open(sys.argv[1]))["data"]["activeTargets"]
	down = [x["labels"].get("instance") for x in t if x["health"] != "up"]
	print("prometheus: %d targets, %d up%s" % (len(t), len(t) - len(down),
	      (": down " + " ".join(down)) if down else ""))
	sys.exit(0 if t and not down and len(t) >= 19 else 1)
	EOF
then ok "prometheus: every target up"; else bad "prometheus: a target is down"; fi

say "== load: 8 order threads (~1.5 orders/s each), 4 read threads (~10/s each)"
"$C" exec client python3 "$ROOT/tests/cluster/load.py" "$LB" "$OUT" \
    --order-threads 8 --read-threads 4 --order-rate 1.5 --read-rate 10 \
    --max-seconds 420 >"$OUT/load.log" 2>&1 &
load_pid=$!
for _ in $(seq 1 100); do [ -e "$OUT/ready" ] && break; sleep 0.1; done
pause 5

say "== S2: rolling restart of ordering on app1, then app2"
mark s2_start
"$C" restart ordering || bad "rolling restart failed"
mark s2_end
pause 3

say "== S1: kill -9 every program on app1"
mark s1_kill
"$C" app-kill app1
pause 25
mark s1_restart
"$C" app-start app1 >/dev/null || bad "app1 did not come back"
mark s1_back
pause 5

say "== S4: kill -9 the replica (db2) for 10 s"
fb0=$(fallbacks)
mark s4_kill
"$C" db-kill db2
pause 10
fb1=$(fallbacks)
mark s4_restart
"$C" db-start db2 || bad "db2 did not restart"
# recovered: the replica replicates again and the fallback counter has
# stopped (no increase for 6 s, longer than the 5 s between tries)
last=$fb1
last_change=$(date +%s.%N)
for _ in $(seq 1 120); do
	sleep 0.5
	v=$(fallbacks)
	if [ "$v" != "$last" ]; then last=$v; last_change=$(date +%s.%N); fi
	if awk -v a="$last_change" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a > 6) }' &&
	    "$C" sql db2 -e "SHOW SLAVE STATUS\G" | grep -q "Slave_IO_Running: Yes"; then
		break
	fi
done
printf 's4_recovered %s\n' "$last_change" >>"$OUT/marks"
fb2=$(fallbacks)
pause 3
fb3=$(fallbacks)
echo "fallbacks $fb0 $fb1 $fb2 $fb3" >>"$OUT/marks"

# the keys orphaned by S1 (claimed by a killed worker) are taken over 60 s
# after their claim: let them settle before the primary goes
pause 15

say "== S3: kill -9 the primary (db1) mid-rush, promote db2"
mark s3_kill
"$C" db-kill db1
pause 2
mark s3_promote
"$C" promote db1 db2 || bad "promote failed"
mark s3_promoted
pause 25
touch "$OUT/stop"
say "== load stopping (orders in progress finish, at most 150 s more)"
wait "$load_pid"
load_pid=
cat "$OUT/load.log"

# the alert rules see the real exporters' metrics: db1 is down, and the
# promoted db2 runs without semi-sync (pending or firing)
"$C" exec mon curl -fsS "http://$($C addr mon):9090/api/v1/alerts" >"$OUT/alerts.json" 2>/dev/null
"$C" exec mon curl -fsS "http://$($C addr mon):9090/api/v1/rules" >"$OUT/rules.json" 2>/dev/null
if python3 - "$OUT/alerts.json" "$OUT/rules.json" <<-'EOF'
	import json, sys
	alerts = json.load(open(sys.argv[1]))["data"]["alerts"]
	rules = sum(len(g["rules"]) for g in json.load(open(sys.argv[2]))["data"]["groups"])
	active = sorted({"%s{%s} %s" % (a["labels"]["alertname"], a["labels"].get("instance", ""),
	                                a["state"]) for a in alerts})
	print("prometheus: %d rules loaded; active alerts: %s" % (rules, ", ".join(active) or "none"))
	want = [("MariaDBDown", "db1"), ("SemiSyncOff", "db2")]
	sys.exit(0 if all(any(a["labels"]["alertname"] == n and a["labels"].get("instance") == i
	                      for a in alerts) for n, i in want) else 1)
	EOF
then ok "prometheus: MariaDBDown(db1) and SemiSyncOff(db2) raised after the promotion"
else bad "prometheus: the expected alerts are not raised"; fi

say "== S3 epilogue: db1 rebuilt as the replica of db2 (ops/cluster.sh rejoin db1)"
mark s3_rejoin
"$C" rejoin db1 && ok "db1 rejoined as a semi-synchronous replica" || bad "rejoin db1 failed"
mark s3_rejoined
"$C" sql db1 voucher -N -e "SELECT 'replica', COUNT(*), IFNULL(SUM(id), 0) FROM orders" >"$OUT/replica.tsv" 2>&1

say "== checks"
"$C" sql db2 voucher -N -e "
	SELECT 'orders', o.id, o.enterprise_id, o.product_id FROM orders o WHERE o.enterprise_id >= 300001;
	SELECT 'primary', COUNT(*), IFNULL(SUM(id), 0) FROM orders;
	SELECT 'product', id, units_total, remaining_units, units_sold FROM products WHERE id >= 300001;
	SELECT 'held', product_id, COUNT(*) FROM orders WHERE product_id >= 300001 AND unit_held = 1 GROUP BY product_id;
	SELECT 'quota', enterprise_id, cap, occupied FROM enterprise_quota WHERE occupied > cap OR occupied < 0;
	SELECT 'negative', id, remaining_units FROM products WHERE remaining_units < 0;
	SELECT 'keys', account_id, idem_key, state, response_status, response_body FROM idempotency_keys WHERE account_id >= 300001;
" >"$OUT/db.tsv" 2>"$OUT/db.err" || bad "cannot read the new primary: $(cat "$OUT/db.err")"
"$C" ctl reconcile >"$OUT/reconcile.log" 2>&1
echo "reconcile_rc $?" >>"$OUT/marks"
grep -v '^{' "$OUT/reconcile.log" | tail -5
cp "$STATE/lb/log/nginx-access.log" "$OUT/access.log" 2>/dev/null
python3 "$ROOT/tests/cluster/check.py" "$OUT" "$($C addr app1)" | tee "$OUT/check.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUT/check.log" | tail -1)
if [ -n "$line" ]; then
	passed=$((passed + ${line%% passed*}))
	f=${line#*, }
	failed=$((failed + ${f%% failed*}))
else
	bad "check.py printed no summary"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
