#!/usr/bin/env bash
# make chaos (issue 15): the reliability drills against a throwaway stack
# of their own (state-chaos/, port 18310; release build, supervised by
# ops/stack.sh like `make run`). Two stacks, one after the other:
#
#   1. MariaDB with innodb_snapshot_isolation=ON (write-write conflicts
#      fail a transaction with error 1020, which the programs retry like a
#      deadlock): the concurrency tests of tests/integration, each followed
#      by the invariant checks (tests/integration/run.py).
#   2. The default settings: the drills of tests/chaos/drill.py — an order
#      rush through kill -9 of the ordering program and of mariadbd and a
#      database stall; every API route with the database down; slow
#      clients; a login flood from 20 addresses.
#
# Bounded: a few minutes in all. Ends with one line "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export VOUCHER_STATE_DIR=${VOUCHER_CHAOS_STATE_DIR:-$ROOT/state-chaos}
export VOUCHER_PORT=${VOUCHER_CHAOS_PORT:-18310}
export VOUCHER_BIN=$ROOT/build/release/bin
export VOUCHER_CLOCK_FILE=$VOUCHER_STATE_DIR/clock
export VOUCHER_DEMO=1
export VOUCHER_LOGIN_RATE=${VOUCHER_LOGIN_RATE:-5r/s}
export VOUCHER_LOGIN_BURST=${VOUCHER_LOGIN_BURST:-20}
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"; "$ROOT/ops/stack.sh" stop >/dev/null 2>&1' EXIT

tally() {
	local line p f
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
	if [ -z "$line" ]; then
		echo "FAIL $1: produced no summary line"
		failed=$((failed + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
}

# fresh_stack [MARIADB ARGS]: a new stack from nothing
fresh_stack() {
	"$ROOT/ops/stack.sh" stop >/dev/null 2>&1
	rm -rf "$VOUCHER_STATE_DIR"
	VOUCHER_MARIADB_ARGS="${1:-}" "$ROOT/ops/stack.sh" start
}

echo "== concurrency tests with innodb_snapshot_isolation=ON (state $VOUCHER_STATE_DIR, port $VOUCHER_PORT)"
if ! fresh_stack --innodb-snapshot-isolation=ON; then
	echo "FAIL stack (snapshot isolation): did not start"
	failed=$((failed + 1))
else
	on=$(mariadb --no-defaults \
	    --socket="$VOUCHER_STATE_DIR/run/mysql.sock" -uroot -N -B \
	    -e 'SELECT @@innodb_snapshot_isolation' 2>/dev/null)
	if [ "$on" = 1 ]; then
		passed=$((passed + 1))
		echo "ok innodb_snapshot_isolation is ON"
	else
		failed=$((failed + 1))
		echo "FAIL innodb_snapshot_isolation is not ON (${on:-?})"
	fi
	for words in concurren racing parallel; do
		python3 "$ROOT/tests/integration/run.py" "$words" | tee "$out"
		tally "snapshot isolation $words"
	done
	# what the conflicts cost: the transactions retried (1213, 1020, 1205)
	for app in "$VOUCHER_BIN"/voucher-*; do
		curl -fsS "http://127.0.0.1:$VOUCHER_PORT/_internal/${app##*/voucher-}/metrics" 2>/dev/null
	done | awk '/^voucher_db_retries_total/ {s += $2} END {printf "transactions retried under snapshot isolation (1213/1020/1205): %d\n", s}'
fi

echo "== the drills (tests/chaos/drill.py)"
if ! fresh_stack; then
	echo "FAIL stack: did not start"
	failed=$((failed + 1))
else
	python3 "$ROOT/tests/chaos/drill.py" | tee "$out"
	tally drills
	echo "the supervisor's log (restarts):"
	grep -E 'exited|restarted' "$VOUCHER_STATE_DIR/log/stack.log" | sed 's/^/   /'
fi
"$ROOT/ops/stack.sh" stop >/dev/null 2>&1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
