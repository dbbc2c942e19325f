#!/usr/bin/env bash
# tests/systemd.sh — issue 14.2: `make install` and its systemd units.
# Installs into a scratch directory twice: with PREFIX and SYSCONFDIR
# inside it (so the units name files that exist, and `systemd-analyze
# verify` checks every unit — an instance of each program's template, the
# nginx service, the sweep and notify services and timers, the target —
# with no complaint at all; it reads unit files offline, systemd need not
# run), and with DESTDIR (the Debian places: /usr, /etc), a second time
# over an edited setting that must survive. Checks each program unit's
# sandbox and restart settings, and logrotate's configuration
# (logrotate -d). Uses build/$VARIANT (asan). Ends with "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VARIANT=${VOUCHER_INSTALL_VARIANT:-asan}
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

T=$(mktemp -d /tmp/voucher-systemd.XXXXXX)
trap 'rm -rf "$T"' EXIT
out=$T/out

PROGS=()
for f in "$ROOT/build/$VARIANT/bin"/voucher-*; do
	[ -x "$f" ] && PROGS+=("${f##*/voucher-}")
done

# 1. in a prefix of its own
P=$T/prefix
if make -s -C "$ROOT" install VARIANT="$VARIANT" PREFIX="$P/usr" \
    SYSCONFDIR="$P/etc" LOCALSTATEDIR="$P/var" >"$out" 2>&1; then
	ok "make install PREFIX=… SYSCONFDIR=…"
else
	bad "make install PREFIX=… SYSCONFDIR=…"
	cat "$out"
fi
U=$P/usr/lib/systemd/system
missing=
for f in "${PROGS[@]/#/usr/lib/voucher/voucher-}" usr/sbin/voucherctl \
    usr/share/voucher/html/index.html usr/share/voucher/nginx/voucher.conf.tmpl \
    usr/share/voucher/nginx/fastcgi-voucher.conf usr/share/voucher/sql/migrate.sh \
    usr/share/voucher/sql/grants.sql usr/share/voucher/ops/nginx-conf.sh \
    usr/share/voucher/ops/backup.sh usr/share/voucher/ops/restore.sh \
    usr/lib/sysusers.d/voucher.conf usr/lib/tmpfiles.d/voucher.conf \
    etc/logrotate.d/voucher etc/voucher/common.env etc/voucher/nginx.env \
    etc/voucher/voucherctl.env "${PROGS[@]/#/etc/voucher/}"; do
	case $f in etc/voucher/*[!v]) f=$f.env ;; esac
	[ -e "$P/$f" ] || missing+=" $f"
done
check "installed: programs, voucherctl, site, nginx template, SQL, ops scripts, settings${missing:+ (missing:$missing)}" \
    [ -z "$missing" ]

units=()
for p in "${PROGS[@]}"; do
	# an instance of the template: voucher-<program>@1
	ln -sf "voucher-$p@.service" "$U/voucher-$p@1.service"
	units+=("$U/voucher-$p@1.service")
done
units+=("$U/voucher-nginx.service" "$U/voucher-sweep.service" "$U/voucher-sweep.timer"
    "$U/voucher-notify.service" "$U/voucher-notify.timer" "$U/voucher.target")
for u in "${units[@]}"; do
	if [ ! -e "$u" ]; then
		bad "systemd-analyze verify ${u##*/}: not installed"
	elif systemd-analyze verify "$u" >"$out" 2>&1 && [ ! -s "$out" ]; then
		ok "systemd-analyze verify ${u##*/}"
	else
		bad "systemd-analyze verify ${u##*/}"
		cat "$out"
	fi
done

for p in "${PROGS[@]}"; do
	u=$U/voucher-$p@.service
	lack=
	for k in "User=voucher" "SupplementaryGroups=www-data" "NoNewPrivileges=yes" \
	    "ProtectSystem=strict" "PrivateTmp=yes" "Restart=on-failure" \
	    "EnvironmentFile=$P/etc/voucher/common.env" \
	    "EnvironmentFile=$P/etc/voucher/$p.env" \
	    "Environment=VOUCHER_LISTEN=/run/voucher/$p-%i.sock VOUCHER_SOCKET_GROUP=www-data" \
	    "ExecStart=$P/usr/lib/voucher/voucher-$p"; do
		grep -qxF -- "$k" "$u" || lack+=" $k"
	done
	grep -qE "^ReadWritePaths=.*/var/lib/voucher/files" "$u" || lack+=" ReadWritePaths(files)"
	check "voucher-$p@.service: own user, socket group, sandbox, restart, its env file${lack:+ (lacks:$lack)}" \
	    [ -z "$lack" ]
done
for t in sweep notify; do
	check "voucher-$t.timer runs voucherctl $t every minute" \
	    grep -qx "ExecStart=$P/usr/sbin/voucherctl $t" "$U/voucher-$t.service"
done

if command -v logrotate >/dev/null; then
	if logrotate -d -s "$T/logrotate.state" "$P/etc/logrotate.d/voucher" >"$out" 2>&1 &&
	    ! grep -qi "error" "$out" && grep -q "USR1" "$P/etc/logrotate.d/voucher"; then
		ok "logrotate -d /etc/logrotate.d/voucher (nginx reopens on USR1)"
	else
		bad "logrotate -d /etc/logrotate.d/voucher"
		cat "$out"
	fi
else
	bad "logrotate is not installed (ops/deps.sh)"
fi

# 2. with DESTDIR: the Debian places; settings never overwritten
D=$T/dest
make -s -C "$ROOT" install VARIANT="$VARIANT" DESTDIR="$D" >"$out" 2>&1 ||
    { bad "make install DESTDIR=…"; cat "$out"; }
check "DESTDIR: units in /usr/lib/systemd/system name /usr/lib/voucher and /etc/voucher" \
    grep -qx "ExecStart=/usr/lib/voucher/voucher-catalog" "$D/usr/lib/systemd/system/voucher-catalog@.service"
echo "VOUCHER_DB_PASSWORD=edited" >>"$D/etc/voucher/catalog.env"
make -s -C "$ROOT" install VARIANT="$VARIANT" DESTDIR="$D" >"$out" 2>&1
check "a second make install keeps the edited /etc/voucher/catalog.env" \
    grep -qx "VOUCHER_DB_PASSWORD=edited" "$D/etc/voucher/catalog.env"
check "the settings are not world-readable (passwords)" \
    [ "$(stat -c %a "$D/etc/voucher/catalog.env")" = 640 ]

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
