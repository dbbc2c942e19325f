/*
 * db.c - all SQL of the account program, by statement id (account.h), and
 * the typed functions over it: handlers see row structs, never a result
 * column by number nor a parameter array. Every statement is prepared
 * once per connection by the shared layer.
 */
#include <string.h>

#include "account.h"
#include "lib_sql.h"
#include "orders.h"
#include "search.h"

#define ENTERPRISE_SELECT \
	"e.id, e.name, e.uscc, e.tier, e.size_class, e.beijing_registered," \
	" e.is_enterprise, e.credit_flagged, e.credit_source," \
	" e.credit_checked_on, e.barred_until, e.created_at, e.updated_at," \
	" (SELECT MIN(a.login) FROM accounts a WHERE a.enterprise_id = e.id)" \
	" AS login, q.cap AS quota_cap," \
	" " QUOTA_EFFECTIVE_OCCUPIED("q") " AS quota_occupied," \
	" e.credit_list_until"
#define ENTERPRISE_QUOTA \
	" LEFT JOIN enterprise_quota q ON q.enterprise_id = e.id AND q.year = ?"
#define ENTERPRISE_COLS \
	ENTERPRISE_SELECT " FROM enterprises e" ENTERPRISE_QUOTA

#define PROVIDER_SELECT \
	"p.id, p.name, p.uscc, p.beijing_registered, p.main_body_beijing," \
	" p.has_premises, p.established_on, p.credit_flagged, p.credit_source," \
	" p.credit_checked_on, p.barred_until, p.last_year_contracts," \
	" p.last_year_revenue, p.created_at, p.updated_at," \
	" (SELECT MIN(a.login) FROM accounts a WHERE a.provider_id = p.id)" \
	" AS login," \
	" (SELECT COUNT(*) FROM products x WHERE x.provider_id = p.id" \
	"  AND x.listed = 1) AS listed_products"
#define PROVIDER_COLS PROVIDER_SELECT " FROM providers p"

/* every enterprise, every provider: the totals kept by 004_scale.sql's
 * triggers */
#define ENTERPRISE_TOTAL \
	"(SELECT n FROM row_counts WHERE name = 'enterprises')"
#define PROVIDER_TOTAL \
	"(SELECT n FROM row_counts WHERE name = 'providers')"

/* The ids a search q finds: the names that hold it, through the grams
 * of their own (enterprise_grams, provider_grams: a name's unigrams and
 * bigrams, search.h's key; joined in the order written, from the index),
 * and the unified social credit code equal to it. The page's ids: each
 * way of matching read in id order (the gram's index is) up to the
 * page's end, so a LIMIT stops the read; their union is sorted and paged
 * by the statement around it. Params: g1, g2, like, end, q. */
#define GRAM_NAME_IDS(grams, col, tbl) \
	"SELECT STRAIGHT_JOIN g1." col " AS id FROM " grams " g1" \
	" JOIN " grams " g2 ON g2." col " = g1." col \
	" JOIN " tbl " x ON x.id = g1." col \
	" WHERE g1.gram = ? AND g2.gram = ? AND x.name LIKE ?"
#define GRAM_PAGE_IDS(grams, col, tbl) \
	"(" GRAM_NAME_IDS(grams, col, tbl) " ORDER BY g1." col " LIMIT ?)" \
	" UNION SELECT id FROM " tbl " WHERE uscc = ?"
/* The page's ids when q is one gram (one or two characters): holding
 * the gram is holding q, its index entries in id order alone (no second
 * gram, no name). Params: gram, end, q. */
#define GRAM_PAGE_IDS_SHORT(grams, col, tbl) \
	"(SELECT g1." col " AS id FROM " grams " g1 WHERE g1.gram = ?" \
	" ORDER BY g1." col " LIMIT ?) UNION SELECT id FROM " tbl \
	" WHERE uscc = ?"
/* All the ids, for the count. Params: g1, g2, like, q. */
#define GRAM_MATCH(grams, col, tbl) \
	GRAM_NAME_IDS(grams, col, tbl) " UNION SELECT id FROM " tbl \
	" WHERE uscc = ?"
/* The total when q is one gram: the names holding it, kept per gram by
 * 025_gram_counts.sql's triggers (slots; the gram tables' collation),
 * and the code's match when it is not one of them, no union to
 * materialise; uncorrelated, so that a page carries it as its
 * PAGE_TOTAL_COL (page.h), run once. Params: gram, q, gram. */
#define GRAM_TOTAL_SHORT(counts, grams, col, tbl) \
	"(CAST(COALESCE((SELECT SUM(n) FROM " counts " WHERE gram = ?)," \
	" 0) AS SIGNED)" \
	" + (SELECT COUNT(*) FROM " tbl " x WHERE x.uscc = ? AND NOT EXISTS" \
	" (SELECT 1 FROM " grams " g WHERE g.gram = ? AND g." col " = x.id)))"

const struct db_stmt account_stmts[STMT__MAX] = {
	/* STMT_ACCOUNT_BY_LOGIN: login */
	DB_STMT(STMT_ACCOUNT_BY_LOGIN,
	"SELECT id, password_hash, role, disabled, enterprise_id, provider_id,"
	" org_id, member_role FROM accounts WHERE login = ?"),
	/* STMT_SESSION_INSERT */
	DB_STMT(STMT_SESSION_INSERT,
	"INSERT INTO sessions (token_hash, account_id, csrf_token, created_at,"
	" last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"),
	/* STMT_ACCOUNT_LOGGED_IN: now, id */
	DB_STMT(STMT_ACCOUNT_LOGGED_IN,
	"UPDATE accounts SET last_login_at = ? WHERE id = ?"),
	/* issue 15: known browsers (one row always): token hash */
	DB_STMT(STMT_DEVICE_ACCOUNT,
	"SELECT COALESCE(MAX(account_id), 0) AS account_id FROM login_devices"
	" WHERE token_hash = ?"),
	/* token hash, account, now, now */
	DB_STMT(STMT_DEVICE_INSERT,
	"INSERT INTO login_devices (token_hash, account_id, created_at,"
	" last_used_at) VALUES (?, ?, ?, ?)"),
	/* now, token hash */
	DB_STMT(STMT_DEVICE_TOUCH,
	"UPDATE login_devices SET last_used_at = ? WHERE token_hash = ?"),
	/* STMT_ME_PROVIDER: id */
	DB_STMT(STMT_ME_PROVIDER,
	"SELECT id, name, barred_until FROM providers WHERE id = ?"),

	/* STMT_ENTERPRISE_LIST, carrying the total kept by 004_scale.sql's
	 * trigger: now, now, year, limit, offset */
	DB_STMT(STMT_ENTERPRISE_LIST,
	"SELECT " ENTERPRISE_SELECT ", " ENTERPRISE_TOTAL " AS " PAGE_TOTAL_COL
	" FROM enterprises e" ENTERPRISE_QUOTA " ORDER BY e.id LIMIT ? OFFSET ?"),
	/* the same alone (an empty page past the first) */
	DB_STMT(STMT_ENTERPRISE_COUNT,
	"SELECT " ENTERPRISE_TOTAL " AS n"),
	/* STMT_ENTERPRISE_SEARCH: now, now, g1, g2, like, end, q, year,
	 * limit, offset */
	DB_STMT(STMT_ENTERPRISE_SEARCH,
	"SELECT " ENTERPRISE_SELECT " FROM ("
	GRAM_PAGE_IDS("enterprise_grams", "enterprise_id",
	"enterprises") ") m"
	" JOIN enterprises e ON e.id = m.id" ENTERPRISE_QUOTA
	" ORDER BY e.id LIMIT ? OFFSET ?"),
	/* STMT_ENTERPRISE_SEARCH_SHORT, carrying its total: now, now,
	 * gram, q, gram, gram, end, q, year, limit, offset */
	DB_STMT(STMT_ENTERPRISE_SEARCH_SHORT,
	"SELECT " ENTERPRISE_SELECT ", "
	GRAM_TOTAL_SHORT("enterprise_gram_counts", "enterprise_grams",
	"enterprise_id", "enterprises") " AS " PAGE_TOTAL_COL " FROM ("
	GRAM_PAGE_IDS_SHORT("enterprise_grams", "enterprise_id",
	"enterprises") ") m"
	" JOIN enterprises e ON e.id = m.id" ENTERPRISE_QUOTA
	" ORDER BY e.id LIMIT ? OFFSET ?"),
	/* g1, g2, like, q */
	DB_STMT(STMT_ENTERPRISE_SEARCH_COUNT,
	"SELECT COUNT(*) FROM (" GRAM_MATCH("enterprise_grams", "enterprise_id",
	"enterprises") ") m"),
	/* gram, q, gram */
	DB_STMT(STMT_ENTERPRISE_SEARCH_COUNT_SHORT,
	"SELECT " GRAM_TOTAL_SHORT("enterprise_gram_counts", "enterprise_grams",
	"enterprise_id", "enterprises") " AS n"),
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
	/* STMT_QUOTA_SET_CAP: cap, enterprise, from year (E7, E8: for new
	 * orders only - occupied may stay above a lowered cap, and then
	 * nothing more is reserved: O3's guarded UPDATE) */
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

	/* STMT_PROVIDER_LIST, carrying its total: limit, offset */
	DB_STMT(STMT_PROVIDER_LIST,
	"SELECT " PROVIDER_SELECT ", " PROVIDER_TOTAL " AS " PAGE_TOTAL_COL
	" FROM providers p ORDER BY p.id LIMIT ? OFFSET ?"),
	DB_STMT(STMT_PROVIDER_COUNT,
	"SELECT " PROVIDER_TOTAL " AS n"),
	/* STMT_PROVIDER_SEARCH: g1, g2, like, end, q, limit, offset */
	DB_STMT(STMT_PROVIDER_SEARCH,
	"SELECT " PROVIDER_SELECT " FROM ("
	GRAM_PAGE_IDS("provider_grams", "provider_id", "providers") ") m"
	" JOIN providers p ON p.id = m.id ORDER BY p.id LIMIT ? OFFSET ?"),
	/* STMT_PROVIDER_SEARCH_SHORT, carrying its total: gram, q, gram,
	 * gram, end, q, limit, offset */
	DB_STMT(STMT_PROVIDER_SEARCH_SHORT,
	"SELECT " PROVIDER_SELECT ", "
	GRAM_TOTAL_SHORT("provider_gram_counts", "provider_grams",
	"provider_id", "providers") " AS " PAGE_TOTAL_COL " FROM ("
	GRAM_PAGE_IDS_SHORT("provider_grams", "provider_id", "providers")
	") m JOIN providers p ON p.id = m.id ORDER BY p.id LIMIT ? OFFSET ?"),
	/* g1, g2, like, q */
	DB_STMT(STMT_PROVIDER_SEARCH_COUNT,
	"SELECT COUNT(*) FROM (" GRAM_MATCH("provider_grams", "provider_id",
	"providers") ") m"),
	/* gram, q, gram */
	DB_STMT(STMT_PROVIDER_SEARCH_COUNT_SHORT,
	"SELECT " GRAM_TOTAL_SHORT("provider_gram_counts", "provider_grams",
	"provider_id", "providers") " AS n"),
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

/* A DATE param of y*10000+m*100+d, NULL for 0. */
static struct db_param
date_param(int64_t ymd)
{
	return ymd != 0 ? DB_DATE(ymd / 10000, ymd / 100 % 100, ymd % 100) :
	    DB_NULLP;
}

/* An id param, NULL for 0. */
static struct db_param
id_param(int64_t id)
{
	return id != 0 ? DB_I64(id) : DB_NULLP;
}

/* ---- accounts and sessions ------------------------------------------ */

static const struct db_col account_cols[] = {
	DB_COL(struct account_row, id),
	DB_COL(struct account_row, password_hash),
	DB_COL(struct account_row, role),
	DB_COL(struct account_row, disabled),
	DB_COL(struct account_row, enterprise_id),
	DB_COL(struct account_row, provider_id),
	DB_COL(struct account_row, org_id),
	DB_COL(struct account_row, member_role),
};
static const struct db_rowmap account_map = DB_ROWMAP(struct account_row,
    account_cols);

int
db_account_by_login(struct db *db, const char *login, struct account_row *out,
    struct db_res **keep)
{
	return db_one(db, STMT_ACCOUNT_BY_LOGIN, DB_ARGS(DB_STR(login)),
	    &account_map, out, keep);
}

int
db_session_insert(struct db *db, const unsigned char token_hash[32],
    int64_t account_id, const char *csrf, time_t now, time_t expires)
{
	return db_dml(db, STMT_SESSION_INSERT, DB_ARGS(DB_BLOB(token_hash, 32),
	    DB_I64(account_id), DB_STR(csrf), DB_TIME(now), DB_TIME(now),
	    DB_TIME(expires)), NULL);
}

int
db_account_logged_in(struct db *db, int64_t id, time_t now)
{
	return db_dml(db, STMT_ACCOUNT_LOGGED_IN, DB_ARGS(DB_TIME(now),
	    DB_I64(id)), NULL);
}

int
db_device_account(struct db *db, const unsigned char token_hash[32],
    int64_t *account_id)
{
	return db_scalar(db, STMT_DEVICE_ACCOUNT, DB_ARGS(DB_BLOB(token_hash,
	    32)), account_id);
}

int
db_device_insert(struct db *db, const unsigned char token_hash[32],
    int64_t account_id, time_t now)
{
	return db_dml(db, STMT_DEVICE_INSERT, DB_ARGS(DB_BLOB(token_hash, 32),
	    DB_I64(account_id), DB_TIME(now), DB_TIME(now)), NULL);
}

int
db_device_touch(struct db *db, const unsigned char token_hash[32], time_t now)
{
	int rc = db_dml(db, STMT_DEVICE_TOUCH, DB_ARGS(DB_TIME(now),
	    DB_BLOB(token_hash, 32)), NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

int
db_session_delete(struct db *db, const unsigned char token_hash[32])
{
	return db_dml(db, DBS_SESSION_DELETE, DB_ARGS(DB_BLOB(token_hash, 32)),
	    NULL);
}

int
db_account_insert(struct db *db, const char *login, const char *hash,
    const char *role, int64_t enterprise_id, int64_t provider_id, time_t now)
{
	return db_dml(db, STMT_ACCOUNT_INSERT, DB_ARGS(DB_STR(login),
	    DB_STR(hash), DB_STR(role), id_param(enterprise_id),
	    id_param(provider_id), DB_TIME(now)), NULL);
}

/* DB_OK when SELECT id has a row for s, DB_NOTFOUND when not. */
static int
db_exists(struct db *db, int id, const char *s)
{
	struct db_res *res = NULL;
	int rc = db_query(db, id, DB_ARGS(DB_STR(s)), &res);

	db_res_free(res);
	return rc;
}

int
db_login_taken(struct db *db, const char *login)
{
	return db_exists(db, STMT_LOGIN_EXISTS, login);
}

int
db_uscc_taken(struct db *db, bool provider, const char *uscc)
{
	return db_exists(db, provider ? STMT_PROVIDER_USCC_EXISTS :
	    STMT_ENTERPRISE_USCC_EXISTS, uscc);
}

/* ---- enterprises ---------------------------------------------------- */

static const struct db_col enterprise_cols[] = {
	DB_COL(struct enterprise_row, id),
	DB_COL(struct enterprise_row, name),
	DB_COL(struct enterprise_row, uscc),
	DB_COL(struct enterprise_row, tier),
	DB_COL(struct enterprise_row, size_class),
	DB_COL(struct enterprise_row, beijing_registered),
	DB_COL(struct enterprise_row, is_enterprise),
	DB_COL(struct enterprise_row, credit_flagged),
	DB_COL(struct enterprise_row, credit_source),
	DB_COL(struct enterprise_row, credit_checked_on),
	DB_COL_AS(struct enterprise_row, credit_checked_ymd,
	    "credit_checked_on"),
	DB_COL(struct enterprise_row, barred_until),
	DB_COL(struct enterprise_row, credit_list_until),
	DB_COL(struct enterprise_row, created_at),
	DB_COL(struct enterprise_row, updated_at),
	DB_COL(struct enterprise_row, login),
	DB_COL(struct enterprise_row, quota_cap),
	DB_COL(struct enterprise_row, quota_occupied),
	DB_COL_NULL(struct enterprise_row, no_quota, "quota_cap"),
};
static const struct db_rowmap enterprise_map =
    DB_ROWMAP(struct enterprise_row, enterprise_cols);

int
db_enterprise_get(struct db *db, int64_t id, int year, time_t now, bool lock,
    struct enterprise_row *out, struct db_res **keep)
{
	return db_one(db, lock ? STMT_ENTERPRISE_LOCK : STMT_ENTERPRISE_GET,
	    DB_ARGS(DB_TIME(now), DB_TIME(now), DB_I64(year), DB_I64(id)),
	    &enterprise_map, out, keep);
}

/* The caller's typed callback behind page_list_rows' untyped one. */
struct enterprise_page_ctx {
	enterprise_json_fn fn;
	void              *ctx;
};

static json_t *
enterprise_page_row(void *arg, const void *row)
{
	const struct enterprise_page_ctx *c = arg;

	return c->fn(c->ctx, row);
}

/* The search key of q; empty grams (they match nothing) when q is not
 * UTF-8 (refused before here). */
static void
key_of(const char *q, struct search_key *k)
{
	if (search_key(q, k) < 0)
		memset(k, 0, sizeof(*k));
}

json_t *
db_enterprise_page(struct db *db, const char *q, const char *like, int year,
    time_t now, int64_t page, int64_t per_page, enterprise_json_fn fn,
    void *ctx, int *rc)
{
	struct enterprise_page_ctx c = { fn, ctx };
	struct search_key k;

	if (q == NULL)
		return page_list_rows_total(db, STMT_ENTERPRISE_LIST,
		    DB_ARGS(DB_TIME(now), DB_TIME(now), DB_I64(year)),
		    STMT_ENTERPRISE_COUNT, DB_NOARGS, page, per_page,
		    &enterprise_map, enterprise_page_row, &c, rc);
	key_of(q, &k);
	/* one gram: neither the page nor its total needs the name */
	if (search_key_is_query(&k, q))
		return page_list_rows_total(db, STMT_ENTERPRISE_SEARCH_SHORT,
		    DB_ARGS(DB_TIME(now), DB_TIME(now), DB_STR(k.g1), DB_STR(q),
		    DB_STR(k.g1), DB_STR(k.g1), DB_I64(page * per_page),
		    DB_STR(q), DB_I64(year)),
		    STMT_ENTERPRISE_SEARCH_COUNT_SHORT,
		    DB_ARGS(DB_STR(k.g1), DB_STR(q), DB_STR(k.g1)), page,
		    per_page, &enterprise_map, enterprise_page_row, &c, rc);
	return page_list_rows(db, STMT_ENTERPRISE_SEARCH, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_STR(k.g1), DB_STR(k.g2), DB_STR(like),
	    DB_I64(page * per_page), DB_STR(q), DB_I64(year)),
	    STMT_ENTERPRISE_SEARCH_COUNT, DB_ARGS(DB_STR(k.g1), DB_STR(k.g2),
	    DB_STR(like), DB_STR(q)), page, per_page, &enterprise_map,
	    enterprise_page_row, &c, rc);
}

int
db_enterprise_insert(struct db *db, const char *uscc,
    const struct enterprise_fields *f, time_t now, int64_t *id)
{
	uint64_t insert_id = 0;
	int rc = db_dml(db, STMT_ENTERPRISE_INSERT, DB_ARGS(DB_STR(f->name),
	    DB_STR(uscc), DB_STR(f->tier), DB_STR(f->size_class),
	    DB_BOOL(f->beijing_registered), DB_BOOL(f->is_enterprise),
	    DB_BOOL(f->credit_flagged), DB_STR(f->credit_source),
	    date_param(f->credit_checked_ymd), DB_TIME(now), DB_TIME(now)),
	    &insert_id);

	*id = (int64_t)insert_id;
	return rc;
}

int
db_enterprise_update(struct db *db, int64_t id,
    const struct enterprise_fields *f, time_t now)
{
	return db_dml(db, STMT_ENTERPRISE_UPDATE, DB_ARGS(DB_STR(f->name),
	    DB_STR(f->tier), DB_STR(f->size_class),
	    DB_BOOL(f->beijing_registered), DB_BOOL(f->is_enterprise),
	    DB_BOOL(f->credit_flagged), DB_STR(f->credit_source),
	    date_param(f->credit_checked_ymd), DB_TIME(now), DB_I64(id)), NULL);
}

int
db_quota_set_cap(struct db *db, int64_t enterprise_id, int year, int64_t cap)
{
	return db_exec(db, STMT_QUOTA_SET_CAP, DB_ARGS(DB_I64(cap),
	    DB_I64(enterprise_id), DB_I64(year)), NULL, NULL, NULL);
}

/* ---- providers ------------------------------------------------------ */

static const struct db_col provider_cols[] = {
	DB_COL(struct provider_row, id),
	DB_COL(struct provider_row, name),
	DB_COL(struct provider_row, uscc),
	DB_COL(struct provider_row, beijing_registered),
	DB_COL(struct provider_row, main_body_beijing),
	DB_COL(struct provider_row, has_premises),
	DB_COL(struct provider_row, established_on),
	DB_COL_AS(struct provider_row, established_ymd, "established_on"),
	DB_COL(struct provider_row, credit_flagged),
	DB_COL(struct provider_row, credit_source),
	DB_COL(struct provider_row, credit_checked_on),
	DB_COL_AS(struct provider_row, credit_checked_ymd, "credit_checked_on"),
	DB_COL(struct provider_row, barred_until),
	DB_COL(struct provider_row, last_year_contracts),
	DB_COL(struct provider_row, last_year_revenue),
	DB_COL(struct provider_row, created_at),
	DB_COL(struct provider_row, updated_at),
	DB_COL(struct provider_row, login),
	DB_COL(struct provider_row, listed_products),
};
static const struct db_rowmap provider_map = DB_ROWMAP(struct provider_row,
    provider_cols);

int
db_provider_get(struct db *db, int64_t id, bool lock, struct provider_row *out,
    struct db_res **keep)
{
	return db_one(db, lock ? STMT_PROVIDER_LOCK : STMT_PROVIDER_GET,
	    DB_ARGS(DB_I64(id)), &provider_map, out, keep);
}

struct provider_page_ctx {
	provider_json_fn fn;
	void            *ctx;
};

static json_t *
provider_page_row(void *arg, const void *row)
{
	const struct provider_page_ctx *c = arg;

	return c->fn(c->ctx, row);
}

json_t *
db_provider_page(struct db *db, const char *q, const char *like,
    int64_t page, int64_t per_page, provider_json_fn fn, void *ctx, int *rc)
{
	struct provider_page_ctx c = { fn, ctx };
	struct search_key k;

	if (q == NULL)
		return page_list_rows_total(db, STMT_PROVIDER_LIST, DB_NOARGS,
		    STMT_PROVIDER_COUNT, DB_NOARGS, page, per_page,
		    &provider_map, provider_page_row, &c, rc);
	key_of(q, &k);
	/* one gram: neither the page nor its total needs the name */
	if (search_key_is_query(&k, q))
		return page_list_rows_total(db, STMT_PROVIDER_SEARCH_SHORT,
		    DB_ARGS(DB_STR(k.g1), DB_STR(q), DB_STR(k.g1), DB_STR(k.g1),
		    DB_I64(page * per_page), DB_STR(q)),
		    STMT_PROVIDER_SEARCH_COUNT_SHORT, DB_ARGS(DB_STR(k.g1),
		    DB_STR(q), DB_STR(k.g1)), page, per_page, &provider_map,
		    provider_page_row, &c, rc);
	return page_list_rows(db, STMT_PROVIDER_SEARCH, DB_ARGS(DB_STR(k.g1),
	    DB_STR(k.g2), DB_STR(like), DB_I64(page * per_page), DB_STR(q)),
	    STMT_PROVIDER_SEARCH_COUNT, DB_ARGS(DB_STR(k.g1), DB_STR(k.g2),
	    DB_STR(like), DB_STR(q)), page, per_page, &provider_map,
	    provider_page_row, &c, rc);
}

int
db_provider_insert(struct db *db, const char *uscc,
    const struct provider_fields *f, time_t now, int64_t *id)
{
	uint64_t insert_id = 0;
	int rc = db_dml(db, STMT_PROVIDER_INSERT, DB_ARGS(DB_STR(f->name),
	    DB_STR(uscc), DB_BOOL(f->beijing_registered),
	    DB_BOOL(f->main_body_beijing), DB_BOOL(f->has_premises),
	    date_param(f->established_ymd), DB_BOOL(f->credit_flagged),
	    DB_STR(f->credit_source), date_param(f->credit_checked_ymd),
	    DB_I64(f->last_year_contracts), DB_I64(f->last_year_revenue),
	    DB_TIME(now), DB_TIME(now)), &insert_id);

	*id = (int64_t)insert_id;
	return rc;
}

int
db_provider_update(struct db *db, int64_t id, const struct provider_fields *f,
    time_t now)
{
	return db_dml(db, STMT_PROVIDER_UPDATE, DB_ARGS(DB_STR(f->name),
	    DB_BOOL(f->beijing_registered), DB_BOOL(f->main_body_beijing),
	    DB_BOOL(f->has_premises), date_param(f->established_ymd),
	    DB_BOOL(f->credit_flagged), DB_STR(f->credit_source),
	    date_param(f->credit_checked_ymd), DB_I64(f->last_year_contracts),
	    DB_I64(f->last_year_revenue), DB_TIME(now), DB_I64(id)), NULL);
}

static const struct db_col provider_brief_cols[] = {
	DB_COL(struct provider_brief, id),
	DB_COL(struct provider_brief, name),
	DB_COL(struct provider_brief, barred_until),
};
static const struct db_rowmap provider_brief_map =
    DB_ROWMAP(struct provider_brief, provider_brief_cols);

int
db_provider_brief(struct db *db, int64_t id, struct provider_brief *out,
    struct db_res **keep)
{
	return db_one(db, STMT_ME_PROVIDER, DB_ARGS(DB_I64(id)),
	    &provider_brief_map, out, keep);
}
