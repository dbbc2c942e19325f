#!/usr/bin/env bash
# The stamp of the scale data: what made it. Line 1: the database, size and
# seed; line 2: the generator and the demo; then each migration applied
# with its hash. make bench (tests/bench/scale.sh) regenerates unless lines
# 1 and 2 are the same now and every migration recorded is unchanged (new
# migrations are fine: migrate.sh applies them to the kept data at start).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
printf 'db=%s scale=%s seed=%s\n' "${VOUCHER_SCALE_DB:-voucher_scale}" \
    "${VOUCHER_SCALE:-1}" "${VOUCHER_SCALE_SEED:-20261130}"
# (and what the loader recomputes after each later migration)
shopt -s nullglob
cat "$ROOT/tests/scale/gen_scale.py" "$ROOT/sql/demo/demo.sql" "$ROOT"/tests/scale/after_[0-9][0-9][0-9].sql |
    sha256sum | cut -c1-64
for f in "$ROOT/sql/migrations/"[0-9][0-9][0-9]_*.sql; do
	printf '%s %s\n' "$(basename "$f")" "$(sha256sum <"$f" | cut -c1-64)"
done
