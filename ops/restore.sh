#!/usr/bin/env bash
# Restores the voucher database and its uploaded files from ops/backup.sh's
# backups, to the latest point the binary logs reach or to a given instant.
# README "Backup and restore" is the runbook.
#
#   ops/restore.sh --datadir DIR [--until 'YYYY-MM-DD HH:MM:SS'] [--owner USER]
#                  [--files-dir DIR] [--no-files]
#
#   --datadir DIR   the server's data directory: must be empty or absent
#                   (move a broken one aside first); the server must be
#                   stopped
#   --until T       stop before the first event at or after T (UTC): the
#                   instant just before a bad statement; default: replay
#                   every copied binary log
#   --owner USER    owner of the restored files (mysql; root for ops/stack.sh)
#   --files-dir DIR where the uploads go back (VOUCHER_FILES_DIR): every file
#                   the restored database records, from the content store,
#                   its SHA-256 checked; exit 1 when one is missing or wrong
#
# Steps: the newest full backup finished before T and its incrementals
# finished before T are prepared in a work copy and copied into DIR; a
# temporary server (no network, no binary log) starts on DIR and replays
# the binary logs from the last backup's position up to T (mariadb-binlog
# --stop-datetime); the uploads recorded in the restored tables are copied
# back and checked; the temporary server stops. Then start the real server.
#
# Environment: VOUCHER_BACKUP_DIR [/var/backups/voucher],
# VOUCHER_DB_NAME [voucher], VOUCHER_FILES_DIR (for --files-dir).
set -euo pipefail
export LC_ALL=C TZ=UTC

B=${VOUCHER_BACKUP_DIR:-/var/backups/voucher}
DB=${VOUCHER_DB_NAME:-voucher}
datadir= until= owner=$(id -un) files=${VOUCHER_FILES_DIR:-} nofiles=0

say() { printf 'restore: %s\n' "$*"; }
die() { printf 'restore: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--datadir) datadir=$2; shift 2 ;;
	--until) until=$2; shift 2 ;;
	--owner) owner=$2; shift 2 ;;
	--files-dir) files=$2; shift 2 ;;
	--no-files) nofiles=1; shift ;;
	*) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
[ -n "$datadir" ] || die "--datadir is required"
if [ -d "$datadir" ] && [ -n "$(ls -A "$datadir")" ]; then
	die "$datadir is not empty: stop the server and move it aside first"
fi
[ "$nofiles" = 1 ] || [ -n "$files" ] || die "--files-dir (or VOUCHER_FILES_DIR, or --no-files) is required"
if [ -n "$until" ]; then
	until_epoch=$(date -u -d "$until" +%s) || die "--until: not an instant: $until"
else
	until_epoch=$(date -u +%s)
fi

# the chain: newest full finished before T, then its incrementals before T
finished() { date -u -d "$(sed -n 's/.*"finished": "\([^"]*\)".*/\1/p' "$1/backup.json")" +%s; }
chain=()
for d in $(ls -1d "$B"/base/*-full "$B"/base/*-incr 2>/dev/null | sort); do
	[ -f "$d/backup.json" ] || continue
	[ "$(finished "$d")" -le "$until_epoch" ] || continue
	case $d in
	*-full) chain=("$d") ;;
	*-incr) [ ${#chain[@]} -gt 0 ] && chain+=("$d") ;;
	esac
done
[ ${#chain[@]} -gt 0 ] || die "no full backup in $B/base finished before ${until:-now}"
say "chain: $(for d in "${chain[@]}"; do printf '%s ' "${d##*/}"; done)"

work=$(mktemp -d "${TMPDIR:-/tmp}/voucher-restore.XXXXXX")
tmp_pid=
cleanup() {
	if [ -n "$tmp_pid" ] && kill -0 "$tmp_pid" 2>/dev/null; then
		mariadb-admin --no-defaults --socket="$work/restore.sock" -uroot shutdown 2>/dev/null ||
		    kill -TERM "$tmp_pid"
		for _ in $(seq 1 300); do kill -0 "$tmp_pid" 2>/dev/null || break; sleep 0.1; done
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# 1. prepare a work copy: the full backup, then each incremental on it (the
# stored backups are never changed)
cp -a "${chain[0]}" "$work/prep"
mariadb-backup --prepare --target-dir="$work/prep" >"$work/prepare.log" 2>&1 ||
    { tail -20 "$work/prepare.log" >&2; die "prepare of ${chain[0]##*/} failed"; }
for d in "${chain[@]:1}"; do
	# a copy: applying an incremental moves files out of its folder
	rm -rf "$work/inc"
	cp -a "$d" "$work/inc"
	mariadb-backup --prepare --target-dir="$work/prep" --incremental-dir="$work/inc" \
	    >>"$work/prepare.log" 2>&1 ||
	    { tail -20 "$work/prepare.log" >&2; die "prepare of ${d##*/} failed"; }
done
rm -rf "$work/inc"
last=${chain[-1]}
read -r binfile binpos gtid <"$last/xtrabackup_binlog_info" || true
say "prepared; the backup ends at binary log ${binfile:-?} position ${binpos:-?} (GTID ${gtid:-?})"

# 2. into the data directory
mkdir -p "$datadir"
mariadb-backup --copy-back --target-dir="$work/prep" --datadir="$datadir" \
    >"$work/copy-back.log" 2>&1 || { tail -20 "$work/copy-back.log" >&2; die "copy-back failed"; }
chown -R "$owner" "$datadir"

# 3. a temporary server on it, replaying the binary logs up to T
mariadbd --no-defaults --datadir="$datadir" --socket="$work/restore.sock" \
    --skip-networking --skip-log-bin --user="$owner" --pid-file="$work/restore.pid" \
    --log-error="$work/restore.err" --default-time-zone=+00:00 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-buffer-pool-size=256M >/dev/null 2>&1 &
tmp_pid=$!
for _ in $(seq 1 600); do
	mariadb-admin --no-defaults --socket="$work/restore.sock" -uroot ping >/dev/null 2>&1 && break
	kill -0 "$tmp_pid" 2>/dev/null || { cat "$work/restore.err" >&2; die "the temporary server did not start"; }
	sleep 0.1
done
client() { mariadb --no-defaults --socket="$work/restore.sock" -uroot "$@"; }

logs=()
if [ -n "${binfile:-}" ]; then
	for f in $(ls -1 "$B/binlog" 2>/dev/null | sort); do
		[[ "$f" < "$binfile" ]] && continue
		logs+=("$B/binlog/$f")
	done
fi
if [ ${#logs[@]} -eq 0 ]; then
	say "no binary logs after the backup: restored to the backup itself"
else
	[ "${logs[0]##*/}" = "$binfile" ] ||
	    die "the binary log $binfile (where the backup ends) is not in $B/binlog: cannot replay"
	stop=()
	[ -n "$until" ] && stop=(--stop-datetime="$until")
	say "replaying ${#logs[@]} binary log(s) from $binfile:$binpos${until:+ up to $until UTC}"
	mariadb-binlog --start-position="$binpos" "${stop[@]}" "${logs[@]}" >"$work/replay.sql" ||
	    die "mariadb-binlog could not read the logs"
	client --binary-mode <"$work/replay.sql" || die "replaying the binary logs failed"
fi
say "database restored: $(client -N "$DB" -e "SELECT CONCAT(COUNT(*), ' orders, the last at ', IFNULL(MAX(ordered_at), '-')) FROM orders")"

# 4. the uploads the restored database records, from the content store
if [ "$nofiles" = 0 ]; then
	mkdir -p "$files"
	n=0 bad=0
	while IFS=$'\t' read -r name sum; do
		n=$((n + 1))
		src=$B/files/objects/$name
		if [ ! -f "$src" ]; then
			say "MISSING $name"; bad=$((bad + 1)); continue
		fi
		if [ "$(sha256sum "$src" | cut -d' ' -f1)" != "$sum" ]; then
			say "MISMATCH $name"; bad=$((bad + 1)); continue
		fi
		mkdir -p "$files/$(dirname "$name")"
		[ -f "$files/$name" ] || cp -p "$src" "$files/$name"
	done < <(client -N "$DB" -e "SELECT stored_name, sha256 FROM redemption_files
	    UNION ALL SELECT stored_name, sha256 FROM application_attachments")
	say "files: $n recorded, $((n - bad)) restored with their SHA-256 checked, $bad missing or wrong"
fi

mariadb-admin --no-defaults --socket="$work/restore.sock" -uroot shutdown
wait "$tmp_pid" 2>/dev/null || true
tmp_pid=
say "done: start the server on $datadir, then start a new backup history (ops/backup.sh full --new-history)"
[ "$nofiles" = 1 ] || [ "$bad" -eq 0 ]
