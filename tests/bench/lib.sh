# lib.sh - what the read benchmarks share (sourced by run.sh and
# publicity.sh): the reference nginx that serves the same bytes as static
# files (shared/PERFORMANCE.md), wrk output parsing and ratio arithmetic.
# The sourcing script sets STATE (the stack's state dir), REFDIR (the
# reference's own folder), REF_PORT, and defines die().

# Stops the reference nginx started by ref_nginx_start, if it runs.
stop_ref() {
	local pid
	[ -f "$REFDIR/nginx.pid" ] || return 0
	pid=$(cat "$REFDIR/nginx.pid")
	rm -f "$REFDIR/nginx.pid"
	kill -QUIT "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# ref_nginx_start LOCATIONS: writes and starts the reference nginx on
# 127.0.0.1:$REF_PORT with the stack's worker count, worker connections,
# keep-alive and security headers (REF_WORKERS: the worker count it
# read), serving LOCATIONS (nginx location
# blocks aliasing files under $REFDIR/www). Dies when it cannot start.
ref_nginx_start() {
	local main=$STATE/nginx/nginx.conf wconns user_line=
	REF_WORKERS=$(awk '$1 == "worker_processes" { sub(";", "", $2); print $2 }' "$main")
	wconns=$(awk '$1 == "worker_connections" { sub(";", "", $2); print $2 }' "$main")
	mkdir -p "$REFDIR/tmp"
	if [ "$(id -u)" -eq 0 ] && getent group www-data >/dev/null; then
		user_line="user www-data www-data;"
		chown -R www-data:www-data "$REFDIR/tmp"
		chmod 755 "$REFDIR" "$REFDIR/www"
		chmod 644 "$REFDIR"/www/*
	fi
	cat >"$REFDIR/nginx.conf" <<CONF
# The reference of make bench: the same response bodies as static files,
# with the same worker count, keep-alive and headers as the stack's nginx.
$user_line
worker_processes ${REF_WORKERS:-auto};
pid $REFDIR/nginx.pid;
error_log $REFDIR/error.log warn;

events {
	worker_connections ${wconns:-4096};
}

http {
	default_type application/json;
	charset utf-8;
	charset_types application/json;
	server_tokens off;
	sendfile on;
	tcp_nopush on;
	keepalive_timeout 65;
	keepalive_requests 10000;
	access_log off;
	# security-headers.conf sends \$hsts (nginx/voucher.conf.tmpl's map)
	map \$https \$hsts {
		on      "max-age=63072000; includeSubDomains";
		default "";
	}

	client_body_temp_path $REFDIR/tmp/body;
	fastcgi_temp_path $REFDIR/tmp/fastcgi;
	proxy_temp_path $REFDIR/tmp/proxy;
	uwsgi_temp_path $REFDIR/tmp/uwsgi;
	scgi_temp_path $REFDIR/tmp/scgi;

	server {
		listen 127.0.0.1:$REF_PORT;
		server_name _;
		include $STATE/nginx/security-headers.conf;
$1
	}
}
CONF
	stop_ref
	nginx -t -q -c "$REFDIR/nginx.conf" -p "$REFDIR/" 2>"$REFDIR/nginx-t.log" ||
	    { cat "$REFDIR/nginx-t.log" >&2; die "the reference nginx conf is invalid"; }
	nginx -c "$REFDIR/nginx.conf" -p "$REFDIR/" 2>>"$REFDIR/error.log" ||
	    die "the reference nginx did not start (port $REF_PORT in use?)"
}

# parse_wrk FILE → "rps p50_ms p99_ms requests non2xx socket_errors"
parse_wrk() {
	awk '
	function ms(v) {
		if (v ~ /us$/) return v / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /m$/) return v * 60000
		if (v ~ /s$/) return v * 1000
		return v + 0
	}
	/^Requests\/sec:/ { rps = $2 }
	/^ +50%/ { p50 = ms($2) }
	/^ +99%/ { p99 = ms($2) }
	/ requests in / { reqs = $1 }
	/Non-2xx or 3xx responses:/ { non2xx = $NF }
	/Socket errors:/ { gsub(",", ""); sock = $4 + $6 + $8 + $10 }
	END {
		if (rps == "" || reqs == "") exit 1
		printf "%s %.3f %.3f %d %d %d\n", rps, p50, p99, reqs, non2xx + 0, sock + 0
	}' "$1"
}

pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
