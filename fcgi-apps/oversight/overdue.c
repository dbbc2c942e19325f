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
#include "page.h"

#define DAY 86400

/* One item of the merged list: its clock and what it is about. */
struct overdue_item {
	struct stage_clock c;
	const char *subject, *ref, *party;
	int64_t id;
};

/* The item as JSON. */
static json_t *
item_json(const struct overdue_item *it, time_t now)
{
	json_t *j = stage_clock_json(&it->c, now);

	json_object_set_new(j, "subject", json_string(it->subject));
	json_object_set_new(j, "id", json_integer(it->id));
	json_object_set_new(j, "ref", json_string(it->ref ? it->ref : ""));
	json_object_set_new(j, "party_name", json_string(it->party ?
	    it->party : ""));
	json_object_set_new(j, "overdue_seconds",
	    json_integer((json_int_t)(now - it->c.deadline)));
	return j;
}

/* The order, application or certification row i of its kind as an item
 * (c.running false past the end). */
typedef struct overdue_item (*overdue_item_fn)(const struct db_rows *rows,
    size_t i, time_t now);

static struct overdue_item
order_item(const struct db_rows *rows, size_t i, time_t now)
{
	const struct overdue_order_row *o;
	struct overdue_item it = { 0 };

	if (i >= rows->n)
		return it;
	o = &((const struct overdue_order_row *)rows->v)[i];
	it.c = stage_clock(&(struct clock_facts){ .subject = CLOCK_ORDER,
	    .state = o->status, .submitted_at = o->submitted_at,
	    .confirmed_at = o->confirmed_at, .approved_at = o->approved_at },
	    now);
	it.subject = "order";
	it.id = o->id;
	it.ref = o->order_no;
	it.party = it.c.who == WHO_ENTERPRISE ? o->enterprise_name :
	    o->provider_name;
	return it;
}

static struct overdue_item
app_item(const struct db_rows *rows, size_t i, time_t now)
{
	const struct overdue_app_row *a;
	struct overdue_item it = { 0 };

	if (i >= rows->n)
		return it;
	a = &((const struct overdue_app_row *)rows->v)[i];
	it.c = stage_clock(&(struct clock_facts){
	    .subject = CLOCK_APPLICATION, .state = "pending",
	    .submitted_at = a->last_submitted_at, .opinion = a->has_opinion },
	    now);
	it.subject = "application";
	it.id = a->id;
	it.party = a->provider_name;
	return it;
}

static struct overdue_item
cert_item(const struct db_rows *rows, size_t i, time_t now)
{
	const struct overdue_cert_row *c;
	struct overdue_item it = { 0 };

	if (i >= rows->n)
		return it;
	c = &((const struct overdue_cert_row *)rows->v)[i];
	it.c = stage_clock(&(struct clock_facts){
	    .subject = CLOCK_CERTIFICATION, .state = "pending",
	    .submitted_at = c->submitted_at }, now);
	it.subject = "certification";
	it.id = c->id;
	it.party = c->name;
	return it;
}

/* The stages the backlog is counted by, in the order of struct
 * overdue_counts_row: the facts of one item waiting in each, from which
 * stage_clock gives the stage's name and who must act (clocks.c). */
static const struct clock_facts counted_stages[] = {
	{ .subject = CLOCK_ORDER, .state = "submitted", .submitted_at = 1,
	  .confirmed_at = 1 },					/* R4 */
	{ .subject = CLOCK_ORDER, .state = "approved", .approved_at = 1 },
	{ .subject = CLOCK_APPLICATION, .state = "pending", .submitted_at = 1 },
	{ .subject = CLOCK_APPLICATION, .state = "pending", .submitted_at = 1,
	  .opinion = true },					/* A6 */
	{ .subject = CLOCK_CERTIFICATION, .state = "pending",
	  .submitted_at = 1 },					/* E9 */
};

/* Appends {<k>: key, n} to list when n > 0, before the first smaller
 * (largest first; equal ones in the order given). */
static void
add_count(json_t *list, const char *k, const char *key, int64_t n)
{
	size_t i;

	if (n <= 0)
		return;
	for (i = 0; i < json_array_size(list); i++)
		if (json_integer_value(json_object_get(json_array_get(list, i),
		    "n")) < n)
			break;
	json_array_insert_new(list, i, json_pack("{s:s,s:I}", k, key, "n",
	    (json_int_t)n));
}

/*
 * GET /api/bureau/overdue?page=&per_page= -> 200 {items: [{subject:
 * order|application|certification, id, ref, party_name, rule, name,
 * deadline, seconds_left (negative), overdue_seconds, who}], total, page,
 * per_page, by_stage: [{stage, n}], by_party: [{who, n}]}: what waits
 * past its clock now, longest overdue first (a tie: orders, then
 * applications, then certifications), counted by stage and by party
 * (largest first). Each kind is read along its index up to the page's
 * end and the three merged here; the counts are each stage's total the
 * sweeper folded (026_overdue_swept.sql), its minutes not folded yet and
 * the cut's own minute from the rows (db.c STMT_OVERDUE_COUNTS).
 */
int
overdue_get(struct req *r)
{
	struct db_rows ord = { 0 }, app = { 0 }, cert = { 0 };
	struct overdue_counts_row n;
	time_t app_cut = r->now - (time_t)CLOCK_APPLICATION_DAYS * DAY;
	time_t cert_cut = r->now - (time_t)CLOCK_CERTIFICATION_DAYS * DAY;
	int64_t page, per_page, end, total;
	json_t *items, *by_stage, *by_party;
	int rc;

	if (query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	rc = db_overdue_counts(r->db, r->now, app_cut, cert_cut, &n);
	total = n.review_n + n.publish_n + n.app_n + n.app_decide_n + n.cert_n;
	/* a page past the end reads nothing */
	end = (page - 1) * per_page < total ? page * per_page : 0;
	if (rc == DB_OK && end > 0)
		rc = db_overdue_orders(r->db, r->now, end, &ord);
	if (rc == DB_OK && end > 0)
		rc = db_overdue_applications(r->db, app_cut, end, &app);
	if (rc == DB_OK && end > 0)
		rc = db_overdue_certifications(r->db, cert_cut, end, &cert);
	if (rc != DB_OK) {
		db_rows_free(&ord);
		db_rows_free(&app);
		db_rows_free(&cert);
		return http_db_error(r, rc);
	}
	/* the three lists merged by deadline, up to the page's end */
	{
		struct {
			const struct db_rows *rows;
			overdue_item_fn item;
			size_t next;
			struct overdue_item head;
		} kind[] = { { .rows = &ord, .item = order_item },
		    { .rows = &app, .item = app_item },
		    { .rows = &cert, .item = cert_item } };
		size_t nk = sizeof(kind) / sizeof(kind[0]);

		for (size_t j = 0; j < nk; j++)
			kind[j].head = kind[j].item(kind[j].rows,
			    kind[j].next++, r->now);
		items = json_array();
		for (int64_t k = 0; k < end; k++) {
			size_t best = nk;

			/* the earliest deadline; a tie: the earlier kind */
			for (size_t j = 0; j < nk; j++)
				if (kind[j].head.c.running && (best == nk ||
				    kind[j].head.c.deadline <
				    kind[best].head.c.deadline))
					best = j;
			if (best == nk)
				break;
			if (k >= end - per_page)
				json_array_append_new(items,
				    item_json(&kind[best].head, r->now));
			kind[best].head = kind[best].item(kind[best].rows,
			    kind[best].next++, r->now);
		}
	}
	db_rows_free(&ord);
	db_rows_free(&app);
	db_rows_free(&cert);
	{
		int64_t stage_n[] = { n.review_n, n.publish_n, n.app_n,
		    n.app_decide_n, n.cert_n };
		int64_t who_n[WHO__MAX] = { 0 };

		by_stage = json_array();
		for (size_t i = 0; i < sizeof(stage_n) / sizeof(stage_n[0]);
		    i++) {
			struct stage_clock c = stage_clock(&counted_stages[i], 0);

			add_count(by_stage, "stage", c.name, stage_n[i]);
			who_n[c.who] += stage_n[i];
		}
		by_party = json_array();
		for (int w = 0; w < WHO__MAX; w++)
			add_count(by_party, "who", clock_who_name(w), who_n[w]);
	}
	{
		json_t *body = page_json(items, total, page, per_page);

		json_object_set_new(body, "by_stage", by_stage);
		json_object_set_new(body, "by_party", by_party);
		return http_json(r, 200, body);
	}
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
