#!/usr/bin/env python3
"""The cluster's nginx config, made from the production template
nginx/voucher.conf.tmpl: every program's upstream lists its instances on
the app hosts, with passive health checks, and a request that could not
reach an instance is passed to the other one.

  cluster_nginx.py TEMPLATE STATE CONF FAIL_TIMEOUT PROG=ADDR:PORT[:down]...

STATE is lb's state folder (logs, temp files, the files link), CONF the
folder of the config and its includes. The config goes to stdout.

What is retried on the other app host (fastcgi_next_upstream):
  - every request whose connection failed before it was sent (error) or
    that timed out (timeout) and is idempotent (GET, HEAD, PUT of a file
    by its key...): nginx never resends a POST once sent, except
  - POST /api/orders: its Idempotency-Key makes a resend safe (the same
    key and body give the same order or 409 request_in_progress, never a
    second order), so that one location adds non_idempotent.
"""
import re
import sys


def main():
    tmpl, state, conf, fail_timeout = sys.argv[1:5]
    servers = {}
    for arg in sys.argv[5:]:
        prog, _, rest = arg.partition("=")
        addr, port, *flags = rest.split(":")
        servers.setdefault(prog, []).append((f"{addr}:{port}", "down" in flags))

    s = open(tmpl, encoding="utf-8").read()
    subst = {
        "@USER_LINE@": "user www-data www-data;",
        "@STATE@": state,
        "@RUN@": state + "/run",
        "@CONF@": conf,
        "@HTML@": state + "/html",
        "@LISTEN@": "80",
        "@ACCESS_LOG@": state + "/log/nginx-access.log voucher",
        "@UPLOAD_MAX@": "20971520",
        "@LOGIN_RATE@": "50r/s",
        "@LOGIN_BURST@": "100",
        "@PID@": state + "/nginx/nginx.pid",
        "@LOG@": state + "/log",
        "@TMP@": state + "/nginx/tmp",
        "@CACHE@": state + "/nginx/cache",
        "@FILES@": state + "/files",
        "@CONN_LIMIT@": "256",
    }
    # plain http here: the lines rendered only for TLS or a load balancer
    # (ops/nginx-conf.sh) go
    s = re.sub(r"(?m)^[ \t]*#@[A-Z]+@ .*\n", "", s)

    def upstream(m):
        prog = m.group(1)
        if prog not in servers:
            sys.exit(f"cluster_nginx: no instances given for {prog}")
        # the failure state shared by all nginx workers: one probe per
        # fail_timeout, not one per worker
        lines = [f"zone {prog}_peers 64k;"]
        for addr, down in servers[prog]:
            lines.append(f"server {addr} max_fails=1 fail_timeout={fail_timeout}"
                         + (" down;" if down else ";"))
        return "\n\t\t".join(lines)

    s, n = re.subn(r"server unix:@RUN@/([a-z]+)\.sock;", upstream, s)
    if n != len(servers):
        sys.exit(f"cluster_nginx: {n} upstreams in the template, "
                 f"{len(servers)} programs given")

    # the other app host takes what the first could not serve
    s = s.replace(
        "\tfastcgi_read_timeout 60s;\n",
        "\tfastcgi_read_timeout 60s;\n"
        "\t# cluster: a request that could not reach an instance (refused,\n"
        "\t# reset before a reply, timed out) goes to the other app host —\n"
        "\t# idempotent requests only, and POST /api/orders (below)\n"
        "\tfastcgi_next_upstream error timeout;\n"
        "\tfastcgi_next_upstream_tries 2;\n"
        "\tfastcgi_next_upstream_timeout 15s;\n", 1)
    orders = "\t\tlocation ^~ /api/orders {\n"
    if orders not in s:
        sys.exit("cluster_nginx: no /api/orders location in the template")
    s = s.replace(
        orders,
        "\t\t# placing an order: resent to the other app host even after it\n"
        "\t\t# was sent, since the Idempotency-Key makes that safe\n"
        "\t\tlocation = /api/orders {\n"
        "\t\t\tfastcgi_next_upstream error timeout non_idempotent;\n"
        "\t\t\tinclude @CONF@/fastcgi-voucher.conf;\n"
        "\t\t\tfastcgi_pass ordering;\n"
        "\t\t}\n" + orders, 1)
    for k, v in subst.items():
        s = s.replace(k, v)
    left = re.findall(r"@[A-Z_]+@", s)
    if left:
        sys.exit(f"cluster_nginx: placeholders left: {sorted(set(left))}")
    sys.stdout.write(s)


if __name__ == "__main__":
    main()
