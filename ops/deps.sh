#!/usr/bin/env bash
# Installs the Debian packages the project needs that are missing, and
# nothing else. Used by `make run`, `make test`, `make bench` and .ci/run.
# `ops/deps.sh bench` (make bench) adds what only the benchmark needs: the
# PHP-FPM peer of the catalog list (tests/bench/peers/).
set -euo pipefail

PKGS=(
	gcc make pkg-config            # build (gcc's ASan/UBSan/TSan runtimes come with it)
	cppcheck                       # make analyze (with gcc -fanalyzer)
	clang-14 libclang-rt-14-dev    # make fuzz: libFuzzer
	libfcgi-dev libmariadb-dev libjansson-dev libssl-dev
	libxlsxwriter-dev              # the oversight program's .xlsx exports
	mariadb-server mariadb-client  # the private database server
	nginx-light                    # the front
	python3 curl                   # tests and the stack's health checks
	python3-yaml                   # openapi/build.py: the API described
	wrk                            # make bench
	openssl
	systemd logrotate              # make test: systemd-analyze verify, logrotate -d
	chromium                       # make test: the browser journeys
	fonts-wqy-zenhei               # Chinese glyphs in their screenshots
	# ops: backups, monitoring, the cluster test's network namespaces
	mariadb-backup prometheus prometheus-mysqld-exporter
	prometheus-nginx-exporter prometheus-node-exporter iproute2 iputils-arping
)
# make bench only: PHP-FPM 8.2 with mysqli (mysqlnd), the peer of the
# catalog list (tests/bench/peers/list.php); never needed to run or test
[ "${1:-}" = bench ] && PKGS+=(php8.2-fpm php8.2-mysql)
# node and npm run the browser journeys (tests/browser/); a node from
# elsewhere (it bundles npm) is fine, else Debian's
command -v node >/dev/null || PKGS+=(nodejs)
command -v npm >/dev/null || PKGS+=(npm)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing Debian packages: ${missing[*]}" >&2
	echo "install them as root: apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# the packages' own service scripts must not start a system-wide server
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d.voucher
if [ ! -e /usr/sbin/policy-rc.d ]; then
	cp /usr/sbin/policy-rc.d.voucher /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
rm -f /usr/sbin/policy-rc.d.voucher
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
