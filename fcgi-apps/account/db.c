/*
 * db.c - all SQL of the account program, by statement id (account.h).
 * Every statement is prepared once per connection by the shared layer.
 */
#include "account.h"
#include "orders.h"

#define ENTERPRISE_COLS \
	"e.id, e.name, e.uscc, e.tier, e.size_class, e.beijing_registered," \
	" e.is_enterprise, e.credit_flagged, e.credit_source," \
	" e.credit_checked_on, e.barred_until, e.created_at, e.updated_at," \
	" (SELECT MIN(a.login) FROM accounts a WHERE a.enterprise_id = e.id)" \
	" AS login, q.cap AS quota_cap," \
	" " QUOTA_EFFECTIVE_OCCUPIED("q") " AS quota_occupied," \
	" e.credit_list_until" \
	" FROM enterprises e LEFT JOIN enterprise_quota q" \
	" ON q.enterprise_id = e.id AND q.year = ?"

#define PROVIDER_COLS \
	"p.id, p.name, p.uscc, p.beijing_registered, p.main_body_beijing," \
	" p.has_premises, p.established_on, p.credit_flagged, p.credit_source," \
	" p.credit_checked_on, p.barred_until, p.last_year_contracts," \
	" p.last_year_revenue, p.created_at, p.updated_at," \
	" (SELECT MIN(a.login) FROM accounts a WHERE a.provider_id = p.id)" \
	" AS login," \
	" (SELECT COUNT(*) FROM products x WHERE x.provider_id = p.id" \
	"  AND x.listed = 1) AS listed_products" \
	" FROM providers p"

/* q: NULL, or a LIKE pattern plus the exact code */
#define ORG_FILTER(t) \
	" WHERE (? IS NULL OR " t ".name LIKE ? OR " t ".uscc = ?)"

const struct db_stmt account_stmts[STMT__MAX] = {
	/* STMT_ACCOUNT_BY_LOGIN: login */
	DB_STMT(STMT_ACCOUNT_BY_LOGIN,
	"SELECT id, password_hash, role, disabled, enterprise_id, provider_id,"
	" org_id, member_role FROM accounts WHERE login = ?"),
	/* STMT_SESSION_INSERT */
	DB_STMT(STMT_SESSION_INSERT,
	"INSERT INTO sessions (token_hash, account_id, csrf_token, created_at,"
	" last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"),
	DB_STMT(STMT_ACCOUNT_LOGGED_IN,
	"UPDATE accounts SET last_login_at = ? WHERE id = ?"),
	/* STMT_ME_ENTERPRISE: now, now, year, enterprise id (O3 at now) */
	DB_STMT(STMT_ME_ENTERPRISE,
	"SELECT e.id, e.name, e.tier, e.size_class, e.beijing_registered,"
	" e.is_enterprise, e.credit_flagged, e.barred_until, q.cap, "
	QUOTA_EFFECTIVE_OCCUPIED("q") ", e.credit_list_until"
	" FROM enterprises e LEFT JOIN enterprise_quota q"
	" ON q.enterprise_id = e.id AND q.year = ? WHERE e.id = ?"),
	DB_STMT(STMT_ME_PROVIDER,
	"SELECT id, name, barred_until FROM providers WHERE id = ?"),

	/* STMT_ENTERPRISE_LIST: now, now, year, q, like, q, limit, offset */
	DB_STMT(STMT_ENTERPRISE_LIST,
	"SELECT " ENTERPRISE_COLS ORG_FILTER("e")
	" ORDER BY e.id LIMIT ? OFFSET ?"),
	DB_STMT(STMT_ENTERPRISE_COUNT,
	"SELECT COUNT(*) FROM enterprises e" ORG_FILTER("e")),
	/* STMT_ENTERPRISE_GET: now, now, year, id */
	DB_STMT(STMT_ENTERPRISE_GET,
	"SELECT " ENTERPRISE_COLS " WHERE e.id = ?"),
	/* STMT_ENTERPRISE_LOCK: now, now, year, id */
	DB_STMT(STMT_ENTERPRISE_LOCK,
	"SELECT " ENTERPRISE_COLS " WHERE e.id = ? FOR UPDATE"),
	DB_STMT(STMT_ENTERPRISE_INSERT,
	"INSERT INTO enterprises (name, uscc, tier, size_class,"
	" beijing_registered, is_enterprise, credit_flagged, credit_source,"
	" credit_checked_on, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
	DB_STMT(STMT_ENTERPRISE_UPDATE,
	"UPDATE enterprises SET name = ?, tier = ?, size_class = ?,"
	" beijing_registered = ?, is_enterprise = ?, credit_flagged = ?,"
	" credit_source = ?, credit_checked_on = ?, updated_at = ?"
	" WHERE id = ?"),
	/* STMT_QUOTA_SET_CAP: cap, enterprise, from year (E7; E8: what is
	 * occupied stays, available = max(0, cap - occupied)) */
	DB_STMT(STMT_QUOTA_SET_CAP,
	"UPDATE enterprise_quota SET cap = ?"
	" WHERE enterprise_id = ? AND year >= ?"),
	DB_STMT(STMT_ACCOUNT_INSERT,
	"INSERT INTO accounts (login, password_hash, role, enterprise_id,"
	" provider_id, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
	DB_STMT(STMT_LOGIN_EXISTS,
	"SELECT id FROM accounts WHERE login = ?"),
	DB_STMT(STMT_ENTERPRISE_USCC_EXISTS,
	"SELECT id FROM enterprises WHERE uscc = ?"),

	/* STMT_PROVIDER_LIST: q, like, q, limit, offset */
	DB_STMT(STMT_PROVIDER_LIST,
	"SELECT " PROVIDER_COLS ORG_FILTER("p") " ORDER BY p.id LIMIT ? OFFSET ?"),
	DB_STMT(STMT_PROVIDER_COUNT,
	"SELECT COUNT(*) FROM providers p" ORG_FILTER("p")),
	DB_STMT(STMT_PROVIDER_GET,
	"SELECT " PROVIDER_COLS " WHERE p.id = ?"),
	DB_STMT(STMT_PROVIDER_LOCK,
	"SELECT " PROVIDER_COLS " WHERE p.id = ? FOR UPDATE"),
	DB_STMT(STMT_PROVIDER_INSERT,
	"INSERT INTO providers (name, uscc, beijing_registered,"
	" main_body_beijing, has_premises, established_on, credit_flagged,"
	" credit_source, credit_checked_on, last_year_contracts,"
	" last_year_revenue, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
	DB_STMT(STMT_PROVIDER_UPDATE,
	"UPDATE providers SET name = ?, beijing_registered = ?,"
	" main_body_beijing = ?, has_premises = ?, established_on = ?,"
	" credit_flagged = ?, credit_source = ?, credit_checked_on = ?,"
	" last_year_contracts = ?, last_year_revenue = ?, updated_at = ?"
	" WHERE id = ?"),
	DB_STMT(STMT_PROVIDER_USCC_EXISTS,
	"SELECT id FROM providers WHERE uscc = ?"),
};
