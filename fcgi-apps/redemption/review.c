/*
 * review.c - the reviewer's side of redemption (初审, rule R4): the queue
 * of claims with their duplicate flags, one claim in full, and the
 * decision. Reviewers and the bureau may review.
 *
 * Decisions where the guide is silent (SPEC R4):
 *   - approval needs the enterprise's C1 confirmation;
 *   - approving a lower amount than the subsidy (with a reason) lowers the
 *     order's reservation to the approved amount: the difference goes back
 *     to the enterprise's yearly allowance at once (as O9 does with a
 *     reservation above the subsidy), so orders.reserved stays what the
 *     order holds against the cap;
 *   - a rejection releases the whole reservation; the product unit is not
 *     returned (the service was delivered).
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "money.h"
#include "orders.h"
#include "redemption.h"

static const char *const claim_statuses[] = {
	"submitted", "approved", "rejected", "draft", NULL
};

/* One claim of the queue: its row, with the two duplicate columns turned
 * into flags (codes). */
static json_t *
review_item_json(const struct db_res *res, size_t i)
{
	json_t *o = db_row_json(res, i), *flags = json_array();

	if (json_is_true(json_object_get(o, "duplicate_invoice")) ||
	    json_integer_value(json_object_get(o, "duplicate_invoice")))
		json_array_append_new(flags, json_string("duplicate_invoice"));
	if (json_is_true(json_object_get(o, "duplicate_file")) ||
	    json_integer_value(json_object_get(o, "duplicate_file")))
		json_array_append_new(flags, json_string("duplicate_file"));
	json_object_del(o, "duplicate_invoice");
	json_object_del(o, "duplicate_file");
	json_object_set_new(o, "flags", flags);
	return o;
}

/*
 * GET /api/review/claims?status=submitted|approved|rejected|draft
 * (default submitted)&page&per_page -> {items, total, page, per_page},
 * oldest submission first; each item carries its flags
 * (duplicate_invoice, duplicate_file) as codes.
 */
int
review_list(struct req *r)
{
	const char *status;
	int64_t page, per_page;
	json_t *o;
	int rc;

	if (query_enum_or_400(r, "status", claim_statuses, "submitted",
	    &status) < 0 || query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	if ((o = db_review_page(r->db, status, page, per_page, review_item_json,
	    &rc)) == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, o);
}

/* GET /api/review/claims/{id} -> 200 the claim with its files, figures,
 * R2 checks and flags; 404 no such order. */
int
review_get(struct req *r)
{
	return claim_reply(r, r->ids[0]);
}

struct decide_tx {
	struct claim_tx  c;
	bool             approve;
	int64_t          amount;     /* approve: the approved amount, fen */
	const char      *reason;     /* NULL when none                    */
};

static int
approve(struct db *db, struct decide_tx *t, struct order_row *o,
    const struct actor *a)
{
	struct req *r = t->c.r;
	int64_t release;
	json_t *after;
	int rc;

	if (o->confirmed_at == 0)
		return TX_NOT_CONFIRMED;		/* R4 decision, C1 */
	if (t->amount > o->subsidy)
		return TX_ABOVE_SUBSIDY;
	if (t->amount < o->subsidy && t->reason == NULL)
		return TX_REASON_REQUIRED;
	/* the reservation becomes the approved amount (quota after order);
	 * quota_release does nothing for a release <= 0 */
	release = o->reserved - t->amount;
	if ((rc = quota_release(db, a, o->enterprise_id, o->year, release))
	    != DB_OK)
		return rc;
	rc = db_order_approved(db, o->id, release > 0 ? t->amount :
	    o->reserved, r->now);
	if (rc == DB_OK)
		rc = db_claim_decide(db, o->id, "approved", t->amount,
		    t->reason, r->sess.account_id, r->now);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_INVALID_STATE : rc;
	if (release > 0)
		o->reserved = t->amount;
	rc = order_transition(db, a, o, ORDER_APPROVED,
	    "评审机构初审通过（规则 R4）");
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:s,s:I,s:I,s:I,s:s?}", "decision", "approved",
	    "approved_amount", (json_int_t)t->amount, "subsidy",
	    (json_int_t)o->subsidy, "released", (json_int_t)(release > 0 ?
	    release : 0), "reason", t->reason);
	rc = audit_record(db, a, "claim.approve", "redemption_claim", o->id,
	    NULL, after);
	json_decref(after);
	return rc;
}

static int
reject(struct db *db, struct decide_tx *t, struct order_row *o,
    const struct actor *a)
{
	struct req *r = t->c.r;
	json_t *after;
	int rc;

	if (t->reason == NULL)
		return TX_REASON_REQUIRED;
	rc = db_claim_decide(db, o->id, "rejected", -1, t->reason,
	    r->sess.account_id, r->now);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_INVALID_STATE : rc;
	/* R4: the reservation is released, the unit is not returned */
	rc = order_close(db, a, o, ORDER_REJECTED, NULL, t->reason, false);
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:s,s:s}", "decision", "rejected", "reason",
	    t->reason);
	rc = audit_record(db, a, "claim.reject", "redemption_claim", o->id,
	    NULL, after);
	json_decref(after);
	return rc;
}

static int
decide_tx(struct db *db, void *arg)
{
	struct decide_tx *t = arg;
	struct actor a = actor_of(t->c.r);
	struct db_res *keep = NULL;
	struct claim_lock cl;
	struct order_row o;
	int rc;

	t->c.state[0] = '\0';
	if ((rc = order_lock(db, t->c.r->ids[0], &o)) != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
	snprintf(t->c.state, sizeof(t->c.state), "%s",
	    order_status_name(o.status));
	rc = db_claim_lock(db, o.id, &cl, &keep);
	if (rc == DB_OK && (strcmp(cl.status, "submitted") != 0 ||
	    o.status != ORDER_SUBMITTED))
		rc = TX_INVALID_STATE;
	db_res_free(keep);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_INVALID_STATE : rc;
	return t->approve ? approve(db, t, &o, &a) : reject(db, t, &o, &a);
}

/*
 * POST /api/review/claims/{id} {decision: approve|reject, amount, reason}
 * -> 200 the claim, approved (the order approved, its reservation set to
 * the amount) or rejected (the order rejected, its reservation released,
 * R4). amount (fen) only and always with approve: at most the order's
 * subsidy (422 amount_above_subsidy), with a reason when lower (422
 * reason_required); a rejection needs a reason. 409 not_confirmed before
 * the enterprise's C1 confirmation, invalid_state when the claim is not
 * submitted; 404 no such order.
 */
int
review_decide(struct req *r)
{
	static const char *const decisions[] = { "approve", "reject", NULL };
	static const struct field fields[] = {
		{ "decision", FIELD_ENUM, true, 0, 0, decisions },
		{ "amount", FIELD_MONEY, false, 1, MONEY_MAX_FEN, NULL },
		{ "reason", FIELD_TEXT, false, 1, 500, NULL },
	};
	struct decide_tx t = { .c = { .r = r } };
	struct field_value v[3];
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, fields, 3, v) < 0)
		return r->status;
	t.approve = strcmp(v[0].s, "approve") == 0;
	if (t.approve && !v[1].present)
		return http_error(r, 400, "missing_field", "amount",
		    "通过时必须填写核定金额（分）");
	if (!t.approve && v[1].present)
		return http_error(r, 400, "invalid_field", "amount",
		    "驳回时不填写核定金额");
	t.amount = v[1].i;
	t.reason = v[2].present ? v[2].s : NULL;
	rc = db_tx(r->db, decide_tx, &t);
	if (rc == TX_INVALID_STATE)
		return http_error(r, 409, "invalid_state", NULL,
		    "兑付申请不在待初审状态（订单状态：%s）", t.c.state);
	if (rc != DB_OK)
		return claim_tx_error(r, &t.c, rc);
	return claim_reply(r, r->ids[0]);
}
