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
 *   Each product says whether it can be ordered now (orderable, and
 *   unorderable_reason {code, message} when not): not when its provider is
 *   barred or credit-flagged (P7), sold out (P5) or delisted.
 * Bureau:
 *   GET  /api/bureau/products       every product, listed or not, with
 *                                   the least units a change keeps (P5)
 *   POST /api/bureau/products       list a product (P2-P4, P6)
 *   PUT  /api/bureau/products/{id}  units, validity, prices, delisting
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "clock.h"
#include "db.h"
#include "money.h"
#include "parties.h"
#include "rules.h"

#define CACHE_SECONDS 1

static const char *const sorts[] = { "newest", "price", "-price", "rating",
    "sales", NULL };

/* The enum product_sort of each name of sorts[], in the same order. */
static const enum product_sort sort_ids[] = { SORT_NEWEST, SORT_PRICE,
    SORT_PRICE_DESC, SORT_RATING, SORT_SALES };
_Static_assert(sizeof(sort_ids) / sizeof(sort_ids[0]) ==
    sizeof(sorts) / sizeof(sorts[0]) - 1, "one sort id per sort name");

/* A JSON string, or null for NULL. */
static json_t *
str_json(const char *s)
{
	json_t *j = s != NULL ? json_string(s) : NULL;

	return j != NULL ? j : json_null();
}

/* A UTC instant as "YYYY-MM-DDTHH:MM:SSZ". */
static json_t *
time_json(time_t t)
{
	char ts[21];

	clock_format_iso8601(t, ts);
	return json_string(ts);
}

/* Why product p cannot be ordered at now with left units, as {code,
 * message} (new reference), or NULL when it can: its provider barred or
 * credit-flagged (P7: the moment it is), delisted, sold out (P5). The
 * credit record itself is not shown. */
static json_t *
unorderable_json(const struct product_row *p, int64_t left, time_t now)
{
	const char *code = NULL, *msg = NULL;

	if (rule_barred_at(p->provider_barred_until, now) ||
	    p->provider_credit_flagged) {
		code = "provider_not_eligible";
		msg = "该产品的服务机构暂不具备服务券资格，暂停下单";
	} else if (p->detail && !p->listed) {
		code = "delisted";
		msg = "该产品已下架";
	} else if (left <= 0) {
		code = "sold_out";
		msg = "该产品的优惠名额已用完";
	}
	return code ? json_pack("{s:s,s:s}", "code", code, "message", msg) :
	    NULL;
}

/* The one serializer of a product: the row with category_name from P1,
 * remaining units at now (the stored ones plus back, the units timed-out
 * orders still hold, O4/O6), rating {average (stars, 1-5, two decimals),
 * count (evaluations)} instead of the raw sums, sold_out, and orderable
 * (with unorderable_reason when false); the detail members when the row
 * has them. Each evaluation adds its three aspects to rating_sum and 3
 * to rating_count (C1). */
static json_t *
product_json(const struct product_row *p, int64_t back, time_t now)
{
	json_t *o = json_object(), *avg = json_null(), *why;
	int64_t left = p->remaining_units + back;

	if (p->rating_count > 0) {
		/* rounded half up to two decimals */
		int64_t x100 = (p->rating_sum * 200 + p->rating_count) /
		    (2 * p->rating_count);

		avg = json_real((double)x100 / 100.0);
	}
	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "name", str_json(p->name));
	json_object_set_new(o, "category", str_json(p->category));
	json_object_set_new(o, "category_name",
	    str_json(rule_category_name(p->category)));
	json_object_set_new(o, "provider_id", json_integer(p->provider_id));
	json_object_set_new(o, "provider_name", str_json(p->provider_name));
	json_object_set_new(o, "market_price", json_integer(p->market_price));
	json_object_set_new(o, "voucher_price", json_integer(p->voucher_price));
	json_object_set_new(o, "unit_subsidy", json_integer(p->unit_subsidy));
	json_object_set_new(o, "enterprise_pays",
	    json_integer(p->enterprise_pays));
	json_object_set_new(o, "remaining_units", json_integer(left));
	json_object_set_new(o, "units_total", json_integer(p->units_total));
	json_object_set_new(o, "units_sold", json_integer(p->units_sold - back));
	json_object_set_new(o, "validity_days", json_integer(p->validity_days));
	json_object_set_new(o, "created_at", time_json(p->created_at));
	if (p->detail) {
		json_object_set_new(o, "description", str_json(p->description));
		json_object_set_new(o, "round_year", json_integer(p->round_year));
		json_object_set_new(o, "listed", json_boolean(p->listed));
		json_object_set_new(o, "discount", json_integer(p->discount));
		json_object_set_new(o, "updated_at", time_json(p->updated_at));
	}
	json_object_set_new(o, "rating", json_pack("{s:o,s:I}", "average", avg,
	    "count", (json_int_t)(p->rating_count / 3)));
	json_object_set_new(o, "sold_out", json_boolean(left <= 0));
	why = unorderable_json(p, left, now);
	json_object_set_new(o, "orderable", json_boolean(why == NULL));
	if (why != NULL)
		json_object_set_new(o, "unorderable_reason", why);
	return o;
}

int
category_list(struct req *r)
{
	json_t *items = NULL;
	int64_t year;
	int rc = db_shown_round(r->db_ro, &year);

	if (rc == DB_OK)
		rc = db_category_list(r->db_ro, year, &items);
	if (rc != DB_OK)
		return http_db_error(r, rc);
	return http_json_cached(r, json_pack("{s:o}", "items", items),
	    CACHE_SECONDS);
}

/* What a row of the public list is shown with. */
struct item_ctx {
	const struct db_rows *due;	/* units due back (O4, O6)        */
	time_t                now;
};

/* A row of the public list as JSON (ctx: struct item_ctx). */
static json_t *
product_item_json(void *ctx, const struct product_row *p)
{
	const struct item_ctx *c = ctx;

	return product_json(p, due_units_of(c->due, p->id), c->now);
}

int
product_list(struct req *r)
{
	struct product_query q = { .sort = SORT_NEWEST };
	struct db_rows due = { 0 };
	struct item_ctx ic = { &due, r->now };
	const char *sort, *text;
	int64_t page, per_page;
	json_t *o;
	int rc;

	if (query_enum_or_400(r, "category", rule_category_codes, NULL,
	    &q.category) < 0 ||
	    query_enum_or_400(r, "sort", sorts, "newest", &sort) < 0 ||
	    query_str_or_400(r, "q", 50, &text) < 0 ||
	    query_i64_or_400(r, "min_price", 0, MONEY_MAX_FEN, -1,
	    &q.min_price) < 0 ||
	    query_i64_or_400(r, "max_price", 0, MONEY_MAX_FEN, -1,
	    &q.max_price) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	if (q.min_price >= 0 && q.max_price >= 0 && q.min_price > q.max_price)
		return http_error(r, 400, "invalid_query", "min_price",
		    "min_price 不能大于 max_price");
	for (size_t i = 0; sorts[i] != NULL; i++)
		if (strcmp(sort, sorts[i]) == 0)
			q.sort = sort_ids[i];
	if (text != NULL) {
		q.text = text;
		q.like = req_like_contains(r, text);
	}
	if ((rc = db_shown_round(r->db_ro, &q.year)) == DB_OK)
		rc = db_due_units(r->db_ro, r->now, true, &due);
	o = rc == DB_OK ? db_product_page(r->db_ro, &q, page, per_page,
	    product_item_json, &ic, &rc) : NULL;
	db_rows_free(&due);
	if (o == NULL)
		return http_db_error(r, rc);
	return http_json_cached(r, o, CACHE_SECONDS);
}

/* Loads product id as JSON from db; reuse: a public read (db_due_units). */
static int
product_load(struct db *db, int64_t id, time_t now, bool reuse, json_t **out)
{
	struct product_row p;
	struct db_res *keep = NULL;
	struct db_rows due = { 0 };
	int rc = db_product_get(db, id, &p, &keep);

	if (rc == DB_OK)
		rc = db_due_units(db, now, reuse, &due);
	*out = rc == DB_OK ? product_json(&p, due_units_of(&due, id), now) :
	    NULL;
	db_rows_free(&due);
	db_res_free(keep);
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

/*
 * GET /api/products/{id}/evaluations?page=&per_page= → 200 {items:
 * [{quality, timeliness, attitude (1-5), comment (or null), created_at}],
 * total, page, per_page, summary: {count, quality: {average, count},
 * timeliness: {…}, attitude: {…}}}, newest first (C1, issue 11). Public
 * and cacheable like the product; never the enterprise or the order.
 * 404 for an unknown product.
 */
int
product_evaluations(struct req *r)
{
	struct evaluation_sums sums;
	int64_t page, per_page;
	json_t *o;
	int rc;

	if (query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	rc = db_product_evaluation_sums(r->db_ro, r->ids[0], &sums);
	if (rc == DB_NOTFOUND)
		return http_error(r, 404, "not_found", NULL, "产品不存在");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	o = db_product_evaluations(r->db_ro, r->ids[0], sums.n, page,
	    per_page, &rc);
	if (o == NULL)
		return http_db_error(r, rc);
	json_object_set_new(o, "summary", evaluation_summary_json(&sums));
	return http_json_cached(r, o, CACHE_SECONDS);
}

/* ---- bureau --------------------------------------------------------- */

/* A row of the bureau's list as JSON (ctx: struct item_ctx): the product
 * with its detail members, and units_taken (P5: the units orders took or
 * hold, below which PUT refuses a new total). */
static json_t *
product_bureau_item_json(void *ctx, const struct product_row *row)
{
	const struct item_ctx *c = ctx;
	struct product_row p = *row;
	json_t *o;

	p.detail = true;
	o = product_json(&p, due_units_of(c->due, p.id), c->now);
	json_object_set_new(o, "units_taken", json_integer(p.units_taken));
	return o;
}

static const char *const listed_choices[] = { "1", "0", NULL };

/*
 * GET /api/bureau/products?q=&provider_id=&listed=1|0&page=&per_page= →
 * 200 {items, total, page, per_page}: every product of every round, listed
 * or delisted (issue 11: the bureau's product management), newest first,
 * each as GET /api/products/{id} shows it plus units_taken. q searches the
 * product's and the provider's names. 400 naming a bad parameter. Read on
 * the write database: the bureau sees its own change at once.
 */
int
product_bureau_list(struct req *r)
{
	struct bureau_product_query q = { .listed = -1 };
	struct db_rows due = { 0 };
	struct item_ctx ic = { &due, r->now };
	const char *text, *listed;
	int64_t page, per_page;
	json_t *o;
	int rc;

	if (query_str_or_400(r, "q", 50, &text) < 0 ||
	    query_i64_or_400(r, "provider_id", 1, INT64_MAX, 0,
	    &q.provider_id) < 0 ||
	    query_enum_or_400(r, "listed", listed_choices, NULL, &listed) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	if (listed != NULL)
		q.listed = strcmp(listed, "1") == 0;
	if (text != NULL)
		q.like = req_like_contains(r, text);
	rc = db_due_units(r->db, r->now, false, &due);
	o = rc == DB_OK ? db_bureau_product_page(r->db, &q, page, per_page,
	    product_bureau_item_json, &ic, &rc) : NULL;
	db_rows_free(&due);
	if (o == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, o);
}

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

/* P3 and P6: 422 naming the field. */
static int
check_product_rules_or_422(struct req *r, int64_t market, int64_t voucher,
    int64_t validity)
{
	if (!rule_voucher_price_ok(voucher, market)) {
		http_error(r, 422, "voucher_price_too_high", "voucher_price",
		    "配券价须较市场价优惠 8 折以上（不高于市场价的 80%%）");
		return -1;
	}
	if (!rule_validity_days_ok(validity)) {
		http_error(r, 422, "invalid_validity", "validity_days",
		    "服务券有效期须为 1 到 %d 天", RULE_VALIDITY_MAX);
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
#define TX_FLAGGED        (DB_APP + 7)

/* P7: whether provider id exists (TX_NO_PROVIDER) and may have listed
 * products at now: not barred (TX_BARRED, V2), not credit-flagged
 * (TX_FLAGGED, E4). Products listed directly by the bureau bypass the
 * collection's A1 check, so this is where they meet it. */
static int
provider_check(struct db *db, int64_t id, time_t now)
{
	struct provider_standing ps;
	int rc = db_provider_standing(db, id, &ps);

	if (rc == DB_NOTFOUND)
		return TX_NO_PROVIDER;
	if (rc != DB_OK)
		return rc;
	if (rule_barred_at(ps.barred_until, now))
		return TX_BARRED;
	return ps.credit_flagged ? TX_FLAGGED : DB_OK;
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
	struct product_new p = {
		.provider_id = v[NF_PROVIDER].i,
		.category = v[NF_CATEGORY].s,
		.name = v[NF_NAME].s,
		.description = v[NF_DESCRIPTION].s,
		.market_price = v[NF_MARKET].i,
		.voucher_price = v[NF_VOUCHER].i,
		.unit_subsidy = rule_unit_subsidy(v[NF_VOUCHER].i),
		.units = v[NF_UNITS].i,
		.validity_days = t->validity,
	};
	json_t *after;
	int year, rc;

	if ((rc = provider_check(db, p.provider_id, r->now)) != DB_OK)
		return rc;
	if ((rc = round_current(db, &year)) != DB_OK)
		return rc == DB_NOTFOUND ? TX_NO_ROUND : rc;
	p.round_year = year;
	/* DB_NOTFOUND: VOUCHER_ROUND names a round the table does not hold */
	if ((rc = db_product_insert(db, &p, r->now, &t->id)) != DB_OK)
		return rc == DB_NOTFOUND ? TX_NO_ROUND : rc;
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
		    "该服务机构因违规被取消服务券资格，不能上架产品");
	case TX_FLAGGED:
		return http_error(r, 422, "provider_not_eligible", "provider_id",
		    "该服务机构存在严重失信记录，不能上架产品");
	case TX_NO_ROUND:
		return http_error(r, 409, "no_current_round", NULL,
		    "没有当前年度的征集批次");
	case TX_UNITS_TAKEN:
		return http_error(r, 409, "units_below_taken", "units",
		    "优惠数量不能少于已被下单的数量");
	default:
		return http_db_error(r, rc);
	}
}

/*
 * POST /api/bureau/products {provider_id, category, name, description,
 * market_price, voucher_price, units, validity_days?} → 201 the product.
 * 422: voucher price above 80% of market (P3), validity outside 1-60
 * (P6), unknown provider, barred (provider_barred, V2) or credit-flagged
 * (provider_not_eligible, P7); 409 no current round.
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

/* The stored product as the audit record shows it before a change. */
static json_t *
product_lock_json(const struct product_lock_row *p)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "provider_id", json_integer(p->provider_id));
	json_object_set_new(o, "name", str_json(p->name));
	json_object_set_new(o, "description", str_json(p->description));
	json_object_set_new(o, "market_price", json_integer(p->market_price));
	json_object_set_new(o, "voucher_price", json_integer(p->voucher_price));
	json_object_set_new(o, "unit_subsidy", json_integer(p->unit_subsidy));
	json_object_set_new(o, "units_total", json_integer(p->units_total));
	json_object_set_new(o, "remaining_units",
	    json_integer(p->remaining_units));
	json_object_set_new(o, "units_sold", json_integer(p->units_sold));
	json_object_set_new(o, "validity_days", json_integer(p->validity_days));
	json_object_set_new(o, "listed", json_boolean(p->listed));
	return o;
}

static int
product_update_tx(struct db *db, void *arg)
{
	struct product_upd_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	struct product_lock_row cur;
	struct product_change c;
	struct db_res *keep = NULL;
	json_t *before = NULL;
	int64_t taken;
	int rc;

	json_decref(t->after);
	t->after = NULL;
	if ((rc = db_product_lock(db, r->ids[0], &cur, &keep)) != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOTFOUND : rc;
	before = product_lock_json(&cur);
	t->market = v[UF_MARKET].present ? v[UF_MARKET].i : cur.market_price;
	t->voucher = v[UF_VOUCHER].present ? v[UF_VOUCHER].i :
	    cur.voucher_price;
	t->validity = v[UF_VALIDITY].present ? v[UF_VALIDITY].i :
	    cur.validity_days;
	c = (struct product_change){
		.name = v[UF_NAME].present ? v[UF_NAME].s : cur.name,
		.description = v[UF_DESCRIPTION].present ?
		    v[UF_DESCRIPTION].s : cur.description,
		.market_price = t->market,
		.voucher_price = t->voucher,
		.unit_subsidy = rule_unit_subsidy(t->voucher),
		.units_total = v[UF_UNITS].present ? v[UF_UNITS].i :
		    cur.units_total,
		.validity_days = t->validity,
		.listed = v[UF_LISTED].present ? v[UF_LISTED].i != 0 :
		    cur.listed,
	};
	/* P5: units already taken by orders stay taken */
	taken = cur.units_total - cur.remaining_units;
	c.remaining_units = c.units_total - taken;
	if (!rule_voucher_price_ok(t->voucher, t->market) ||
	    !rule_validity_days_ok(t->validity))
		rc = TX_RULE;
	else if (c.remaining_units < 0)
		rc = TX_UNITS_TAKEN;
	else if (c.listed && !cur.listed)
		rc = provider_check(db, cur.provider_id, r->now);
	if (rc == DB_OK)
		rc = db_product_update(db, r->ids[0], &c, r->now);
	if (rc == DB_NOTFOUND)
		rc = DB_OK;	/* nothing changed */
	if (rc == DB_OK)
		rc = product_load(db, r->ids[0], r->now, false, &t->after);
	if (rc == DB_OK)
		rc = audit_write(r, "product.update", "product", r->ids[0],
		    before, t->after);
	json_decref(before);
	db_res_free(keep);
	return rc;
}

/*
 * PUT /api/bureau/products/{id} {name?, description?, market_price?,
 * voucher_price?, units?, validity_days?, listed?} → 200 the product.
 * units is the new total: the units already taken by orders stay taken
 * (409 if the new total is below them). 422 for P3/P6 or relisting the
 * product of a barred (V2) or credit-flagged (P7) provider. 404 unknown
 * product.
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
