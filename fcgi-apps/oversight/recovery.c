/*
 * recovery.c - subsidies to recover and the money that came back (R6,
 * V2), for the bureau:
 *   GET  /api/bureau/recoveries?status=open|partial|settled|due&order_id=
 *   POST /api/bureau/recoveries/{id} {amount_returned, returned_on}
 *
 * A recovery is created by a provider's refund report (R6, the provider
 * program) or by a violation (V2, violation.c). Each POST records one
 * return of money (an increment, not a running total): partial returns
 * leave it "partial", the last one "settled".
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "money.h"
#include "oversight.h"

#define TX_NOT_FOUND   (DB_APP + 1)
#define TX_SETTLED     (DB_APP + 2)
#define TX_TOO_MUCH    (DB_APP + 3)

static const char *const recovery_statuses[] = { "open", "partial",
    "settled", "due", NULL };

/*
 * GET /api/bureau/recoveries?status=&order_id=&page=&per_page= → newest
 * first: {items: [{id, order_id, order_no, order_status, provider_id,
 * provider_name, enterprise_id, enterprise_name, source (refund|violation),
 * refund_id, violation_id, amount_due, amount_returned, outstanding,
 * returned_on, status, created_at, updated_at}], total, page, per_page,
 * totals: {amount_due, amount_returned, outstanding}}; status=due is open
 * and partial together (what is still to recover).
 */
int
recovery_list(struct req *r)
{
	struct recovery_filter f = { 0 };
	struct recovery_totals tot;
	struct db_res *res = NULL;
	int64_t page, per_page;
	json_t *o;
	int rc;

	if (query_enum_or_400(r, "status", recovery_statuses, NULL,
	    &f.status) < 0 ||
	    query_i64_or_400(r, "order_id", 1, INT64_MAX, 0, &f.order_id) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	f.due = f.status != NULL && strcmp(f.status, "due") == 0;
	if (f.due)
		f.status = NULL;
	rc = db_recoveries(r->db, &f, per_page, (page - 1) * per_page, &res,
	    &tot);
	if (rc != DB_OK) {
		db_res_free(res);
		return http_db_error(r, rc);
	}
	o = page_json(db_rows_json(res), tot.n, page, per_page);
	json_object_set_new(o, "totals", json_pack("{s:I,s:I,s:I}",
	    "amount_due", (json_int_t)tot.amount_due, "amount_returned",
	    (json_int_t)tot.amount_returned, "outstanding",
	    (json_int_t)(tot.amount_due - tot.amount_returned)));
	db_res_free(res);
	return http_json(r, 200, o);
}

enum { RF_AMOUNT, RF_ON, RF__MAX };

static const struct field return_fields[RF__MAX] = {
	[RF_AMOUNT] = { "amount_returned", FIELD_MONEY, true, 1, MONEY_MAX_FEN,
	    NULL },
	[RF_ON]     = { "returned_on", FIELD_DATE, true, 0, 0, NULL },
};

struct return_tx {
	struct req               *r;
	const struct field_value *v;
	int64_t                   outstanding;	/* out: TX_TOO_MUCH */
};

static int
return_tx(struct db *db, void *arg)
{
	struct return_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct recovery_lock_row rec;
	int64_t amount = t->v[RF_AMOUNT].i;
	const char *status;
	json_t *before, *after;
	int rc;

	rc = db_recovery_lock(db, r->ids[0], &rec);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
	t->outstanding = rec.amount_due - rec.amount_returned;
	if (rec.amount_returned >= rec.amount_due)
		return TX_SETTLED;
	if (amount > t->outstanding)
		return TX_TOO_MUCH;
	status = rec.amount_returned + amount >= rec.amount_due ? "settled" :
	    "partial";
	rc = db_recovery_return(db, r->ids[0], rec.amount_returned + amount,
	    t->v[RF_ON].i, status, r->now, r->sess.account_id);
	if (rc != DB_OK)
		return rc;
	before = json_pack("{s:I}", "amount_returned",
	    (json_int_t)rec.amount_returned);
	after = json_pack("{s:I,s:I,s:s,s:s}", "amount_returned",
	    (json_int_t)(rec.amount_returned + amount), "this_return",
	    (json_int_t)amount, "returned_on", t->v[RF_ON].s, "status", status);
	rc = audit_record(db, &a, "recovery.return", "recovery", r->ids[0],
	    before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

/*
 * POST /api/bureau/recoveries/{id} {amount_returned (fen, > 0),
 * returned_on (YYYY-MM-DD, not after today)} → 200 the recovery: one
 * return of money added; status partial, or settled once all of it came
 * back (R6). 404 unknown; 409 already_settled; 422 exceeds_outstanding,
 * invalid_returned_on.
 */
int
recovery_record(struct req *r)
{
	struct field_value v[RF__MAX];
	struct return_tx t = { .r = r, .v = v };
	struct db_res *res = NULL;
	char out[32];
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, return_fields, RF__MAX, v) < 0)
		return r->status;
	if (v[RF_ON].i > ovs_date_of(r->now))
		return http_error(r, 422, "invalid_returned_on", "returned_on",
		    "退回日期不能晚于今天");
	switch ((rc = db_tx(r->db, return_tx, &t))) {
	case DB_OK:
		break;
	case TX_NOT_FOUND:
		return http_error(r, 404, "not_found", NULL, "追回记录不存在");
	case TX_SETTLED:
		return http_error(r, 409, "already_settled", NULL,
		    "该笔补贴已全部追回");
	case TX_TOO_MUCH:
		money_format_yuan(t.outstanding, out, sizeof(out));
		return http_error(r, 422, "exceeds_outstanding",
		    "amount_returned", "退回金额超过待追回金额（%s 元）", out);
	default:
		return http_db_error(r, rc);
	}
	rc = db_recovery_view(r->db, r->ids[0], &res);
	if (rc != DB_OK) {
		db_res_free(res);
		return http_db_error(r, rc);
	}
	rc = http_json(r, 200, db_row_json(res, 0));
	db_res_free(res);
	return rc;
}
