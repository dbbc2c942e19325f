#!/usr/bin/env bash
# ops/nginx-conf.sh TEMPLATE — nginx/voucher.conf.tmpl with its @…@
# placeholders filled from the environment, on stdout. Used by
# ops/stack.sh (make run, the tests), by voucher-nginx.service in
# production (its variables in /etc/voucher/nginx.env) and by
# tests/tls.sh.
#
# Paths (required):
#   NGX_STATE     the directory of nginx.pid (unless NGX_PID)
#   NGX_RUN       the programs' sockets (<program>.sock)
#   NGX_CONF      the included files (fastcgi-voucher.conf, *-headers.conf)
#   NGX_HTML      the site as served (ops/site.py)
#   NGX_LOG       nginx-error.log (and the access log, by default)
#   NGX_TMP NGX_CACHE NGX_FILES   temp files, the micro-cache, the
#                 uploaded files (VOUCHER_FILES_DIR)
# Optional (defaults in brackets):
#   NGX_PID [$NGX_STATE/nginx.pid]   NGX_USER_LINE []   NGX_LISTEN [80]
#   NGX_ACCESS_LOG [$NGX_LOG/nginx-access.log voucher buffer=64k flush=1s]
#   VOUCHER_UPLOAD_MAX [20971520]  VOUCHER_LOGIN_RATE [5r/s]
#   VOUCHER_LOGIN_BURST [20]       VOUCHER_CONN_LIMIT [256] per address
#   VOUCHER_TLS_CERT, VOUCHER_TLS_KEY   the certificate (full chain) and
#                 its key: the TLS listener is rendered only when both are set
#   VOUCHER_TLS_LISTEN [443]      VOUCHER_TLS_CHAIN   the issuer chain
#                 for OCSP stapling's verification  VOUCHER_RESOLVER   DNS
#                 server(s) for the OCSP responder's name
#   VOUCHER_REAL_IP_FROM   the load balancer's address(es) or CIDR(s),
#                 separated by spaces (README: behind a load balancer)
#   NGX_INSTANCES  instances per program as installed (systemd's
#                 voucher-<program>@<n>), e.g. "catalog=2 ordering=3": each
#                 upstream lists <program>-1.sock … <program>-<n>.sock (a
#                 program not named: 1). Unset: one <program>.sock each
#                 (ops/stack.sh)
#   NGX_BENCH_CONF  a file of locations included in the server (make
#                 bench's peers, tests/bench/peers/): unset, no line
set -euo pipefail

tmpl=${1:?usage: nginx-conf.sh TEMPLATE}
: "${NGX_STATE:?}" "${NGX_RUN:?}" "${NGX_CONF:?}" "${NGX_HTML:?}" "${NGX_LOG:?}"
: "${NGX_TMP:?}" "${NGX_CACHE:?}" "${NGX_FILES:?}"

# escapes a value for the replacement side of sed's s|…|…|
esc() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

# Lines marked #@NAME@ are kept (unmarked) when their condition holds,
# dropped otherwise.
keep=() drop=()
mark() { if [ -n "$2" ]; then keep+=(-e "s|^\\([[:space:]]*\\)#@$1@ |\\1|"); else drop+=(-e "/#@$1@ /d"); fi; }
tls=
[ -n "${VOUCHER_TLS_CERT:-}" ] && [ -n "${VOUCHER_TLS_KEY:-}" ] && tls=1
mark TLS "$tls"
mark TLSCHAIN "${tls:+${VOUCHER_TLS_CHAIN:-}}"
mark RESOLVER "${tls:+${VOUCHER_RESOLVER:-}}"
mark REALIP "${VOUCHER_REAL_IP_FROM:-}"
mark BENCH "${NGX_BENCH_CONF:-}"

# one set_real_ip_from line per address
realip=
for a in ${VOUCHER_REAL_IP_FROM:-}; do
	realip+="${realip:+; set_real_ip_from }$a"
done

# the upstreams' servers, one per instance
inst=()
if [ -n "${NGX_INSTANCES+set}" ]; then
	for p in $(sed -n 's|.*server unix:@RUN@/\([a-z]*\)\.sock;.*|\1|p' "$tmpl"); do
		n=1 line=
		for a in $NGX_INSTANCES; do [ "${a%%=*}" = "$p" ] && n=${a#*=}; done
		[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "nginx-conf.sh: $p=$n: not a count" >&2; exit 1; }
		for ((i = 1; i <= n; i++)); do
			line+="${line:+ }server unix:@RUN@/$p-$i.sock;"
		done
		inst+=(-e "s|server unix:@RUN@/$p\.sock;|$line|")
	done
fi

access=${NGX_ACCESS_LOG:-"$NGX_LOG/nginx-access.log voucher buffer=64k flush=1s"}
sed "${drop[@]}" "${keep[@]}" "${inst[@]}" \
    -e "s|@USER_LINE@|$(esc "${NGX_USER_LINE:-}")|" \
    -e "s|@PID@|$(esc "${NGX_PID:-$NGX_STATE/nginx.pid}")|" \
    -e "s|@LOG@|$(esc "$NGX_LOG")|g" -e "s|@TMP@|$(esc "$NGX_TMP")|g" \
    -e "s|@CACHE@|$(esc "$NGX_CACHE")|g" -e "s|@FILES@|$(esc "$NGX_FILES")|g" \
    -e "s|@RUN@|$(esc "$NGX_RUN")|g" -e "s|@CONF@|$(esc "$NGX_CONF")|g" \
    -e "s|@HTML@|$(esc "$NGX_HTML")|g" \
    -e "s|@LISTEN@|$(esc "${NGX_LISTEN:-80}")|" \
    -e "s|@ACCESS_LOG@|$(esc "$access")|" \
    -e "s|@UPLOAD_MAX@|$(esc "${VOUCHER_UPLOAD_MAX:-20971520}")|g" \
    -e "s|@LOGIN_RATE@|$(esc "${VOUCHER_LOGIN_RATE:-5r/s}")|" \
    -e "s|@LOGIN_BURST@|$(esc "${VOUCHER_LOGIN_BURST:-20}")|" \
    -e "s|@CONN_LIMIT@|$(esc "${VOUCHER_CONN_LIMIT:-256}")|g" \
    -e "s|@TLS_LISTEN@|$(esc "${VOUCHER_TLS_LISTEN:-443}")|" \
    -e "s|@TLS_CERT@|$(esc "${VOUCHER_TLS_CERT:-}")|" \
    -e "s|@TLS_KEY@|$(esc "${VOUCHER_TLS_KEY:-}")|" \
    -e "s|@TLS_CHAIN@|$(esc "${VOUCHER_TLS_CHAIN:-}")|" \
    -e "s|@RESOLVERS@|$(esc "${VOUCHER_RESOLVER:-}")|" \
    -e "s|@REAL_IP_FROM@|$(esc "$realip")|" \
    -e "s|@BENCH_CONF@|$(esc "${NGX_BENCH_CONF:-}")|" \
    "$tmpl"
