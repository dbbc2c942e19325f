#!/usr/bin/env bash
# ops/install.sh BIN — `make install` (issue 14.2): the programs of BIN,
# the site, nginx's template, the SQL, the operators' scripts, systemd's
# units and logrotate's configuration in their Debian places under
# DESTDIR. The settings in /etc/voucher/ are written only when absent
# (never overwritten). README: the production install.
#
# Environment (defaults in brackets): DESTDIR [], PREFIX [/usr],
# SYSCONFDIR [/etc], LOCALSTATEDIR [/var],
# SYSTEMDDIR [$PREFIX/lib/systemd/system].
#
#   $PREFIX/lib/voucher/voucher-<program>   the FastCGI programs
#   $PREFIX/sbin/voucherctl                 the operators' tool
#   $PREFIX/share/voucher/{html,nginx,sql,ops,prometheus}
#   $SYSTEMDDIR/voucher-<program>@.service  one template per program
#   $SYSTEMDDIR/voucher-nginx.service, voucher.target,
#                voucher-{sweep,notify,tidy}.{timer,service}  the timers and
#                their oneshot runs of voucherctl, the timers enabled in
#                $SYSCONFDIR/systemd/system/timers.target.wants/
#   $PREFIX/lib/{sysusers,tmpfiles}.d/voucher.conf   the user, the directories
#   $SYSCONFDIR/logrotate.d/voucher         nginx's logs
#   $SYSCONFDIR/voucher/{common,<program>,voucherctl,nginx}.env
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:?usage: install.sh BIN}
D=${DESTDIR:-}
PREFIX=${PREFIX:-/usr}
SYSCONFDIR=${SYSCONFDIR:-/etc}
LOCALSTATEDIR=${LOCALSTATEDIR:-/var}
SYSTEMDDIR=${SYSTEMDDIR:-$PREFIX/lib/systemd/system}
LIBDIR=$PREFIX/lib/voucher
SBINDIR=$PREFIX/sbin
DATADIR=$PREFIX/share
DOCDIR=$DATADIR/doc/voucher
SHARE=$DATADIR/voucher

PROGS=()
for f in "$BIN"/voucher-*; do
	[ -x "$f" ] && PROGS+=("${f##*/voucher-}")
done
[ ${#PROGS[@]} -gt 0 ] || { echo "install.sh: no programs in $BIN" >&2; exit 1; }

# fill FILE: @…@ of an .in file
fill() {
	sed -e "s|@LIBDIR@|$LIBDIR|g" -e "s|@SBINDIR@|$SBINDIR|g" \
	    -e "s|@SBINDIR_SYS@|/usr/sbin|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" \
	    -e "s|@DATADIR@|$DATADIR|g" -e "s|@DOCDIR@|$DOCDIR|g" \
	    -e "s|@LOCALSTATEDIR@|$LOCALSTATEDIR|g" -e "s|@PREFIX@|$PREFIX|g" \
	    "$@"
}

# a settings file, only when absent: readable by root and the programs' group
conf() {
	local dest=$D$SYSCONFDIR/voucher/$1
	if [ -e "$dest" ]; then
		echo "kept $SYSCONFDIR/voucher/$1"
		cat >/dev/null
		return
	fi
	cat >"$dest"
	chmod 0640 "$dest"
	if [ -z "$D" ] && getent group voucher >/dev/null; then
		chgrp voucher "$dest"
	fi
}

install -d "$D$LIBDIR" "$D$SBINDIR" "$D$SHARE/nginx" "$D$SHARE/sql/migrations" \
    "$D$SHARE/ops" "$D$DOCDIR" "$D$SYSTEMDDIR" "$D$PREFIX/lib/sysusers.d" \
    "$D$PREFIX/lib/tmpfiles.d" "$D$SYSCONFDIR/logrotate.d"
install -d -m 0750 "$D$SYSCONFDIR/voucher"

for p in "${PROGS[@]}"; do
	install -m 0755 "$BIN/voucher-$p" "$D$LIBDIR/"
done
install -m 0755 "$BIN/voucherctl" "$D$SBINDIR/"

install -m 0644 "$ROOT"/nginx/voucher.conf.tmpl "$ROOT"/nginx/*.conf "$D$SHARE/nginx/"
VOUCHER_PROGRAMS="${PROGS[*]}" python3 "$ROOT/ops/site.py" "$ROOT/nginx/html" "$D$SHARE/html"
# the API described, served at /api/openapi.json (openapi/build.py)
python3 "$ROOT/openapi/build.py" "$D$SHARE/html/api/openapi.json"
install -m 0755 "$ROOT/sql/migrate.sh" "$D$SHARE/sql/"
install -m 0644 "$ROOT/sql/grants.sql" "$D$SHARE/sql/"
install -m 0644 "$ROOT"/sql/migrations/*.sql "$D$SHARE/sql/migrations/"
install -m 0755 "$ROOT"/ops/nginx-conf.sh "$ROOT"/ops/backup.sh \
    "$ROOT"/ops/restore.sh "$ROOT"/ops/site.py "$D$SHARE/ops/"
cp -r "$ROOT/ops/prometheus" "$D$SHARE/"
install -m 0644 "$ROOT/README.md" "$D$DOCDIR/"

S=$ROOT/ops/systemd
for p in "${PROGS[@]}"; do
	fill -e "s|@PROG@|$p|g" "$S/voucher-program@.service.in" \
	    >"$D$SYSTEMDDIR/voucher-$p@.service"
done
fill "$S/voucher-nginx.service.in" >"$D$SYSTEMDDIR/voucher-nginx.service"
# voucherctl's timers, each starting one oneshot run (Type=oneshot) of
# its service: TASK|INTERVAL (seconds, the heartbeat's)|CALENDAR|ACCURACY|
# PERSISTENT|TIMEOUT|WRITABLE PATHS|WHAT|WHEN|WHY THE ACCURACY
TV=$LOCALSTATEDIR/lib/voucher-textfile
for t in \
    "sweep|60|*-*-* *:*:00|1s|true|10min|-$TV|the O4/O6/C2 time rules, reminders|every minute, on the minute|1s, as the O4/O6/C2 deadlines are to the minute" \
    "notify|10|*-*-* *:*:00/10|1s|false|10min|-$LOCALSTATEDIR/lib/voucher/outbox.jsonl -$TV|the outbox of messages|every 10 seconds|1s, or a code could wait a minute instead of 10 seconds" \
    "tidy|86400|*-*-* 03:30:00 Asia/Shanghai|1min|true|1h|$LOCALSTATEDIR/lib/voucher/files -$TV|retention purges, stray uploads|daily at 03:30 Beijing time|a minute is close enough for a daily purge"; do
	IFS='|' read -r task interval cal acc persist timeout rw what when why <<<"$t"
	for kind in service timer; do
		fill -e "s|@TASK@|$task|g" -e "s|@INTERVAL@|$interval|g" \
		    -e "s|@CALENDAR@|$cal|g" -e "s|@ACCURACY@|$acc|g" \
		    -e "s|@PERSISTENT@|$persist|g" -e "s|@TIMEOUT@|$timeout|g" \
		    -e "s|@RW@|$rw|g" \
		    -e "s|@WHAT@|$what|g" -e "s|@WHEN@|$when|g" \
		    -e "s|@ACCURACY_WHY@|$why|g" \
		    "$S/voucher-task.$kind.in" >"$D$SYSTEMDDIR/voucher-$task.$kind"
	done
done
# enabled, as `systemctl enable` does for WantedBy=timers.target (offline:
# DESTDIR, a package build); the long-running loops of before are gone
# (the same names, now oneshot) and so are their links from voucher.target
W=$D$SYSCONFDIR/systemd/system
install -d "$W/timers.target.wants"
for task in sweep notify tidy; do
	ln -sfn "$SYSTEMDDIR/voucher-$task.timer" "$W/timers.target.wants/voucher-$task.timer"
	rm -f "$W/voucher.target.wants/voucher-$task.service"
done
install -m 0644 "$S/voucher.target" "$D$SYSTEMDDIR/"
chmod 0644 "$D$SYSTEMDDIR"/voucher*
fill "$S/voucher.sysusers" >"$D$PREFIX/lib/sysusers.d/voucher.conf"
fill "$S/voucher.tmpfiles" >"$D$PREFIX/lib/tmpfiles.d/voucher.conf"
install -m 0644 "$S/voucher.logrotate" "$D$SYSCONFDIR/logrotate.d/voucher"

conf common.env <"$ROOT/ops/etc/common.env"
for p in "${PROGS[@]}"; do
	{
		sed -e "s|@PROG@|$p|g" -e "s|@PROG_UPPER@|${p^^}|g" "$ROOT/ops/etc/program.env.in"
		# the key that signs the publicity lists: only the program that signs
		if [ "$p" = publicity ]; then
			echo "VOUCHER_SIGNING_KEY=$LOCALSTATEDIR/lib/voucher/keys/publicity-ed25519.pem"
		fi
	} | conf "$p.env"
done
conf voucherctl.env <"$ROOT/ops/etc/voucherctl.env"
fill "$ROOT/ops/etc/nginx.env.in" | conf nginx.env
echo "installed under ${D:-/} (PREFIX=$PREFIX): README, the production install"
