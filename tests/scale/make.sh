#!/usr/bin/env bash
# make scale-data: a Beijing-sized year in a database of its own (issue
# #13, part 1), beside the demo, on a MariaDB server of its own.
#
#   tests/scale/make.sh [--keep-running]
#
# Environment (defaults in brackets):
#   VOUCHER_STATE_DIR  [./state-scale]   the server's state (git-ignored)
#   VOUCHER_SCALE_DB   [voucher_scale]   the database filled
#   VOUCHER_SCALE      [1]               size factor (1 = Beijing's year)
#   VOUCHER_SCALE_SEED [20261130]        the generator's seed
#   VOUCHER_SCALE_NOW  [this hour]       epoch seconds the data ends at
#
# Steps: starts the server (ops/stack.sh db, buffer pool 2G), makes the
# database afresh (sql/migrate.sh --demo: the schema and the demo), writes
# the year's files (gen_scale.py, seeded) and bulk-loads them (LOAD DATA),
# refreshes the optimizer statistics, runs `voucherctl reconcile` (no drift
# expected) and prints the figures. Then it stops the server (unless
# --keep-running) and keeps a copy of the data directory (db.pristine) with
# a stamp, so that make bench starts every run from the same data.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export VOUCHER_STATE_DIR=${VOUCHER_STATE_DIR:-$ROOT/state-scale}
export VOUCHER_DB_BUFFER_POOL=${VOUCHER_DB_BUFFER_POOL:-2G}
DB=${VOUCHER_SCALE_DB:-voucher_scale}
SCALE=${VOUCHER_SCALE:-1}
SEED=${VOUCHER_SCALE_SEED:-20261130}
NOW=${VOUCHER_SCALE_NOW:-$(( $(date +%s) / 3600 * 3600 ))}
STATE=$(mkdir -p "$VOUCHER_STATE_DIR" && cd "$VOUCHER_STATE_DIR" && pwd)
SOCK=$STATE/run/mysql.sock
FILES=$STATE/scale-files
keep=0
[ "${1:-}" = --keep-running ] && keep=1

[[ $DB =~ ^[A-Za-z0-9_]{1,64}$ ]] || { echo "bad VOUCHER_SCALE_DB: $DB" >&2; exit 1; }
t0=$(date +%s)
say() { printf '%s\n' "$*"; }
# the server's admin is the invoking user, by the socket (ops/stack.sh)
ME=$(id -un)
sql() { mariadb --no-defaults --socket="$SOCK" -u"$ME" "$@"; }

say "== scale data: $DB in $STATE (scale $SCALE, seed $SEED, now $NOW)"
# a stale copy must not come back in place of what is made now
rm -rf "$STATE/db.pristine" "$STATE/scale.stamp"
# a server of its own made afresh: its data is all made here
"$ROOT/ops/stack.sh" stop >/dev/null 2>&1 || true
rm -rf "$STATE/db"
VOUCHER_DB_NAME=voucher "$ROOT/ops/stack.sh" db
# the demo database too (make bench measures both on this server); the
# grants follow the database migrated last (grants.sql is authoritative)
MARIADB="mariadb --no-defaults --socket=$SOCK -u$ME" VOUCHER_DB_NAME=voucher \
    "$ROOT/sql/migrate.sh" --demo >"$STATE/log/scale-migrate.log" 2>&1 ||
    { cat "$STATE/log/scale-migrate.log" >&2; exit 1; }
sql -e "DROP DATABASE IF EXISTS \`$DB\`"
MARIADB="mariadb --no-defaults --socket=$SOCK -u$ME" VOUCHER_DB_NAME=$DB \
    "$ROOT/sql/migrate.sh" --demo >>"$STATE/log/scale-migrate.log" 2>&1 ||
    { cat "$STATE/log/scale-migrate.log" >&2; exit 1; }

rm -rf "$FILES"
python3 "$ROOT/tests/scale/gen_scale.py" "$FILES" --seed "$SEED" --now "$NOW" \
    --scale "$SCALE"
t1=$(date +%s)
say "== loading (LOAD DATA)"
# the big tables' secondary indexes (but those of foreign keys) are set
# aside during the load and built once after it
BIG="orders order_events audit_log redemption_files redemption_claims search_grams enterprise_grams
    search_texts accounts enterprises enterprise_quota contracts evaluations publicity_items"
export MARIADB="mariadb --no-defaults --socket=$SOCK -u$ME $DB"
# shellcheck disable=SC2086
python3 "$ROOT/tests/scale/indexes.py" drop "$FILES/indexes.json" $BIG | sql "$DB"
sql --local-infile=1 -N -B --show-warnings "$DB" <"$FILES/load.sql" \
    >"$STATE/log/scale-load.log" 2>&1 || { tail -20 "$STATE/log/scale-load.log" >&2; exit 1; }
if grep -q '^Warning' "$STATE/log/scale-load.log"; then
	say "the load had warnings:" >&2
	grep -m 10 '^Warning' "$STATE/log/scale-load.log" >&2
	exit 1
fi
python3 "$ROOT/tests/scale/indexes.py" add "$FILES/indexes.json" | sql "$DB"
# the totals kept by 007_counts_indexes.sql's triggers (skipped by the load)
sql "$DB" -e "DELETE FROM audit_counts;
    INSERT INTO audit_counts (entity, slot, n) SELECT entity, id % 64, COUNT(*) FROM audit_log
    GROUP BY entity, id % 64;
    UPDATE row_counts SET n = (SELECT COUNT(*) FROM feedback) WHERE name = 'feedback'"
# what later migrations keep by trigger (skipped by the load), recomputed
# from the rows: tests/scale/after_NNN.sql, one per migration, in order
for f in "$ROOT"/tests/scale/after_[0-9][0-9][0-9].sql; do
	[ -e "$f" ] || continue
	sql "$DB" <"$f" || { say "scale data: $(basename "$f") failed" >&2; exit 1; }
done
t2=$(date +%s)
say "   loaded in $((t2 - t1)) s (indexes rebuilt after the rows); the slowest tables:"
awk -F'\t' 'NF == 3 { if (prev != "") printf "%s\t%.1f\n", $1, $3 - prev; prev = $3 }' \
    "$STATE/log/scale-load.log" | sort -t$'\t' -k2 -rn | head -5 |
    awk -F'\t' '{ printf "      %-22s %6.1f s\n", $1, $2 }'
# statistics the optimizer plans with (InnoDB's persistent ones, and the
# engine-independent histograms of the columns the lists filter on)
tables=$(sql -N -B "$DB" -e "SELECT GROUP_CONCAT(table_name) FROM information_schema.tables
    WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'")
sql -N -B "$DB" -e "ANALYZE TABLE ${tables//,/, }" >/dev/null
rm -rf "$FILES"/*.tsv

say "== reconcile (voucherctl: remaining units and quota occupied against the orders)"
VOUCHER_DB_NAME=$DB "$ROOT/ops/stack.sh" ctl reconcile | tail -3

say "== the rules the data keeps (each count must be 0)"
# check.sql, then each later migration's checks (check_NNN.sql: SELECT
# statements of a label and a count, like check.sql's)
{ printf 'SET @now = FROM_UNIXTIME(%s);\n' "$NOW"; cat "$ROOT/tests/scale/check.sql"
  for f in "$ROOT"/tests/scale/check_[0-9][0-9][0-9].sql; do [ -e "$f" ] || continue; cat "$f"; done; } |
    sql -N -B --init-command="SET time_zone = '+00:00'" "$DB" | tee "$STATE/log/scale-check.log" |
    awk -F'\t' '{ printf "   %-52s %s\n", $1, $2 }'
awk -F'\t' '$2 != 0 { bad = 1 } END { exit bad }' "$STATE/log/scale-check.log" ||
    { say "scale data: a rule is broken (above)" >&2; exit 1; }

say "== figures"
python3 - "$FILES/figures.txt" <<'PY'
import sys
f = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[1]))
rows = [k for k in f if not k.startswith(("status_", "round", "seconds", "now", "products_sold"))]
print("rounds %s (previous) and %s (current); generated in %s s" % (
    f["round_previous"], f["round_current"], f["seconds"]))
for k in rows:
    print("   %-22s %10s" % (k, format(int(f[k]), ",")))
print("   orders by status: " + ", ".join("%s %s" % (k[7:], format(int(v), ","))
      for k, v in f.items() if k.startswith("status_") and k not in
      ("status_orders", "status_orders_skipped", "status_applications")))
print("   products sold out: %s" % f["products_sold_out"])
PY
sql -N -B -e "SELECT CONCAT('   on disk: ', ROUND(SUM(data_length + index_length) / 1048576),
    ' MiB in ', COUNT(*), ' tables') FROM information_schema.tables WHERE table_schema = '$DB'"
say "== done in $(( $(date +%s) - t0 )) s"

if [ $keep = 0 ]; then
	"$ROOT/ops/stack.sh" stop
	cp -a --reflink=auto "$STATE/db" "$STATE/db.pristine"
	"$ROOT/tests/scale/stamp.sh" >"$STATE/scale.stamp"
fi
