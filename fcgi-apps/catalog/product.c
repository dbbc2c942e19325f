/*
 * product.c - the catalog's handlers.
 *
 * Public (no login, cacheable: ETag + Cache-Control max-age=1, and an
 * nginx micro-cache in front):
 *   GET /api/categories       the twelve categories of P1 with counts
 *   GET /api/products         filters category, q, min_price, max_price;
 *                             sort price|-price|rating|sales|newest;
 *                             page, per_page → {items,total,page,per_page}
 *   GET /api/products/{id}    one product, with subsidy and what the
 *                             enterprise pays (P4) and remaining units (P5)
 * Bureau:
 *   POST /api/bureau/products       list a product (P2-P4, P6)
 *   PUT  /api/bureau/products/{id}  units, validity, prices, delisting
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "config.h"
#include "db.h"
#include "money.h"
#include "rules.h"

#define CACHE_SECONDS 1

static const char *const sorts[] = { "newest", "price", "-price", "rating",
    "sales", NULL };

/* The round the catalog shows (P2): VOUCHER_ROUND, or the current one of
 * the rounds table, read at most once a minute per worker thread (it
 * changes once a year). 0 when there is none. */
static int
shown_round(struct req *r, int64_t *year)
{
	static __thread int64_t cached;
	static __thread time_t fetched;
	struct db_res *res = NULL;
	struct timespec ts;
	int rc;

	if (g_config.round > 0) {
		*year = g_config.round;
		return DB_OK;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (fetched != 0 && ts.tv_sec - fetched < 60) {
		*year = cached;
		return DB_OK;
	}
	rc = db_exec(r->db_ro, STMT_ROUND_CURRENT, NULL, 0, &res, NULL, NULL);
	if (rc == DB_OK) {
		cached = res->nrows && !db_isnull(res, 0, 0) ? db_i64(res, 0, 0) : 0;
		fetched = ts.tv_sec;
		*year = cached;
	}
	db_res_free(res);
	return rc;
}

/* The round parameter: VOUCHER_ROUND, or NULL for the current round. */
static struct db_param
round_param(void)
{
	return g_config.round > 0 ? DB_I64(g_config.round) : DB_NULLP;
}

/* Units that timed-out orders of product id still hold (O4, O6): they
 * are back on sale at read time even before the sweeper runs. */
static int64_t
due_units(const struct db_res *due, int64_t id)
{
	for (size_t i = 0; due != NULL && i < due->nrows; i++)
		if (db_i64(due, i, 0) == id)
			return db_i64(due, i, 1);
	return 0;
}

/* The earliest O4 deadline and O6 end among open orders (ORDERS_NEXT_DUE)
 * as this thread last read it. Public reads reuse it within the same
 * second of "now" and for at most a second of real time (the injectable
 * clock of rule T2 may stand still or jump), so a unit comes back on sale
 * in the catalog within a second of its deadline: the freshness the
 * micro-cache in front promises anyway. Writes always read it afresh. */
struct next_due {
	bool            valid;
	time_t          now;		/* the "now" it was read at      */
	struct timespec read_at;	/* CLOCK_MONOTONIC               */
	bool            any_by_now;	/* some deadline <= now          */
};

static int
next_due_read(struct db *db, time_t now, bool reuse, bool *any)
{
	static __thread struct next_due nd;
	struct db_res *next = NULL;
	struct timespec ts;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (reuse && nd.valid && nd.now == now &&
	    (ts.tv_sec - nd.read_at.tv_sec) * 1000000000L +
	    (ts.tv_nsec - nd.read_at.tv_nsec) < 1000000000L) {
		*any = nd.any_by_now;
		return DB_OK;
	}
	if ((rc = db_query(db, STMT_NEXT_DUE, NULL, 0, &next)) != DB_OK) {
		db_res_free(next);
		return rc;
	}
	*any = (!db_isnull(next, 0, 0) && db_i64(next, 0, 0) <= now) ||
	    db_i64(next, 0, 1) <= now;
	db_res_free(next);
	nd = (struct next_due){ true, now, ts, *any };
	return DB_OK;
}

/* The (product, units) rows of PRODUCT_DUE_UNITS at now; *due stays
 * NULL when no deadline has passed (the usual case). reuse: a public
 * read (next_due_read). */
static int
due_load(struct db *db, time_t now, bool reuse, struct db_res **due)
{
	bool any;
	int rc = next_due_read(db, now, reuse, &any);

	*due = NULL;
	if (rc != DB_OK || !any)
		return rc;
	return db_exec(db, STMT_DUE_UNITS, DB_ARGS(DB_TIME(now),
	    DB_TIME(now)), due, NULL, NULL);
}

/* A product row as JSON: rating {average (stars, 1-5, two decimals),
 * count (evaluations)} instead of the raw sums, remaining units at now
 * and sold_out. Each evaluation adds its three aspects to rating_sum and
 * 3 to rating_count (C1). */
static json_t *
product_json(const struct db_res *res, size_t row, const struct db_res *due)
{
	json_t *o = db_row_json(res, row);
	json_int_t sum = json_integer_value(json_object_get(o, "rating_sum"));
	json_int_t cnt = json_integer_value(json_object_get(o, "rating_count"));
	json_int_t back = due_units(due, db_i64(res, row, 0));
	json_int_t left = json_integer_value(json_object_get(o,
	    "remaining_units")) + back;
	json_t *avg = json_null();

	if (cnt > 0) {
		/* rounded half up to two decimals */
		json_int_t x100 = (sum * 200 + cnt) / (2 * cnt);

		avg = json_real((double)x100 / 100.0);
	}
	if (back > 0) {
		json_object_set_new(o, "remaining_units", json_integer(left));
		json_object_set_new(o, "units_sold", json_integer(
		    json_integer_value(json_object_get(o, "units_sold")) - back));
	}
	json_object_set_new(o, "category_name", json_string(
	    rule_category_name(json_string_value(json_object_get(o,
	    "category")))));
	json_object_del(o, "rating_sum");
	json_object_del(o, "rating_count");
	json_object_set_new(o, "rating", json_pack("{s:o,s:I}", "average", avg,
	    "count", cnt / 3));
	json_object_set_new(o, "sold_out", json_boolean(left <= 0));
	return o;
}

int
category_list(struct req *r)
{
	struct db_res *res = NULL;
	json_t *items;
	int64_t year;
	int rc = shown_round(r, &year);

	if (rc == DB_OK)
		rc = db_exec(r->db_ro, STMT_CATEGORIES,
		    DB_ARGS(DB_I64(year)), &res, NULL, NULL);
	if (rc != DB_OK) {
		db_res_free(res);
		return http_db_error(r, rc);
	}
	items = db_rows_json(res);
	db_res_free(res);
	return http_json_cached(r, json_pack("{s:o}", "items", items),
	    CACHE_SECONDS);
}

int
product_list(struct req *r)
{
	const char *category, *sort, *q;
	int64_t min_price, max_price, page, per_page;
	struct db_res *res = NULL, *cnt = NULL, *due = NULL;
	struct db_param p[8];
	size_t np = 0;
	int64_t year;
	char *like;
	json_t *items;
	int filters = 0, sort_id, rc;

	if (query_enum_or_400(r, "category", rule_category_codes, NULL,
	    &category) < 0 ||
	    query_enum_or_400(r, "sort", sorts, "newest", &sort) < 0 ||
	    query_str_or_400(r, "q", 50, &q) < 0 ||
	    query_i64_or_400(r, "min_price", 0, MONEY_MAX_FEN, -1,
	    &min_price) < 0 ||
	    query_i64_or_400(r, "max_price", 0, MONEY_MAX_FEN, -1,
	    &max_price) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	if (min_price >= 0 && max_price >= 0 && min_price > max_price)
		return http_error(r, 400, "invalid_query", "min_price",
		    "min_price 不能大于 max_price");
	if (strcmp(sort, "price") == 0)
		sort_id = SORT_PRICE;
	else if (strcmp(sort, "-price") == 0)
		sort_id = SORT_PRICE_DESC;
	else if (strcmp(sort, "rating") == 0)
		sort_id = SORT_RATING;
	else if (strcmp(sort, "sales") == 0)
		sort_id = SORT_SALES;
	else
		sort_id = SORT_NEWEST;
	if ((rc = shown_round(r, &year)) != DB_OK)
		return http_db_error(r, rc);
	/* the params in the order of the generated WHERE (db.c) */
	p[np++] = DB_I64(year);
	if (category != NULL) {
		filters |= PF_CATEGORY;
		p[np++] = DB_STR(category);
	}
	if (min_price >= 0) {
		filters |= PF_MIN;
		p[np++] = DB_I64(min_price);
	}
	if (max_price >= 0) {
		filters |= PF_MAX;
		p[np++] = DB_I64(max_price);
	}
	if (q != NULL) {
		like = req_like_contains(r, q);
		filters |= PF_Q;
		p[np++] = DB_STR(like);
		p[np++] = DB_STR(like);
	}
	p[np] = DB_I64(per_page);
	p[np + 1] = DB_I64((page - 1) * per_page);
	rc = db_exec(r->db_ro, STMT_LIST(filters, sort_id), p, np + 2, &res,
	    NULL, NULL);
	/* a short first page is the whole list: no COUNT needed */
	if (rc == DB_OK && (page > 1 || res->nrows == (size_t)per_page))
		rc = db_query(r->db_ro, STMT_COUNT(filters), p, np, &cnt);
	if (rc == DB_OK)
		rc = due_load(r->db_ro, r->now, true, &due);
	if (rc != DB_OK) {
		db_res_free(res);
		db_res_free(cnt);
		db_res_free(due);
		return http_db_error(r, rc);
	}
	items = json_array();
	for (size_t i = 0; i < res->nrows; i++)
		json_array_append_new(items, product_json(res, i, due));
	rc = http_json_cached(r, page_json(items, cnt ? db_i64(cnt, 0, 0) :
	    (int64_t)res->nrows, page, per_page), CACHE_SECONDS);
	db_res_free(res);
	db_res_free(cnt);
	db_res_free(due);
	return rc;
}

/* Loads product id as JSON from db; reuse: a public read (due_load). */
static int
product_load(struct db *db, int64_t id, time_t now, bool reuse, json_t **out)
{
	struct db_res *res = NULL, *due = NULL;
	int rc = db_query(db, STMT_PRODUCT_GET,
	    DB_ARGS(DB_I64(id)), &res);

	if (rc == DB_OK)
		rc = due_load(db, now, reuse, &due);
	*out = rc == DB_OK ? product_json(res, 0, due) : NULL;
	db_res_free(res);
	db_res_free(due);
	return rc;
}

int
product_get(struct req *r)
{
	json_t *o;
	int rc = product_load(r->db_ro, r->ids[0], r->now, true, &o);

	if (rc == DB_NOTFOUND)
		return http_error(r, 404, "not_found", NULL, "产品不存在");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	return http_json_cached(r, o, CACHE_SECONDS);
}

/* ---- bureau --------------------------------------------------------- */

enum { NF_PROVIDER, NF_CATEGORY, NF_NAME, NF_DESCRIPTION, NF_MARKET,
    NF_VOUCHER, NF_UNITS, NF_VALIDITY, NF__MAX };

static const struct field product_new_fields[NF__MAX] = {
	[NF_PROVIDER]    = { "provider_id", FIELD_ID, true, 0, 0, NULL },
	[NF_CATEGORY]    = { "category", FIELD_ENUM, true, 0, 0, rule_category_codes },
	[NF_NAME]        = { "name", FIELD_STRING, true, 1, 200, NULL },
	[NF_DESCRIPTION] = { "description", FIELD_TEXT, true, 1, 5000, NULL },
	[NF_MARKET]      = { "market_price", FIELD_MONEY, true, 1, MONEY_MAX_FEN, NULL },
	[NF_VOUCHER]     = { "voucher_price", FIELD_MONEY, true, 1, MONEY_MAX_FEN, NULL },
	[NF_UNITS]       = { "units", FIELD_INT, true, 1, 1000000, NULL },
	[NF_VALIDITY]    = { "validity_days", FIELD_INT, false, -100000, 100000, NULL },
};

/* P3 and P6, with the rule in the 422. */
static int
check_product_rules_or_422(struct req *r, int64_t market, int64_t voucher,
    int64_t validity)
{
	if (!rule_voucher_price_ok(voucher, market)) {
		http_error(r, 422, "voucher_price_too_high", "voucher_price",
		    "配券价须不高于市场价的 80%%（规则 P3）");
		return -1;
	}
	if (!rule_validity_days_ok(validity)) {
		http_error(r, 422, "invalid_validity", "validity_days",
		    "有效期须为 1 到 %d 天（规则 P6）", RULE_VALIDITY_MAX);
		return -1;
	}
	return 0;
}

#define TX_NOTFOUND       (DB_APP + 1)
#define TX_NO_PROVIDER    (DB_APP + 2)
#define TX_BARRED         (DB_APP + 3)
#define TX_NO_ROUND       (DB_APP + 4)
#define TX_UNITS_TAKEN    (DB_APP + 5)
#define TX_RULE           (DB_APP + 6)

/* Whether provider id exists and is not barred at now (V2). */
static int
provider_check(struct db *db, int64_t id, time_t now)
{
	struct db_res *res = NULL;
	int rc = db_query(db, STMT_PROVIDER_STATUS,
	    DB_ARGS(DB_I64(id)), &res);

	if (rc == DB_NOTFOUND)
		rc = TX_NO_PROVIDER;
	else if (rc == DB_OK && !db_isnull(res, 0, 1) &&
	    db_i64(res, 0, 1) > now)
		rc = TX_BARRED;
	db_res_free(res);
	return rc;
}

struct product_new_tx {
	struct req               *r;
	const struct field_value *v;
	int64_t                   validity;
	int64_t                   id;	/* out */
};

static int
product_create_tx(struct db *db, void *arg)
{
	struct product_new_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	struct db_res *res = NULL;
	int64_t round;
	uint64_t id = 0;
	json_t *after;
	int rc;

	if ((rc = provider_check(db, v[NF_PROVIDER].i, r->now)) != DB_OK)
		return rc;
	rc = db_query(db, STMT_ROUND_RESOLVE,
	    DB_ARGS(round_param()), &res);
	if (rc != DB_OK) {
		db_res_free(res);
		return rc == DB_NOTFOUND ? TX_NO_ROUND : rc;
	}
	round = db_i64(res, 0, 0);
	db_res_free(res);
	rc = db_dml(db, STMT_PRODUCT_INSERT, DB_ARGS(
	    DB_I64(round), DB_I64(v[NF_PROVIDER].i), DB_STR(v[NF_CATEGORY].s),
	    DB_STR(v[NF_NAME].s), DB_STR(v[NF_DESCRIPTION].s),
	    DB_I64(v[NF_MARKET].i), DB_I64(v[NF_VOUCHER].i),
	    DB_I64(rule_unit_subsidy(v[NF_VOUCHER].i)), DB_I64(v[NF_UNITS].i),
	    DB_I64(v[NF_UNITS].i), DB_I64(t->validity), DB_TIME(r->now),
	    DB_TIME(r->now)), &id);
	if (rc != DB_OK)
		return rc;
	t->id = (int64_t)id;
	if ((rc = product_load(db, t->id, r->now, false, &after)) != DB_OK)
		return rc;
	rc = audit_write(r, "product.create", "product", t->id, NULL, after);
	json_decref(after);
	return rc;
}

static int
product_tx_error(struct req *r, int rc)
{
	switch (rc) {
	case TX_NOTFOUND:
		return http_error(r, 404, "not_found", NULL, "产品不存在");
	case TX_NO_PROVIDER:
		return http_error(r, 422, "unknown_provider", "provider_id",
		    "服务机构不存在");
	case TX_BARRED:
		return http_error(r, 422, "provider_barred", "provider_id",
		    "该服务机构因违规被取消资格，不能上架产品（规则 V2）");
	case TX_NO_ROUND:
		return http_error(r, 409, "no_current_round", NULL,
		    "没有当前年度的征集批次");
	case TX_UNITS_TAKEN:
		return http_error(r, 409, "units_below_taken", "units",
		    "优惠数量不能少于已被下单的数量（规则 P5）");
	default:
		return http_db_error(r, rc);
	}
}

/*
 * POST /api/bureau/products {provider_id, category, name, description,
 * market_price, voucher_price, units, validity_days?} → 201 the product.
 * 422: voucher price above 80% of market (P3), validity outside 1-60
 * (P6), unknown or barred provider (V2); 409 no current round.
 */
int
product_create(struct req *r)
{
	struct field_value v[NF__MAX];
	struct product_new_tx t = { .r = r, .v = v };
	json_t *body, *o;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, product_new_fields, NF__MAX, v) < 0)
		return r->status;
	t.validity = v[NF_VALIDITY].present ? v[NF_VALIDITY].i :
	    RULE_VALIDITY_DEFAULT;
	if (check_product_rules_or_422(r, v[NF_MARKET].i, v[NF_VOUCHER].i,
	    t.validity) < 0)
		return r->status;
	if ((rc = db_tx(r->db, product_create_tx, &t)) != DB_OK)
		return product_tx_error(r, rc);
	if ((rc = product_load(r->db, t.id, r->now, false, &o)) != DB_OK)
		return http_db_error(r, rc);
	return http_json(r, 201, o);
}

enum { UF_NAME, UF_DESCRIPTION, UF_MARKET, UF_VOUCHER, UF_UNITS, UF_VALIDITY,
    UF_LISTED, UF__MAX };

static const struct field product_upd_fields[UF__MAX] = {
	[UF_NAME]        = { "name", FIELD_STRING, false, 1, 200, NULL },
	[UF_DESCRIPTION] = { "description", FIELD_TEXT, false, 1, 5000, NULL },
	[UF_MARKET]      = { "market_price", FIELD_MONEY, false, 1, MONEY_MAX_FEN, NULL },
	[UF_VOUCHER]     = { "voucher_price", FIELD_MONEY, false, 1, MONEY_MAX_FEN, NULL },
	[UF_UNITS]       = { "units", FIELD_INT, false, 0, 1000000, NULL },
	[UF_VALIDITY]    = { "validity_days", FIELD_INT, false, -100000, 100000, NULL },
	[UF_LISTED]      = { "listed", FIELD_BOOL, false, 0, 0, NULL },
};

struct product_upd_tx {
	struct req               *r;
	const struct field_value *v;
	json_t                   *after;	/* out */
	int64_t                   market, voucher, validity;	/* out: for 422 */
};

static int
product_update_tx(struct db *db, void *arg)
{
	struct product_upd_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	struct db_res *cur = NULL;
	json_t *before = NULL;
	int64_t total, remaining, taken, listed;
	int rc;

	json_decref(t->after);
	t->after = NULL;
	rc = db_query(db, STMT_PRODUCT_LOCK,
	    DB_ARGS(DB_I64(r->ids[0])), &cur);
	if (rc != DB_OK) {
		db_res_free(cur);
		return rc == DB_NOTFOUND ? TX_NOTFOUND : rc;
	}
	before = db_row_json(cur, 0);
	t->market = v[UF_MARKET].present ? v[UF_MARKET].i : db_i64(cur, 0, 4);
	t->voucher = v[UF_VOUCHER].present ? v[UF_VOUCHER].i : db_i64(cur, 0, 5);
	t->validity = v[UF_VALIDITY].present ? v[UF_VALIDITY].i :
	    db_i64(cur, 0, 10);
	listed = v[UF_LISTED].present ? v[UF_LISTED].i : db_i64(cur, 0, 11);
	/* P5: units already taken by orders stay taken */
	taken = db_i64(cur, 0, 7) - db_i64(cur, 0, 8);
	total = v[UF_UNITS].present ? v[UF_UNITS].i : db_i64(cur, 0, 7);
	remaining = total - taken;
	if (!rule_voucher_price_ok(t->voucher, t->market) ||
	    !rule_validity_days_ok(t->validity))
		rc = TX_RULE;
	else if (remaining < 0)
		rc = TX_UNITS_TAKEN;
	else if (listed && !db_i64(cur, 0, 11))
		rc = provider_check(db, db_i64(cur, 0, 1), r->now);
	if (rc == DB_OK)
		rc = db_dml(db, STMT_PRODUCT_UPDATE, DB_ARGS(
		    DB_STR(v[UF_NAME].present ? v[UF_NAME].s : db_str(cur, 0, 2)),
		    DB_STR(v[UF_DESCRIPTION].present ? v[UF_DESCRIPTION].s :
		    db_str(cur, 0, 3)),
		    DB_I64(t->market), DB_I64(t->voucher),
		    DB_I64(rule_unit_subsidy(t->voucher)), DB_I64(total),
		    DB_I64(remaining), DB_I64(t->validity), DB_BOOL(listed),
		    DB_TIME(r->now), DB_I64(r->ids[0])), NULL);
	if (rc == DB_NOTFOUND)
		rc = DB_OK;	/* nothing changed */
	if (rc == DB_OK)
		rc = product_load(db, r->ids[0], r->now, false, &t->after);
	if (rc == DB_OK)
		rc = audit_write(r, "product.update", "product", r->ids[0],
		    before, t->after);
	json_decref(before);
	db_res_free(cur);
	return rc;
}

/*
 * PUT /api/bureau/products/{id} {name?, description?, market_price?,
 * voucher_price?, units?, validity_days?, listed?} → 200 the product.
 * units is the new total: the units already taken by orders stay taken
 * (409 if the new total is below them). 422 for P3/P6 or relisting a
 * barred provider's product (V2). 404 unknown product.
 */
int
product_update(struct req *r)
{
	struct field_value v[UF__MAX];
	struct product_upd_tx t = { .r = r, .v = v };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, product_upd_fields, UF__MAX, v) < 0)
		return r->status;
	rc = db_tx(r->db, product_update_tx, &t);
	if (rc == TX_RULE) {
		check_product_rules_or_422(r, t.market, t.voucher, t.validity);
		return r->status;
	}
	if (rc != DB_OK) {
		json_decref(t.after);
		return product_tx_error(r, rc);
	}
	return http_json(r, 200, t.after);
}
