#!/usr/bin/env bash
# tests/tls.sh — issue 15 part 3: the edge in production. Renders
# nginx/voucher.conf.tmpl with ops/nginx-conf.sh: without TLS variables
# (the dev stack: plain http, no TLS or real_ip line), then with a
# self-signed certificate made here by openssl and a load balancer at
# 127.0.0.1; that configuration passes `nginx -t` and is run (ports
# VOUCHER_TEST_PORT+6 http, +7 https): an HTTPS reply carries HSTS, a
# plain one does not, TLS 1.3 and 1.2 are spoken and 1.1 is not, and the
# client address is taken from X-Forwarded-For only from the balancer
# (the localhost-only stub_status refuses a forwarded outside address).
# Ends with "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASEPORT=${VOUCHER_TEST_PORT:-18080}
HTTP=$((BASEPORT + 6))
HTTPS=$((BASEPORT + 7))
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

T=$(mktemp -d /tmp/voucher-tls.XXXXXX)
chmod 0755 "$T"
nginx_pid=
cleanup() {
	[ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$T/log" "$T/tmp" "$T/cache" "$T/run" "$T/files" "$T/conf"
cp "$ROOT"/nginx/*.conf "$T/conf/"

render() {
	NGX_STATE=$T NGX_RUN=$T/run NGX_CONF=$T/conf NGX_HTML=$ROOT/nginx/html \
	NGX_LOG=$T/log NGX_TMP=$T/tmp NGX_CACHE=$T/cache NGX_FILES=$T/files \
	NGX_LISTEN=127.0.0.1:$HTTP "$@" \
	    "$ROOT/ops/nginx-conf.sh" "$ROOT/nginx/voucher.conf.tmpl"
}

render env >"$T/plain.conf"
check "without TLS variables: no TLS, real_ip or leftover line" \
    bash -c "! grep -v '^[[:space:]]*# ' '$T/plain.conf' | grep -qE 'ssl_|listen .*ssl|real_ip|#@|@[A-Z_]+@'"
check "without TLS variables: nginx -t" nginx -t -q -c "$T/plain.conf" -p "$T/"
check "a connection limit per address (limit_conn peraddr 256)" \
    grep -q "limit_conn peraddr 256;" "$T/plain.conf"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 -days 2 \
    -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
render env VOUCHER_TLS_CERT="$T/cert.pem" VOUCHER_TLS_KEY="$T/key.pem" \
    VOUCHER_TLS_LISTEN="127.0.0.1:$HTTPS" VOUCHER_REAL_IP_FROM=127.0.0.1 \
    >"$T/nginx.conf"
check "with TLS variables: the TLS listener, Mozilla intermediate, stapling" \
    bash -c "grep -q 'listen 127.0.0.1:$HTTPS ssl' '$T/nginx.conf' &&
        grep -q 'ssl_protocols TLSv1.2 TLSv1.3;' '$T/nginx.conf' &&
        grep -q 'ssl_stapling on;' '$T/nginx.conf' &&
        ! grep -v '^[[:space:]]*# ' '$T/nginx.conf' | grep -qE '#@|@[A-Z_]+@'"
if nginx -t -q -c "$T/nginx.conf" -p "$T/" 2>"$T/t.err"; then
	ok "with TLS variables: nginx -t"
else
	bad "with TLS variables: nginx -t"
	cat "$T/t.err"
fi

nginx -c "$T/nginx.conf" -p "$T/" -g 'daemon off;' 2>>"$T/log/stderr" &
nginx_pid=$!
for _ in $(seq 1 50); do
	curl -s -o /dev/null "http://127.0.0.1:$HTTP/" && break
	sleep 0.1
done
hdrs() { curl -s -k -o /dev/null -D - --max-time 5 "$@" | tr -d '\r'; }
check "an HTTPS reply carries HSTS" \
    bash -c "curl -s -k -o /dev/null -D - --max-time 5 https://127.0.0.1:$HTTPS/ | tr -d '\r' |
        grep -qix 'strict-transport-security: max-age=63072000; includeSubDomains'"
check "an HTTPS API reply (security-headers.conf) carries HSTS" \
    bash -c "curl -s -k -o /dev/null -D - --max-time 5 https://127.0.0.1:$HTTPS/api/nothing | tr -d '\r' |
        grep -qi '^strict-transport-security:'"
check "a plain http reply does not" \
    bash -c "! curl -s -o /dev/null -D - --max-time 5 http://127.0.0.1:$HTTP/ | grep -qi '^strict-transport-security'"
check "TLS 1.3 spoken" curl -s -k -o /dev/null --max-time 5 --tlsv1.3 "https://127.0.0.1:$HTTPS/"
check "TLS 1.2 spoken" curl -s -k -o /dev/null --max-time 5 --tlsv1.2 --tls-max 1.2 "https://127.0.0.1:$HTTPS/"
check "TLS 1.1 refused" bash -c "! curl -s -k -o /dev/null --max-time 5 --tlsv1 --tls-max 1.1 https://127.0.0.1:$HTTPS/"
code() { curl -s -k -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }
check "from the balancer (127.0.0.1): the client is X-Forwarded-For's (stub_status refuses 203.0.113.9)" \
    [ "$(code -H 'X-Forwarded-For: 203.0.113.9' "http://127.0.0.1:$HTTP/_internal/nginx/stub_status")" = 403 ]
check "from the balancer, without X-Forwarded-For: the balancer's own address" \
    [ "$(code "http://127.0.0.1:$HTTP/_internal/nginx/stub_status")" = 200 ]

# X-Forwarded-For is not believed from anyone but the balancer
render env VOUCHER_REAL_IP_FROM=192.0.2.1 >"$T/other.conf"
kill -QUIT "$nginx_pid" 2>/dev/null
wait "$nginx_pid" 2>/dev/null
nginx -c "$T/other.conf" -p "$T/" -g 'daemon off;' 2>>"$T/log/stderr" &
nginx_pid=$!
for _ in $(seq 1 50); do
	curl -s -o /dev/null "http://127.0.0.1:$HTTP/" && break
	sleep 0.1
done
check "from another address: X-Forwarded-For ignored" \
    [ "$(code -H 'X-Forwarded-For: 203.0.113.9' "http://127.0.0.1:$HTTP/_internal/nginx/stub_status")" = 200 ]

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
