/*
 * overdue.c - issue 16's stage clocks for the bureau: everything past
 * its clock (shared/domain/clocks.h: the same pure function that puts
 * `clock` in every order, application and certification reply), counted
 * by stage and by party, and the average days each stage of an order
 * took in a year (the dashboard's stage_days).
 */
#include <math.h>
#include <string.h>

#include "clock.h"
#include "clocks.h"
#include "oversight.h"

/* Adds one to the count of key in the object counts. */
static void
count(json_t *counts, const char *key)
{
	json_t *n = json_object_get(counts, key);

	json_object_set_new(counts, key, json_integer(
	    (n ? json_integer_value(n) : 0) + 1));
}

/* Appends subject id's clock c to items when it is past at now. */
static void
add_if_past(json_t *items, json_t *by_stage, json_t *by_party,
    const struct stage_clock *c, const char *subject, int64_t id,
    const char *ref, const char *party, time_t now)
{
	json_t *j;

	if (!c->running || c->deadline == 0 || c->deadline > now)
		return;
	j = stage_clock_json(c, now);
	json_object_set_new(j, "subject", json_string(subject));
	json_object_set_new(j, "id", json_integer(id));
	json_object_set_new(j, "ref", json_string(ref ? ref : ""));
	json_object_set_new(j, "party_name", json_string(party ? party : ""));
	json_object_set_new(j, "overdue_seconds",
	    json_integer((json_int_t)(now - c->deadline)));
	json_array_append_new(items, j);
	count(by_stage, c->name);
	count(by_party, clock_who_name(c->who));
}

/* {key: n} as [{<k>: key, n}], largest first. */
static json_t *
counts_list(json_t *counts, const char *k)
{
	json_t *out = json_array(), *v;
	const char *key;

	json_object_foreach(counts, key, v)
		json_array_append_new(out, json_pack("{s:s,s:I}", k, key, "n",
		    json_integer_value(v)));
	return out;
}

/*
 * GET /api/bureau/overdue -> 200 {items: [{subject: order|application|
 * certification, id, ref, party_name, rule, name, deadline, seconds_left
 * (negative), overdue_seconds, who}], total, by_stage: [{stage, n}],
 * by_party: [{who, n}]}: what waits past its clock now, longest first.
 */
int
overdue_get(struct req *r)
{
	struct db_rows ord = { 0 }, app = { 0 }, cert = { 0 };
	json_t *items, *by_stage, *by_party;
	int rc;

	rc = db_overdue_orders(r->db, &ord);
	if (rc == DB_OK)
		rc = db_overdue_applications(r->db, &app);
	if (rc == DB_OK)
		rc = db_overdue_certifications(r->db, &cert);
	if (rc != DB_OK) {
		db_rows_free(&ord);
		db_rows_free(&app);
		return http_db_error(r, rc);
	}
	items = json_array();
	by_stage = json_object();
	by_party = json_object();
	for (size_t i = 0; i < ord.n; i++) {
		const struct overdue_order_row *o =
		    &((const struct overdue_order_row *)ord.v)[i];
		struct clock_facts f = { .subject = CLOCK_ORDER,
		    .state = o->status, .submitted_at = o->submitted_at,
		    .confirmed_at = o->confirmed_at,
		    .approved_at = o->approved_at };
		struct stage_clock c = stage_clock(&f, r->now);

		add_if_past(items, by_stage, by_party, &c, "order", o->id,
		    o->order_no, c.who == WHO_ENTERPRISE ? o->enterprise_name :
		    o->provider_name, r->now);
	}
	for (size_t i = 0; i < app.n; i++) {
		const struct overdue_app_row *a =
		    &((const struct overdue_app_row *)app.v)[i];
		struct clock_facts f = { .subject = CLOCK_APPLICATION,
		    .state = "pending", .submitted_at = a->last_submitted_at,
		    .opinion = a->has_opinion };
		struct stage_clock c = stage_clock(&f, r->now);

		add_if_past(items, by_stage, by_party, &c, "application", a->id,
		    NULL, a->provider_name, r->now);
	}
	for (size_t i = 0; i < cert.n; i++) {
		const struct overdue_cert_row *c0 =
		    &((const struct overdue_cert_row *)cert.v)[i];
		struct clock_facts f = { .subject = CLOCK_CERTIFICATION,
		    .state = "pending", .submitted_at = c0->submitted_at };
		struct stage_clock c = stage_clock(&f, r->now);

		add_if_past(items, by_stage, by_party, &c, "certification",
		    c0->id, NULL, c0->name, r->now);
	}
	db_rows_free(&ord);
	db_rows_free(&app);
	db_rows_free(&cert);
	/* longest overdue first */
	{
		size_t n = json_array_size(items);

		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && json_integer_value(
			    json_object_get(json_array_get(items, j - 1),
			    "overdue_seconds")) < json_integer_value(
			    json_object_get(json_array_get(items, j),
			    "overdue_seconds")); j--) {
				json_t *a = json_incref(json_array_get(items, j));

				json_array_set(items, j, json_array_get(items,
				    j - 1));
				json_array_set_new(items, j - 1, a);
			}
	}
	rc = http_json(r, 200, json_pack("{s:O,s:I,s:o,s:o}", "items", items,
	    "total", (json_int_t)json_array_size(items), "by_stage",
	    counts_list(by_stage, "stage"), "by_party",
	    counts_list(by_party, "who")));
	json_decref(items);
	json_decref(by_stage);
	json_decref(by_party);
	return rc;
}

json_t *
stage_days_json(struct db *db, int64_t year, int *rc)
{
	struct stage_seconds_row s;
	json_t *out;

	*rc = db_stage_seconds(db, year, &s);
	if (*rc != DB_OK)
		return NULL;
	{
		const struct { const char *stage, *name; int64_t sec, n; } st[] = {
			{ "accept", "接单", s.accept_s, s.accept_n },
			{ "contract", "签约", s.contract_s, s.contract_n },
			{ "submit", "提交兑付申请", s.submit_s, s.submit_n },
			{ "review", "初审", s.review_s, s.review_n },
			{ "publish", "纳入公示", s.publish_s, s.publish_n },
			{ "pay", "兑付", s.pay_s, s.pay_n },
		};

		out = json_array();
		for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
			json_array_append_new(out, json_pack("{s:s,s:s,s:f,s:I}",
			    "stage", st[i].stage, "name", st[i].name, "days",
			    round((double)st[i].sec / 8640.0) / 10.0, "orders",
			    (json_int_t)st[i].n));
	}
	return out;
}
