#!/usr/bin/env bash
# The production topology on one machine, each "host" a network namespace
# on one bridge (addresses in $NET.0/24, a private test range that exists
# only inside these namespaces; nothing here routes anywhere else):
#
#   lb    .10  nginx: one upstream per program over app1 and app2,
#              passive health checks; nginx-exporter (:9113)
#   app1  .21  every program on TCP (:9001…), a metrics bridge (nginx :9180:
#   app2  .22  /_internal/<program>/metrics|healthz), node_exporter (:9100);
#              the sweeper on app1 (heartbeat through node_exporter's
#              textfile collector)
#   db    .30  the primary's service address (moved by `promote`)
#   dbro  .29  the replica's service address, read by catalog and
#              publicity (on the primary while there is no replica)
#   db1   .31  MariaDB primary: binary log, GTID, semi-synchronous
#              (AFTER_SYNC, no timeout to asynchronous); mysqld-exporter
#   db2   .32  its replica (read_only)
#   mon   .40  Prometheus (ops/prometheus/), every target above
#   client .50 where load and checks come from
#
# Uploaded files live in one directory that all hosts see (in production: a
# shared file system mounted on app1, app2 and lb).
#
#   ops/cluster.sh up                 build the namespaces, start everything
#   ops/cluster.sh down               stop everything, remove the namespaces
#   ops/cluster.sh status             roles, replication, semi-sync, upstreams
#   ops/cluster.sh promote [OLD NEW]  the primary is lost: make NEW (db2) the
#                                     primary (runbook: README "Topology and
#                                     failover")
#   ops/cluster.sh rejoin OLD         rebuild OLD as the new primary's replica
#                                     (from a mariadb-backup copy), semi-sync on
#   ops/cluster.sh drain HOST [PROG]  take HOST (all programs or one) out of
#   ops/cluster.sh undrain HOST [PROG]   nginx's upstreams / put it back
#   ops/cluster.sh restart PROG       rolling restart of PROG on app1, app2
#   ops/cluster.sh app-start HOST [PROG] / app-stop HOST [PROG]
#   ops/cluster.sh db-start HOST / db-kill HOST
#   ops/cluster.sh async / sync       switch semi-sync off / on (explicitly)
#   ops/cluster.sh sql HOST [ARGS]    the mariadb client as root on HOST
#   ops/cluster.sh ctl ARGS           voucherctl on app1 against the primary
#   ops/cluster.sh exec HOST CMD…     run CMD on HOST
#   ops/cluster.sh state-dir          where the state lives (outside a checkout
#                                     that www-data cannot traverse)
#
# Environment: VOUCHER_CLUSTER_STATE [./state-cluster],
# VOUCHER_CLUSTER_NS [vc] (namespace prefix), VOUCHER_CLUSTER_NET
# [10.231.0], VOUCHER_BIN [build/release/bin]. Root only.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${VOUCHER_CLUSTER_STATE:-$ROOT/state-cluster}
# lb's nginx workers (www-data) open its cache, temp files, site and the
# uploads under the state directory: when www-data cannot reach it (a
# checkout in root's home, mode 0700 on Debian) it lives outside, in
# /var/lib/voucher-cluster/<hash of the path> (issue 14.1, as ops/stack.sh)
if [ "${STATE#/var/lib/voucher-cluster/}" = "$STATE" ] &&
    ! setpriv --reuid=www-data --regid=www-data --clear-groups \
    test -x "$(dirname "$STATE")" 2>/dev/null; then
	STATE=/var/lib/voucher-cluster/$(printf '%s' "$STATE" | sha256sum | cut -c1-16)
fi
NS=${VOUCHER_CLUSTER_NS:-vc}
NET=${VOUCHER_CLUSTER_NET:-10.231.0}
BIN=${VOUCHER_BIN:-$ROOT/build/release/bin}
HOSTS=(lb app1 app2 db1 db2 mon client)
APP_HOSTS=(app1 app2)
# each program's database user voucher_<name> (and voucherctl's,
# voucher_ctl) has the password voucher_<name>_cluster (sql/grants.sql)
RO_PASSWORD=voucher_ro_cluster
REPL_PASSWORD=voucher_repl_cluster
EXPORTER_PASSWORD=voucher_exporter_cluster
FAIL_TIMEOUT=${VOUCHER_CLUSTER_FAIL_TIMEOUT:-10s}
# semi-sync: the primary waits for the replica's acknowledgement this long
# (ms) before it would fall back to asynchronous: the maximum, i.e. never;
# switching to asynchronous is an operator's decision (`async`)
SEMISYNC_TIMEOUT=4294967295

say() { printf '[cluster] %s %s\n' "$(date -u +%T.%2N)" "$*"; }
die() { printf '[cluster] %s\n' "$*" >&2; exit 1; }

addr_of() {
	case $1 in
	lb) echo "$NET.10" ;; app1) echo "$NET.21" ;; app2) echo "$NET.22" ;;
	db) echo "$NET.30" ;; db1) echo "$NET.31" ;; db2) echo "$NET.32" ;;
	dbro) echo "$NET.29" ;;
	mon) echo "$NET.40" ;; client) echo "$NET.50" ;;
	*) die "unknown host $1" ;;
	esac
}

on() { local h=$1; shift; ip netns exec "$NS-$h" "$@"; }

# Waits up to $2 seconds for the command $1 to succeed.
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		if eval "$1" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
	done
	return 1
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The programs, in a fixed order; program i listens on port 9001 + i.
programs() {
	local app
	for app in "$BIN"/voucher-*; do
		[ -x "$app" ] && printf '%s\n' "${app##*/voucher-}"
	done | sort
}
port_of() {
	local i=0 p
	for p in $(programs); do
		[ "$p" = "$1" ] && { echo $((9001 + i)); return; }
		i=$((i + 1))
	done
	die "unknown program $1"
}

# ---- the network --------------------------------------------------------

net_up() {
	local h i=0
	ip netns add "$NS-sw"
	ip -n "$NS-sw" link add br0 type bridge
	ip -n "$NS-sw" link set br0 up
	ip -n "$NS-sw" link set lo up
	for h in "${HOSTS[@]}"; do
		i=$((i + 1))
		ip netns add "$NS-$h"
		ip link add "$NS-v$i" type veth peer name eth0 netns "$NS-$h"
		ip link set "$NS-v$i" netns "$NS-sw"
		ip -n "$NS-sw" link set "$NS-v$i" master br0 up
		ip -n "$NS-$h" link set lo up
		ip -n "$NS-$h" addr add "$(addr_of "$h")/24" dev eth0
		ip -n "$NS-$h" link set eth0 up
	done
	# no default route anywhere: only $NET.0/24 and loopback exist
}

net_down() {
	local h
	for h in "${HOSTS[@]}" sw; do
		ip netns del "$NS-$h" 2>/dev/null || true
	done
}

# Moves a service address ($2: db, the primary's, or dbro, the replica's)
# to host $1 and tells the neighbours (gratuitous ARP).
addr_to() {
	local h a
	a=$(addr_of "${2:-db}")
	for h in db1 db2; do
		[ "$h" = "$1" ] && continue
		ip -n "$NS-$h" addr del "$a/24" dev eth0 2>/dev/null || true
	done
	ip -n "$NS-$1" addr add "$a/24" dev eth0 2>/dev/null || true
	on "$1" arping -q -U -c 2 -w 1 -I eth0 -s "$a" "$a" || true
}
vip_to() { addr_to "$1" db; echo "$1" >"$STATE/primary"; }

# ---- MariaDB ------------------------------------------------------------

db_sock() { echo "$STATE/$1/mysql.sock"; }
sql() { local h=$1; shift; mariadb --no-defaults --socket="$(db_sock "$h")" -uroot "$@"; }

db_start() {
	local h=$1 id dir=$STATE/$1 ro=ON semisync=OFF
	case $h in db1) id=1 ;; db2) id=2 ;; *) die "not a database host: $h" ;; esac
	# the primary takes writes and waits for its replica's acknowledgement;
	# a replica is read-only (SEMISYNC_MASTER=OFF: a primary being seeded)
	if [ "$(cat "$STATE/primary" 2>/dev/null)" = "$h" ]; then
		ro=OFF
		semisync=${SEMISYNC_MASTER:-ON}
	fi
	mkdir -p "$dir/data" "$dir/log"
	if [ ! -d "$dir/data/mysql" ]; then
		mariadb-install-db --no-defaults --datadir="$dir/data" --user=root \
		    --auth-root-authentication-method=socket --skip-test-db \
		    >"$dir/log/install.log" 2>&1
	fi
	alive "$dir/mariadb.pid" && return 0
	# both hosts carry the same settings, so that either can be either role
	ip netns exec "$NS-$h" mariadbd --no-defaults --datadir="$dir/data" --user=root \
	    --socket="$(db_sock "$h")" --pid-file="$dir/mariadb.pid" \
	    --bind-address=0.0.0.0 --port=3306 --skip-name-resolve \
	    --log-error="$dir/log/mariadb.err" --character-set-server=utf8mb4 \
	    --collation-server=utf8mb4_unicode_ci --default-time-zone=+00:00 \
	    --max-connections=500 --innodb-buffer-pool-size=128M \
	    --innodb-log-file-size=64M --innodb-flush-log-at-trx-commit=1 \
	    --server-id=$id --log-bin="$h-bin" --binlog-format=ROW \
	    --sync-binlog=1 --log-slave-updates=ON --gtid-strict-mode=ON \
	    --relay-log="$h-relay" --relay-log-recovery=ON \
	    --rpl-semi-sync-master-enabled=$semisync \
	    --rpl-semi-sync-slave-enabled=ON \
	    --rpl-semi-sync-master-wait-point=AFTER_SYNC \
	    --rpl-semi-sync-master-timeout=$SEMISYNC_TIMEOUT \
	    --rpl-semi-sync-master-wait-no-slave=ON \
	    --read-only="$ro" >/dev/null 2>&1 &
	wait_for "mariadb-admin --no-defaults --socket=$(db_sock "$h") -uroot ping" 60 ||
	    die "MariaDB on $h did not start; see $dir/log/mariadb.err"
}

db_kill() {
	local pidf=$STATE/$1/mariadb.pid pid
	alive "$pidf" || { rm -f "$pidf"; return 0; }
	pid=$(cat "$pidf")
	kill -KILL "$pid"
	wait_for "! kill -0 $pid" 10 || true
	rm -f "$pidf"
}

# The migrations and grants, with the users allowed from the app hosts'
# network instead of localhost (a copy of sql/ with that one change).
db_schema() {
	local tmp=$STATE/sql
	rm -rf "$tmp"
	cp -r "$ROOT/sql" "$tmp"
	sed -i "s/'localhost'/'$NET.%'/g" "$tmp/grants.sql"
	# shellcheck disable=SC2046
	env $(for p in $(programs) ctl; do
		echo "VOUCHER_DB_PASSWORD_${p^^}=voucher_${p}_cluster"; done) \
	MARIADB="mariadb --no-defaults --socket=$(db_sock db1) -uroot" \
	VOUCHER_DB_RO_PASSWORD=$RO_PASSWORD \
	    "$tmp/migrate.sh" --demo >"$STATE/db1/log/migrate.log" 2>&1 ||
	    { cat "$STATE/db1/log/migrate.log" >&2; die "migrations failed"; }
}

db_users() {
	sql db1 <<-EOSQL
	CREATE USER IF NOT EXISTS 'repl'@'$NET.%' IDENTIFIED BY '$REPL_PASSWORD';
	GRANT REPLICATION SLAVE ON *.* TO 'repl'@'$NET.%';
	CREATE USER IF NOT EXISTS 'exporter'@'localhost' IDENTIFIED BY '$EXPORTER_PASSWORD' WITH MAX_USER_CONNECTIONS 3;
	GRANT PROCESS, BINLOG MONITOR, REPLICA MONITOR, SELECT ON *.* TO 'exporter'@'localhost';
	EOSQL
}

# Makes $1 a replica of $2 from its GTID position (empty: from the start).
db_replicate() {
	sql "$1" <<-EOSQL
	STOP SLAVE;
	CHANGE MASTER TO MASTER_HOST='$(addr_of "$2")', MASTER_PORT=3306,
	    MASTER_USER='repl', MASTER_PASSWORD='$REPL_PASSWORD',
	    MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
	SET GLOBAL read_only = ON;
	START SLAVE;
	EOSQL
}

# Waits until replica $1 has applied everything primary $2 logged.
db_caught_up() {
	local pos
	pos=$(sql "$2" -N -e "SELECT @@gtid_binlog_pos")
	[ "$(sql "$1" -N -e "SELECT MASTER_GTID_WAIT('$pos', ${3:-30})")" = 0 ]
}

# ---- the programs -------------------------------------------------------

# The environment of program $2 (ctl: voucherctl) on app host $1: its own
# database user, never another program's.
app_env() {
	local h=$1 p=$2
	cat <<-EOT
	VOUCHER_DB_HOST=$(addr_of db)
	VOUCHER_DB_PORT=3306
	VOUCHER_DB_USER=voucher_$p
	VOUCHER_DB_PASSWORD=voucher_${p}_cluster
	VOUCHER_DB_RO_HOST=$(addr_of dbro)
	VOUCHER_DB_RO_PORT=3306
	VOUCHER_DB_RO_USER=voucher_ro
	VOUCHER_DB_RO_PASSWORD=$RO_PASSWORD
	VOUCHER_FILES_DIR=$STATE/files
	VOUCHER_SIGNING_KEY=$STATE/keys/publicity-ed25519.pem
	VOUCHER_COOKIE_SECURE=0
	VOUCHER_THREADS=${VOUCHER_THREADS:-4}
	EOT
}

app_start() {
	local h=$1 only=${2:-} p dir=$STATE/$1
	mkdir -p "$dir/run" "$dir/log"
	for p in $(programs); do
		[ -n "$only" ] && [ "$p" != "$only" ] && continue
		alive "$dir/run/$p.pid" && continue
		# shellcheck disable=SC2046
		ip netns exec "$NS-$h" env $(app_env "$h" "$p") VOUCHER_LISTEN=":$(port_of "$p")" \
		    "$BIN/voucher-$p" >>"$dir/log/$p.log" 2>&1 </dev/null &
		echo $! >"$dir/run/$p.pid"
	done
	for p in $(programs); do
		[ -n "$only" ] && [ "$p" != "$only" ] && continue
		wait_for "on $h curl -fsS -o /dev/null http://127.0.0.1:9180/_internal/$p/healthz" 20 ||
		    die "$p on $h is not healthy; see $dir/log/$p.log"
	done
}

# Stops programs gracefully (SIGTERM: in-flight requests finish).
app_stop() {
	local h=$1 only=${2:-} p f
	for p in $(programs); do
		[ -n "$only" ] && [ "$p" != "$only" ] && continue
		f=$STATE/$h/run/$p.pid
		alive "$f" && kill -TERM "$(cat "$f")"
	done
	for p in $(programs); do
		[ -n "$only" ] && [ "$p" != "$only" ] && continue
		f=$STATE/$h/run/$p.pid
		[ -f "$f" ] || continue
		wait_for "! kill -0 $(cat "$f")" 30 || kill -KILL "$(cat "$f")" 2>/dev/null || true
		rm -f "$f"
	done
}

# The metrics bridge of an app host: Prometheus speaks HTTP, the programs
# FastCGI. /_internal/<program>/metrics|healthz, from mon and this host.
bridge_start() {
	local h=$1 dir=$STATE/$1/bridge p
	mkdir -p "$dir/tmp" "$STATE/$1/log"
	{
		cat <<-EOT
		worker_processes 1;
		pid $dir/nginx.pid;
		error_log $STATE/$h/log/bridge-error.log warn;
		events { worker_connections 256; }
		http {
		    access_log off;
		    client_body_temp_path $dir/tmp/body;
		    fastcgi_temp_path $dir/tmp/fastcgi;
		    proxy_temp_path $dir/tmp/proxy;
		    uwsgi_temp_path $dir/tmp/uwsgi;
		    scgi_temp_path $dir/tmp/scgi;
		    map \$prog \$prog_port {
		EOT
		for p in $(programs); do echo "        $p $(port_of "$p");"; done
		cat <<-EOT
		    }
		    server {
		        listen 9180;
		        allow 127.0.0.1;
		        allow $(addr_of mon);
		        deny all;
		        location ~ ^/_internal/(?<prog>[a-z]+)/(?<what>healthz|metrics)\$ {
		            if (\$prog_port = "") { return 404; }
		            set \$app_uri /\$what;
		            include $ROOT/nginx/fastcgi-voucher.conf;
		            fastcgi_pass 127.0.0.1:\$prog_port;
		        }
		    }
		}
		EOT
	} >"$dir/nginx.conf"
	alive "$dir/nginx.pid" && { on "$h" nginx -q -c "$dir/nginx.conf" -p "$dir/" -s reload 2>/dev/null; return; }
	ip netns exec "$NS-$h" nginx -q -c "$dir/nginx.conf" -p "$dir/" -g 'daemon off;' \
	    >>"$STATE/$h/log/bridge-error.log" 2>&1 </dev/null &
	wait_for "[ -s $dir/nginx.pid ]" 10 || die "metrics bridge on $h did not start"
}

# ---- the front ----------------------------------------------------------

# nginx on lb: the production template, each upstream over both app hosts
# (ops/cluster_nginx.py), drained servers marked down.
lb_conf() {
	local conf=$STATE/lb/nginx p h servers=""
	mkdir -p "$conf/tmp" "$conf/cache" "$STATE/lb/log"
	chown -R www-data:www-data "$conf/tmp" "$conf/cache"
	ln -sfn "$STATE/files" "$STATE/lb/files"
	cp "$ROOT/nginx/fastcgi-voucher.conf" "$ROOT/nginx/security-headers.conf" \
	    "$ROOT/nginx/file-headers.conf" "$conf/"
	[ -d "$STATE/lb/html" ] || VOUCHER_PROGRAMS="$(programs | tr '\n' ' ')" \
	    python3 "$ROOT/ops/site.py" "$ROOT/nginx/html" "$STATE/lb/html" >/dev/null
	for p in $(programs); do
		for h in "${APP_HOSTS[@]}"; do
			servers+="$p=$(addr_of "$h"):$(port_of "$p")"
			if grep -qx -e "$h" -e "$h $p" "$STATE/drained" 2>/dev/null; then
				servers+=":down"
			fi
			servers+=" "
		done
	done
	python3 "$ROOT/ops/cluster_nginx.py" "$ROOT/nginx/voucher.conf.tmpl" \
	    "$STATE/lb" "$conf" "$FAIL_TIMEOUT" $servers >"$conf/nginx.conf"
	on lb nginx -t -q -c "$conf/nginx.conf" -p "$conf/" 2>>"$STATE/lb/log/nginx-error.log" ||
	    { nginx -t -c "$conf/nginx.conf" -p "$conf/"; die "bad lb nginx config"; }
}

lb_start() {
	local conf=$STATE/lb/nginx
	lb_conf
	if alive "$conf/nginx.pid"; then
		on lb nginx -c "$conf/nginx.conf" -p "$conf/" -s reload 2>/dev/null
		return
	fi
	ip netns exec "$NS-lb" nginx -c "$conf/nginx.conf" -p "$conf/" -g 'daemon off;' \
	    >>"$STATE/lb/log/nginx-error.log" 2>&1 </dev/null &
	wait_for "on client curl -fsS -o /dev/null http://$(addr_of lb)/api/categories" 20 ||
	    die "lb did not answer"
}

# Reloads lb's nginx and waits until the old workers (and the requests
# they still serve) are gone.
lb_reload() {
	local conf=$STATE/lb/nginx master
	lb_conf
	master=$(cat "$conf/nginx.pid")
	on lb nginx -c "$conf/nginx.conf" -p "$conf/" -s reload 2>/dev/null
	sleep 0.3
	wait_for "[ \$(pgrep -P $master -c -f 'shutting down') = 0 ]" 30 || true
}

drain() {
	local entry=${2:+$1 $2}
	entry=${entry:-$1}
	grep -qx "$entry" "$STATE/drained" 2>/dev/null || echo "$entry" >>"$STATE/drained"
	lb_reload
}

undrain() {
	local entry=${2:+$1 $2}
	entry=${entry:-$1}
	[ -f "$STATE/drained" ] && { grep -vx "$entry" "$STATE/drained" >"$STATE/drained.new" || true; }
	mv -f "$STATE/drained.new" "$STATE/drained" 2>/dev/null || true
	lb_reload
}

# Rolling restart of one program: each app host in turn is taken out of
# the program's upstream, its instance stopped gracefully (in-flight
# requests finish), started again, checked, and put back.
rolling_restart() {
	local p=$1 h
	port_of "$p" >/dev/null
	for h in "${APP_HOSTS[@]}"; do
		say "restart $p on $h: drain"
		drain "$h" "$p"
		app_stop "$h" "$p"
		app_start "$h" "$p"
		undrain "$h" "$p"
		say "restart $p on $h: back"
	done
}

# ---- watching -----------------------------------------------------------

exporters_start() {
	local h dir
	for h in db1 db2; do
		dir=$STATE/$h
		printf '[client]\nuser=exporter\npassword=%s\nsocket=%s\n' \
		    "$EXPORTER_PASSWORD" "$(db_sock "$h")" >"$dir/exporter.cnf"
		chmod 600 "$dir/exporter.cnf"
		alive "$dir/exporter.pid" && continue
		ip netns exec "$NS-$h" prometheus-mysqld-exporter --config.my-cnf="$dir/exporter.cnf" \
		    --web.listen-address="$(addr_of "$h"):9104" \
		    >>"$dir/log/exporter.log" 2>&1 &
		echo $! >"$dir/exporter.pid"
	done
	dir=$STATE/lb
	if ! alive "$dir/exporter.pid"; then
		ip netns exec "$NS-lb" prometheus-nginx-exporter \
		    -nginx.scrape-uri="http://127.0.0.1/_internal/nginx/stub_status" \
		    -web.listen-address="$(addr_of lb):9113" >>"$dir/log/exporter.log" 2>&1 &
		echo $! >"$dir/exporter.pid"
	fi
	for h in "${APP_HOSTS[@]}"; do
		dir=$STATE/$h
		mkdir -p "$dir/textfile"
		alive "$dir/node-exporter.pid" && continue
		ip netns exec "$NS-$h" prometheus-node-exporter --web.listen-address="$(addr_of "$h"):9100" \
		    --collector.textfile.directory="$dir/textfile" \
		    --no-collector.systemd >>"$dir/log/node-exporter.log" 2>&1 &
		echo $! >"$dir/node-exporter.pid"
	done
}

sweeper_start() {
	local dir=$STATE/app1
	alive "$dir/run/sweeper.pid" && return 0
	# shellcheck disable=SC2046
	ip netns exec "$NS-app1" env $(app_env app1 ctl) VOUCHER_SWEEP_TEXTFILE="$dir/textfile/voucher_sweeper.prom" \
	    "$BIN/voucherctl" sweep --every 60 >>"$dir/log/sweeper.log" 2>&1 </dev/null &
	echo $! >"$dir/run/sweeper.pid"
}

prometheus_start() {
	local dir=$STATE/mon h p
	mkdir -p "$dir/data" "$dir/targets" "$dir/log"
	cp "$ROOT/ops/prometheus/prometheus.yml" "$dir/prometheus.yml"
	cp -r "$ROOT/ops/prometheus/rules" "$dir/"
	# the test scrapes every 5 s (production: 15 s)
	sed -i 's/^\(  scrape_interval:\).*/\1 5s/; s/^\(  evaluation_interval:\).*/\1 5s/' "$dir/prometheus.yml"
	{
		for h in "${APP_HOSTS[@]}"; do
			for p in $(programs); do
				printf -- "- targets: ['%s:9180']\n  labels: {program: %s, host: %s}\n" \
				    "$(addr_of "$h")" "$p" "$h"
			done
		done
	} >"$dir/targets/programs.yml"
	printf -- "- targets: [%s]\n" "'$(addr_of app1):9100', '$(addr_of app2):9100'" >"$dir/targets/node.yml"
	printf -- "- targets: ['%s:9113']\n  labels: {host: lb}\n" "$(addr_of lb)" >"$dir/targets/nginx.yml"
	printf -- "- targets: ['%s:9104']\n  labels: {host: db1}\n- targets: ['%s:9104']\n  labels: {host: db2}\n" \
	    "$(addr_of db1)" "$(addr_of db2)" >"$dir/targets/mysql.yml"
	alive "$dir/prometheus.pid" && return 0
	ip netns exec "$NS-mon" prometheus --config.file="$dir/prometheus.yml" \
	    --storage.tsdb.path="$dir/data" --storage.tsdb.retention.time=1d \
	    --web.listen-address="$(addr_of mon):9090" >>"$dir/log/prometheus.log" 2>&1 &
	echo $! >"$dir/prometheus.pid"
}

# ---- whole topology -----------------------------------------------------

up() {
	[ "$(id -u)" -eq 0 ] || die "root only (network namespaces)"
	ls "$BIN"/voucher-* >/dev/null 2>&1 || die "no programs in $BIN: make -j2 first"
	ip netns list | grep -q "^$NS-lb" && die "a cluster ($NS-*) is already up: ops/cluster.sh down"
	rm -rf "$STATE"
	mkdir -p "$STATE/files/tmp" "$STATE/keys"
	chmod 2750 "$STATE/files"; chmod 0700 "$STATE/files/tmp"
	chgrp www-data "$STATE/files" 2>/dev/null || true
	(umask 077; openssl genpkey -algorithm ed25519 -out "$STATE/keys/publicity-ed25519.pem" 2>/dev/null)
	echo db1 >"$STATE/primary"
	net_up
	say "network $NET.0/24: ${HOSTS[*]}"
	# db1 takes the schema before it has a replica: semi-sync off until db2
	# has connected, then on for good
	SEMISYNC_MASTER=OFF db_start db1
	vip_to db1
	db_users
	db_schema
	db_start db2
	db_replicate db2 db1
	wait_for "[ \"\$(sql db1 -N -e \"SHOW STATUS LIKE 'Rpl_semi_sync_master_clients'\" | cut -f2)\" = 1 ]" 30 ||
	    die "db2 did not connect as a semi-synchronous replica"
	sql db1 -e "SET GLOBAL rpl_semi_sync_master_enabled = ON"
	db_caught_up db2 db1 60 || die "db2 did not catch up"
	addr_to db2 dbro
	say "db1 primary (semi-sync AFTER_SYNC), db2 replica, caught up"
	python3 "$ROOT/sql/demo/gen_demo.py" --files "$STATE/files" >/dev/null 2>&1 || say "demo files not written"
	for h in "${APP_HOSTS[@]}"; do bridge_start "$h"; app_start "$h"; done
	say "programs on app1, app2: $(programs | tr '\n' ' ')"
	lb_start
	say "lb: http://$(addr_of lb)/ (from the client host)"
	sweeper_start
	exporters_start
	prometheus_start
	say "prometheus: http://$(addr_of mon):9090/"
}

down() {
	local h pid
	for h in "${HOSTS[@]}"; do
		ip netns list 2>/dev/null | grep -q "^$NS-$h\b" || continue
		for pid in $(ip netns pids "$NS-$h" 2>/dev/null); do
			kill -TERM "$pid" 2>/dev/null || true
		done
	done
	for h in "${HOSTS[@]}"; do
		ip netns list 2>/dev/null | grep -q "^$NS-$h\b" || continue
		wait_for "[ -z \"\$(ip netns pids $NS-$h)\" ]" 15 ||
		    for pid in $(ip netns pids "$NS-$h" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
	done
	net_down
}

status() {
	local h
	say "primary service address $(addr_of db) on: $(cat "$STATE/primary" 2>/dev/null || echo '?')"
	for h in db1 db2; do
		if ! alive "$STATE/$h/mariadb.pid"; then say "$h: down"; continue; fi
		say "$h: $(sql "$h" -N -e "SELECT CONCAT('read_only=', @@read_only, ' gtid_binlog_pos=', @@gtid_binlog_pos, ' gtid_slave_pos=', @@gtid_slave_pos)")"
		sql "$h" -N -e "SHOW STATUS WHERE Variable_name IN ('Rpl_semi_sync_master_status','Rpl_semi_sync_master_clients','Rpl_semi_sync_slave_status')" | sed "s/^/[cluster]   /"
		sql "$h" -e "SHOW SLAVE STATUS\G" | grep -E 'Slave_(IO|SQL)_Running:|Seconds_Behind|Gtid_IO_Pos|Last_.*Error:' | sed "s/^ */[cluster]   /" || true
	done
	say "drained: $(cat "$STATE/drained" 2>/dev/null | tr '\n' ' ')"
}

# ---- the runbook: the primary is lost -----------------------------------
#
# 1. fence the old primary: it must never take a write again (here: kill
#    its server and take the service address off it; in production also
#    power it off or firewall it);
# 2. on the replica, stop fetching and apply everything it has received:
#    with semi-sync AFTER_SYNC every commit a client saw acknowledged is in
#    its relay log;
# 3. forget the old primary (RESET SLAVE ALL), switch read_only off;
# 4. semi-sync: the new primary has no replica yet, so it must not wait
#    for one (rpl_semi_sync_master_enabled OFF, explicitly, an alert
#    fires until a replica is attached and `sync` is run);
# 5. move the primary's service address to it (gratuitous ARP): the
#    programs reconnect by themselves;
# 6. check through the service address that writes are accepted.
promote() {
	local old=${1:-db1} new=${2:-db2} t0 io
	t0=$(date +%s.%N)
	say "promote: fencing $old"
	db_kill "$old"
	ip -n "$NS-$old" addr del "$(addr_of db)/24" dev eth0 2>/dev/null || true
	alive "$STATE/$new/mariadb.pid" || die "$new is down: nothing to promote"
	say "promote: $new applies its relay log"
	sql "$new" -e "STOP SLAVE IO_THREAD"
	io=$(sql "$new" -e "SHOW SLAVE STATUS\G" | sed -n 's/^ *Gtid_IO_Pos: //p')
	if [ -n "$io" ]; then
		[ "$(sql "$new" -N -e "SELECT MASTER_GTID_WAIT('$io', 120)")" = 0 ] ||
		    die "$new did not apply its relay log up to $io"
	fi
	say "promote: $new has applied up to ${io:-nothing}"
	sql "$new" <<-EOSQL
	STOP SLAVE;
	RESET SLAVE ALL;
	SET GLOBAL rpl_semi_sync_master_enabled = OFF;
	SET GLOBAL read_only = OFF;
	EOSQL
	say "promote: $new is primary at GTID $(sql "$new" -N -e 'SELECT @@gtid_current_pos')"
	vip_to "$new"
	say "promote: service address $(addr_of db) moved to $new"
	wait_for "on app1 mariadb --no-defaults -h $(addr_of db) -uvoucher_ctl -pvoucher_ctl_cluster -N -e 'SELECT @@server_id' voucher | grep -qx ${new#db}" 20 ||
	    die "the service address does not reach $new"
	say "promote: done in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s; $new runs WITHOUT a replica (semi-sync off) until one is attached"
}

# ---- the runbook: the old primary comes back as a replica ---------------
#
# Never restart a lost primary as it was: it may hold transactions that
# were never acknowledged (and never reached the replica). Its data is
# replaced by a copy of the new primary, it replicates from the GTID of that
# copy, and semi-sync is switched on again once it acknowledges.
rejoin() {
	local old=${1:-db1} new pos
	new=$(cat "$STATE/primary")
	[ "$old" != "$new" ] || die "$old is the primary"
	say "rejoin: $old is rebuilt from a copy of $new"
	db_kill "$old"
	rm -rf "$STATE/$old/data" "$STATE/$old/seed"
	mariadb-backup --no-defaults --backup --socket="$(db_sock "$new")" --user=root \
	    --target-dir="$STATE/$old/seed" >"$STATE/$old/log/seed.log" 2>&1 &&
	mariadb-backup --prepare --target-dir="$STATE/$old/seed" >>"$STATE/$old/log/seed.log" 2>&1 &&
	mariadb-backup --move-back --target-dir="$STATE/$old/seed" \
	    --datadir="$STATE/$old/data" >>"$STATE/$old/log/seed.log" 2>&1 ||
	    die "copying $new failed; see $STATE/$old/log/seed.log"
	pos=$(cut -f3 "$STATE/$old/seed/xtrabackup_binlog_info")
	rm -rf "$STATE/$old/seed"
	db_start "$old"
	sql "$old" -e "SET GLOBAL gtid_slave_pos = '$pos'"
	db_replicate "$old" "$new"
	wait_for "[ \"\$(sql $new -N -e \"SHOW STATUS LIKE 'Rpl_semi_sync_master_clients'\" | cut -f2)\" = 1 ]" 30 ||
	    die "$old did not connect as a semi-synchronous replica"
	sql "$new" -e "SET GLOBAL rpl_semi_sync_master_enabled = ON"
	db_caught_up "$old" "$new" 60 || die "$old did not catch up"
	addr_to "$old" dbro
	say "rejoin: $old replicates $new from $pos, semi-sync on; public reads on $old"
}

case "${1:-}" in
state-dir) echo "$STATE" ;;
up) up ;;
rejoin) shift; rejoin "$@" ;;
down) down ;;
status) status ;;
promote) shift; promote "$@" ;;
drain) shift; drain "$@" ;;
undrain) shift; undrain "$@" ;;
restart) shift; rolling_restart "$1" ;;
app-start) shift; app_start "$@" ;;
app-stop) shift; app_stop "$@" ;;
app-kill)
	shift
	for f in "$STATE/$1"/run/*.pid; do
		case $f in */sweeper.pid) continue ;; esac
		kill -KILL "$(cat "$f")" 2>/dev/null || true; rm -f "$f"
	done
	;;
db-start) shift; db_start "$1" ;;
db-kill) shift; db_kill "$1" ;;
async) sql "$(cat "$STATE/primary")" -e "SET GLOBAL rpl_semi_sync_master_enabled = OFF"; say "semi-sync OFF on $(cat "$STATE/primary"): acknowledged writes may be lost with it" ;;
sync) sql "$(cat "$STATE/primary")" -e "SET GLOBAL rpl_semi_sync_master_enabled = ON" ;;
sql) shift; h=$1; shift; sql "$h" "$@" ;;
ctl)
	shift
	# shellcheck disable=SC2046
	on app1 env $(app_env app1 ctl) "$BIN/voucherctl" "$@"
	;;
exec) shift; h=$1; shift; on "$h" "$@" ;;
addr) addr_of "$2" ;;
*)
	sed -n '2,40p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
