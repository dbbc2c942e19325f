#!/usr/bin/env bash
# The stamp of the scale data: what made it (the generator, the schema, the
# demo, the size and seed). make bench regenerates when it differs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
{
	printf 'db=%s scale=%s seed=%s\n' "${VOUCHER_SCALE_DB:-voucher_scale}" \
	    "${VOUCHER_SCALE:-1}" "${VOUCHER_SCALE_SEED:-20261130}"
	cat "$ROOT/tests/scale/gen_scale.py" "$ROOT/sql/migrations/"*.sql \
	    "$ROOT/sql/demo/demo.sql" | sha256sum | cut -c1-64
}
