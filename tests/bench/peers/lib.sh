# tests/bench/peers/lib.sh - the peers of the catalog list in make bench
# (issue #13 §5), sourced by tests/bench/run.sh: a bare C FastCGI program
# (bare.c) and a PHP-FPM 8.2 script (list.php) that run the catalog's own
# statements for GET /api/products?category=… and answer the same JSON,
# through the stack's nginx at /bench/bare/products and /bench/php/products.
#
# The sourcing script sets STATE (the stack's state dir), VOUCHER_BIN (the
# programs, voucher-catalog among them), ROOT, and defines say() and die().
# PEERS is their folder: the nginx include, the SQL file, the sockets, the
# php-fpm pool and their logs.
PEERS=$STATE/bench-peers
PEER_BARE=${PEER_BARE:-$ROOT/build/release/bench/peer_bare}
PEER_PHP_FPM=${PEER_PHP_FPM:-php-fpm8.2}
# the catalog's worker count (shared/base/config.c: VOUCHER_THREADS, 4)
PEER_THREADS=${VOUCHER_THREADS:-4}

# peers_conf: writes the nginx locations of the peers and exports
# VOUCHER_BENCH_NGINX so that ops/stack.sh includes them in the server
# (nginx/voucher.conf.tmpl's #@BENCH@ line). Before the stack starts.
# The same FastCGI parameters, micro-cache directives and headers as the
# catalog's location in nginx/voucher.conf.tmpl (keep them alike), so that
# only the program behind differs; the peers are measured uncached only.
peers_conf() {
	mkdir -p "$PEERS"
	chmod 755 "$PEERS"
	# in both locations: the catalog's micro-cache, as its location has it
	# (a varied URL is a MISS there and here: the same work for nginx)
	local cache
	cache=$(cat <<CACHE
	fastcgi_cache micro;
	fastcgi_cache_key \$request_method\$request_uri;
	fastcgi_cache_methods GET HEAD;
	fastcgi_cache_valid 200 1s;
	fastcgi_cache_min_uses 2;
	fastcgi_cache_lock on;
	fastcgi_cache_lock_timeout 2s;
	fastcgi_cache_use_stale updating;
	include $STATE/nginx/security-headers.conf;
	add_header X-Cache \$upstream_cache_status always;
CACHE
)
	cat >"$PEERS/nginx.conf" <<CONF
# make bench's peers of the catalog list (tests/bench/peers/lib.sh)
location = /bench/bare/products {
	include $STATE/nginx/fastcgi-voucher.conf;
	fastcgi_pass unix:$PEERS/bare.sock;
$cache
}
location = /bench/php/products {
	include $STATE/nginx/fastcgi-voucher.conf;
	fastcgi_param SCRIPT_FILENAME $PEERS/list.php;
	fastcgi_pass unix:$PEERS/php.sock;
$cache
}
CONF
	export VOUCHER_BENCH_NGINX=$PEERS/nginx.conf
}

# peers_start: the SQL file from the catalog's --dump-sql, the bare peer
# and a php-fpm of its own (pm static, as many children as the catalog has
# workers) on unix sockets in $PEERS. Dies when one does not start.
peers_start() {
	local user= pw
	[ -x "$PEER_BARE" ] || die "$PEER_BARE is missing: make VARIANT=release bench-peers"
	command -v "$PEER_PHP_FPM" >/dev/null ||
	    die "$PEER_PHP_FPM is missing: ops/deps.sh bench (php8.2-fpm php8.2-mysql)"
	mkdir -p "$PEERS"
	"$VOUCHER_BIN/voucher-catalog" --dump-sql >"$PEERS/catalog-sql.jsonl" ||
	    die "voucher-catalog --dump-sql failed"
	cp "$ROOT/tests/bench/peers/list.php" "$PEERS/list.php"
	chmod 644 "$PEERS/catalog-sql.jsonl" "$PEERS/list.php"
	# the catalog's read-only user (its public reads: VOUCHER_DB_RO_*)
	pw=${VOUCHER_DB_RO_PASSWORD:-voucher_ro_dev}

	PEER_LISTEN=$PEERS/bare.sock PEER_THREADS=$PEER_THREADS \
	PEER_DB_SOCKET=$STATE/run/mysql.sock PEER_DB_USER=voucher_ro \
	PEER_DB_PASSWORD=$pw \
	    setsid "$PEER_BARE" "$VOUCHER_BIN/voucher-catalog" \
	    >"$PEERS/bare.log" 2>&1 </dev/null &
	echo $! >"$PEERS/bare.pid"

	[ "$(id -u)" -eq 0 ] && getent passwd www-data >/dev/null &&
	    user="user = www-data
group = www-data"
	cat >"$PEERS/php-fpm.conf" <<CONF
; make bench's PHP-FPM peer (tests/bench/peers/lib.sh)
[global]
pid = $PEERS/php-fpm.pid
error_log = $PEERS/php-fpm.log
daemonize = no

[peers]
$user
listen = $PEERS/php.sock
listen.mode = 0666
pm = static
pm.max_children = $PEER_THREADS
pm.max_requests = 0
clear_env = yes
env[PEER_SQL] = $PEERS/catalog-sql.jsonl
env[PEER_DB_SOCKET] = $STATE/run/mysql.sock
env[PEER_DB_USER] = voucher_ro
env[PEER_DB_PASSWORD] = $pw
php_admin_value[error_log] = $PEERS/php-fpm.log
php_admin_flag[log_errors] = on
php_admin_flag[display_errors] = off
CONF
	"$PEER_PHP_FPM" -t -y "$PEERS/php-fpm.conf" >"$PEERS/php-fpm-t.log" 2>&1 ||
	    { cat "$PEERS/php-fpm-t.log" >&2; die "the php-fpm pool is invalid"; }
	setsid "$PEER_PHP_FPM" -F -y "$PEERS/php-fpm.conf" \
	    >>"$PEERS/php-fpm.log" 2>&1 </dev/null &
	echo $! >"$PEERS/php.pid"

	for _ in $(seq 100); do
		[ -S "$PEERS/bare.sock" ] && [ -S "$PEERS/php.sock" ] && return 0
		kill -0 "$(cat "$PEERS/bare.pid")" 2>/dev/null ||
		    { cat "$PEERS/bare.log" >&2; die "the bare C peer did not start"; }
		kill -0 "$(cat "$PEERS/php.pid")" 2>/dev/null ||
		    { cat "$PEERS/php-fpm.log" >&2; die "php-fpm did not start"; }
		sleep 0.1
	done
	die "the peers' sockets did not appear in $PEERS"
}

# peers_stop: stops both peers by their process ids (the ones started
# here), if they run.
peers_stop() {
	local f pid
	for f in bare php; do
		[ -f "$PEERS/$f.pid" ] || continue
		pid=$(cat "$PEERS/$f.pid")
		rm -f "$PEERS/$f.pid"
		kill -TERM "$pid" 2>/dev/null || continue
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
	rm -f "$PEERS/bare.sock" "$PEERS/php.sock"
}

# peers_check BASE: the catalog (uncached), the bare peer and the PHP peer
# answer equal JSON for the same requests (a short first page, a full one
# with its count, a later page), else it says how they differ and returns
# 1. No member is left out of the comparison: nothing in the list depends
# on the request but its parameters and the moment (orderable, sold_out and
# remaining_units follow "now" and the due units; all three are read in the
# same second). Byte-for-byte equality is reported, not required.
peers_check() {
	local base=$1 q n=0 bad=0 w
	for q in 'category=digital' 'category=digital&per_page=2' \
	    'category=digital&per_page=2&page=2' 'category=cloud&page=3'; do
		n=$((n + 1))
		for w in catalog bare php; do
			case $w in
			catalog) url="$base/api/products?$q&_=peers-check-$$-$n" ;;
			*) url="$base/bench/$w/products?$q" ;;
			esac
			code=$(curl -sS -o "$PEERS/check-$n-$w.json" -w '%{http_code}' "$url") ||
			    code=000
			if [ "$code" != 200 ]; then
				say "!! peers: $url answered $code" >&2
				bad=1
			fi
		done
		python3 - "$q" "$PEERS/check-$n-catalog.json" "$PEERS/check-$n-bare.json" \
		    "$PEERS/check-$n-php.json" <<'PY' || bad=1
import json, sys
q, files = sys.argv[1], sys.argv[2:]
raw = [open(f, 'rb').read() for f in files]
try:
    docs = [json.loads(r) for r in raw]
except ValueError as e:
    print(f"!! peers: {q}: not JSON: {e}", file=sys.stderr)
    sys.exit(1)

def diff(a, b, path=''):
    if type(a) != type(b):
        return f"{path or '/'}: {a!r} vs {b!r}"
    if isinstance(a, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                return f"{path}/{k}: only in one"
            d = diff(a[k], b[k], f"{path}/{k}")
            if d:
                return d
    elif isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} elements"
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, f"{path}/{i}")
            if d:
                return d
    elif a != b:
        return f"{path}: {a!r} vs {b!r}"
    return None

ok = True
for name, d, r in (('bare C', docs[1], raw[1]), ('PHP-FPM', docs[2], raw[2])):
    why = diff(docs[0], d)
    if why:
        print(f"!! peers: {q}: the {name} peer differs from the catalog at {why}",
              file=sys.stderr)
        ok = False
    else:
        print(f"   {q}: {name} = catalog ({len(docs[0]['items'])} items,"
              f" total {docs[0]['total']}"
              f"{', byte for byte' if r == raw[0] else ', same JSON, other bytes'})")
sys.exit(0 if ok else 1)
PY
	done
	return $bad
}
