#!/usr/bin/env bash
# Backup and restore (ops/backup.sh, ops/restore.sh) against a stack of its
# own (ops/stack.sh with a binary log; state-backup-test/, port 18580):
#
#   1. a full backup and a files backup; the binary log streamed
#   2. orders and uploads through the HTTP API; an incremental backup;
#      more orders and uploads; the files backup (its 5-minute job)
#   3. the database server killed, its data directory and the files
#      destroyed
#   4. a point-in-time restore to an instant between two orders (into a
#      scratch directory): the orders before it are there, none after
#   5. the restore to the latest point, the stack started on it: every
#      acknowledged order is there (API and database), every uploaded file
#      downloads with its SHA-256, voucherctl reconcile finds no drift
#
# Prints "N passed, N failed"; removes everything it made on any exit.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export ROOT
export VOUCHER_STATE_DIR=${VOUCHER_BACKUP_TEST_STATE:-$ROOT/state-backup-test}
export VOUCHER_PORT=${VOUCHER_BACKUP_TEST_PORT:-18580}
export VOUCHER_BIN=${VOUCHER_BIN:-$ROOT/build/release/bin}
export VOUCHER_DEMO=1 VOUCHER_ACCESS_LOG=0
export VOUCHER_MARIADB_ARGS="--log-bin=voucher-bin --server-id=1 --binlog-format=ROW --sync-binlog=1"
STATE=$VOUCHER_STATE_DIR
BK=$STATE-backups
export VOUCHER_BACKUP_DIR=$BK VOUCHER_DB_SOCKET=$STATE/run/mysql.sock \
    VOUCHER_FILES_DIR=$STATE/files
BASE=http://127.0.0.1:$VOUCHER_PORT
OUT=$BK-test
passed=0
failed=0
stream_pid=

say() { printf '%s %s\n' "$(date -u +%T)" "$*"; }
ok() { passed=$((passed + 1)); say "ok   $*"; }
bad() { failed=$((failed + 1)); say "FAIL $*"; }
sqlq() { mariadb --no-defaults --socket="$1" -uroot -N voucher -e "$2"; }

cleanup() {
	trap - EXIT INT TERM
	[ -n "$stream_pid" ] && kill "$stream_pid" 2>/dev/null
	"$ROOT/ops/stack.sh" stop >/dev/null 2>&1
	if [ -f "$STATE/run/mariadb.pid" ]; then
		kill -KILL "$(cat "$STATE/run/mariadb.pid")" 2>/dev/null
	fi
	[ "${VOUCHER_BACKUP_KEEP_FILES:-0}" = 1 ] || rm -rf "$STATE" "$BK" "$OUT"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

"$ROOT/ops/stack.sh" stop >/dev/null 2>&1
rm -rf "$STATE" "$BK" "$OUT"
mkdir -p "$OUT"
say "== stack on port $VOUCHER_PORT with a binary log"
if ! "$ROOT/ops/stack.sh" start >"$OUT/stack.log" 2>&1; then
	cat "$OUT/stack.log"
	bad "stack did not start"
	echo "$passed passed, $failed failed"
	exit 1
fi

say "== 1. full backup, files, binary log stream"
"$ROOT/ops/backup.sh" full && ok "full backup" || bad "full backup"
"$ROOT/ops/backup.sh" files && ok "files backup: every recorded file present with its hash" ||
    bad "files backup"
"$ROOT/ops/backup.sh" stream >"$OUT/stream.log" 2>&1 &
stream_pid=$!

say "== 2. business, an incremental backup, more business"
python3 "$ROOT/tests/backup/activity.py" "$BASE" "$OUT/acked.jsonl" A 24 8 || bad "activity A"
"$ROOT/ops/backup.sh" incr && ok "incremental backup" || bad "incremental backup"
python3 "$ROOT/tests/backup/activity.py" "$BASE" "$OUT/acked.jsonl" B 12 4 || bad "activity B"
sleep 1.5
# the instant of the point-in-time restore: between two orders of phase C
python3 "$ROOT/tests/backup/activity.py" "$BASE" "$OUT/acked.jsonl" C 6 0 || bad "activity C"
sleep 1.5
until_t=$(date -u '+%F %T')
until_epoch=$(date -u +%s)
sleep 1.5
python3 "$ROOT/tests/backup/activity.py" "$BASE" "$OUT/acked.jsonl" D 6 3 || bad "activity D"
"$ROOT/ops/backup.sh" files && ok "files backup after the business" || bad "files backup after the business"
before=$(sqlq "$STATE/run/mysql.sock" "SELECT COUNT(*) FROM orders")
files_before=$(sqlq "$STATE/run/mysql.sock" "SELECT (SELECT COUNT(*) FROM redemption_files) + (SELECT COUNT(*) FROM application_attachments)")
say "acknowledged: $(grep -c '"order"' "$OUT/acked.jsonl") orders, $(grep -c '"file"' "$OUT/acked.jsonl") files; the database holds $before orders, $files_before recorded files"

say "== 3. disaster: the server killed, its data and the uploads destroyed"
# the stack's supervisor too, or it would restart mariadbd (issue 15)
kill -KILL "$(cat "$STATE/run/stack.pid")" "$(cat "$STATE/run/mariadb.pid")"
sleep 1
rm -f "$STATE/run/mariadb.pid"
"$ROOT/ops/stack.sh" stop >/dev/null 2>&1
wait "$stream_pid" 2>/dev/null
stream_pid=
rm -rf "$STATE/db" "$STATE/files"

say "== 4. point-in-time restore to $until_t UTC (scratch directory)"
scratch=$OUT/pitr
mkdir -p "$OUT/pitr-files"
if "$ROOT/ops/restore.sh" --datadir "$scratch" --until "$until_t" --files-dir "$OUT/pitr-files"; then
	ok "restore to an instant"
else
	bad "restore to an instant"
fi
mariadbd --no-defaults --datadir="$scratch" --socket="$OUT/pitr.sock" --skip-networking \
    --user=root --pid-file="$OUT/pitr.pid" --log-error="$OUT/pitr.err" >/dev/null 2>&1 &
for _ in $(seq 1 100); do mariadb-admin --no-defaults --socket="$OUT/pitr.sock" -uroot ping >/dev/null 2>&1 && break; sleep 0.1; done
python3 - "$OUT/acked.jsonl" "$until_epoch" "$(sqlq "$OUT/pitr.sock" "SELECT id FROM orders" | tr '\n' ' ')" <<-'EOF'
	import json, sys
	acked = [json.loads(l) for l in open(sys.argv[1])]
	t = float(sys.argv[2])
	have = {int(x) for x in sys.argv[3].split()}
	orders = [a for a in acked if a["kind"] == "order"]
	before = [a for a in orders if a["at"] < t - 0.5]
	after = [a for a in orders if a["at"] > t + 0.5]
	miss = [a["id"] for a in before if a["id"] not in have]
	extra = [a["id"] for a in after if a["id"] in have]
	print("pitr: %d acknowledged orders before the instant, %d missing; %d after it, %d present"
	      % (len(before), len(miss), len(after), len(extra)))
	sys.exit(0 if before and after and not miss and not extra else 1)
	EOF
[ $? -eq 0 ] && ok "point in time: every order before the instant, none after" ||
    bad "point in time: wrong orders"
mariadb-admin --no-defaults --socket="$OUT/pitr.sock" -uroot shutdown >/dev/null 2>&1
rm -rf "$scratch" "$OUT/pitr-files"

say "== 5. restore to the latest point, the stack on it"
if "$ROOT/ops/restore.sh" --datadir "$STATE/db" --files-dir "$STATE/files"; then
	ok "restore to the latest point: every recorded file back with its SHA-256"
else
	bad "restore to the latest point"
fi
# the stack's own files-dir permissions (ops/stack.sh sets them at start)
if ! "$ROOT/ops/stack.sh" start >"$OUT/stack2.log" 2>&1; then
	cat "$OUT/stack2.log"
	bad "stack did not start on the restored data"
	echo "$passed passed, $failed failed"
	exit 1
fi
after=$(sqlq "$STATE/run/mysql.sock" "SELECT COUNT(*) FROM orders")
[ "$after" = "$before" ] && ok "orders: $after after the restore, $before before the disaster" ||
    bad "orders: $after after the restore, $before before the disaster"
python3 - "$BASE" "$OUT/acked.jsonl" "$STATE/files" "$STATE/run/mysql.sock" <<-'EOF'
	import hashlib, json, subprocess, sys
	base, acked_path, files, sock = sys.argv[1:5]
	import importlib.util, os
	spec = importlib.util.spec_from_file_location(
	    "activity", os.path.join(os.environ["ROOT"], "tests/backup/activity.py"))
	act = importlib.util.module_from_spec(spec); spec.loader.exec_module(act)
	acked = [json.loads(l) for l in open(acked_path)]
	tokens = {}
	bad_orders = bad_files = 0
	for a in acked:
	    if a["kind"] != "order":
	        continue
	    t = tokens.setdefault(a["login"], act.login(base, a["login"]))
	    st, doc, _ = act.request(base, "GET", "/api/orders/%d" % a["id"], token=t)
	    if st != 200 or doc.get("product_id") != a["product_id"]:
	        bad_orders += 1
	        print("order %d: %s %s" % (a["id"], st, doc))
	prov = act.login(base, "prov01")
	for a in acked:
	    if a["kind"] != "file":
	        continue
	    st, _, raw = act.request(base, "GET", "/api/applications/%d/attachments/%s"
	                             % (a["app"], a["item"]), token=prov)
	    if st != 200 or hashlib.sha256(raw).hexdigest() != a["sha256"]:
	        bad_files += 1
	        print("file %s: %s" % (a["item"], st))
	n_o = sum(1 for a in acked if a["kind"] == "order")
	n_f = sum(1 for a in acked if a["kind"] == "file")
	print("api: %d/%d acknowledged orders found, %d/%d uploaded files download with "
	      "their SHA-256" % (n_o - bad_orders, n_o, n_f - bad_files, n_f))
	sys.exit(0 if not bad_orders and not bad_files else 1)
	EOF
[ $? -eq 0 ] && ok "every acknowledged order and every uploaded file, through the API" ||
    bad "an acknowledged order or an uploaded file is missing"
"$ROOT/ops/stack.sh" ctl reconcile >"$OUT/reconcile.log" 2>&1 && ok "voucherctl reconcile: no drift" ||
    { cat "$OUT/reconcile.log"; bad "voucherctl reconcile"; }
say "== 6. after the restore: a new chain, the binary logs, verify, prune"
if "$ROOT/ops/backup.sh" full --new-history && [ -n "$(ls -d "$BK"/binlog.before-* 2>/dev/null)" ] &&
    python3 "$ROOT/tests/backup/activity.py" "$BASE" "$OUT/acked2.jsonl" E 4 0 &&
    "$ROOT/ops/backup.sh" binlogs && [ -n "$(ls "$BK/binlog")" ] && "$ROOT/ops/backup.sh" verify &&
    VOUCHER_BACKUP_KEEP=1 "$ROOT/ops/backup.sh" prune && [ "$(ls -d "$BK"/base/* | wc -l)" = 1 ] &&
    [ -z "$(ls -d "$BK"/binlog.before-* 2>/dev/null)" ]; then
	ok "new history after the restore (old logs aside); binary logs copied; stored files verified; older chain and history pruned"
else
	bad "backup commands after the restore"
fi
"$ROOT/ops/backup.sh" list | sed 's/^/  /'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
