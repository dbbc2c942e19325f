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
 *     returned (the service was delivered);
 *   - a return for correction (退回补正, R4 as amended) names what to fix
 *     in its reason; the order goes back to contracted (O10), so the
 *     provider may replace documents and figures and submit again before
 *     valid-until, and O6 expires it after. The reservation stays.
 *   - C2: without the enterprise's C1 confirmation a claim may be
 *     approved once RULE_C2_CONFIRM_DAYS (15) days have passed since its
 *     first submission, or earlier by the bureau with a recorded reason
 *     (unconfirmed_reason); the claim, its round and its publicity item
 *     then carry unconfirmed. A rejection or a return never needed the
 *     confirmation.
 * Every decision is also a row of claim_reviews (the claim's history,
 * one row per round), in the same transaction.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "money.h"
#include "rules.h"
#include "orders.h"
#include "redemption.h"

static const char *const claim_statuses[] = {
	"submitted", "approved", "rejected", "returned", "draft", NULL
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
	/* issue 16 §2: the claim's clock is its order's */
	claim_clock_set(o, o);
	json_object_del(o, "order_submitted_at");
	json_object_del(o, "order_approved_at");
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

enum decision { DECIDE_APPROVE, DECIDE_REJECT, DECIDE_RETURN };

struct decide_tx {
	struct claim_tx  c;
	enum decision    decision;
	int64_t          amount;     /* approve: the approved amount, fen */
	const char      *reason;     /* NULL when none                    */
	const char      *early;      /* C2: the bureau's reason to decide
	                                before the 15 days, NULL when none */
	time_t           first_submitted_at;   /* C2 counts from it      */
};

/* t as Beijing time (UTC+8, T1) to the minute, seconds dropped:
 * "2026年12月31日 00:27". */
static void
beijing_text(time_t t, char *out, size_t n)
{
	time_t bj = t + 8 * 3600;
	struct tm tm;

	gmtime_r(&bj, &tm);
	strftime(out, n, "%Y年%m月%d日 %H:%M", &tm);
}

static int
approve(struct db *db, struct decide_tx *t, struct order_row *o,
    const struct actor *a)
{
	struct req *r = t->c.r;
	const char *unconfirmed = NULL;		/* C2 */
	int64_t release;
	json_t *after;
	int rc;

	if (o->confirmed_at == 0) {
		/* C2: 15 days after the first submission, or the bureau
		 * earlier with its reason */
		time_t due = t->first_submitted_at +
		    (time_t)RULE_C2_CONFIRM_DAYS * 86400;

		if (r->now >= due)
			unconfirmed = t->early != NULL ? t->early : "";
		else if (r->sess.role == ROLE_BUREAU && t->early != NULL)
			unconfirmed = t->early;
		else {
			beijing_text(due, t->c.detail, sizeof(t->c.detail));
			return TX_NOT_CONFIRMED;
		}
	}
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
		    t->reason, unconfirmed, r->sess.account_id, r->now);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_INVALID_STATE : rc;
	if (release > 0)
		o->reserved = t->amount;
	if ((rc = db_review_record(db, o->id, a->role)) != DB_OK)
		return rc;
	rc = order_transition(db, a, o, ORDER_APPROVED, "兑付申请初审通过");
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:s,s:I,s:I,s:I,s:s?,s:b,s:s?}", "decision",
	    "approved", "approved_amount", (json_int_t)t->amount, "subsidy",
	    (json_int_t)o->subsidy, "released", (json_int_t)(release > 0 ?
	    release : 0), "reason", t->reason, "unconfirmed",
	    unconfirmed != NULL, "unconfirmed_reason", t->early);
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
	rc = db_claim_decide(db, o->id, "rejected", -1, t->reason, NULL,
	    r->sess.account_id, r->now);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_INVALID_STATE : rc;
	if ((rc = db_review_record(db, o->id, a->role)) != DB_OK)
		return rc;
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

/* R4 as amended: returned for correction (退回补正). */
static int
send_back(struct db *db, struct decide_tx *t, struct order_row *o,
    const struct actor *a)
{
	struct req *r = t->c.r;
	json_t *after;
	char why[600];
	int rc;

	if (t->reason == NULL)
		return TX_REASON_REQUIRED;
	rc = db_claim_decide(db, o->id, "returned", -1, t->reason, NULL,
	    r->sess.account_id, r->now);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_INVALID_STATE : rc;
	if ((rc = db_review_record(db, o->id, a->role)) != DB_OK)
		return rc;
	snprintf(why, sizeof(why), "兑付申请退回补正：%s", t->reason);
	rc = order_transition(db, a, o, ORDER_CONTRACTED, why);
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:s,s:s}", "decision", "returned", "reason",
	    t->reason);
	rc = audit_record(db, a, "claim.return", "redemption_claim", o->id,
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
	if (rc == DB_OK)
		t->first_submitted_at = cl.first_submitted_at;
	db_res_free(keep);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_INVALID_STATE : rc;
	switch (t->decision) {
	case DECIDE_APPROVE:
		return approve(db, t, &o, &a);
	case DECIDE_RETURN:
		return send_back(db, t, &o, &a);
	default:
		return reject(db, t, &o, &a);
	}
}

/*
 * POST /api/review/claims/{id} {decision: approve|reject|return, amount,
 * reason} -> 200 the claim, approved (the order approved, its reservation
 * set to the amount), rejected (the order rejected, its reservation
 * released, R4) or returned for correction (退回补正: the order back to
 * contracted, the claim the provider's again until valid-until). amount
 * (fen) only and always with approve: at most the order's subsidy (422
 * amount_above_subsidy), with a reason when lower (422 reason_required);
 * a rejection or a return needs a reason (for a return: the documents or
 * figures to fix). Without the enterprise's C1 confirmation an approval
 * waits 15 days from the first submission (C2; 409 not_confirmed naming
 * the day), unless the bureau gives unconfirmed_reason; the claim then
 * carries unconfirmed. 409 invalid_state when the claim is not
 * submitted; 404 no such order.
 */
int
review_decide(struct req *r)
{
	static const char *const decisions[] = { "approve", "reject", "return",
	    NULL };
	static const struct field fields[] = {
		{ "decision", FIELD_ENUM, true, 0, 0, decisions },
		{ "amount", FIELD_MONEY, false, 1, MONEY_MAX_FEN, NULL },
		{ "reason", FIELD_TEXT, false, 1, 500, NULL },
		{ "unconfirmed_reason", FIELD_TEXT, false, 1, 500, NULL },
	};
	struct decide_tx t = { .c = { .r = r } };
	struct field_value v[4];
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, fields, 4, v) < 0)
		return r->status;
	if (v[3].present && strcmp(v[0].s, "approve") != 0)
		return http_error(r, 400, "invalid_field", "unconfirmed_reason",
		    "只有通过时才需说明未经企业确认即作出决定的理由");
	t.decision = strcmp(v[0].s, "approve") == 0 ? DECIDE_APPROVE :
	    strcmp(v[0].s, "return") == 0 ? DECIDE_RETURN : DECIDE_REJECT;
	if (t.decision == DECIDE_APPROVE && !v[1].present)
		return http_error(r, 400, "missing_field", "amount",
		    "通过时必须填写核定金额（分）");
	if (t.decision != DECIDE_APPROVE && v[1].present)
		return http_error(r, 400, "invalid_field", "amount",
		    t.decision == DECIDE_RETURN ? "退回补正时不填写核定金额" :
		    "驳回时不填写核定金额");
	t.amount = v[1].i;
	t.reason = v[2].present ? v[2].s : NULL;
	t.early = v[3].present ? v[3].s : NULL;
	rc = db_tx(r->db, decide_tx, &t);
	if (rc == TX_INVALID_STATE)
		return http_error(r, 409, "invalid_state", NULL,
		    "兑付申请不在待初审状态（订单状态：%s）", t.c.state);
	if (rc == TX_REASON_REQUIRED && t.decision == DECIDE_RETURN)
		return http_error(r, 422, "reason_required", "reason",
		    "退回补正时必须写明需要更正的材料或数据");
	if (rc != DB_OK)
		return claim_tx_error(r, &t.c, rc);
	return claim_reply(r, r->ids[0]);
}
