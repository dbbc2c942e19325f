#!/usr/bin/env bash
# tests/bench/peers/check.sh - the peers of make bench against the real
# stack, without measuring: a stack of its own (the release build, the demo
# data; BENCH_STATE_DIR [state-peers], BENCH_PORT [18090]) with the peers'
# nginx locations, the bare C peer and PHP-FPM started, and the catalog's
# uncached answers compared with theirs (peers_check, as make bench does
# before it measures). Everything it started is stopped on exit. Needs
# php8.2-fpm (ops/deps.sh bench) and make VARIANT=release all bench-peers.
# Exit status 0 when the three answers are equal.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
export VOUCHER_STATE_DIR=${BENCH_STATE_DIR:-$ROOT/state-peers}
export VOUCHER_PORT=${BENCH_PORT:-18090}
export VOUCHER_BIN=$ROOT/build/release/bin
export VOUCHER_ACCESS_LOG=0 VOUCHER_LOG_LEVEL=warn VOUCHER_DEMO=1
STATE=$VOUCHER_STATE_DIR
say() { printf '%s\n' "$*"; }
die() { say "peers: $*" >&2; exit 1; }
. "$ROOT/tests/bench/peers/lib.sh"

cleanup() {
	trap - EXIT INT TERM
	peers_stop
	"$ROOT/ops/stack.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/ops/stack.sh" stop >/dev/null 2>&1 || true
peers_stop	# a previous run's, if left
rm -rf "$STATE"
peers_conf
"$ROOT/ops/stack.sh" start >/dev/null || die "the stack did not start"
peers_start
peers_check "http://127.0.0.1:$VOUCHER_PORT" || die "the answers differ (above)"
say "peers: the catalog, the bare C peer and the PHP-FPM peer answer the same"
