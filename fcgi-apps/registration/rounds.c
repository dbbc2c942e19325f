/*
 * rounds.c - programme years (rules Y1-Y3): each round has its
 * collection window (A2), its ordering period, and one round is current
 * at a time, set by the bureau.
 *
 *   GET  /api/bureau/rounds          every round, newest first
 *   POST /api/bureau/rounds          a new round (not current)
 *   PUT  /api/bureau/rounds/{year}   its dates; {current: true} makes it
 *                                    the current one
 *
 * Switching the current round is one transaction: the old flag cleared,
 * the new one set (the rounds table's unique current_guard holds exactly
 * one), and the tier of every enterprise whose tier follows the lists
 * re-derived from the new year's lists (E11) with its cap for the new
 * year (Y3: allowances are per round year and start empty). Orders,
 * claims and payments of earlier rounds are not touched.
 */
#include <stdio.h>
#include <string.h>

#include "registration.h"

enum { RF_YEAR, RF_APPLY_OPENS, RF_APPLY_CLOSES, RF_ORDER_OPENS,
    RF_ORDER_CLOSES, RF_CURRENT, RF__MAX };

static const struct field round_fields[RF__MAX] = {
	[RF_YEAR]         = { "year", FIELD_INT, true, 2000, 2100, NULL },
	[RF_APPLY_OPENS]  = { "apply_opens_on", FIELD_DATE, true, 0, 0, NULL },
	[RF_APPLY_CLOSES] = { "apply_closes_on", FIELD_DATE, true, 0, 0, NULL },
	[RF_ORDER_OPENS]  = { "order_opens_on", FIELD_DATE, false, 0, 0, NULL },
	[RF_ORDER_CLOSES] = { "order_closes_on", FIELD_DATE, false, 0, 0, NULL },
	[RF_CURRENT]      = { "current", FIELD_BOOL, false, 0, 0, NULL },
};

/* The same without the year (the path names it); all optional. */
static const struct field round_update_fields[RF__MAX - 1] = {
	{ "apply_opens_on", FIELD_DATE, false, 0, 0, NULL },
	{ "apply_closes_on", FIELD_DATE, false, 0, 0, NULL },
	{ "order_opens_on", FIELD_DATE, false, 0, 0, NULL },
	{ "order_closes_on", FIELD_DATE, false, 0, 0, NULL },
	{ "current", FIELD_BOOL, false, 0, 0, NULL },
};

static json_t *
date_json(int64_t ymd)
{
	char s[24];

	if (ymd <= 0)
		return json_null();
	snprintf(s, sizeof(s), "%04d-%02d-%02d", (int)(ymd / 10000),
	    (int)(ymd / 100 % 100), (int)(ymd % 100));
	return json_string(s);
}

/* A round as the API shows it. */
static json_t *
round_json(const struct round_row *v)
{
	return json_pack("{s:i,s:o,s:o,s:o,s:o,s:b}", "year", v->year,
	    "apply_opens_on", date_json(v->apply_opens_on), "apply_closes_on",
	    date_json(v->apply_closes_on), "order_opens_on",
	    date_json(v->order_opens_on), "order_closes_on",
	    date_json(v->order_closes_on), "is_current", v->is_current);
}

/* GET /api/bureau/rounds -> 200 {items: [{year, apply_opens_on,
 * apply_closes_on, order_opens_on, order_closes_on, is_current}]}; a
 * null ordering date is no limit on that side. */
int
rounds_list(struct req *r)
{
	struct db_rows rows;
	const struct round_row *v;
	json_t *items;
	int rc = db_round_list(r->db, &rows);

	if (rc != DB_OK)
		return http_db_error(r, rc);
	items = json_array();
	v = rows.v;
	for (size_t i = 0; i < rows.n; i++)
		json_array_append_new(items, round_json(&v[i]));
	db_rows_free(&rows);
	return http_json(r, 200, json_pack("{s:o}", "items", items));
}

struct round_tx {
	struct req          *r;
	bool                 create;
	struct round_row     v;         /* the new values                   */
	const struct field_value *in;   /* what was given (update)          */
	bool                 make_current;
	long                 retiered;  /* out                              */
};

/* Y1: the dates of a round hold together. 0, or the field at fault. */
static const char *
round_bad_field(const struct round_row *v)
{
	if (v->apply_closes_on < v->apply_opens_on)
		return "apply_closes_on";
	if (v->order_opens_on > 0 && v->order_closes_on > 0 &&
	    v->order_closes_on < v->order_opens_on)
		return "order_closes_on";
	return NULL;
}

#define TX_BAD_DATES (DB_APP + 50)

/* E11, Y3: every declared enterprise's tier for the new current year. */
static int
retier_all(struct db *db, struct round_tx *t)
{
	struct actor a = actor_of(t->r);
	struct db_rows rows;
	const struct declared_row *d;
	int rc = db_declared_enterprises(db, &rows);

	if (rc != DB_OK)
		return rc;
	d = rows.v;
	for (size_t i = 0; i < rows.n && rc == DB_OK; i++) {
		struct db_res *keep = NULL;
		struct org_row o;
		enum rule_tier tier;
		bool changed = false;

		rc = db_org_get(db, d[i].org_id, true, &o, &keep);
		if (rc == DB_OK)
			rc = tier_refresh_org(db, &a, &o, &changed, &tier);
		t->retiered += rc == DB_OK && changed;
		db_res_free(keep);
	}
	db_rows_free(&rows);
	return rc;
}

static int
round_body(struct db *db, void *arg)
{
	struct round_tx *t = arg;
	struct req *r = t->r;
	struct round_row old;
	json_t *before = NULL, *after;
	int rc;

	t->retiered = 0;
	rc = db_round_lock(db, t->v.year, &old);
	if (t->create) {
		if (rc == DB_OK)
			return TX_EXISTS;
		if (rc != DB_NOTFOUND)
			return rc;
		if (round_bad_field(&t->v) != NULL)
			return TX_BAD_DATES;
		rc = db_round_insert(db, &t->v, r->now);
		if (rc == DB_CONFLICT)
			return TX_EXISTS;
	} else {
		const struct field_value *in = t->in;

		if (rc != DB_OK)
			return rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
		before = round_json(&old);
		/* the given dates over the stored ones */
		t->v.is_current = old.is_current;
		t->v.apply_opens_on = in[0].present ? in[0].i : old.apply_opens_on;
		t->v.apply_closes_on = in[1].present ? in[1].i :
		    old.apply_closes_on;
		t->v.order_opens_on = in[2].present ? in[2].i : old.order_opens_on;
		t->v.order_closes_on = in[3].present ? in[3].i :
		    old.order_closes_on;
		if (round_bad_field(&t->v) != NULL) {
			json_decref(before);
			return TX_BAD_DATES;
		}
		rc = db_round_update(db, &t->v, r->now);
		if (rc == DB_NOTFOUND)
			rc = DB_OK;
	}
	if (rc == DB_OK && t->make_current && !t->v.is_current) {
		/* exactly one current round (Y1): cleared, then set */
		rc = db_round_set_current(db, t->v.year, r->now);
		t->v.is_current = true;
		if (rc == DB_OK)
			rc = retier_all(db, t);
	}
	if (rc != DB_OK) {
		json_decref(before);
		return rc;
	}
	after = round_json(&t->v);
	json_object_set_new(after, "enterprises_retiered",
	    json_integer(t->retiered));
	rc = audit_write(r, t->create ? "round.create" : "round.update", "round",
	    t->v.year, before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

static int
round_tx_error(struct req *r, struct round_tx *t, int rc)
{
	if (rc == TX_EXISTS)
		return http_error(r, 409, "round_exists", "year",
		    "%d 年度已存在", t->v.year);
	if (rc == TX_NOT_FOUND)
		return http_error(r, 404, "not_found", NULL, "该年度不存在");
	if (rc == TX_BAD_DATES) {
		const char *f = round_bad_field(&t->v);

		if (f == NULL)
			f = "apply_closes_on";
		return http_error(r, 400, "invalid_dates", f,
		    strcmp(f, "apply_closes_on") == 0 ?
		    "申报截止日期不能早于申报开始日期" :
		    "用券截止日期不能早于用券开始日期");
	}
	return http_db_error(r, rc);
}

static int
round_reply(struct req *r, struct round_tx *t, int status)
{
	json_t *j = round_json(&t->v);

	json_object_set_new(j, "enterprises_retiered", json_integer(t->retiered));
	return http_json(r, status, j);
}

/*
 * POST /api/bureau/rounds {year, apply_opens_on, apply_closes_on,
 * order_opens_on?, order_closes_on?, current?} -> 201 the round. 409
 * round_exists; 400 a field, invalid_dates.
 */
int
rounds_create(struct req *r)
{
	struct field_value v[RF__MAX];
	struct round_tx t = { .r = r, .create = true };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, round_fields, RF__MAX, v) < 0)
		return r->status;
	t.v = (struct round_row){ .year = (int)v[RF_YEAR].i,
	    .apply_opens_on = v[RF_APPLY_OPENS].i,
	    .apply_closes_on = v[RF_APPLY_CLOSES].i,
	    .order_opens_on = v[RF_ORDER_OPENS].present ? v[RF_ORDER_OPENS].i : 0,
	    .order_closes_on = v[RF_ORDER_CLOSES].present ?
	    v[RF_ORDER_CLOSES].i : 0 };
	t.make_current = v[RF_CURRENT].present && v[RF_CURRENT].i;
	if ((rc = db_tx(r->db, round_body, &t)) != DB_OK)
		return round_tx_error(r, &t, rc);
	return round_reply(r, &t, 201);
}

/*
 * PUT /api/bureau/rounds/{year} {apply_opens_on?, apply_closes_on?,
 * order_opens_on?, order_closes_on?, current?: true} -> 200 the round
 * with enterprises_retiered (a switch of the current round). 404; 400
 * invalid_dates, current_false (a round stops being current only when
 * another becomes it).
 */
int
rounds_update(struct req *r)
{
	struct field_value v[RF__MAX - 1];
	struct round_tx t = { .r = r, .in = v };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, round_update_fields, RF__MAX - 1, v) < 0)
		return r->status;
	if (r->ids[0] < 2000 || r->ids[0] > 2100)
		return http_error(r, 404, "not_found", NULL, "该年度不存在");
	if (v[4].present && !v[4].i)
		return http_error(r, 400, "current_false", "current",
		    "不能直接取消当前年度：请把另一个年度设为当前年度");
	t.v.year = (int)r->ids[0];
	t.make_current = v[4].present && v[4].i;
	if ((rc = db_tx(r->db, round_body, &t)) != DB_OK)
		return round_tx_error(r, &t, rc);
	return round_reply(r, &t, 200);
}
