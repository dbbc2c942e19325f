#!/usr/bin/env bash
# The whole stack on one machine: a private MariaDB server, every FastCGI
# program on its own unix socket, and nginx in front.
#
#   ops/stack.sh run     start, print the URL and logins, stay in the
#                        foreground; Ctrl-C (or `ops/stack.sh stop`) stops all
#   ops/stack.sh start   start in the background and return once every
#                        program answers /healthz (tests); on a running
#                        stack: wait until it does
#   ops/stack.sh stop    stop what `run`/`start` started
#   ops/stack.sh ctl …   run voucherctl (reconcile, sweep) against this stack
#   ops/stack.sh db      start only the database server (no supervisor:
#                        nothing restarts it) and migrate; `stop` stops it
#                        (the scale data generator, tests/scale/make.sh)
#   ops/stack.sh hold NAME, release NAME
#                        once NAME (mariadb, nginx, a program) exits, do not
#                        restart it until released (maintenance)
#
# run and start start a supervisor (`ops/stack.sh supervise`, below) that
# is the parent of mariadbd, the programs and nginx and restarts any of
# them that dies, logging it in log/stack.log (issue 15).
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
#   VOUCHER_TLS_CERT, VOUCHER_TLS_KEY, VOUCHER_TLS_LISTEN, VOUCHER_CONN_LIMIT,
#   VOUCHER_REAL_IP_FROM            nginx's edge (ops/nginx-conf.sh)
#   every other VOUCHER_* variable reaches the programs (README).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=$(mkdir -p "${VOUCHER_STATE_DIR:-$ROOT/state}" && cd "${VOUCHER_STATE_DIR:-$ROOT/state}" && pwd)
PORT=${VOUCHER_PORT:-8080}
BIN=${VOUCHER_BIN:-$ROOT/build/release/bin}
LOG=$STATE/log
UPLOAD_MAX=${VOUCHER_UPLOAD_MAX:-20971520}
RO_PASSWORD=${VOUCHER_DB_RO_PASSWORD:-voucher_ro_dev}
DEMO_PASSWORD=demo-pass-2024
# the database's admin: the invoking user, by the socket (the account
# mariadb-install-db makes for --user), root or not
ME=$(id -un)
if [ "$(id -u)" -eq 0 ] && getent group www-data >/dev/null; then
	WEB_GROUP=www-data
else
	WEB_GROUP=
fi

# What nginx's workers open (issue 14.1): the programs' sockets, nginx's
# temp files and cache, the site and the uploaded files. Run by root, the
# workers are www-data: when www-data cannot reach the state directory
# (a checkout in root's home, mode 0700 on Debian), these live outside
# it, in a directory of this stack's own (named after the state
# directory's path) with group www-data: /run/voucher-stack/<hash> for
# the runtime files, /var/lib/voucher-stack/<hash>/files for the uploads;
# $STATE/run and $STATE/files are symbolic links to them. Run by anyone
# else, nginx cannot change user: its workers run as the invoking user and
# everything stays in the state directory. The sockets are 0660 with
# nginx's group either way (shared/web/server.c), never world-writable.
OUTSIDE=
if [ -n "$WEB_GROUP" ] && ! setpriv --reuid=www-data --regid=www-data     --clear-groups test -x "$(dirname "$STATE")" 2>/dev/null; then
	OUTSIDE=$(printf '%s' "$STATE" | sha256sum | cut -c1-16)
fi
if [ -n "$OUTSIDE" ]; then
	RT=/run/voucher-stack/$OUTSIDE
	FILES=/var/lib/voucher-stack/$OUTSIDE/files
	RUN=$RT/run
	HTML=$RT/html
	NGX_RT=$RT/nginx
else
	RT=$STATE
	FILES=$STATE/files
	RUN=$STATE/run
	HTML=$STATE/html
	NGX_RT=$STATE/nginx
fi
SOCK=$RUN/mysql.sock

say() { printf '%s\n' "$*"; }

# A line of the supervisor's log (log/stack.log).
note() { printf '%s %s\n' "$(date -u +%FT%TZ)" "$*" >>"$LOG/stack.log"; }

# Waits up to $2 seconds for the command $1 to succeed.
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		if eval "$1" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
	done
	return 1
}

# is_ours PIDFILE WORDS: the process named in PIDFILE is running and its
# command line contains WORDS. A pid alone proves nothing (issue 15): a
# killed process not yet reaped is no live one (a zombie has no command
# line) and a recycled pid is someone else's.
is_ours() {
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	running "$pid" "$2"
}

# running PID WORDS: that process runs and its command line contains WORDS.
running() {
	tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# child_alive PID: our child PID has not exited (a child that exited is a
# zombie until it is reaped: kill -0 still reaches it).
child_alive() {
	local st
	st=$(sed -e 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# The words that identify each process of this stack in its command line.
words_of() {
	case $1 in
	stack) printf '%s' "stack.sh supervise" ;;
	mariadb) printf '%s' "--datadir=$STATE/db " ;;
	nginx) printf '%s' "-c $STATE/nginx/nginx.conf " ;;
	sweeper) printf '%s' "voucherctl sweep" ;;
	notifier) printf '%s' "voucherctl notify" ;;
	*) printf '%s' "/voucher-$1" ;;
	esac
}

pidfile_of() {
	case $1 in
	nginx) printf '%s' "$STATE/nginx/nginx.pid" ;;
	*) printf '%s' "$RUN/$1.pid" ;;
	esac
}

# The directories of a start: see OUTSIDE above.
prepare_dirs() {
	local l name target
	mkdir -p "$LOG" "$STATE/nginx"
	chmod 0755 "$STATE"
	if [ -n "$OUTSIDE" ]; then
		install -d -m 0755 /run/voucher-stack /var/lib/voucher-stack
		install -d -m 0750 -g "$WEB_GROUP" "$RT" "${FILES%/files}"
		mkdir -p "$FILES"
		for l in "run:$RUN" "files:$FILES"; do
			name=${l%%:*} target=${l#*:}
			if [ -d "$STATE/$name" ] && [ ! -L "$STATE/$name" ]; then
				# a state directory used before: its uploads move
				[ "$name" = files ] && cp -a "$STATE/files/." "$FILES/"
				rm -rf "${STATE:?}/$name"
			fi
			ln -sfn "$target" "$STATE/$name"
		done
	fi
	mkdir -p "$RUN" "$NGX_RT/tmp" "$NGX_RT/cache"
	chmod 0750 "$RUN"
	if [ -n "$WEB_GROUP" ]; then
		chgrp "$WEB_GROUP" "$RUN"
		chown -R www-data:www-data "$NGX_RT/tmp" "$NGX_RT/cache"
	fi
}

init_db() {
	mkdir -p "$STATE/db"
	if [ ! -d "$STATE/db/mysql" ]; then
		say "initialising the database in $STATE/db"
		# a new database: the uploads of an old one kept outside go
		[ -n "$OUTSIDE" ] && find "$FILES" -mindepth 1 -delete
		mariadb-install-db --no-defaults --datadir="$STATE/db" --user="$ME" \
		    --auth-root-authentication-method=socket --skip-test-db \
		    >"$LOG/mariadb-install.log" 2>&1
	fi
}

migrate() {
	local demo=()
	[ "${VOUCHER_DEMO:-1}" = 1 ] && demo=(--demo)
	# its lock (one runner per database) is this stack's: a server of
	# its own, and a lock file in /tmp of another user's cannot be opened
	TMPDIR=$STATE MARIADB="mariadb --no-defaults --socket=$SOCK -u$ME" \
	VOUCHER_DB_RO_PASSWORD=$RO_PASSWORD \
	    "$ROOT/sql/migrate.sh" "${demo[@]}" >"$LOG/migrate.log" 2>&1 || {
		cat "$LOG/migrate.log" >&2
		return 1
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
	    VOUCHER_FILES_DIR="$FILES" \
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
	mkdir -p "$FILES" "$FILES/tmp" "$STATE/keys"
	chmod 2750 "$FILES"
	chmod 0700 "$FILES/tmp" "$STATE/keys"
	[ -n "$WEB_GROUP" ] && chgrp "$WEB_GROUP" "$FILES"
	# demo only: the documents of the demo's redemption claims (R1) and
	# the materials of its applications (A3), under the names and hashes
	# demo.sql records (missing ones only)
	if [ "${VOUCHER_DEMO:-1}" = 1 ]; then
		python3 "$ROOT/sql/demo/gen_demo.py" --files "$FILES" \
		    2>>"$LOG/migrate.log" || say "demo files not written" >&2
	fi
	if [ ! -s "$STATE/keys/publicity-ed25519.pem" ]; then
		(umask 077; openssl genpkey -algorithm ed25519 \
		    -out "$STATE/keys/publicity-ed25519.pem" 2>/dev/null)
	fi
}

# nginx.conf from the template (ops/nginx-conf.sh), checked.
render_nginx() {
	local conf=$STATE/nginx access=off
	[ "${VOUCHER_ACCESS_LOG:-1}" = 1 ] &&
	    access="$LOG/nginx-access.log voucher buffer=64k flush=1s"
	cp "$ROOT/nginx/fastcgi-voucher.conf" "$ROOT/nginx/security-headers.conf" \
	    "$ROOT/nginx/file-headers.conf" "$conf/"
	# the site as served: content-hashed assets (ops/site.py)
	VOUCHER_PROGRAMS="$(for app in "$BIN"/voucher-*; do printf '%s ' "${app##*/voucher-}"; done)" \
	    python3 "$ROOT/ops/site.py" "$ROOT/nginx/html" "$HTML"
	# the API described, served at /api/openapi.json (openapi/build.py)
	python3 "$ROOT/openapi/build.py" "$HTML/api/openapi.json" || return 1
	NGX_USER_LINE=${WEB_GROUP:+"user www-data www-data;"} \
	NGX_STATE=$conf NGX_RUN=$RUN NGX_CONF=$conf NGX_HTML=$HTML NGX_LOG=$LOG \
	NGX_TMP=$NGX_RT/tmp NGX_CACHE=$NGX_RT/cache NGX_FILES=$FILES \
	NGX_LISTEN=127.0.0.1:$PORT NGX_ACCESS_LOG=$access \
	VOUCHER_UPLOAD_MAX=$UPLOAD_MAX NGX_BENCH_CONF=${VOUCHER_BENCH_NGINX:-} \
	    "$ROOT/ops/nginx-conf.sh" "$ROOT/nginx/voucher.conf.tmpl" >"$conf/nginx.conf"
	nginx -t -q -c "$conf/nginx.conf" -p "$conf/" 2>>"$LOG/nginx-error.log" || {
		nginx -t -c "$conf/nginx.conf" -p "$conf/" >&2
		return 1
	}
}

# ---- the supervisor (issue 15) ---------------------------------------------
# `ops/stack.sh supervise MODE` is the parent of every process of the
# stack, each in a session of its own (so a Ctrl-C reaches only it, and a
# process's children — nginx's workers — go with it). A process that dies
# is restarted after a pause that doubles from 0.5 s to 30 s while it
# keeps dying within a minute of its start, each death and restart
# logged in log/stack.log. Being their parent, it alone reaps them: their
# pids cannot be recycled before it has seen them die. Ready (the file
# run/ready holds its pid) once every program answers /healthz through
# nginx (which needs the database too). TERM or INT stops everything.
declare -A PID=() NAME=() SINCE=() DELAY=()
STOPPING=
MODE=start

# spawn NAME: starts mariadb, nginx, sweeper or program NAME.
spawn() {
	local name=$1 pid
	case $name in
	mariadb)
		setsid mariadbd --no-defaults --datadir="$STATE/db" --socket="$SOCK" \
		    --skip-networking --user="$ME" --pid-file="$RUN/mariadb.pid" \
		    --log-error="$LOG/mariadb.err" --character-set-server=utf8mb4 \
		    --collation-server=utf8mb4_unicode_ci --skip-name-resolve \
		    --max-connections=1000 \
		    --innodb-buffer-pool-size="${VOUCHER_DB_BUFFER_POOL:-256M}" \
		    --innodb-log-file-size=256M --default-time-zone=+00:00 \
		    ${VOUCHER_MARIADB_ARGS:-} >/dev/null 2>&1 &
		;;
	nginx)
		setsid nginx -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx/" \
		    -g 'daemon off;' 2>>"$LOG/nginx-error.log" &
		;;
	sweeper)
		# O4/O6 sweeper, every minute (make run only: the tests check
		# that the time rules hold without it). In-process loops here,
		# not systemd: production runs one voucherctl per timer elapse
		# (voucher-sweep.timer, voucher-notify.timer; README: Timers)
		(db_env ctl; exec setsid "$BIN/voucherctl" sweep --every 60) \
		    2>>"$LOG/sweeper.log" &
		;;
	notifier)
		# the outbox sender (codes, decisions), every 5 seconds, to the
		# file transport: $STATE/outbox.jsonl (make run only: the tests
		# send the outbox themselves, `ops/stack.sh ctl notify`)
		(db_env ctl; exec setsid "$BIN/voucherctl" notify --every 5) \
		    2>>"$LOG/notifier.log" &
		;;
	*)
		(
			db_env "$name"
			export VOUCHER_LISTEN="$RUN/$name.sock" \
			    VOUCHER_SOCKET_GROUP="$WEB_GROUP" \
			    VOUCHER_COOKIE_SECURE="${VOUCHER_COOKIE_SECURE:-0}"
			exec setsid "$BIN/voucher-$name"
		) 2>>"$LOG/$name.log" &
		;;
	esac
	pid=$!
	PID[$name]=$pid
	NAME[$pid]=$name
	SINCE[$name]=$SECONDS
	# mariadbd and nginx write their own
	case $name in mariadb|nginx) ;; *) echo "$pid" >"$RUN/$name.pid" ;; esac
}

# reap PID SECONDS: waits for the child PID to exit, then kills what is
# left of its process group (KILL after SECONDS) and reaps it.
reap() {
	local i st
	for ((i = 0; i < $2 * 10; i++)); do
		st=$(sed -e 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
		[ -z "$st" ] || [ "$st" = Z ] && break
		sleep 0.1
	done
	kill -KILL -- "-$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

stop_children() {
	local name pid
	trap '' TERM INT HUP
	note "stopping"
	# nginx first (no new requests), then the programs, then the database
	if [ -n "${PID[nginx]:-}" ]; then
		kill -QUIT "${PID[nginx]}" 2>/dev/null || true
		reap "${PID[nginx]}" 30
	fi
	for name in "${!PID[@]}"; do
		case $name in mariadb|nginx) continue ;; esac
		kill -TERM "${PID[$name]}" 2>/dev/null || true
	done
	for name in "${!PID[@]}"; do
		case $name in mariadb|nginx) continue ;; esac
		reap "${PID[$name]}" 30
		rm -f "$RUN/$name.pid"
	done
	if [ -n "${PID[mariadb]:-}" ]; then
		mariadb-admin --no-defaults --socket="$SOCK" -u"$ME" shutdown 2>/dev/null ||
		    kill -TERM "${PID[mariadb]}" 2>/dev/null || true
		reap "${PID[mariadb]}" 60
	fi
	PID=()
	rm -f "$RUN/ready" "$RUN/stack.pid" "$RUN"/hold.* "$STATE/nginx/nginx.pid"
	note "stopped"
}

# Every program answers /healthz through nginx.
healthy() {
	local app
	for app in "$BIN"/voucher-*; do
		curl -fsS -o /dev/null --max-time 2 \
		    "http://127.0.0.1:$PORT/_internal/${app##*/voucher-}/healthz" || return 1
	done
}

supervise() {
	local app name dead st d
	MODE=${1:-start}
	# the supervisor goes on whatever fails: each step is checked
	set +e
	echo "$BASHPID" >"$RUN/stack.pid"
	trap 'exit 143' TERM INT HUP
	trap 'stop_children' EXIT
	note "supervisor $BASHPID starting ($MODE) from $STATE, port $PORT"
	init_db || exit 1
	spawn mariadb
	if ! wait_for "mariadb-admin --no-defaults --socket=$SOCK -u$ME ping" 60; then
		say "MariaDB did not start; see $LOG/mariadb.err" >&2
		exit 1
	fi
	migrate || exit 1
	prepare_files
	render_nginx || exit 1
	for app in "$BIN"/voucher-*; do
		[ -x "$app" ] && spawn "${app##*/voucher-}"
	done
	spawn nginx
	if [ "$MODE" = run ]; then
		spawn sweeper
		spawn notifier
	fi
	if ! wait_for healthy 60; then
		for app in "$BIN"/voucher-*; do
			name=${app##*/voucher-}
			curl -fsS -o /dev/null --max-time 2 \
			    "http://127.0.0.1:$PORT/_internal/$name/healthz" 2>/dev/null && continue
			say "$name does not answer /healthz; see $LOG/$name.log" >&2
			tail -5 "$LOG/$name.log" >&2
		done
		exit 1
	fi
	echo "$BASHPID" >"$RUN/ready"
	note "ready"
	trap 'STOPPING=1' TERM INT HUP
	while [ -z "$STOPPING" ]; do
		dead=
		wait -n -p dead
		st=$?
		[ -n "$STOPPING" ] && break
		if [ -z "$dead" ]; then
			sleep 1
			continue
		fi
		name=${NAME[$dead]:-}
		unset "NAME[$dead]"
		[ -n "$name" ] || continue
		unset "PID[$name]"
		# what is left of its session (nginx's workers)
		kill -KILL -- "-$dead" 2>/dev/null
		# the pause, in tenths of a second
		d=${DELAY[$name]:-5}
		((SECONDS - SINCE[$name] >= 60)) && d=5
		note "$name (pid $dead) exited with status $st; restarting in $((d / 10)).$((d % 10)) s"
		DELAY[$name]=$((d * 2 > 300 ? 300 : d * 2))
		sleep "$((d / 10)).$((d % 10))" &
		wait $! 2>/dev/null
		# held for maintenance (`ops/stack.sh hold NAME`): not restarted
		# until released
		if [ -e "$RUN/hold.$name" ] && [ -z "$STOPPING" ]; then
			note "$name held: not restarted until \`ops/stack.sh release $name\`"
			while [ -e "$RUN/hold.$name" ] && [ -z "$STOPPING" ]; do
				sleep 0.1 &
				wait $! 2>/dev/null
			done
		fi
		[ -n "$STOPPING" ] && break
		spawn "$name"
		note "$name restarted (pid ${PID[$name]})"
	done
	exit 0
}

# Processes a killed supervisor left behind, each checked against its
# command line before it is signalled.
stop_orphans() {
	local name f pids=() n
	for name in nginx sweeper notifier $(for f in "$RUN"/*.pid; do n=${f##*/}; n=${n%.pid}; [ "$n" = mariadb ] || printf '%s ' "$n"; done) mariadb; do
		case $name in stack|ready|'*') continue ;; esac
		f=$(pidfile_of "$name")
		is_ours "$f" "$(words_of "$name")" || { rm -f "$f"; continue; }
		if [ "$name" = nginx ]; then
			kill -QUIT "$(cat "$f")" 2>/dev/null || true
		else
			kill -TERM "$(cat "$f")" 2>/dev/null || true
		fi
		wait_for "! is_ours $(printf '%q %q' "$f" "$(words_of "$name")")" 60 ||
		    kill -KILL "$(cat "$f")" 2>/dev/null || true
		rm -f "$f"
	done
}

stop_stack() {
	local f=$RUN/stack.pid
	if is_ours "$f" "$(words_of stack)"; then
		kill -TERM "$(cat "$f")" 2>/dev/null || true
		wait_for "! is_ours $(printf '%q %q' "$f" "$(words_of stack)")" 120 || true
	fi
	stop_orphans
	rm -f "$RUN/stack.pid" "$RUN/ready"
}

# start MODE: the supervisor in the background; returns once the stack is
# ready (0) or the supervisor gave up (1).
start_stack() {
	local sup
	if is_ours "$RUN/stack.pid" "$(words_of stack)"; then
		sup=$(cat "$RUN/stack.pid")
		if [ "$1" = run ]; then
			say "a stack is already running from $STATE (pid $sup); make stop first" >&2
			exit 1
		fi
		# running: ready again once a process being restarted answers
		wait_for healthy 60 || {
			say "the stack does not answer /healthz; see $LOG/stack.log" >&2
			exit 1
		}
	else
		stop_orphans
		# another stack (or anything) on the port would answer our
		# readiness checks in our nginx's place
		if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
			say "port $PORT is already in use on 127.0.0.1 (another stack? VOUCHER_PORT=… to move this one)" >&2
			exit 1
		fi
		prepare_dirs
		rm -f "$RUN/ready"
		setsid "$ROOT/ops/stack.sh" supervise "$1" </dev/null >>"$LOG/stack.log" 2>&1 &
		sup=$!
	fi
	# ready, or the supervisor gave up: our child, it is a zombie once it
	# exited (its command line is no test: it is this script's until the
	# child has exec'd)
	if ! wait_for "[ \"\$(cat $(printf %q "$RUN")/ready 2>/dev/null)\" = $sup ] || ! child_alive $sup" 240 ||
	    [ "$(cat "$RUN/ready" 2>/dev/null)" != "$sup" ]; then
		say "the stack did not start; see $LOG/stack.log:" >&2
		tail -20 "$LOG/stack.log" >&2
		# a supervisor still starting (it has not written stack.pid yet)
		child_alive "$sup" && kill -TERM "$sup" 2>/dev/null
		stop_stack
		exit 1
	fi
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
  logs:      $LOG/ (stack.log: the supervisor's restarts)
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
	trap 'trap - INT TERM; say "stopping…"; stop_stack; exit 0' INT TERM
	start_stack run
	banner
	# until the supervisor ends (make stop, or Ctrl-C here)
	while is_ours "$RUN/stack.pid" "$(words_of stack)"; do
		sleep 1 &
		wait $! || true
	done
	;;
start)
	start_stack start
	;;
supervise)
	supervise "${2:-start}"
	;;
db)
	# the database alone, for tests/scale/make.sh: no supervisor, no
	# programs (a later `start` stops it and supervises a new one)
	if ! is_ours "$RUN/mariadb.pid" "$(words_of mariadb)"; then
		stop_orphans
		prepare_dirs
		init_db
		spawn mariadb
		if ! wait_for "mariadb-admin --no-defaults --socket=$SOCK -u$ME ping" 60; then
			say "MariaDB did not start; see $LOG/mariadb.err" >&2
			exit 1
		fi
	fi
	migrate
	;;
ctl)
	shift
	db_env ctl
	exec "$BIN/voucherctl" "$@"
	;;
stop)
	stop_stack
	;;
hold)
	# hold NAME: once NAME (mariadb, nginx or a program) exits, the
	# supervisor does not restart it until `release NAME` (maintenance;
	# the reliability drills take the database down this way)
	[ -n "${2:-}" ] || { say "usage: $0 hold NAME" >&2; exit 2; }
	touch "$RUN/hold.$2"
	;;
release)
	[ -n "${2:-}" ] || { say "usage: $0 release NAME" >&2; exit 2; }
	rm -f "$RUN/hold.$2"
	;;
*)
	say "usage: $0 run|start|stop|db|ctl …|hold NAME|release NAME" >&2
	exit 2
	;;
esac
