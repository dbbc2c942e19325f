#!/usr/bin/env bash
# tests/anypath.sh — issue 14.1: the stack runs from any checkout path.
# A copy of the checkout (what ops/stack.sh needs: ops/, nginx/, sql/) in
# a directory of mode 0700 that nginx's www-data workers cannot traverse
# (like root's home on Debian), started with its default state directory
# inside it: as root (when run as root), then as an ordinary user
# (nobody, when run as root; else the invoking user). Each: the site, the
# API and every program's /healthz through nginx, the sockets' modes
# (0660, nginx's group, never world-writable), a stop that leaves nothing
# running, and a stop that leaves alone a process whose pid a stale pid
# file names (issue 15: a recycled pid is someone else's).
# Uses the programs of VOUCHER_BIN (build/asan/bin), copied into each
# checkout's build/bin (a checkout that is itself under a 0700 directory
# is no way to the programs for nobody), and port VOUCHER_ANYPATH_PORT
# (VOUCHER_TEST_PORT + 5). Ends with "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${VOUCHER_BIN:-$ROOT/build/asan/bin}
PORT=${VOUCHER_ANYPATH_PORT:-$((${VOUCHER_TEST_PORT:-18080} + 5))}
unset VOUCHER_STATE_DIR VOUCHER_CLOCK_FILE
export VOUCHER_PORT=$PORT VOUCHER_DEMO=1
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

TOP=$(mktemp -d /tmp/voucher-anypath.XXXXXX)
chmod 0711 "$TOP"
decoy=
cleanup() {
	[ -n "$decoy" ] && kill "$decoy" 2>/dev/null
	for d in "$TOP"/*/repo; do
		[ -x "$d/ops/stack.sh" ] || continue
		as "$(stat -c %U "$d")" "$d/ops/stack.sh" stop >/dev/null 2>&1
	done
	# root's runtime directories outside the checkout (ops/stack.sh:
	# named after the state directory's path)
	h=$(printf '%s' "$TOP/root/repo/state" | sha256sum | cut -c1-16)
	rm -rf "$TOP" "/run/voucher-stack/$h" "/var/lib/voucher-stack/$h" 2>/dev/null
}
trap cleanup EXIT

# as USER CMD…: CMD as USER (the current user: as is)
as() {
	local u=$1
	shift
	if [ "$u" = "$(id -un)" ]; then
		"$@"
	else
		setpriv --reuid="$u" --regid="$(id -gn "$u")" --init-groups \
		    env HOME="$TOP" "$@"
	fi
}

code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$PORT$1"; }

# run_as USER GROUP_OF_SOCKETS
run_as() {
	local user=$1 group=$2 home=$TOP/$1 repo state p f mode bad_socks pids=()
	repo=$home/repo
	state=$repo/state
	echo "== as $user: checkout in $repo (its parent mode 0700)"
	mkdir -p "$repo"
	(cd "$ROOT" && git ls-files -co --exclude-standard ops nginx sql openapi |
	    tar -c -T - -f -) | tar -x -C "$repo"
	mkdir -p "$repo/build/bin"
	cp -p "$BIN"/voucher-* "$BIN/voucherctl" "$repo/build/bin/"
	export VOUCHER_BIN=$repo/build/bin
	chown -R "$user:" "$home"
	chmod 0700 "$home"
	if ! as "$user" "$repo/ops/stack.sh" start >"$TOP/$user-start.log" 2>&1; then
		bad "$user: the stack starts"
		tail -20 "$TOP/$user-start.log"
		for f in nginx-error.log mariadb-install.log mariadb.err; do [ -e "$state/log/$f" ] && tail -5 "$state/log/$f"; done
		as "$user" "$repo/ops/stack.sh" stop >/dev/null 2>&1
		return
	fi
	ok "$user: the stack starts"
	check "$user: the site (/index.html) through nginx" [ "$(code /)" = 200 ]
	check "$user: the API (/api/categories)" [ "$(code /api/categories)" = 200 ]
	for f in "$BIN"/voucher-*; do
		p=${f##*/voucher-}
		check "$user: $p answers /healthz through nginx" \
		    [ "$(code "/_internal/$p/healthz")" = 200 ]
	done
	bad_socks=
	for f in "$state"/run/*.sock; do
		[ "${f##*/}" = mysql.sock ] && continue
		mode=$(stat -c '%a %G' "$f")
		[ "$mode" = "660 $group" ] || bad_socks+=" ${f##*/}:$mode"
	done
	check "$user: the programs' sockets are 0660 with group $group${bad_socks:+ (not:$bad_socks)}" \
	    [ -z "$bad_socks" ]
	if [ "$user" = root ] && getent passwd www-data >/dev/null; then
		f=$(readlink -f "$(find -L "$state/files" -type f -name '*.pdf' | head -1)")
		check "root: nginx's www-data reads an uploaded file ($f)" \
		    setpriv --reuid=www-data --regid=www-data --clear-groups test -r "$f"
	fi
	# the processes of this stack, by pid
	for f in "$state"/run/*.pid "$state/nginx/nginx.pid"; do
		[ -s "$f" ] && pids+=("$(cat "$f")")
	done
	check "$user: stop" as "$user" "$repo/ops/stack.sh" stop
	left=
	for p in "${pids[@]}"; do
		[ -r "/proc/$p/cmdline" ] && [ -s "/proc/$p/cmdline" ] && left+=" $p"
	done
	check "$user: nothing left running after stop${left:+ (pids$left)}" [ -z "$left" ]
	# stale pid files naming someone else's live process
	sleep 300 &
	decoy=$!
	mkdir -p "$state/run"
	for p in catalog mariadb stack; do echo "$decoy" >"$state/run/$p.pid"; done
	echo "$decoy" >"$state/nginx/nginx.pid"
	as "$user" "$repo/ops/stack.sh" stop >/dev/null 2>&1
	check "$user: stop leaves alone a process that stale pid files name" \
	    kill -0 "$decoy"
	kill "$decoy" 2>/dev/null
	wait "$decoy" 2>/dev/null
	decoy=
}

if [ "$(id -u)" -eq 0 ]; then
	run_as root www-data
	# an ordinary user: nginx cannot change user, its workers are nobody
	chmod 0755 "$TOP"
	run_as nobody "$(id -gn nobody)"
else
	run_as "$(id -un)" "$(id -gn)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
