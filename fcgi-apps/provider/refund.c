/*
 * refund.c - refunds reported by the provider after payment (R6):
 *   POST /api/provider/orders/{id}/refund {amount, reason, kind?}
 *
 * Each report adds to the order's refunded total (never beyond the
 * contract amount) and sets for recovery the subsidy it frees:
 *   due = floor(paid * refunded_total / amount) − what earlier refunds
 *         already set, never more than what is not yet due back,
 * with paid = the subsidy actually paid (the listed amount; R6
 * **decision**: the reviewer may have approved less than the contract's
 * subsidy, and only what was paid can come back), all of it once the
 * whole amount is refunded. kind "not_delivered" reports a service not
 * really delivered: all of the paid subsidy is due back whatever the
 * amount. A full refund or a not-delivered report closes the order as
 * refunded (its reservation released: the subsidy no longer counts
 * against the enterprise's year; the unit stays sold); a partial one
 * leaves it paid. A barred provider may still report (money comes back).
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "money.h"
#include "orders.h"
#include "provider.h"
#include "rules.h"

#define TX_NOT_MINE      (DB_APP + 1)
#define TX_INVALID_STATE (DB_APP + 2)
#define TX_EXCEEDS       (DB_APP + 3)

static const char *const refund_kinds[] = { "refund", "not_delivered", NULL };

enum { RF_AMOUNT, RF_REASON, RF_KIND, RF__MAX };

static const struct field refund_fields[RF__MAX] = {
	[RF_AMOUNT] = { "amount", FIELD_MONEY, false, 1, MONEY_MAX_FEN, NULL },
	[RF_REASON] = { "reason", FIELD_TEXT, true, 1, 400, NULL },
	[RF_KIND]   = { "kind", FIELD_ENUM, false, 0, 0, refund_kinds },
};

struct refund_tx {
	struct req               *r;
	const struct field_value *v;
	char                      state[16];	/* out: refusing state     */
	int64_t                   rest;		/* out: refundable left    */
	json_t                   *out;		/* out: the 201 body       */
};

static int
refund_tx(struct db *db, void *arg)
{
	struct refund_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct order_row o;
	struct refund_figures fig;
	struct refund_new rf;
	int64_t contract, paid, amount, total, target, due;
	bool not_delivered = v[RF_KIND].present &&
	    strcmp(v[RF_KIND].s, "not_delivered") == 0;
	const char *kind;
	int64_t refund_id = 0, recovery_id = 0;
	char reason[2048], yuan[32];
	json_t *after;
	int rc;

	json_decref(t->out);
	t->out = NULL;
	rc = order_lock_owned(db, r->ids[0], OWNER_PROVIDER,
	    r->sess.provider_id, &o);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOT_MINE : rc;
	snprintf(t->state, sizeof(t->state), "%s",
	    order_status_name(o.status));
	if (o.status != ORDER_PAID)
		return TX_INVALID_STATE;	/* R6: after payment */
	if ((rc = db_refund_figures(db, o.id, &fig)) != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	contract = fig.contract_amount;
	paid = fig.paid_subsidy;
	t->rest = contract - fig.refunded;
	amount = v[RF_AMOUNT].present ? v[RF_AMOUNT].i : t->rest;
	if (amount <= 0 || amount > t->rest)
		return TX_EXCEEDS;
	total = fig.refunded + amount;
	/* R6: floor(paid * refunded / amount), all of it when full */
	target = not_delivered ? paid : rule_recovery(paid, total, contract);
	if (target < 0)
		return DB_ERROR;
	due = target - fig.refund_due;
	if (due > paid - fig.all_due)
		due = paid - fig.all_due;  /* a violation claims it already */
	if (due < 0)
		due = 0;
	kind = not_delivered ? "not_delivered" : total == contract ? "full" :
	    "partial";
	rf = (struct refund_new){ .order_id = o.id, .kind = kind,
	    .amount = amount, .reason = v[RF_REASON].s, .at = r->now,
	    .account_id = r->sess.account_id };
	rc = db_refund_insert(db, &rf, &refund_id);
	if (rc == DB_OK && due > 0)
		rc = db_recovery_insert(db, o.id, refund_id, due, r->now,
		    &recovery_id);
	if (rc != DB_OK)
		return rc;
	money_format_yuan(amount, yuan, sizeof(yuan));
	snprintf(reason, sizeof(reason), "服务机构报告%s %s 元（《工作指南》七、4）：%s",
	    not_delivered ? "服务未实际提供，退款" : "退款", yuan,
	    v[RF_REASON].s);
	if (not_delivered || total == contract)
		rc = order_close(db, &a, &o, ORDER_REFUNDED, NULL, reason, false);
	else
		rc = order_event(db, &a, o.id, order_status_name(o.status),
		    order_status_name(o.status), reason);
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:I,s:s,s:I,s:I,s:I,s:I}", "order_id",
	    (json_int_t)o.id, "kind", kind, "amount", (json_int_t)amount,
	    "refunded_total", (json_int_t)total, "recovery_due",
	    (json_int_t)due, "paid_subsidy", (json_int_t)paid);
	rc = audit_record(db, &a, "refund.create", "refund", refund_id, NULL,
	    after);
	json_decref(after);
	if (rc != DB_OK)
		return rc;
	t->out = json_pack("{s:{s:I,s:I,s:s,s:I,s:s},s:o,s:{s:I,s:s,s:I,s:I,"
	    "s:I,s:I}}",
	    "refund", "id", (json_int_t)refund_id, "order_id", (json_int_t)o.id,
	    "kind", kind, "amount", (json_int_t)amount, "reason",
	    v[RF_REASON].s,
	    "recovery", due > 0 ? json_pack("{s:I,s:I,s:s}", "id",
	    (json_int_t)recovery_id, "amount_due", (json_int_t)due, "status",
	    "open") : json_null(),
	    "order", "id", (json_int_t)o.id, "status",
	    order_status_name(o.status),
	    "contract_amount", (json_int_t)contract, "paid_subsidy",
	    (json_int_t)paid, "refunded_total", (json_int_t)total,
	    "recovery_due_total", (json_int_t)(fig.all_due + due));
	return t->out != NULL ? DB_OK : DB_ERROR;
}

/*
 * POST /api/provider/orders/{id}/refund {amount (fen, 1..what is left of
 * the contract amount), reason (1-400), kind? refund|not_delivered} →
 * 201 {refund: {id, order_id, kind (full|partial|not_delivered), amount,
 * reason}, recovery: {id, amount_due, status} | null, order: {id, status,
 * contract_amount, paid_subsidy, refunded_total, recovery_due_total}}.
 * amount may be left out for not_delivered (the rest of the contract).
 * 404 another provider's order; 409 invalid_state before payment; 422
 * refund_exceeds_amount.
 */
int
order_refund(struct req *r)
{
	struct field_value v[RF__MAX];
	struct refund_tx t = { .r = r, .v = v };
	char rest[32];
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, refund_fields, RF__MAX, v) < 0)
		return r->status;
	if (!v[RF_AMOUNT].present && !(v[RF_KIND].present &&
	    strcmp(v[RF_KIND].s, "not_delivered") == 0))
		return http_error(r, 400, "missing_field", "amount",
		    "缺少必填字段：amount");
	rc = db_tx(r->db, refund_tx, &t);
	switch (rc) {
	case DB_OK:
		return http_json(r, 201, t.out);
	case TX_NOT_MINE:
		return http_error(r, 404, "not_found", NULL, "订单不存在");
	case TX_INVALID_STATE:
		return http_error(r, 409, "invalid_state", NULL,
		    "订单当前状态（%s）不允许报告退款：退款在兑付之后报告",
		    t.state);
	case TX_EXCEEDS:
		money_format_yuan(t.rest, rest, sizeof(rest));
		return http_error(r, 422, "refund_exceeds_amount", "amount",
		    "累计退款不能超过合同金额（还可退 %s 元）", rest);
	default:
		json_decref(t.out);
		return http_db_error(r, rc);
	}
}
