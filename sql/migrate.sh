#!/usr/bin/env bash
# migrate.sh - bring the voucher database up to date, then apply the grants.
#
#   sql/migrate.sh [--demo]
#
# Environment:
#   MARIADB                 admin client command line (default: "mariadb"),
#                           e.g. "mariadb --socket=/run/mysqld/mysqld.sock -uroot"
#   VOUCHER_DB_NAME         database           (default: voucher)
#   VOUCHER_DB_PASSWORD_<NAME>  the password of program NAME's user
#                           voucher_<name> (NAME: ACCOUNT, CATALOG,
#                           COLLECTION, ORDERING, OVERSIGHT, PROVIDER,
#                           PUBLICITY, REDEMPTION, REGISTRATION, and CTL
#                           for voucherctl;
#                           default: voucher_<name>_dev)
#   VOUCHER_DB_RO_USER      read-only user     (default: voucher_ro)
#   VOUCHER_DB_RO_PASSWORD  its password       (default: voucher_ro_dev)
#
# What it does, in order:
#   1. creates the database if missing (utf8mb4 / utf8mb4_unicode_ci) and its
#      schema_migrations table;
#   2. refuses (exit 1) if any already-applied migration file changed (sha256);
#   3. applies every sql/migrations/NNN_*.sql not yet applied, in order, each
#      recorded in schema_migrations with its sha256 by the same client
#      session (so a failing file is not recorded), one line printed per file;
#   4. applies sql/grants.sql with its placeholders substituted: one user per
#      program and voucherctl, each with only its own grants;
#   5. with --demo: loads sql/demo/demo.sql if the accounts table is empty.
# Running it again is a no-op apart from the grants (re-applied every time).
set -euo pipefail
export LC_ALL=C

SQL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MIG_DIR=$SQL_DIR/migrations
GRANTS=$SQL_DIR/grants.sql
DEMO=$SQL_DIR/demo/demo.sql

die() { printf 'migrate: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

want_demo=0
for arg in "$@"; do
	case $arg in
	--demo) want_demo=1 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $arg" ;;
	esac
done

DB=${VOUCHER_DB_NAME:-voucher}
RO_USER=${VOUCHER_DB_RO_USER:-voucher_ro}
RO_PASSWORD=${VOUCHER_DB_RO_PASSWORD:-voucher_ro_dev}
# the database users of grants.sql besides the read-only one: every
# program (fcgi-apps/<name>) and voucherctl (ctl), user voucher_<name>
USERS=(account catalog collection ordering oversight provider publicity redemption registration ctl)

# Names go into SQL unquoted by any API: allow only plain identifiers.
[[ $DB =~ ^[A-Za-z0-9_]{1,64}$ ]] || die "VOUCHER_DB_NAME must match [A-Za-z0-9_]{1,64}: '$DB'"
[[ $RO_USER =~ ^[A-Za-z0-9_]{1,80}$ ]] || die "VOUCHER_DB_RO_USER must match [A-Za-z0-9_]{1,80}: '$RO_USER'"
[[ -n $RO_PASSWORD ]] || die "passwords must not be empty"
for name in "${USERS[@]}"; do
	[[ voucher_$name != "$RO_USER" ]] || die "VOUCHER_DB_RO_USER must not be a program's user: '$RO_USER'"
done

# The password of program name's user: VOUCHER_DB_PASSWORD_<NAME>.
user_password() {
	local var=VOUCHER_DB_PASSWORD_${1^^}
	printf '%s' "${!var:-voucher_${1}_dev}"
}

read -r -a CLIENT <<<"${MARIADB:-mariadb}"
((${#CLIENT[@]})) || die "MARIADB is empty"
command -v "${CLIENT[0]}" >/dev/null || die "client not found: ${CLIENT[0]} (set MARIADB)"

# sql [client args...]: the admin client, utf8mb4, tab-separated, no headers;
# reads SQL from stdin unless -e is given; stops at the first error.
sql() { "${CLIENT[@]}" --default-character-set=utf8mb4 --batch --skip-column-names "$@"; }

# One runner at a time per database on this host.
if command -v flock >/dev/null; then
	lock=${TMPDIR:-/tmp}/voucher-migrate-$DB.lock
	exec 9>>"$lock"
	flock -w 300 9 || die "another migrate.sh holds $lock"
fi

sql -e "SELECT 1" >/dev/null || die "cannot connect with: ${CLIENT[*]}"

# 1. database and migration record
sql -e "CREATE DATABASE IF NOT EXISTS \`$DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
sql "$DB" -e "CREATE TABLE IF NOT EXISTS schema_migrations (
	version     VARCHAR(64) NOT NULL,
	sha256      CHAR(64)    NOT NULL,
	applied_at  DATETIME    NOT NULL,
	PRIMARY KEY (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"

declare -A applied=()
while IFS=$'\t' read -r version hash; do
	[[ -n $version ]] && applied[$version]=$hash
done < <(sql "$DB" -e "SELECT version, sha256 FROM schema_migrations ORDER BY version")

sha256_of() { sha256sum -- "$1" | awk '{print $1}'; }

shopt -s nullglob
files=("$MIG_DIR"/[0-9][0-9][0-9]_*.sql)
shopt -u nullglob
((${#files[@]})) || die "no migrations in $MIG_DIR"

# 2. every applied file must be unchanged, before anything is applied
declare -A present=()
for f in "${files[@]}"; do
	version=$(basename "$f" .sql)
	[[ $version =~ ^[0-9]{3}_[A-Za-z0-9_]{1,60}$ ]] || die "bad migration file name: $f"
	present[$version]=1
	if [[ -n ${applied[$version]:-} ]]; then
		hash=$(sha256_of "$f")
		if [[ $hash != "${applied[$version]}" ]]; then
			die "migration $version was applied with sha256 ${applied[$version]} but $f now has sha256 $hash: an applied migration must never change; restore it and add a new NNN_*.sql instead"
		fi
	fi
done
for version in "${!applied[@]}"; do
	[[ -n ${present[$version]:-} ]] ||
		printf 'migrate: warning: %s is recorded as applied but its file is missing\n' "$version" >&2
done

# 3. apply the pending ones, in order
count=0
for f in "${files[@]}"; do
	version=$(basename "$f" .sql)
	[[ -z ${applied[$version]:-} ]] || continue
	hash=$(sha256_of "$f")
	# The record is written by the same session, after the file's last
	# statement: the client stops at the first error, so a failing file is
	# never recorded. (DDL is not transactional: a file failing half-way may
	# leave part of its changes; fix by hand, then rerun.)
	if ! {
		printf 'SET NAMES utf8mb4;\n'
		cat -- "$f"
		printf "\nDELIMITER ;\nINSERT INTO schema_migrations (version, sha256, applied_at) VALUES ('%s', '%s', UTC_TIMESTAMP());\n" \
			"$version" "$hash"
	} | sql "$DB"; then
		die "migration $version FAILED and was not recorded; the database may hold part of it"
	fi
	printf 'applied %s sha256=%s\n' "$version" "$hash"
	count=$((count + 1))
done
((count)) || printf 'migrate: %s is up to date (%d migrations)\n' "$DB" "${#files[@]}"

# 4. grants: substitute the placeholders. Passwords go into '...' literals:
# double every backslash and every single quote.
sql_string() { local s=$1; s=${s//\\/\\\\}; s=${s//\'/\'\'}; printf '%s' "$s"; }
shopt -u patsub_replacement 2>/dev/null || true   # bash 5.2: '&' is literal below
grants=$(<"$GRANTS")
for name in "${USERS[@]}"; do
	pw=$(user_password "$name")
	[[ -n $pw ]] || die "VOUCHER_DB_PASSWORD_${name^^} must not be empty"
	pw=$(sql_string "$pw")
	grants=${grants//@${name^^}_PASSWORD@/"$pw"}
	grants=${grants//@${name^^}_USER@/"voucher_$name"}
done
ro_pw=$(sql_string "$RO_PASSWORD")
grants=${grants//@RO_PASSWORD@/"$ro_pw"}
grants=${grants//@RO_USER@/"$RO_USER"}
grants=${grants//@DB@/"$DB"}
# a user in grants.sql that USERS above does not know
left=$(grep -o '@[A-Z_]*@' <<<"$grants" | sort -u | tr '\n' ' ' || true)
[[ -z $left ]] || die "grants.sql: placeholders left unfilled: $left"
printf '%s\n' "$grants" | sql || die "applying grants.sql failed"
printf 'grants applied: %s (one user each), %s (read-only) on %s\n' \
    "$(printf 'voucher_%s ' "${USERS[@]}")" "$RO_USER" "$DB"

# 5. demo data, only into an empty system
if ((want_demo)); then
	[[ -f $DEMO ]] || die "no demo data: $DEMO (generate it with sql/demo/gen_demo.py)"
	accounts=$(sql "$DB" -e "SELECT COUNT(*) FROM accounts")
	if [[ $accounts == 0 ]]; then
		sql "$DB" <"$DEMO" || die "loading $DEMO failed (rolled back)"
		printf 'demo data loaded from %s\n' "${DEMO#"$SQL_DIR"/}"
	else
		printf 'demo data not loaded: accounts is not empty (%s rows)\n' "$accounts"
	fi
fi
