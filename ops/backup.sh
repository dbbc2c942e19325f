#!/usr/bin/env bash
# Backups of the voucher system: the database (mariadb-backup full and
# incremental copies, the binary logs for point-in-time recovery) and the
# uploaded files (a content store checked against the database's records).
# README "Backup and restore" gives the schedule, retention and runbook;
# ops/restore.sh restores.
#
#   ops/backup.sh full [--new-history]
#                            a full physical copy (new chain); after a
#                            restore, --new-history first moves the copied
#                            binary logs aside (the restored server's logs
#                            start again with the same names)
#   ops/backup.sh incr       an incremental copy on top of the chain's last
#   ops/backup.sh binlogs    rotate the binary log, copy every closed one
#                            not copied yet (every few minutes from cron)
#   ops/backup.sh stream     follow the binary log live (a service; its
#                            copies end where the server stopped)
#   ops/backup.sh files      copy new uploads, write a manifest, check every
#                            recorded file (stored_name, sha256) is there
#                            with its hash; exit 1 if one is missing or wrong
#   ops/backup.sh verify     re-hash every stored file against the manifest
#   ops/backup.sh prune      keep the newest VOUCHER_BACKUP_KEEP chains and
#                            the binary logs they need
#   ops/backup.sh list       what is there
#
# Environment (defaults in brackets):
#   VOUCHER_BACKUP_DIR  [/var/backups/voucher]  where backups go: another
#                       disk, and copied off the host (README)
#   VOUCHER_DB_SOCKET   [/run/mysqld/mysqld.sock] the server, as root through
#                       its unix socket (unix_socket authentication), or
#   VOUCHER_BACKUP_CNF  a client defaults file (user, password, socket/host)
#   VOUCHER_DB_NAME     [voucher]
#   VOUCHER_FILES_DIR   [/var/lib/voucher/files]
#   VOUCHER_BACKUP_KEEP [2] full chains kept by prune
set -euo pipefail
export LC_ALL=C TZ=UTC

B=${VOUCHER_BACKUP_DIR:-/var/backups/voucher}
SOCK=${VOUCHER_DB_SOCKET:-/run/mysqld/mysqld.sock}
DB=${VOUCHER_DB_NAME:-voucher}
FILES=${VOUCHER_FILES_DIR:-/var/lib/voucher/files}
KEEP=${VOUCHER_BACKUP_KEEP:-2}

say() { printf 'backup: %s\n' "$*"; }
die() { printf 'backup: %s\n' "$*" >&2; exit 1; }

# connection options shared by mariadb, mariadb-backup and mariadb-binlog
conn() {
	if [ -n "${VOUCHER_BACKUP_CNF:-}" ]; then
		printf '%s\n' "--defaults-file=$VOUCHER_BACKUP_CNF"
	else
		printf '%s\n' --no-defaults "--socket=$SOCK" --user=root
	fi
}
sql() { mariadb $(conn) --batch --skip-column-names "$@"; }

stamp() { date -u +%Y%m%dT%H%M%SZ; }

# The newest backup directory (full or incremental), or nothing.
last_backup() { { ls -1d "$B"/base/*-full "$B"/base/*-incr 2>/dev/null || true; } | sort | tail -1; }

# one backup at a time
lock() {
	mkdir -p "$B"
	exec 9>>"$B/.lock"
	flock -w 600 9 || die "another backup holds $B/.lock"
}

describe() {
	# backup.json: what restore needs to know without parsing mariadb-backup's files
	local dir=$1 kind=$2 parent=${3:-} file pos gtid
	read -r file pos gtid <"$dir/xtrabackup_binlog_info" || true
	cat >"$dir/backup.json" <<-EOT
	{"kind": "$kind", "parent": "${parent##*/}", "finished": "$(date -u +%FT%TZ)",
	 "binlog_file": "${file:-}", "binlog_pos": ${pos:-0}, "gtid": "${gtid:-}"}
	EOT
}

full() {
	local dir aside
	lock
	if [ "${1:-}" = --new-history ] && [ -n "$(ls -A "$B/binlog" 2>/dev/null)" ]; then
		aside=$B/binlog.before-$(stamp)
		mv "$B/binlog" "$aside"
		say "the copied binary logs of the previous history are in ${aside##*/}"
	fi
	dir=$B/base/$(stamp)-full
	mkdir -p "$B/base"
	say "full backup into $dir"
	mariadb-backup $(conn) --backup --target-dir="$dir" >"$dir.log" 2>&1 ||
	    { tail -20 "$dir.log" >&2; rm -rf "$dir"; die "mariadb-backup failed (log: $dir.log)"; }
	mv "$dir.log" "$dir/mariadb-backup.log"
	describe "$dir" full
	say "full backup done: $(du -sh "$dir" | cut -f1), binary log $(cut -f1,2 "$dir/xtrabackup_binlog_info" | tr '\t' ' ')"
}

incr() {
	local base dir
	lock
	base=$(last_backup)
	[ -n "$base" ] || die "no full backup to build on: run 'backup.sh full' first"
	dir=$B/base/$(stamp)-incr
	say "incremental backup into $dir (on ${base##*/})"
	mariadb-backup $(conn) --backup --target-dir="$dir" \
	    --incremental-basedir="$base" >"$dir.log" 2>&1 ||
	    { tail -20 "$dir.log" >&2; rm -rf "$dir"; die "mariadb-backup failed (log: $dir.log)"; }
	mv "$dir.log" "$dir/mariadb-backup.log"
	describe "$dir" incr "$base"
	say "incremental backup done: $(du -sh "$dir" | cut -f1)"
}

# Copies the closed binary logs not copied yet (the active one is closed
# first, so a copy is never more than the cron interval behind).
binlogs() {
	local name size have n=0 last
	lock
	mkdir -p "$B/binlog"
	sql -e "FLUSH BINARY LOGS"
	last=$(sql -e "SHOW BINARY LOGS" | tail -1 | cut -f1)
	while IFS=$'\t' read -r name size _; do
		[ "$name" = "$last" ] && continue
		have=$(stat -c %s "$B/binlog/$name" 2>/dev/null || echo -1)
		[ "$have" = "$size" ] && continue
		[ "$have" -gt "$size" ] && die "the copy of $name is longer than the server's: another binary log history (after a restore: backup.sh full --new-history)"
		mariadb-binlog $(conn) --read-from-remote-server --raw \
		    --result-file="$B/binlog/" "$name" || die "cannot copy $name"
		n=$((n + 1))
	done < <(sql -e "SHOW BINARY LOGS")
	say "binary logs: $n copied, up to $last (open)"
}

# Follows the binary log as the server writes it, from the first log the
# oldest kept backup needs (or the server's first), until the server stops.
stream() {
	local first
	mkdir -p "$B/binlog"
	first=$(ls -1 "$B/binlog" 2>/dev/null | tail -1)
	[ -n "$first" ] || first=$(sql -e "SHOW BINARY LOGS" | head -1 | cut -f1)
	say "streaming the binary log from $first into $B/binlog/"
	exec mariadb-binlog $(conn) --read-from-remote-server --raw --stop-never \
	    --result-file="$B/binlog/" "$first"
}

# The database's records of uploaded files: stored_name, sha256.
recorded() {
	sql "$DB" -e "SELECT stored_name, sha256 FROM redemption_files
	    UNION ALL SELECT stored_name, sha256 FROM application_attachments"
}

files() {
	local obj=$B/files/objects idx=$B/files/objects.tsv man rows copied=0 name sum
	lock
	mkdir -p "$obj"
	touch "$idx"
	man=$B/files/manifest-$(stamp).tsv
	rows=$(mktemp)
	# the records first: a file is stored before its row is written, so
	# every row read here has its file on disk below
	recorded | sort -u >"$rows"
	# new uploads (names are never reused: a stored file never changes); -H:
	# the files directory may be a link (ops/stack.sh keeps it outside a
	# checkout that www-data cannot reach)
	while IFS= read -r -d '' f; do
		name=${f#"$FILES"/}
		[ -e "$obj/$name" ] && continue
		mkdir -p "$obj/$(dirname "$name")"
		cp -p "$f" "$obj/$name.part"
		sum=$(sha256sum "$obj/$name.part" | cut -d' ' -f1)
		mv "$obj/$name.part" "$obj/$name"
		printf '%s\t%s\t%s\n' "$name" "$(stat -c %s "$obj/$name")" "$sum" >>"$idx"
		copied=$((copied + 1))
	done < <(find -H "$FILES" -mindepth 2 -maxdepth 2 -type f \
	    -not -path "$FILES/tmp/*" -not -path "$FILES/quarantine/*" -print0)
	# the manifest: every recorded file with the hash of its copy
	awk -F'\t' -v OFS='\t' '
		NR == FNR { have[$1] = $3; size[$1] = $2; next }
		{ st = !($1 in have) ? "MISSING" : (have[$1] == $2 ? "ok" : "MISMATCH")
		  print $1, ($1 in size ? size[$1] : "-"), $2, st }
	' "$idx" "$rows" >"$man"
	rm -f "$rows"
	local total bad
	total=$(wc -l <"$man")
	bad=$(grep -c -v -P '\tok$' "$man" || true)
	say "files: $copied new copied, $total recorded, $bad missing or wrong (manifest ${man##*/})"
	if [ "$bad" -gt 0 ]; then
		grep -v -P '\tok$' "$man" | head -20 | sed 's/^/backup:   /' >&2
		return 1
	fi
}

verify() {
	local idx=$B/files/objects.tsv bad=0 n=0 name size sum
	while IFS=$'\t' read -r name size sum; do
		n=$((n + 1))
		if [ "$(sha256sum "$B/files/objects/$name" 2>/dev/null | cut -d' ' -f1)" != "$sum" ]; then
			say "BAD $name"
			bad=$((bad + 1))
		fi
	done <"$idx"
	say "verify: $n stored files re-hashed, $bad bad"
	[ "$bad" -eq 0 ]
}

prune() {
	local fulls keep_from oldest_log d
	lock
	mapfile -t fulls < <(ls -1d "$B"/base/*-full 2>/dev/null | sort || true)
	[ "${#fulls[@]}" -gt "$KEEP" ] || { say "prune: ${#fulls[@]} chain(s), nothing to remove"; return 0; }
	keep_from=${fulls[$((${#fulls[@]} - KEEP))]}
	for d in "$B"/base/*; do
		[[ "$d" < "$keep_from" ]] || continue
		say "prune: removing ${d##*/}"
		rm -rf "$d"
	done
	# binary logs older than the one the oldest kept backup starts from
	oldest_log=$(sed -n 's/.*"binlog_file": "\([^"]*\)".*/\1/p' "$keep_from/backup.json")
	for d in "$B"/binlog/*; do
		[ -e "$d" ] || continue
		[[ "${d##*/}" < "$oldest_log" ]] && { say "prune: removing binlog ${d##*/}"; rm -f "$d"; }
	done
	# the binary logs of an earlier history (before a restore), once no
	# kept chain was taken in it (chain and aside names are UTC stamps)
	for d in "$B"/binlog.before-*; do
		[ -e "$d" ] || continue
		[[ "${keep_from##*/}" > "${d##*binlog.before-}" ]] || continue
		say "prune: removing ${d##*/}"
		rm -rf "$d"
	done
	ls -1t "$B"/files/manifest-*.tsv 2>/dev/null | tail -n +50 | xargs -r rm -f
}

list() {
	local d
	for d in "$B"/base/*; do
		[ -e "$d/backup.json" ] && printf '%s\t%s\n' "${d##*/}" "$(tr -d '\n' <"$d/backup.json")"
	done
	printf 'binlogs\t%s\n' "$(ls -1 "$B/binlog" 2>/dev/null | tr '\n' ' ')"
	printf 'files\t%s stored\n' "$(wc -l <"$B/files/objects.tsv" 2>/dev/null || echo 0)"
}

case "${1:-}" in
full) full "${2:-}" ;;
incr|binlogs|stream|files|verify|prune|list) "$1" ;;
*) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
