#!/usr/bin/env bash
# make test: the unit tests, then the integration tests and the browser
# journeys (tests/browser/) against a throwaway stack of its own (state-test/, port 18080 — never the dev
# data), built with ASan+UBSan; any sanitizer report in a program's log
# counts as a failure. Ends with one line "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export VOUCHER_STATE_DIR=${VOUCHER_TEST_STATE_DIR:-$ROOT/state-test}
export VOUCHER_PORT=${VOUCHER_TEST_PORT:-18080}
export VOUCHER_BIN=$ROOT/build/asan/bin
export VOUCHER_CLOCK_FILE=$VOUCHER_STATE_DIR/clock
export VOUCHER_DEMO=1
export VOUCHER_LOGIN_RATE=${VOUCHER_LOGIN_RATE:-5r/s}
export VOUCHER_LOGIN_BURST=${VOUCHER_LOGIN_BURST:-20}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:print_summary=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
passed=0
failed=0

# Adds the "N passed, N failed" line of a runner's output to the totals.
tally() {
	local line p f
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
	if [ -z "$line" ]; then
		echo "FAIL $2: produced no summary line"
		failed=$((failed + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
}

out=$(mktemp)
trap 'rm -f "$out"; "$ROOT/ops/stack.sh" stop >/dev/null 2>&1' EXIT

echo "== unit tests"
for t in "$ROOT"/build/asan/tests/test_*; do
	"$t" >"$out" 2>&1
	grep -v '^ok ' "$out" | grep -v -E '^[0-9]+ passed' || true
	tally "$out" "$(basename "$t")"
	echo "$(basename "$t"): $(tail -1 "$out")"
done

echo "== integration tests (stack on port $VOUCHER_PORT, state $VOUCHER_STATE_DIR)"
"$ROOT/ops/stack.sh" stop >/dev/null 2>&1
rm -rf "$VOUCHER_STATE_DIR"
if ! "$ROOT/ops/stack.sh" start; then
	echo "FAIL stack: did not start"
	failed=$((failed + 1))
else
	python3 "$ROOT/tests/integration/run.py" "${1:-}" | tee "$out"
	tally "$out" integration
	echo "== browser journeys (headless Chromium, screenshots in tests/artifacts/)"
	"$ROOT/tests/browser/run.sh" "${1:-}" | tee "$out"
	tally "$out" browser
fi
"$ROOT/ops/stack.sh" stop >/dev/null 2>&1

echo "== sanitizer reports in the programs' logs"
for prog in "$VOUCHER_BIN"/voucher-*; do
	log=$VOUCHER_STATE_DIR/log/${prog##*/voucher-}.log
	[ -e "$log" ] || continue
	if grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log"; then
		echo "FAIL $(basename "$log"): sanitizer report"
		grep -E -A20 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log" | head -60
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
		echo "ok $(basename "$log"): clean"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
