#!/usr/bin/env bash
# tests/systemd.sh — issue 14.2: `make install` and its systemd units.
# Installs into a scratch directory twice: with PREFIX and SYSCONFDIR
# inside it (so the units name files that exist, and `systemd-analyze
# verify` checks every unit — an instance of each program's template, the
# nginx service, the timers of the sweeper, the outbox sender and the tidy
# and their oneshot services, the target — with no complaint at all; it
# reads unit files offline, systemd need not run), and with DESTDIR (the
# Debian places: /usr, /etc), a second time over an edited setting that
# must survive. Checks each program unit's sandbox and restart settings,
# the timers' schedules (systemd-analyze calendar) and that install
# enables them (systemctl --root is-enabled) and leaves no long-running
# voucherctl loop, and logrotate's configuration (logrotate -d). Uses
# build/$VARIANT (asan). Ends with "N passed, N failed".
# The timers' ExecStart lines are run against a live stack by the
# integration test test_timers_run_the_installed_units_commands.
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
units+=("$U/voucher-nginx.service" "$U/voucher.target")
for task in sweep notify tidy; do
	units+=("$U/voucher-$task.timer" "$U/voucher-$task.service")
done
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
# voucherctl's timers (issue 14.2): each a oneshot service run by its
# timer, with voucherctl's own database user and the programs' sandbox
for t in "sweep 60 *-*-* *:*:00 1s true" "notify 10 *-*-* *:*:00/10 1s false" \
    "tidy 86400 *-*-* 03:30:00 Asia/Shanghai 1min true"; do
	read -r task interval cal <<<"$t"
	cal=${t#"$task $interval "}
	persist=${cal##* }
	cal=${cal% *}
	acc=${cal##* }
	cal=${cal% *}
	s=$U/voucher-$task.service
	tm=$U/voucher-$task.timer
	lack=
	for k in "Type=oneshot" "User=voucher" "NoNewPrivileges=yes" \
	    "ProtectSystem=strict" "PrivateTmp=yes" "SuccessExitStatus=75" \
	    "EnvironmentFile=$P/etc/voucher/common.env" \
	    "EnvironmentFile=$P/etc/voucher/voucherctl.env" \
	    "ExecStart=$P/usr/sbin/voucherctl $task --interval $interval"; do
		grep -qxF -- "$k" "$s" || lack+=" $k"
	done
	grep -qE "^ReadWritePaths=.*-$P/var/lib/voucher-textfile" "$s" || lack+=" ReadWritePaths(heartbeat)"
	grep -qE "^(Restart=|\[Install\])" "$s" && lack+=" (restarts or installs itself: a loop's)"
	grep -q -- "--every" "$s" && lack+=" (--every: a loop)"
	grep -q "^Wants=mariadb" "$s" && lack+=" (Wants=mariadb: would restart a database stopped on purpose)"
	check "voucher-$task.service: one run of voucherctl $task --interval $interval as voucher, voucherctl.env, sandboxed${lack:+ (lacks:$lack)}" \
	    [ -z "$lack" ]
	lack=
	for k in "OnCalendar=$cal" "AccuracySec=$acc" "Persistent=$persist" \
	    "WantedBy=timers.target" "PartOf=voucher.target"; do
		grep -qxF -- "$k" "$tm" || lack+=" $k"
	done
	check "voucher-$task.timer: OnCalendar=$cal, AccuracySec=$acc, Persistent=$persist${lack:+ (lacks:$lack)}" \
	    [ -z "$lack" ]
	c=$(sed -n 's/^OnCalendar=//p' "$tm")
	if [ -n "$c" ] && systemd-analyze calendar "$c" >"$out" 2>&1 &&
	    grep -q "Next elapse" "$out"; then
		ok "systemd-analyze calendar '$c' (voucher-$task.timer): $(sed -n 's/^ *Next elapse: //p' "$out")"
	else
		bad "systemd-analyze calendar '$c' (voucher-$task.timer)"
		cat "$out"
	fi
done
# the outbox sender's next elapses are 10 seconds apart, the sweeper's a
# minute (on the minute)
gaps() {
	systemd-analyze calendar --iterations=3 "$(sed -n 's/^OnCalendar=//p' "$1")" 2>&1 |
	    sed -n 's/^ *\(Next elapse\|Iter\. #[0-9]*\): //p' |
	    while read -r when; do date -d "$when" +%s; done |
	    awk 'NR > 1 { printf "%s%d", sep, $1 - prev; sep = " " } { prev = $1 }'
}
g=$(gaps "$U/voucher-notify.timer")
check "voucher-notify.timer elapses every 10 seconds (gaps: $g)" [ "$g" = "10 10" ]
g=$(gaps "$U/voucher-sweep.timer")
check "voucher-sweep.timer elapses every minute (gaps: $g)" [ "$g" = "60 60" ]
check "voucher.target wants nginx and the three timers (not the old loops)" \
    grep -qx "Wants=voucher-nginx.service voucher-sweep.timer voucher-notify.timer voucher-tidy.timer" \
    "$U/voucher.target"
loops=$(grep -l -e "--every" -e "Restart=always" "$U"/voucher* 2>/dev/null | tr '\n' ' ')
check "no installed unit runs a long-running voucherctl loop${loops:+ (still: $loops)}" [ -z "$loops" ]
lack=
for k in VOUCHER_DB_USER=voucher_ctl VOUCHER_OUTBOX_TRANSPORT=file \
    VOUCHER_OUTBOX_FILE=/var/lib/voucher/outbox.jsonl; do
	grep -qx "$k" "$P/etc/voucher/voucherctl.env" || lack+=" $k"
done
check "voucherctl.env: the user voucher_ctl, the outbox's file transport${lack:+ (lacks:$lack)}" \
    [ -z "$lack" ]
lack=
for p in "${PROGS[@]}"; do
	grep -qx "VOUCHER_DB_USER=voucher_$p" "$P/etc/voucher/$p.env" || lack+=" $p"
done
check "each program's env file names its own database user${lack:+ (not:$lack)}" [ -z "$lack" ]
lack=
for p in "${PROGS[@]}"; do
	if [ "$p" = publicity ]; then
		grep -q "^VOUCHER_SIGNING_KEY=" "$P/etc/voucher/$p.env" || lack+=" $p(missing)"
	else
		grep -q "^VOUCHER_SIGNING_KEY=" "$P/etc/voucher/$p.env" && lack+=" $p"
	fi
done
grep -q "^VOUCHER_SIGNING_KEY=" "$P/etc/voucher/common.env" && lack+=" common.env"
check "the signing key only in publicity.env${lack:+ (also:$lack)}" [ -z "$lack" ]
lack=
for p in "${PROGS[@]}"; do
	grep -q "$p=" "$P/etc/voucher/nginx.env" || lack+=" $p"
done
check "nginx.env's NGX_INSTANCES names every program${lack:+ (not:$lack)}" [ -z "$lack" ]

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
# make install enables the timers (what `systemctl enable` makes), and
# drops the links of the old long-running loops from voucher.target
# (seeded here as an install of before would have left them)
mkdir -p "$D/etc/systemd/system/voucher.target.wants"
for task in sweep notify; do
	ln -sf "/usr/lib/systemd/system/voucher-$task.service" \
	    "$D/etc/systemd/system/voucher.target.wants/voucher-$task.service"
done
make -s -C "$ROOT" install VARIANT="$VARIANT" DESTDIR="$D" >"$out" 2>&1
for task in sweep notify tidy; do
	st=$(systemctl --root="$D" is-enabled "voucher-$task.timer" 2>&1)
	check "make install enables voucher-$task.timer (systemctl --root is-enabled: $st)" \
	    [ "$st" = enabled ]
	st=$(systemctl --root="$D" is-enabled "voucher-$task.service" 2>&1)
	check "voucher-$task.service is started by its timer only (is-enabled: $st)" \
	    [ "$st" = static ]
done
left=$(ls "$D/etc/systemd/system/voucher.target.wants" 2>/dev/null | tr '\n' ' ')
check "the old loops' links from voucher.target are gone${left:+ (left: $left)}" [ -z "$left" ]

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
