/*
 * org.c - the bureau's management of enterprises (rules E1-E7) and
 * providers (A1), each with its login account.
 *
 *   GET  /api/bureau/enterprises?q=&page=&per_page=   list (name or USCC)
 *   POST /api/bureau/enterprises                      onboard + account
 *   GET  /api/bureau/enterprises/{id}
 *   PUT  /api/bureau/enterprises/{id}                 tier, size, flags
 *   … and the same for /api/bureau/providers.
 * Every change is one transaction with its audit record (V3).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "account.h"
#include "session.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "parties.h"
#include "rules.h"

/* E14: whether a credit list entry lasting through until ("YYYY-MM-DD"
 * or NULL) counts at now. */
static bool
credit_listed(const char *until, time_t now)
{
	int y, m, d, ty, tm, td;

	if (until == NULL || clock_parse_date(until, &y, &m, &d) < 0)
		return false;
	clock_shanghai_date(now, &ty, &tm, &td);
	return rule_credit_listed((int64_t)y * 10000 + m * 100 + d,
	    (int64_t)ty * 10000 + tm * 100 + td);
}

/* Y3: the year of the allowance shown: the current round's (the
 * calendar year when there is none). */
static int
allowance_year(struct req *r)
{
	int year;

	return quota_year(r->db, r->now, &year) == DB_OK ? year :
	    clock_shanghai_year(r->now);
}

static const char *const tiers[] = { "ordinary", "specialized",
    "little_giant", NULL };
static const char *const sizes[] = { "micro", "small", "medium", "large",
    NULL };

/* ---- shared helpers ------------------------------------------------- */

/* Logins: 3-64 of [A-Za-z0-9_.-]. */
static bool
login_ok(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' &&
		    *s != '-')
			return false;
	return true;
}

/* Common checks of a new account: login charset; writes 400. */
static int
check_login_or_400(struct req *r, const char *login)
{
	if (!login_ok(login)) {
		http_error(r, 400, "invalid_field", "login",
		    "登录名只能包含字母、数字、下划线、点和连字符");
		return -1;
	}
	return 0;
}

/* E4: a credit flag needs its source and date; writes 422. */
static int
check_credit_or_422(struct req *r, bool flagged, const char *source,
    bool has_date)
{
	if (flagged && (source == NULL || !has_date)) {
		http_error(r, 422, "credit_source_required",
		    source == NULL ? "credit_source" : "credit_checked_on",
		    "信用标记须注明来源（credit_source）和查询日期"
		    "（credit_checked_on）（规则 E4）");
		return -1;
	}
	return 0;
}

/* The name of the unique key a failed insert hit, for the 409. */
static int
conflict_reply(struct req *r, int uscc_stmt, const char *uscc,
    const char *login)
{
	struct db_res *res = NULL;
	int rc;

	rc = db_query(r->db, STMT_LOGIN_EXISTS,
	    DB_ARGS(DB_STR(login)), &res);
	db_res_free(res);
	if (rc == DB_OK)
		return http_error(r, 409, "login_taken", "login",
		    "登录名 %s 已被使用", login);
	rc = db_query(r->db, uscc_stmt, DB_ARGS(DB_STR(uscc)),
	    &res);
	db_res_free(res);
	if (rc == DB_OK)
		return http_error(r, 409, "uscc_taken", "uscc",
		    "统一社会信用代码 %s 已登记", uscc);
	return http_db_error(r, DB_CONFLICT);
}

/* ---- enterprises ---------------------------------------------------- */

/* Reshapes an enterprise row: quota {year, cap, occupied, available} and
 * eligibility (O1: E1-E5) computed by the rule functions. */
static json_t *
enterprise_json(const struct db_res *res, size_t row, int year, time_t now)
{
	json_t *o = db_row_json(res, row);
	struct rule_enterprise_facts f;
	const char *why;
	json_t *cap = json_object_get(o, "quota_cap");
	json_t *occ = json_object_get(o, "quota_occupied");
	int64_t c, u;
	int tier = rule_tier_parse(json_string_value(json_object_get(o, "tier")));
	const char *size = json_string_value(json_object_get(o, "size_class"));

	c = json_is_integer(cap) ? json_integer_value(cap) :
	    rule_tier_cap((enum rule_tier)tier);
	u = json_is_integer(occ) ? json_integer_value(occ) : 0;
	json_object_del(o, "quota_cap");
	json_object_del(o, "quota_occupied");
	json_object_set_new(o, "quota", json_pack("{s:i,s:I,s:I,s:I}", "year",
	    year, "cap", (json_int_t)c, "occupied", (json_int_t)u, "available",
	    (json_int_t)(c > u ? c - u : 0)));

	memset(&f, 0, sizeof(f));
	f.beijing_registered = json_is_true(json_object_get(o,
	    "beijing_registered"));
	f.is_enterprise = json_is_true(json_object_get(o, "is_enterprise"));
	f.size_class = size ? rule_size_parse(size) : -1;
	f.credit_flagged = json_is_true(json_object_get(o, "credit_flagged")) ||
	    credit_listed(json_string_value(json_object_get(o,
	    "credit_list_until")), now);	/* E14 */
	f.barred_until = db_isnull(res, row, 10) ? 0 :
	    (time_t)db_i64(res, row, 10);
	why = rule_enterprise_ineligible(&f, now);
	json_object_set_new(o, "eligible", json_boolean(why == NULL));
	json_object_set_new(o, "ineligible_rule",
	    why ? json_string(why) : json_null());
	return o;
}

int
enterprise_list(struct req *r)
{
	struct db_res *res = NULL, *cnt = NULL;
	const char *q;
	char *like;
	int64_t page, per_page;
	int year = allowance_year(r);
	json_t *items;
	int rc;

	if (query_page_or_400(r, &page, &per_page) < 0 ||
	    query_str_or_400(r, "q", 100, &q) < 0)
		return r->status;
	like = q ? req_like_contains(r, q) : NULL;
	rc = db_exec(r->db, STMT_ENTERPRISE_LIST, DB_ARGS(
	    DB_TIME(r->now), DB_TIME(r->now), DB_I64(year), DB_STR(q),
	    DB_STR(like), DB_STR(q), DB_I64(per_page),
	    DB_I64((page - 1) * per_page)), &res, NULL, NULL);
	if (rc == DB_OK)
		rc = db_query(r->db, STMT_ENTERPRISE_COUNT, DB_ARGS(
		    DB_STR(q), DB_STR(like), DB_STR(q)), &cnt);
	if (rc != DB_OK) {
		db_res_free(res);
		db_res_free(cnt);
		return http_db_error(r, rc);
	}
	items = json_array();
	for (size_t i = 0; i < res->nrows; i++)
		json_array_append_new(items, enterprise_json(res, i, year,
		    r->now));
	rc = http_json(r, 200, page_json(items, db_i64(cnt, 0, 0), page,
	    per_page));
	db_res_free(res);
	db_res_free(cnt);
	return rc;
}

/* Loads enterprise id as JSON (lock: FOR UPDATE). */
static int
enterprise_load(struct req *r, int64_t id, bool lock, json_t **out)
{
	struct db_res *res = NULL;
	int year = allowance_year(r);
	int rc = db_query(r->db, lock ? STMT_ENTERPRISE_LOCK :
	    STMT_ENTERPRISE_GET, DB_ARGS(DB_TIME(r->now),
	    DB_TIME(r->now), DB_I64(year), DB_I64(id)), &res);

	*out = rc == DB_OK ? enterprise_json(res, 0, year, r->now) : NULL;
	db_res_free(res);
	return rc;
}

int
enterprise_get(struct req *r)
{
	json_t *o;
	int rc = enterprise_load(r, r->ids[0], false, &o);

	if (rc == DB_NOTFOUND)
		return http_error(r, 404, "not_found", NULL, "企业不存在");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	return http_json(r, 200, o);
}

enum { EF_NAME, EF_USCC, EF_TIER, EF_SIZE, EF_BEIJING, EF_IS_ENT,
    EF_CREDIT, EF_CREDIT_SOURCE, EF_CREDIT_ON, EF_LOGIN, EF_PASSWORD,
    EF__MAX };

static const struct field enterprise_new_fields[EF__MAX] = {
	[EF_NAME]          = { "name", FIELD_STRING, true, 1, 200, NULL },
	[EF_USCC]          = { "uscc", FIELD_STRING, true, 18, 18, NULL },
	[EF_TIER]          = { "tier", FIELD_ENUM, true, 0, 0, tiers },
	[EF_SIZE]          = { "size_class", FIELD_ENUM, true, 0, 0, sizes },
	[EF_BEIJING]       = { "beijing_registered", FIELD_BOOL, true, 0, 0, NULL },
	[EF_IS_ENT]        = { "is_enterprise", FIELD_BOOL, true, 0, 0, NULL },
	[EF_CREDIT]        = { "credit_flagged", FIELD_BOOL, false, 0, 0, NULL },
	[EF_CREDIT_SOURCE] = { "credit_source", FIELD_STRING, false, 1, 200, NULL },
	[EF_CREDIT_ON]     = { "credit_checked_on", FIELD_DATE, false, 0, 0, NULL },
	[EF_LOGIN]         = { "login", FIELD_STRING, true, 3, 64, NULL },
	[EF_PASSWORD]      = { "password", FIELD_STRING, true, 10, 128, NULL },
};

struct org_new_tx {
	struct req               *r;
	const struct field_value *v;
	const char               *hash;
	int64_t                   id;      /* out */
};

static struct db_param
date_param(const struct field_value *v)
{
	return v->present ? DB_DATE(v->y, v->m, v->d) : DB_NULLP;
}

static int
enterprise_create_tx(struct db *db, void *arg)
{
	struct org_new_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	uint64_t id = 0;
	json_t *after;
	int rc;

	rc = db_dml(db, STMT_ENTERPRISE_INSERT, DB_ARGS(
	    DB_STR(v[EF_NAME].s), DB_STR(v[EF_USCC].s), DB_STR(v[EF_TIER].s),
	    DB_STR(v[EF_SIZE].s), DB_BOOL(v[EF_BEIJING].i),
	    DB_BOOL(v[EF_IS_ENT].i), DB_BOOL(v[EF_CREDIT].i),
	    DB_STR(v[EF_CREDIT_SOURCE].s), date_param(&v[EF_CREDIT_ON]),
	    DB_TIME(r->now), DB_TIME(r->now)), &id);
	if (rc != DB_OK)
		return rc;
	t->id = (int64_t)id;
	rc = db_dml(db, STMT_ACCOUNT_INSERT, DB_ARGS(
	    DB_STR(v[EF_LOGIN].s), DB_STR(t->hash), DB_STR("enterprise"),
	    DB_I64(t->id), DB_NULLP, DB_TIME(r->now)), NULL);
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:s}", "name",
	    v[EF_NAME].s, "uscc", v[EF_USCC].s, "tier", v[EF_TIER].s,
	    "size_class", v[EF_SIZE].s, "beijing_registered",
	    (int)v[EF_BEIJING].i, "is_enterprise", (int)v[EF_IS_ENT].i,
	    "credit_flagged", (int)v[EF_CREDIT].i, "login", v[EF_LOGIN].s);
	rc = audit_write(r, "enterprise.create", "enterprise", t->id, NULL,
	    after);
	json_decref(after);
	return rc;
}

/*
 * POST /api/bureau/enterprises {name, uscc, tier, size_class,
 * beijing_registered, is_enterprise, login, password, credit_*?}
 * 201 {id, …}; 400 bad field; 422 invalid USCC (E6) or credit flag
 * without source (E4); 409 USCC or login already taken.
 */
int
enterprise_create(struct req *r)
{
	struct field_value v[EF__MAX];
	struct org_new_tx t = { .r = r, .v = v };
	char hash[AUTH_HASH_MAX];
	json_t *body, *o;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, enterprise_new_fields, EF__MAX, v) < 0 ||
	    check_login_or_400(r, v[EF_LOGIN].s) < 0 ||
	    check_credit_or_422(r, v[EF_CREDIT].i, v[EF_CREDIT_SOURCE].s,
	    v[EF_CREDIT_ON].present) < 0)
		return r->status;
	if (!rule_uscc_valid(v[EF_USCC].s))
		return http_error(r, 422, "invalid_uscc", "uscc",
		    "统一社会信用代码无效（规则 E6：18 位，校验位须正确）");
	if (auth_password_hash(v[EF_PASSWORD].s, g_config.pbkdf2_iter, hash,
	    sizeof(hash)) < 0)
		return http_error(r, 503, "unavailable", NULL, "密码处理失败");
	t.hash = hash;
	rc = db_tx(r->db, enterprise_create_tx, &t);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc == DB_CONFLICT)
		return conflict_reply(r, STMT_ENTERPRISE_USCC_EXISTS,
		    v[EF_USCC].s, v[EF_LOGIN].s);
	if (rc != DB_OK)
		return http_db_error(r, rc);
	if ((rc = enterprise_load(r, t.id, false, &o)) != DB_OK)
		return http_db_error(r, rc);
	return http_json(r, 201, o);
}

enum { EU_NAME, EU_TIER, EU_SIZE, EU_BEIJING, EU_IS_ENT, EU_CREDIT,
    EU_CREDIT_SOURCE, EU_CREDIT_ON, EU__MAX };

static const struct field enterprise_upd_fields[EU__MAX] = {
	[EU_NAME]          = { "name", FIELD_STRING, false, 1, 200, NULL },
	[EU_TIER]          = { "tier", FIELD_ENUM, false, 0, 0, tiers },
	[EU_SIZE]          = { "size_class", FIELD_ENUM, false, 0, 0, sizes },
	[EU_BEIJING]       = { "beijing_registered", FIELD_BOOL, false, 0, 0, NULL },
	[EU_IS_ENT]        = { "is_enterprise", FIELD_BOOL, false, 0, 0, NULL },
	[EU_CREDIT]        = { "credit_flagged", FIELD_BOOL, false, 0, 0, NULL },
	[EU_CREDIT_SOURCE] = { "credit_source", FIELD_STRING, false, 1, 200, NULL },
	[EU_CREDIT_ON]     = { "credit_checked_on", FIELD_DATE, false, 0, 0, NULL },
};

struct org_upd_tx {
	struct req               *r;
	int64_t                   id;
	const struct field_value *v;
	json_t                   *after;   /* out */
	int                       app;     /* out: app-level refusal */
};

#define TX_NOTFOUND   (DB_APP + 1)
#define TX_CREDIT     (DB_APP + 2)

/* The new value of a string field: given, or the current one. */
static const char *
merged_str(const struct field_value *v, json_t *before, const char *key)
{
	return v->present ? v->s :
	    json_string_value(json_object_get(before, key));
}

static int
merged_bool(const struct field_value *v, json_t *before, const char *key)
{
	return v->present ? (int)v->i :
	    json_is_true(json_object_get(before, key));
}

/* A DATE param from the given value or the current "YYYY-MM-DD". */
static struct db_param
merged_date(const struct field_value *v, json_t *before, const char *key)
{
	const char *s;
	int y, m, d;

	if (v->present)
		return DB_DATE(v->y, v->m, v->d);
	s = json_string_value(json_object_get(before, key));
	if (s != NULL && clock_parse_date(s, &y, &m, &d) == 0)
		return DB_DATE(y, m, d);
	return DB_NULLP;
}

static int
enterprise_update_tx(struct db *db, void *arg)
{
	struct org_upd_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	json_t *before = NULL;
	const char *tier, *credit_source;
	struct db_param credit_on;
	int credit, rc;

	json_decref(t->after);
	t->after = NULL;
	if ((rc = enterprise_load(r, t->id, true, &before)) != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOTFOUND : rc;
	tier = merged_str(&v[EU_TIER], before, "tier");
	credit = merged_bool(&v[EU_CREDIT], before, "credit_flagged");
	credit_source = merged_str(&v[EU_CREDIT_SOURCE], before, "credit_source");
	credit_on = merged_date(&v[EU_CREDIT_ON], before, "credit_checked_on");
	if (credit && (credit_source == NULL || credit_on.t == DBP_NULL)) {
		json_decref(before);
		return TX_CREDIT;
	}
	rc = db_dml(db, STMT_ENTERPRISE_UPDATE, DB_ARGS(
	    DB_STR(merged_str(&v[EU_NAME], before, "name")), DB_STR(tier),
	    DB_STR(merged_str(&v[EU_SIZE], before, "size_class")),
	    DB_BOOL(merged_bool(&v[EU_BEIJING], before, "beijing_registered")),
	    DB_BOOL(merged_bool(&v[EU_IS_ENT], before, "is_enterprise")),
	    DB_BOOL(credit), DB_STR(credit_source), credit_on,
	    DB_TIME(r->now), DB_I64(t->id)), NULL);
	if (rc == DB_OK && strcmp(tier, json_string_value(json_object_get(
	    before, "tier"))) != 0) {
		/* E7: the new tier's cap, from this year on */
		rc = db_exec(db, STMT_QUOTA_SET_CAP, DB_ARGS(
		    DB_I64(rule_tier_cap((enum rule_tier)rule_tier_parse(tier))),
		    DB_I64(t->id), DB_I64(allowance_year(r))),
		    NULL, NULL, NULL);
	}
	if (rc == DB_OK)
		rc = enterprise_load(r, t->id, false, &t->after);
	if (rc == DB_OK)
		rc = audit_write(r, "enterprise.update", "enterprise", t->id,
		    before, t->after);
	json_decref(before);
	return rc;
}

/*
 * PUT /api/bureau/enterprises/{id} {name?, tier?, size_class?,
 * beijing_registered?, is_enterprise?, credit_flagged?, credit_source?,
 * credit_checked_on?} → 200 the enterprise; 404; 422 credit flag without
 * source (E4). A tier change moves the yearly cap (E7), never below what
 * is already occupied.
 */
int
enterprise_update(struct req *r)
{
	struct field_value v[EU__MAX];
	struct org_upd_tx t = { .r = r, .id = r->ids[0], .v = v };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, enterprise_upd_fields, EU__MAX, v) < 0)
		return r->status;
	rc = db_tx(r->db, enterprise_update_tx, &t);
	if (rc == TX_NOTFOUND)
		return http_error(r, 404, "not_found", NULL, "企业不存在");
	if (rc == TX_CREDIT) {
		check_credit_or_422(r, true, NULL, false);
		return r->status;
	}
	if (rc != DB_OK) {
		json_decref(t.after);
		return http_db_error(r, rc);
	}
	return http_json(r, 200, t.after);
}

/* ---- providers ------------------------------------------------------ */

static json_t *
provider_json(const struct db_res *res, size_t row, time_t now)
{
	json_t *o = db_row_json(res, row);

	json_object_set_new(o, "barred", json_boolean(!db_isnull(res, row, 10)
	    && db_i64(res, row, 10) > now));
	return o;
}

static int
provider_load(struct req *r, int64_t id, bool lock, json_t **out)
{
	struct db_res *res = NULL;
	int rc = db_query(r->db, lock ? STMT_PROVIDER_LOCK : STMT_PROVIDER_GET,
	    DB_ARGS(DB_I64(id)), &res);

	*out = rc == DB_OK ? provider_json(res, 0, r->now) : NULL;
	db_res_free(res);
	return rc;
}

int
provider_list(struct req *r)
{
	struct db_res *res = NULL, *cnt = NULL;
	const char *q;
	char *like;
	int64_t page, per_page;
	json_t *items;
	int rc;

	if (query_page_or_400(r, &page, &per_page) < 0 ||
	    query_str_or_400(r, "q", 100, &q) < 0)
		return r->status;
	like = q ? req_like_contains(r, q) : NULL;
	rc = db_exec(r->db, STMT_PROVIDER_LIST, DB_ARGS(
	    DB_STR(q), DB_STR(like), DB_STR(q), DB_I64(per_page),
	    DB_I64((page - 1) * per_page)), &res, NULL, NULL);
	if (rc == DB_OK)
		rc = db_query(r->db, STMT_PROVIDER_COUNT, DB_ARGS(
		    DB_STR(q), DB_STR(like), DB_STR(q)), &cnt);
	if (rc != DB_OK) {
		db_res_free(res);
		db_res_free(cnt);
		return http_db_error(r, rc);
	}
	items = json_array();
	for (size_t i = 0; i < res->nrows; i++)
		json_array_append_new(items, provider_json(res, i, r->now));
	rc = http_json(r, 200, page_json(items, db_i64(cnt, 0, 0), page,
	    per_page));
	db_res_free(res);
	db_res_free(cnt);
	return rc;
}

int
provider_get(struct req *r)
{
	json_t *o;
	int rc = provider_load(r, r->ids[0], false, &o);

	if (rc == DB_NOTFOUND)
		return http_error(r, 404, "not_found", NULL, "服务机构不存在");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	return http_json(r, 200, o);
}

enum { PF_NAME, PF_USCC, PF_BEIJING, PF_MAIN_BJ, PF_PREMISES, PF_ESTABLISHED,
    PF_CREDIT, PF_CREDIT_SOURCE, PF_CREDIT_ON, PF_CONTRACTS, PF_REVENUE,
    PF_LOGIN, PF_PASSWORD, PF__MAX };

static const struct field provider_fields[PF__MAX] = {
	[PF_NAME]          = { "name", FIELD_STRING, true, 1, 200, NULL },
	[PF_USCC]          = { "uscc", FIELD_STRING, true, 18, 18, NULL },
	[PF_BEIJING]       = { "beijing_registered", FIELD_BOOL, true, 0, 0, NULL },
	[PF_MAIN_BJ]       = { "main_body_beijing", FIELD_BOOL, false, 0, 0, NULL },
	[PF_PREMISES]      = { "has_premises", FIELD_BOOL, false, 0, 0, NULL },
	[PF_ESTABLISHED]   = { "established_on", FIELD_DATE, false, 0, 0, NULL },
	[PF_CREDIT]        = { "credit_flagged", FIELD_BOOL, false, 0, 0, NULL },
	[PF_CREDIT_SOURCE] = { "credit_source", FIELD_STRING, false, 1, 200, NULL },
	[PF_CREDIT_ON]     = { "credit_checked_on", FIELD_DATE, false, 0, 0, NULL },
	[PF_CONTRACTS]     = { "last_year_contracts", FIELD_INT, false, 0, 10000000, NULL },
	[PF_REVENUE]       = { "last_year_revenue", FIELD_MONEY, false, 0, 10000000000000LL, NULL },
	[PF_LOGIN]         = { "login", FIELD_STRING, true, 3, 64, NULL },
	[PF_PASSWORD]      = { "password", FIELD_STRING, true, 10, 128, NULL },
};

static int
provider_create_tx(struct db *db, void *arg)
{
	struct org_new_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	uint64_t id = 0;
	json_t *after;
	int rc;

	rc = db_dml(db, STMT_PROVIDER_INSERT, DB_ARGS(
	    DB_STR(v[PF_NAME].s), DB_STR(v[PF_USCC].s),
	    DB_BOOL(v[PF_BEIJING].i),
	    DB_BOOL(v[PF_MAIN_BJ].present ? v[PF_MAIN_BJ].i : v[PF_BEIJING].i),
	    DB_BOOL(v[PF_PREMISES].present ? v[PF_PREMISES].i : 1),
	    date_param(&v[PF_ESTABLISHED]), DB_BOOL(v[PF_CREDIT].i),
	    DB_STR(v[PF_CREDIT_SOURCE].s), date_param(&v[PF_CREDIT_ON]),
	    DB_I64(v[PF_CONTRACTS].i), DB_I64(v[PF_REVENUE].i),
	    DB_TIME(r->now), DB_TIME(r->now)), &id);
	if (rc != DB_OK)
		return rc;
	t->id = (int64_t)id;
	rc = db_dml(db, STMT_ACCOUNT_INSERT, DB_ARGS(
	    DB_STR(v[PF_LOGIN].s), DB_STR(t->hash), DB_STR("provider"),
	    DB_NULLP, DB_I64(t->id), DB_TIME(r->now)), NULL);
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:s,s:s,s:b,s:s}", "name", v[PF_NAME].s, "uscc",
	    v[PF_USCC].s, "beijing_registered", (int)v[PF_BEIJING].i, "login",
	    v[PF_LOGIN].s);
	rc = audit_write(r, "provider.create", "provider", t->id, NULL, after);
	json_decref(after);
	return rc;
}

/*
 * POST /api/bureau/providers {name, uscc, beijing_registered, login,
 * password, main_body_beijing?, has_premises?, established_on?,
 * credit_*?, last_year_contracts?, last_year_revenue?} → 201; 422 invalid
 * USCC (E6) or credit flag without source; 409 USCC or login taken.
 */
int
provider_create(struct req *r)
{
	struct field_value v[PF__MAX];
	struct org_new_tx t = { .r = r, .v = v };
	char hash[AUTH_HASH_MAX];
	json_t *body, *o;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, provider_fields, PF__MAX, v) < 0 ||
	    check_login_or_400(r, v[PF_LOGIN].s) < 0 ||
	    check_credit_or_422(r, v[PF_CREDIT].i, v[PF_CREDIT_SOURCE].s,
	    v[PF_CREDIT_ON].present) < 0)
		return r->status;
	if (!rule_uscc_valid(v[PF_USCC].s))
		return http_error(r, 422, "invalid_uscc", "uscc",
		    "统一社会信用代码无效（规则 E6：18 位，校验位须正确）");
	if (auth_password_hash(v[PF_PASSWORD].s, g_config.pbkdf2_iter, hash,
	    sizeof(hash)) < 0)
		return http_error(r, 503, "unavailable", NULL, "密码处理失败");
	t.hash = hash;
	rc = db_tx(r->db, provider_create_tx, &t);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc == DB_CONFLICT)
		return conflict_reply(r, STMT_PROVIDER_USCC_EXISTS,
		    v[PF_USCC].s, v[PF_LOGIN].s);
	if (rc != DB_OK)
		return http_db_error(r, rc);
	if ((rc = provider_load(r, t.id, false, &o)) != DB_OK)
		return http_db_error(r, rc);
	return http_json(r, 201, o);
}

enum { PU_NAME, PU_BEIJING, PU_MAIN_BJ, PU_PREMISES, PU_ESTABLISHED,
    PU_CREDIT, PU_CREDIT_SOURCE, PU_CREDIT_ON, PU_CONTRACTS, PU_REVENUE,
    PU__MAX };

static const struct field provider_upd_fields[PU__MAX] = {
	[PU_NAME]          = { "name", FIELD_STRING, false, 1, 200, NULL },
	[PU_BEIJING]       = { "beijing_registered", FIELD_BOOL, false, 0, 0, NULL },
	[PU_MAIN_BJ]       = { "main_body_beijing", FIELD_BOOL, false, 0, 0, NULL },
	[PU_PREMISES]      = { "has_premises", FIELD_BOOL, false, 0, 0, NULL },
	[PU_ESTABLISHED]   = { "established_on", FIELD_DATE, false, 0, 0, NULL },
	[PU_CREDIT]        = { "credit_flagged", FIELD_BOOL, false, 0, 0, NULL },
	[PU_CREDIT_SOURCE] = { "credit_source", FIELD_STRING, false, 1, 200, NULL },
	[PU_CREDIT_ON]     = { "credit_checked_on", FIELD_DATE, false, 0, 0, NULL },
	[PU_CONTRACTS]     = { "last_year_contracts", FIELD_INT, false, 0, 10000000, NULL },
	[PU_REVENUE]       = { "last_year_revenue", FIELD_MONEY, false, 0, 10000000000000LL, NULL },
};

static int64_t
merged_i64(const struct field_value *v, json_t *before, const char *key)
{
	return v->present ? v->i :
	    json_integer_value(json_object_get(before, key));
}

static int
provider_update_tx(struct db *db, void *arg)
{
	struct org_upd_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	json_t *before = NULL;
	const char *credit_source;
	struct db_param credit_on;
	int credit, rc;

	json_decref(t->after);
	t->after = NULL;
	if ((rc = provider_load(r, t->id, true, &before)) != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOTFOUND : rc;
	credit = merged_bool(&v[PU_CREDIT], before, "credit_flagged");
	credit_source = merged_str(&v[PU_CREDIT_SOURCE], before, "credit_source");
	credit_on = merged_date(&v[PU_CREDIT_ON], before, "credit_checked_on");
	if (credit && (credit_source == NULL || credit_on.t == DBP_NULL)) {
		json_decref(before);
		return TX_CREDIT;
	}
	rc = db_dml(db, STMT_PROVIDER_UPDATE, DB_ARGS(
	    DB_STR(merged_str(&v[PU_NAME], before, "name")),
	    DB_BOOL(merged_bool(&v[PU_BEIJING], before, "beijing_registered")),
	    DB_BOOL(merged_bool(&v[PU_MAIN_BJ], before, "main_body_beijing")),
	    DB_BOOL(merged_bool(&v[PU_PREMISES], before, "has_premises")),
	    merged_date(&v[PU_ESTABLISHED], before, "established_on"),
	    DB_BOOL(credit), DB_STR(credit_source), credit_on,
	    DB_I64(merged_i64(&v[PU_CONTRACTS], before, "last_year_contracts")),
	    DB_I64(merged_i64(&v[PU_REVENUE], before, "last_year_revenue")),
	    DB_TIME(r->now), DB_I64(t->id)), NULL);
	if (rc == DB_OK)
		rc = provider_load(r, t->id, false, &t->after);
	if (rc == DB_OK)
		rc = audit_write(r, "provider.update", "provider", t->id,
		    before, t->after);
	json_decref(before);
	return rc;
}

/* PUT /api/bureau/providers/{id} → 200 the provider; 404; 422. */
int
provider_update(struct req *r)
{
	struct field_value v[PU__MAX];
	struct org_upd_tx t = { .r = r, .id = r->ids[0], .v = v };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, provider_upd_fields, PU__MAX, v) < 0)
		return r->status;
	rc = db_tx(r->db, provider_update_tx, &t);
	if (rc == TX_NOTFOUND)
		return http_error(r, 404, "not_found", NULL, "服务机构不存在");
	if (rc == TX_CREDIT) {
		check_credit_or_422(r, true, NULL, false);
		return r->status;
	}
	if (rc != DB_OK) {
		json_decref(t.after);
		return http_db_error(r, rc);
	}
	return http_json(r, 200, t.after);
}
