#!/usr/bin/env bash
# The monitoring configuration (ops/prometheus/): `promtool check config`
# (which checks the rule files and the file_sd target files too) and
# `promtool test rules` on the unit tests of the alert rules
# (ops/prometheus/tests/*.yml). Ends with one line "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$ROOT/ops/prometheus
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if ! command -v promtool >/dev/null; then
	echo "FAIL promtool: not installed (Debian package prometheus; ops/deps.sh)"
	echo "0 passed, 1 failed"
	exit 1
fi

run() {
	local what=$1
	shift
	if (cd "$DIR" && "$@") >"$out" 2>&1; then
		passed=$((passed + 1))
		echo "ok   $what"
	else
		failed=$((failed + 1))
		echo "FAIL $what"
		sed 's/^/     /' "$out" | head -60
	fi
}

run "promtool check config prometheus.yml" promtool check config prometheus.yml
for t in "$DIR"/tests/*.yml; do
	run "promtool test rules tests/${t##*/} ($(grep -c 'alertname:' "$t") alert checks)" \
	    promtool test rules "tests/${t##*/}"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
