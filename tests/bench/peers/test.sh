#!/usr/bin/env bash
# tests/bench/peers/test.sh - the peers of make bench (issue #13 §5) without
# a stack, PHP or a measurement: nginx's template includes the peers'
# locations only when asked (the production rendering has no trace of
# them), those locations pass nginx -t, the bare C peer takes its
# statements from the catalog's --dump-sql by name (and refuses to start
# without one), and the bench's correctness check tells equal answers from
# different ones. Port VOUCHER_TEST_PORT+9 (a stand-in server). The check
# against the real stack is tests/bench/peers/check.sh (and make bench).
# Ends with "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
PORT=$(( ${VOUCHER_TEST_PORT:-18080} + 9 ))
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

T=$(mktemp -d /tmp/voucher-peers.XXXXXX)
chmod 0755 "$T"
srv_pid=
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$T/log" "$T/tmp" "$T/cache" "$T/run" "$T/files" "$T/conf" "$T/state/nginx"
cp "$ROOT"/nginx/*.conf "$T/conf/"
cp "$ROOT"/nginx/*.conf "$T/state/nginx/"

render() {
	NGX_STATE=$T NGX_RUN=$T/run NGX_CONF=$T/conf NGX_HTML=$ROOT/nginx/html \
	NGX_LOG=$T/log NGX_TMP=$T/tmp NGX_CACHE=$T/cache NGX_FILES=$T/files \
	NGX_LISTEN=127.0.0.1:$PORT "$@" \
	    "$ROOT/ops/nginx-conf.sh" "$ROOT/nginx/voucher.conf.tmpl"
}

# ---- nginx: the peers' include only in a bench run ------------------------
say() { printf '%s\n' "$*"; }
die() { say "$*" >&2; exit 1; }
STATE=$T/state
VOUCHER_BIN=${VOUCHER_BIN:-$ROOT/build/release/bin}	# make test: asan
. "$ROOT/tests/bench/peers/lib.sh"

render env >"$T/plain.conf"
check "without NGX_BENCH_CONF: no bench include, no marker left" \
    bash -c "! grep -qE 'bench|BENCH|#@|@[A-Z_]+@' <(grep -v '^[[:space:]]*#' '$T/plain.conf')"
peers_conf
render env NGX_BENCH_CONF="$VOUCHER_BENCH_NGINX" >"$T/bench.conf"
check "with NGX_BENCH_CONF: the include in the server, nothing else changed" \
    bash -c "diff '$T/plain.conf' '$T/bench.conf' | grep '^[<>]' |
        grep -qxF '> 		include $VOUCHER_BENCH_NGINX;' &&
        [ \$(diff '$T/plain.conf' '$T/bench.conf' | grep -c '^[<>]') = 1 ]"
check "the peers' locations included (the catalog's micro-cache): nginx -t" \
    bash -c "grep -qF 'include $VOUCHER_BENCH_NGINX;' '$T/bench.conf' &&
        nginx -t -q -c '$T/bench.conf' -p '$T/'"
check "the peers' locations carry each of the catalog location's cache directives" \
    bash -c "for d in \$(sed -n '/location ~ \\^\\/api\\/(categories|products)/,/^		}/p' \
        '$ROOT/nginx/voucher.conf.tmpl' | awk '\$1 ~ /^fastcgi_cache/ { print \$1 \"=\" \$2 }'); do
        [ \$(grep -c \"\${d%%=*} \${d#*=}\" '$T/state/bench-peers/nginx.conf') = 2 ] ||
            { echo \"missing: \$d\"; exit 1; }; done"

# ---- the bare peer: the catalog's statements, by name ---------------------
make -s -C "$ROOT" VARIANT=release bench-peers >"$T/make.log" 2>&1
check "the bare C peer builds warning-free (make bench-peers)" \
    bash -c "[ -x '$PEER_BARE' ] && ! grep -qi warning '$T/make.log'"
"$VOUCHER_BIN/voucher-catalog" --dump-sql >"$T/sql.jsonl" 2>/dev/null
check "the catalog dumps each statement the peers take" bash -c "
    for n in DBS_ROUND_CURRENT STMT_NEXT_DUE STMT_DUE_UNITS 'STMT_LIST(1,0)' 'STMT_COUNT(1)'; do
        grep -qF \"\\\"name\\\":\\\"\$n\\\"\" '$T/sql.jsonl' || exit 1; done"
# a catalog whose SQL lacks the count: the peer names it and does not start
printf '#!/bin/sh\ngrep -vF STMT_COUNT %s\n' "$T/sql.jsonl" >"$T/fake-catalog"
chmod +x "$T/fake-catalog"
PEER_LISTEN=$T/bare.sock timeout 5 "$PEER_BARE" "$T/fake-catalog" >"$T/bare.out" 2>&1
rc=$?
check "the bare peer without STMT_COUNT(1) in the catalog's SQL: exits 1 naming it" \
    bash -c "[ $rc = 1 ] && grep -qF 'STMT_COUNT(1) is not in the catalog' '$T/bare.out' &&
        [ ! -S '$T/bare.sock' ]"

# ---- the correctness check of the bench ------------------------------------
# a stand-in for nginx: the catalog and the peers answer files of $T/www
mkdir -p "$T/www"
cat >"$T/srv.py" <<'PY'
import http.server, sys, os
www = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        who = {'/api/products': 'catalog', '/bench/bare/products': 'bare',
               '/bench/php/products': 'php'}.get(self.path.split('?')[0])
        body = open(os.path.join(www, who + '.json'), 'rb').read() if who else b''
        self.send_response(200 if who else 404)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
PY
python3 "$T/srv.py" "$PORT" "$T/www" &
srv_pid=$!
for _ in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break
	sleep 0.1
done
doc='{"items":[{"id":1,"name":"企业数字化转型诊断服务","rating":{"average":4.33,"count":2},"orderable":true}],"total":1,"page":1,"per_page":20}'
printf '%s' "$doc" >"$T/www/catalog.json"
printf '%s' "$doc" >"$T/www/bare.json"
# the same JSON in other bytes (key order, spacing) is equal
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(json.dumps(d, ensure_ascii=True, indent=1, sort_keys=True))' \
    "$doc" >"$T/www/php.json"
peers_check "http://127.0.0.1:$PORT" >"$T/check.out" 2>&1
rc=$?
check "equal answers (one in other bytes): the check passes, saying which" \
    bash -c "[ $rc = 0 ] && grep -qF 'PHP-FPM = catalog (1 items, total 1, same JSON, other bytes)' '$T/check.out' &&
        grep -qF 'bare C = catalog (1 items, total 1, byte for byte)' '$T/check.out'"
printf '%s' "${doc/4.33/4.3}" >"$T/www/php.json"
peers_check "http://127.0.0.1:$PORT" >/dev/null 2>"$T/check.err"
rc=$?
check "a peer's rating 4.3 for 4.33: the check fails naming where" \
    bash -c "[ $rc = 1 ] && grep -qF 'PHP-FPM peer differs from the catalog at /items/0/rating/average' '$T/check.err'"
printf '%s' "${doc/4.33/5}" >"$T/www/php.json"
printf '%s' "${doc/4.33/5.0}" >"$T/www/catalog.json"
printf '%s' "${doc/4.33/5.0}" >"$T/www/bare.json"
peers_check "http://127.0.0.1:$PORT" >/dev/null 2>"$T/check.err"
rc=$?
check "5 for 5.0 (an integer for the catalog's real): the check fails" \
    bash -c "[ $rc = 1 ] && grep -qF 'rating/average' '$T/check.err'"
printf '%s' "${doc/,\"orderable\":true/}" >"$T/www/bare.json"
printf '%s' "$doc" >"$T/www/catalog.json"
printf '%s' "$doc" >"$T/www/php.json"
peers_check "http://127.0.0.1:$PORT" >/dev/null 2>"$T/check.err"
rc=$?
check "a member missing in the bare peer's answer: the check fails" \
    bash -c "[ $rc = 1 ] && grep -qF 'bare C peer differs from the catalog at /items/0/orderable' '$T/check.err'"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
