#!/usr/bin/env bash
# The whole stack on one machine: a private MariaDB server, every FastCGI
# program on its own unix socket, and nginx in front.
#
#   ops/stack.sh run     start, print the URL and logins, stay in the
#                        foreground; Ctrl-C (or `ops/stack.sh stop`) stops all
#   ops/stack.sh start   start in the background and return (tests)
#   ops/stack.sh stop    stop what `run`/`start` started
#   ops/stack.sh ctl …   run voucherctl (reconcile, sweep) against this stack
#   ops/stack.sh db      start only the database server and migrate (the
#                        scale data generator, tests/scale/make.sh)
#
# Environment (defaults in brackets):
#   VOUCHER_STATE_DIR [./state]     data, sockets, logs (git-ignored)
#   VOUCHER_PORT      [8080]        nginx on 127.0.0.1
#   VOUCHER_BIN       [build/release/bin]
#   VOUCHER_DEMO      [1]           load the demo data on first start
#   VOUCHER_LOGIN_RATE [5r/s], VOUCHER_LOGIN_BURST [20]  login rate limit
#   VOUCHER_ACCESS_LOG [1]          nginx access log on/off
#   VOUCHER_DB_BUFFER_POOL [256M]   InnoDB buffer pool (a Beijing-sized
#                                   year wants 2G)
#   VOUCHER_DB_PASSWORD_<NAME> [voucher_<name>_dev]  the password of the
#                                   database user voucher_<name> of program
#                                   NAME (CTL: voucherctl); each program
#                                   gets only its own (sql/grants.sql)
#   VOUCHER_MARIADB_ARGS []         more mariadbd options (e.g. a binary
#                                   log for ops/backup.sh: tests/backup/)
#   every other VOUCHER_* variable reaches the programs (README).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=$(mkdir -p "${VOUCHER_STATE_DIR:-$ROOT/state}" && cd "${VOUCHER_STATE_DIR:-$ROOT/state}" && pwd)
PORT=${VOUCHER_PORT:-8080}
BIN=${VOUCHER_BIN:-$ROOT/build/release/bin}
RUN=$STATE/run
LOG=$STATE/log
SOCK=$RUN/mysql.sock
UPLOAD_MAX=${VOUCHER_UPLOAD_MAX:-20971520}
RO_PASSWORD=${VOUCHER_DB_RO_PASSWORD:-voucher_ro_dev}
DEMO_PASSWORD=demo-pass-2024
ME=$(id -un)
if [ "$(id -u)" -eq 0 ] && getent group www-data >/dev/null; then
	WEB_GROUP=www-data
else
	WEB_GROUP=
fi

say() { printf '%s\n' "$*"; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits up to $2 seconds for the command $1 to succeed.
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		if eval "$1" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
	done
	return 1
}

start_db() {
	mkdir -p "$STATE/db" "$RUN" "$LOG"
	if [ ! -d "$STATE/db/mysql" ]; then
		say "initialising the database in $STATE/db"
		mariadb-install-db --no-defaults --datadir="$STATE/db" --user="$ME" \
		    --auth-root-authentication-method=socket --skip-test-db \
		    >"$LOG/mariadb-install.log" 2>&1
	fi
	if ! alive "$RUN/mariadb.pid"; then
		mariadbd --no-defaults --datadir="$STATE/db" --socket="$SOCK" \
		    --skip-networking --user="$ME" --pid-file="$RUN/mariadb.pid" \
		    --log-error="$LOG/mariadb.err" --character-set-server=utf8mb4 \
		    --collation-server=utf8mb4_unicode_ci --skip-name-resolve \
		    --max-connections=1000 \
		    --innodb-buffer-pool-size="${VOUCHER_DB_BUFFER_POOL:-256M}" \
		    --innodb-log-file-size=256M --default-time-zone=+00:00 \
		    ${VOUCHER_MARIADB_ARGS:-} >/dev/null 2>&1 &
		if ! wait_for "mariadb-admin --no-defaults --socket=$SOCK -uroot ping" 60; then
			say "MariaDB did not start; see $LOG/mariadb.err" >&2
			exit 1
		fi
	fi
	local demo=()
	[ "${VOUCHER_DEMO:-1}" = 1 ] && demo=(--demo)
	MARIADB="mariadb --no-defaults --socket=$SOCK -uroot" \
	VOUCHER_DB_RO_PASSWORD=$RO_PASSWORD \
	    "$ROOT/sql/migrate.sh" "${demo[@]}" >"$LOG/migrate.log" 2>&1 || {
		cat "$LOG/migrate.log" >&2
		exit 1
	}
}

# The password of the database user of program $1 (ctl: voucherctl), as
# sql/migrate.sh sets it: VOUCHER_DB_PASSWORD_<NAME>, voucher_<name>_dev
# by default.
db_password() {
	local var=VOUCHER_DB_PASSWORD_${1^^}
	printf '%s' "${!var:-voucher_${1}_dev}"
}

# The database environment of program $1 (ctl: voucherctl): its own user
# (voucher_$1) and password, never another program's.
db_env() {
	local pw var
	pw=$(db_password "$1")
	for var in $(compgen -v VOUCHER_DB_PASSWORD_ || true); do
		unset "$var"
	done
	export VOUCHER_DB_SOCKET="$SOCK" VOUCHER_DB_USER="voucher_$1" \
	    VOUCHER_DB_PASSWORD="$pw" VOUCHER_DB_RO_SOCKET="$SOCK" \
	    VOUCHER_DB_RO_USER=voucher_ro VOUCHER_DB_RO_PASSWORD="$RO_PASSWORD" \
	    VOUCHER_FILES_DIR="$STATE/files" \
	    VOUCHER_UPLOAD_MAX="$UPLOAD_MAX" \
	    VOUCHER_OUTBOX_FILE="${VOUCHER_OUTBOX_FILE:-$STATE/outbox.jsonl}"
	# the key that signs the publicity lists: only the program that signs
	if [ "$1" = publicity ]; then
		export VOUCHER_SIGNING_KEY="$STATE/keys/publicity-ed25519.pem"
	fi
}

# Uploaded files (outside the web root; nginx reads them for downloads
# through X-Accel-Redirect) and the Ed25519 key that signs the publicity
# lists, made on first start.
prepare_files() {
	mkdir -p "$STATE/files" "$STATE/files/tmp" "$STATE/keys"
	chmod 2750 "$STATE/files"
	chmod 0700 "$STATE/files/tmp" "$STATE/keys"
	[ -n "$WEB_GROUP" ] && chgrp "$WEB_GROUP" "$STATE/files"
	# demo only: the documents of the demo's redemption claims (R1) and
	# the materials of its applications (A3), under the names and hashes
	# demo.sql records (missing ones only)
	if [ "${VOUCHER_DEMO:-1}" = 1 ]; then
		python3 "$ROOT/sql/demo/gen_demo.py" --files "$STATE/files" \
		    2>>"$LOG/migrate.log" || say "demo files not written" >&2
	fi
	if [ ! -s "$STATE/keys/publicity-ed25519.pem" ]; then
		(umask 077; openssl genpkey -algorithm ed25519 \
		    -out "$STATE/keys/publicity-ed25519.pem" 2>/dev/null)
	fi
}

# O4/O6 sweeper, every minute (make run only: the tests check that the
# time rules hold without it).
start_sweeper() {
	alive "$RUN/sweeper.pid" && return 0
	(db_env ctl; exec "$BIN/voucherctl" sweep --every 60) 2>>"$LOG/sweeper.log" &
	echo $! >"$RUN/sweeper.pid"
}

# The outbox sender (codes, decisions), every 5 seconds, to the file
# transport: $STATE/outbox.jsonl (make run only: the tests send the
# outbox themselves, `ops/stack.sh ctl notify`, when they want it sent).
start_notifier() {
	alive "$RUN/notifier.pid" && return 0
	(db_env ctl; exec "$BIN/voucherctl" notify --every 5) 2>>"$LOG/notifier.log" &
	echo $! >"$RUN/notifier.pid"
}

start_apps() {
	prepare_files
	chmod 0755 "$STATE"
	chmod 0750 "$RUN"
	[ -n "$WEB_GROUP" ] && chgrp "$WEB_GROUP" "$RUN"
	local app name
	for app in "$BIN"/voucher-*; do
		[ -x "$app" ] || continue
		name=${app##*/voucher-}
		alive "$RUN/$name.pid" && continue
		(
			db_env "$name"
			export VOUCHER_LISTEN="$RUN/$name.sock" \
			    VOUCHER_SOCKET_GROUP="$WEB_GROUP" \
			    VOUCHER_COOKIE_SECURE="${VOUCHER_COOKIE_SECURE:-0}"
			exec "$app"
		) 2>>"$LOG/$name.log" &
		echo $! >"$RUN/$name.pid"
	done
	for app in "$BIN"/voucher-*; do
		name=${app##*/voucher-}
		if ! wait_for "[ -S $RUN/$name.sock ]" 20; then
			say "$name did not start; see $LOG/$name.log" >&2
			tail -5 "$LOG/$name.log" >&2
			exit 1
		fi
	done
}

start_nginx() {
	local conf=$STATE/nginx user_line="" access
	mkdir -p "$conf/tmp" "$conf/cache"
	if [ -n "$WEB_GROUP" ]; then
		user_line="user www-data www-data;"
		chown -R www-data:www-data "$conf/tmp" "$conf/cache"
	fi
	if [ "${VOUCHER_ACCESS_LOG:-1}" = 1 ]; then
		access="$LOG/nginx-access.log voucher buffer=64k flush=1s"
	else
		access="off"
	fi
	cp "$ROOT/nginx/fastcgi-voucher.conf" "$ROOT/nginx/security-headers.conf" \
	    "$ROOT/nginx/file-headers.conf" "$conf/"
	# the site as served: content-hashed assets (ops/site.py)
	VOUCHER_PROGRAMS="$(for app in "$BIN"/voucher-*; do printf '%s ' "${app##*/voucher-}"; done)" \
	    python3 "$ROOT/ops/site.py" "$ROOT/nginx/html" "$STATE/html"
	sed -e "s|@USER_LINE@|$user_line|" \
	    -e "s|@STATE@|$STATE|g" -e "s|@RUN@|$RUN|g" -e "s|@CONF@|$conf|g" \
	    -e "s|@HTML@|$STATE/html|g" -e "s|@LISTEN@|127.0.0.1:$PORT|" \
	    -e "s|@ACCESS_LOG@|$access|" -e "s|@UPLOAD_MAX@|$UPLOAD_MAX|" \
	    -e "s|@LOGIN_RATE@|${VOUCHER_LOGIN_RATE:-5r/s}|" \
	    -e "s|@LOGIN_BURST@|${VOUCHER_LOGIN_BURST:-20}|" \
	    "$ROOT/nginx/voucher.conf.tmpl" >"$conf/nginx.conf"
	nginx -t -q -c "$conf/nginx.conf" -p "$conf/" 2>>"$LOG/nginx-error.log" || {
		nginx -t -c "$conf/nginx.conf" -p "$conf/" >&2
		exit 1
	}
	if ! alive "$conf/nginx.pid"; then
		nginx -c "$conf/nginx.conf" -p "$conf/" -g 'daemon off;' \
		    2>>"$LOG/nginx-error.log" &
	fi
	if ! wait_for "curl -fsS -o /dev/null http://127.0.0.1:$PORT/api/categories" 20; then
		say "nginx or the catalog did not answer on port $PORT" >&2
		exit 1
	fi
}

stop_all() {
	local f
	if alive "$STATE/nginx/nginx.pid"; then
		kill -QUIT "$(cat "$STATE/nginx/nginx.pid")" 2>/dev/null || true
	fi
	for f in "$RUN"/*.pid; do
		[ -e "$f" ] || continue
		case "$f" in */mariadb.pid|*/stack.pid) continue ;; esac
		alive "$f" && kill -TERM "$(cat "$f")" 2>/dev/null || true
	done
	for f in "$RUN"/*.pid "$STATE/nginx/nginx.pid"; do
		[ -e "$f" ] || continue
		case "$f" in */mariadb.pid|*/stack.pid) continue ;; esac
		wait_for "! kill -0 $(cat "$f")" 30 || kill -KILL "$(cat "$f")" 2>/dev/null || true
		rm -f "$f"
	done
	if alive "$RUN/mariadb.pid"; then
		mariadb-admin --no-defaults --socket="$SOCK" -uroot shutdown 2>/dev/null ||
		    kill -TERM "$(cat "$RUN/mariadb.pid")"
		wait_for "[ ! -e $RUN/mariadb.pid ]" 60 || true
	fi
}

start() {
	start_db
	start_apps
	start_nginx
	# demo only: one published publicity batch, signed with this key
	if [ "${VOUCHER_DEMO:-1}" = 1 ]; then
		VOUCHER_PORT=$PORT "$ROOT/ops/demo-publish.sh" || true
	fi
}

banner() {
	cat <<EOT

北京市中小企业服务券 — the stack is up:  http://127.0.0.1:$PORT/
  API:       http://127.0.0.1:$PORT/api/products
  metrics:   http://127.0.0.1:$PORT/_internal/catalog/metrics (this host only)
  logs:      $LOG/
Demo logins (DEMO ONLY — password for all: $DEMO_PASSWORD):
  ent01 … ent14 ordinary, ent15 … ent18 专精特新, ent19, ent20 小巨人,
  ent21 (credit-flagged), ent22 (registered outside Beijing)
  prov01 … prov08 (providers), reviewer, bureau
  Applications (征集): prov01's "my applications" (approved, returned, draft);
  the review queue GET /api/review/applications as reviewer or bureau
  Registration: /register.html; 13800138001 waits in the verification
  queue (/review.html#/certifications); codes and messages go to
  $STATE/outbox.jsonl
Ctrl-C or \`make stop\` stops everything.
EOT
}

case "${1:-}" in
run)
	if alive "$RUN/stack.pid"; then
		say "a stack is already running from $STATE (pid $(cat "$RUN/stack.pid")); make stop first" >&2
		exit 1
	fi
	mkdir -p "$RUN"
	echo $$ >"$RUN/stack.pid"
	trap 'trap - INT TERM EXIT; say "stopping…"; stop_all; rm -f "$RUN/stack.pid"; exit 0' INT TERM EXIT
	start
	start_sweeper
	start_notifier
	banner
	while true; do
		sleep 60 &
		wait $! || true
	done
	;;
start)
	start
	;;
db)
	start_db
	;;
ctl)
	shift
	db_env ctl
	exec "$BIN/voucherctl" "$@"
	;;
stop)
	if alive "$RUN/stack.pid"; then
		kill -TERM "$(cat "$RUN/stack.pid")"
		wait_for "[ ! -e $RUN/stack.pid ]" 90 || true
	else
		stop_all
		rm -f "$RUN/stack.pid"
	fi
	;;
*)
	say "usage: $0 run|start|stop" >&2
	exit 2
	;;
esac
