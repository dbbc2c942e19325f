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
		    "（credit_checked_on）");
		return -1;
	}
	return 0;
}

/* The name of the unique key a failed insert hit, for the 409. */
static int
conflict_reply(struct req *r, bool provider, const char *uscc,
    const char *login)
{
	if (db_login_taken(r->db, login) == DB_OK)
		return http_error(r, 409, "login_taken", "login",
		    "登录名 %s 已被使用", login);
	if (db_uscc_taken(r->db, provider, uscc) == DB_OK)
		return http_error(r, 409, "uscc_taken", "uscc",
		    "统一社会信用代码 %s 已登记", uscc);
	return http_db_error(r, DB_CONFLICT);
}

/* JSON helpers of the serializers below. */
static json_t *
str_json(const char *s)
{
	json_t *j = s != NULL ? json_string(s) : NULL;

	return j != NULL ? j : json_null();
}

/* A UTC instant as "YYYY-MM-DDTHH:MM:SSZ"; 0 (never, as for a bar) as
 * null. */
static json_t *
time_json(time_t t)
{
	char ts[21];

	if (t == 0)
		return json_null();
	clock_format_iso8601(t, ts);
	return json_string(ts);
}

/* ---- enterprises ---------------------------------------------------- */

/* Y3: the year of the allowance shown: the current round's (the
 * calendar year when there is none). */
int
allowance_year(struct req *r)
{
	int year;

	return quota_year(r->db, r->now, &year) == DB_OK ? year :
	    clock_shanghai_year(r->now);
}

const char *
enterprise_ineligible(const struct enterprise_row *e, time_t now)
{
	int y, m, d;
	struct rule_enterprise_facts f = {
		.beijing_registered = e->beijing_registered,
		.is_enterprise = e->is_enterprise,
		.size_class = e->size_class ? rule_size_parse(e->size_class) :
		    -1,
		.credit_flagged = e->credit_flagged,
		.barred_until = e->barred_until,
	};

	/* E4: the bureau's own flag, or its credit list (E14) */
	clock_shanghai_date(now, &y, &m, &d);
	if (rule_credit_listed(e->credit_list_until,
	    (int64_t)y * 10000 + m * 100 + d))
		f.credit_flagged = true;

	return rule_enterprise_ineligible(&f, now);
}

json_t *
enterprise_quota_json(const struct enterprise_row *e, int year)
{
	int64_t cap = e->no_quota ? rule_tier_cap((enum rule_tier)
	    rule_tier_parse(e->tier)) : e->quota_cap;
	int64_t used = e->no_quota ? 0 : e->quota_occupied;
	int64_t available = rule_quota_available(cap, used);	/* E8 */

	return json_pack("{s:i,s:I,s:I,s:I}", "year", year, "cap",
	    (json_int_t)cap, "occupied", (json_int_t)used, "available",
	    (json_int_t)(available > 0 ? available : 0));
}

/* The one serializer of an enterprise: its row, its quota of year {year,
 * cap, occupied, available} and its eligibility at now (O1: E1-E5). */
static json_t *
enterprise_json(const struct enterprise_row *e, int year, time_t now)
{
	json_t *o = json_object();
	const char *why = enterprise_ineligible(e, now);

	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "name", str_json(e->name));
	json_object_set_new(o, "uscc", str_json(e->uscc));
	json_object_set_new(o, "tier", str_json(e->tier));
	json_object_set_new(o, "size_class", str_json(e->size_class));
	json_object_set_new(o, "beijing_registered",
	    json_boolean(e->beijing_registered));
	json_object_set_new(o, "is_enterprise", json_boolean(e->is_enterprise));
	json_object_set_new(o, "credit_flagged",
	    json_boolean(e->credit_flagged));
	json_object_set_new(o, "credit_source", str_json(e->credit_source));
	json_object_set_new(o, "credit_checked_on",
	    str_json(e->credit_checked_on));
	json_object_set_new(o, "barred_until", time_json(e->barred_until));
	json_object_set_new(o, "created_at", time_json(e->created_at));
	json_object_set_new(o, "updated_at", time_json(e->updated_at));
	json_object_set_new(o, "login", str_json(e->login));
	json_object_set_new(o, "quota", enterprise_quota_json(e, year));
	json_object_set_new(o, "eligible", json_boolean(why == NULL));
	json_object_set_new(o, "ineligible_rule",
	    why ? json_string(why) : json_null());
	return o;
}

/* The quota year and the instant of a list's rows. */
struct enterprise_list_ctx {
	int    year;
	time_t now;
};

static json_t *
enterprise_item_json(void *ctx, const struct enterprise_row *e)
{
	const struct enterprise_list_ctx *c = ctx;

	return enterprise_json(e, c->year, c->now);
}

int
enterprise_list(struct req *r)
{
	struct enterprise_list_ctx c = { allowance_year(r), r->now };
	const char *q;
	char *like;
	int64_t page, per_page;
	json_t *o;
	int rc;

	if (query_page_or_400(r, &page, &per_page) < 0 ||
	    query_str_or_400(r, "q", 100, &q) < 0)
		return r->status;
	like = q ? req_like_contains(r, q) : NULL;
	o = db_enterprise_page(r->db, q, like, c.year, r->now, page, per_page,
	    enterprise_item_json, &c, &rc);
	if (o == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, o);
}

/* Loads enterprise id as JSON with its quota of this year (lock: FOR
 * UPDATE). */
static int
enterprise_load(struct req *r, int64_t id, bool lock, json_t **out)
{
	struct enterprise_row e;
	struct db_res *keep = NULL;
	int year = allowance_year(r);
	int rc = db_enterprise_get(r->db, id, year, r->now, lock, &e, &keep);

	*out = rc == DB_OK ? enterprise_json(&e, year, r->now) : NULL;
	db_res_free(keep);
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

/* A calendar date field as y*10000+m*100+d, 0 when not given. */
static int64_t
ymd_of(const struct field_value *v)
{
	return v->present ? v->i : 0;
}

static int
enterprise_create_tx(struct db *db, void *arg)
{
	struct org_new_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	struct enterprise_fields f = {
		.name = v[EF_NAME].s,
		.tier = v[EF_TIER].s,
		.size_class = v[EF_SIZE].s,
		.beijing_registered = v[EF_BEIJING].i != 0,
		.is_enterprise = v[EF_IS_ENT].i != 0,
		.credit_flagged = v[EF_CREDIT].i != 0,
		.credit_source = v[EF_CREDIT_SOURCE].s,
		.credit_checked_ymd = ymd_of(&v[EF_CREDIT_ON]),
	};
	json_t *after;
	int rc;

	rc = db_enterprise_insert(db, v[EF_USCC].s, &f, r->now, &t->id);
	if (rc != DB_OK)
		return rc;
	rc = db_account_insert(db, v[EF_LOGIN].s, t->hash, "enterprise", t->id,
	    0, r->now);
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
		    "统一社会信用代码无效：须为 18 位，校验位须正确");
	if (auth_password_hash(v[EF_PASSWORD].s, g_config.pbkdf2_iter, hash,
	    sizeof(hash)) < 0)
		return http_error(r, 503, "unavailable", NULL, "密码处理失败");
	t.hash = hash;
	rc = db_tx(r->db, enterprise_create_tx, &t);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc == DB_CONFLICT)
		return conflict_reply(r, false,
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

/* The new value of a field: given, or the current one. */
static const char *
merged_str(const struct field_value *v, const char *cur)
{
	return v->present ? v->s : cur;
}

static bool
merged_bool(const struct field_value *v, bool cur)
{
	return v->present ? v->i != 0 : cur;
}

static int64_t
merged_i64(const struct field_value *v, int64_t cur)
{
	return v->present ? v->i : cur;
}

/* E4: a credit flag needs its source and date. */
static bool
credit_recorded(bool flagged, const char *source, int64_t checked_ymd)
{
	return !flagged || (source != NULL && checked_ymd != 0);
}

static int
enterprise_update_tx(struct db *db, void *arg)
{
	struct org_upd_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	int year = allowance_year(r);
	struct enterprise_row cur;
	struct enterprise_fields f;
	struct db_res *keep = NULL;
	json_t *before = NULL;
	int rc;

	json_decref(t->after);
	t->after = NULL;
	rc = db_enterprise_get(db, t->id, year, r->now, true, &cur, &keep);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOTFOUND : rc;
	f = (struct enterprise_fields){
		.name = merged_str(&v[EU_NAME], cur.name),
		.tier = merged_str(&v[EU_TIER], cur.tier),
		.size_class = merged_str(&v[EU_SIZE], cur.size_class),
		.beijing_registered = merged_bool(&v[EU_BEIJING],
		    cur.beijing_registered),
		.is_enterprise = merged_bool(&v[EU_IS_ENT], cur.is_enterprise),
		.credit_flagged = merged_bool(&v[EU_CREDIT], cur.credit_flagged),
		.credit_source = merged_str(&v[EU_CREDIT_SOURCE],
		    cur.credit_source),
		.credit_checked_ymd = merged_i64(&v[EU_CREDIT_ON],
		    cur.credit_checked_ymd),
	};
	if (!credit_recorded(f.credit_flagged, f.credit_source,
	    f.credit_checked_ymd)) {
		db_res_free(keep);
		return TX_CREDIT;
	}
	before = enterprise_json(&cur, year, r->now);
	rc = db_enterprise_update(db, t->id, &f, r->now);
	if (rc == DB_OK && (v[EU_TIER].present || v[EU_SIZE].present ||
	    v[EU_CREDIT].present)) {
		/* E7, E8: the tier's cap from this year on, for new orders
		 * only; the quota row (locked after the enterprise's) keeps
		 * what existing orders hold, even above a lower cap */
		rc = db_quota_set_cap(db, t->id, year, rule_tier_cap(
		    (enum rule_tier)rule_tier_parse(f.tier)));
	}
	if (rc == DB_OK)
		rc = enterprise_load(r, t->id, false, &t->after);
	if (rc == DB_OK)
		rc = audit_write(r, "enterprise.update", "enterprise", t->id,
		    before, t->after);
	json_decref(before);
	db_res_free(keep);
	return rc;
}

/*
 * PUT /api/bureau/enterprises/{id} {name?, tier?, size_class?,
 * beijing_registered?, is_enterprise?, credit_flagged?, credit_source?,
 * credit_checked_on?} → 200 the enterprise; 404; 422 credit flag without
 * source (E4). A tier (or size class, credit) change sets the yearly
 * cap of the tier (E7) for new orders only: an enterprise then above it
 * keeps its orders, has nothing available and is refused new orders
 * until back under it (E8).
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

/* The one serializer of a provider: its row and whether it is barred at
 * now (V2). */
static json_t *
provider_json(const struct provider_row *p, time_t now)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "name", str_json(p->name));
	json_object_set_new(o, "uscc", str_json(p->uscc));
	json_object_set_new(o, "beijing_registered",
	    json_boolean(p->beijing_registered));
	json_object_set_new(o, "main_body_beijing",
	    json_boolean(p->main_body_beijing));
	json_object_set_new(o, "has_premises", json_boolean(p->has_premises));
	json_object_set_new(o, "established_on", str_json(p->established_on));
	json_object_set_new(o, "credit_flagged",
	    json_boolean(p->credit_flagged));
	json_object_set_new(o, "credit_source", str_json(p->credit_source));
	json_object_set_new(o, "credit_checked_on",
	    str_json(p->credit_checked_on));
	json_object_set_new(o, "barred_until", time_json(p->barred_until));
	json_object_set_new(o, "last_year_contracts",
	    json_integer(p->last_year_contracts));
	json_object_set_new(o, "last_year_revenue",
	    json_integer(p->last_year_revenue));
	json_object_set_new(o, "created_at", time_json(p->created_at));
	json_object_set_new(o, "updated_at", time_json(p->updated_at));
	json_object_set_new(o, "login", str_json(p->login));
	json_object_set_new(o, "listed_products",
	    json_integer(p->listed_products));
	json_object_set_new(o, "barred",
	    json_boolean(rule_barred_at(p->barred_until, now)));
	return o;
}

/* Loads provider id as JSON (lock: FOR UPDATE). */
static int
provider_load(struct req *r, int64_t id, bool lock, json_t **out)
{
	struct provider_row p;
	struct db_res *keep = NULL;
	int rc = db_provider_get(r->db, id, lock, &p, &keep);

	*out = rc == DB_OK ? provider_json(&p, r->now) : NULL;
	db_res_free(keep);
	return rc;
}

static json_t *
provider_item_json(void *ctx, const struct provider_row *p)
{
	const time_t *now = ctx;

	return provider_json(p, *now);
}

int
provider_list(struct req *r)
{
	const char *q;
	char *like;
	int64_t page, per_page;
	json_t *o;
	int rc;

	if (query_page_or_400(r, &page, &per_page) < 0 ||
	    query_str_or_400(r, "q", 100, &q) < 0)
		return r->status;
	like = q ? req_like_contains(r, q) : NULL;
	o = db_provider_page(r->db, q, like, page, per_page,
	    provider_item_json, &r->now, &rc);
	if (o == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, o);
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
	struct provider_fields f = {
		.name = v[PF_NAME].s,
		.beijing_registered = v[PF_BEIJING].i != 0,
		.main_body_beijing = v[PF_MAIN_BJ].present ?
		    v[PF_MAIN_BJ].i != 0 : v[PF_BEIJING].i != 0,
		.has_premises = v[PF_PREMISES].present ?
		    v[PF_PREMISES].i != 0 : true,
		.established_ymd = ymd_of(&v[PF_ESTABLISHED]),
		.credit_flagged = v[PF_CREDIT].i != 0,
		.credit_source = v[PF_CREDIT_SOURCE].s,
		.credit_checked_ymd = ymd_of(&v[PF_CREDIT_ON]),
		.last_year_contracts = v[PF_CONTRACTS].i,
		.last_year_revenue = v[PF_REVENUE].i,
	};
	json_t *after;
	int rc;

	rc = db_provider_insert(db, v[PF_USCC].s, &f, r->now, &t->id);
	if (rc != DB_OK)
		return rc;
	rc = db_account_insert(db, v[PF_LOGIN].s, t->hash, "provider", 0,
	    t->id, r->now);
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
		    "统一社会信用代码无效：须为 18 位，校验位须正确");
	if (auth_password_hash(v[PF_PASSWORD].s, g_config.pbkdf2_iter, hash,
	    sizeof(hash)) < 0)
		return http_error(r, 503, "unavailable", NULL, "密码处理失败");
	t.hash = hash;
	rc = db_tx(r->db, provider_create_tx, &t);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc == DB_CONFLICT)
		return conflict_reply(r, true,
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

static int
provider_update_tx(struct db *db, void *arg)
{
	struct org_upd_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	struct provider_row cur;
	struct provider_fields f;
	struct db_res *keep = NULL;
	json_t *before = NULL;
	int rc;

	json_decref(t->after);
	t->after = NULL;
	if ((rc = db_provider_get(db, t->id, true, &cur, &keep)) != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOTFOUND : rc;
	f = (struct provider_fields){
		.name = merged_str(&v[PU_NAME], cur.name),
		.beijing_registered = merged_bool(&v[PU_BEIJING],
		    cur.beijing_registered),
		.main_body_beijing = merged_bool(&v[PU_MAIN_BJ],
		    cur.main_body_beijing),
		.has_premises = merged_bool(&v[PU_PREMISES], cur.has_premises),
		.established_ymd = merged_i64(&v[PU_ESTABLISHED],
		    cur.established_ymd),
		.credit_flagged = merged_bool(&v[PU_CREDIT], cur.credit_flagged),
		.credit_source = merged_str(&v[PU_CREDIT_SOURCE],
		    cur.credit_source),
		.credit_checked_ymd = merged_i64(&v[PU_CREDIT_ON],
		    cur.credit_checked_ymd),
		.last_year_contracts = merged_i64(&v[PU_CONTRACTS],
		    cur.last_year_contracts),
		.last_year_revenue = merged_i64(&v[PU_REVENUE],
		    cur.last_year_revenue),
	};
	if (!credit_recorded(f.credit_flagged, f.credit_source,
	    f.credit_checked_ymd)) {
		db_res_free(keep);
		return TX_CREDIT;
	}
	before = provider_json(&cur, r->now);
	rc = db_provider_update(db, t->id, &f, r->now);
	if (rc == DB_OK)
		rc = provider_load(r, t->id, false, &t->after);
	if (rc == DB_OK)
		rc = audit_write(r, "provider.update", "provider", t->id,
		    before, t->after);
	json_decref(before);
	db_res_free(keep);
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
