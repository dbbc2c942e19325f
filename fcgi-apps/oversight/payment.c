/*
 * payment.c - paying a published publicity batch (R5), for the bureau:
 *   POST /api/bureau/batches/{id}/pay {paid_on}
 *
 * Paying lives here, not in the public-facing publicity program, so that
 * the program that serves the public has no database privilege on any
 * payment column (orders.paid_at, publicity_items.paid_on,
 * publicity_batches.paid_on/paid_at/paid_by: sql/grants.sql).
 *
 * After the period, it moves publicized → paid every item with no open
 * objection, not withdrawn, whose provider and enterprise are not barred
 * (V2); the others stay publicized and a later pay of the same batch pays
 * those that became payable.
 *
 * Each call that pays something is one record chained after the
 * published list (R7: publicity_records, numbered after the batch's last
 * one; its items name it in paid_seq); the publicity program builds and
 * signs its bytes.
 *
 * Lock order: the batch, its items, then each order (→ quota → product);
 * the payment's record is inserted with its first paid item.
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "orders.h"
#include "parties.h"
#include "oversight.h"

#define TX_NOT_FOUND       (DB_APP + 1)
#define TX_NOTHING         (DB_APP + 2)
#define TX_NOT_PUBLISHED   (DB_APP + 3)
#define TX_PERIOD          (DB_APP + 4)
#define TX_BAD_PAID_ON     (DB_APP + 5)

int64_t
ovs_date_of(time_t t)
{
	int y, m, d;

	clock_shanghai_date(t, &y, &m, &d);
	return (int64_t)y * 10000 + m * 100 + d;
}

/* The bureau's view of batch id with its items (the shape of the
 * publicity program's GET /api/bureau/batches/{id}); NULL with *rc set. */
static json_t *
batch_view_json(struct db *db, int64_t id, time_t now, int *rc)
{
	struct db_res *batch = NULL, *items = NULL;
	json_t *o = NULL, *ip;

	*rc = db_batch_view(db, id, now, &batch, &items);
	if (*rc == DB_OK) {
		o = db_row_json(batch, 0);
		ip = json_object_get(o, "in_period");
		json_object_set_new(o, "in_period", json_boolean(
		    json_is_integer(ip) && json_integer_value(ip) != 0));
		json_object_set_new(o, "items", db_rows_json(items));
	}
	db_res_free(batch);
	db_res_free(items);
	return o;
}

struct pay_tx {
	struct req *r;
	int64_t     paid_on;		/* y*10000 + m*100 + d */
	int         py, pm, pd;		/* the same date */
	json_t     *paid, *skipped;	/* out */
	int64_t     count, amount;	/* out */
	int64_t     seq;		/* out: the payment's record (R7) */
};

static void
skip(struct pay_tx *t, int64_t item, int64_t order, const char *why)
{
	json_array_append_new(t->skipped, json_pack("{s:I,s:I,s:s}", "item_id",
	    (json_int_t)item, "order_id", (json_int_t)order, "reason", why));
}

/* Pays one locked unpaid item of the batch if it is payable now, else
 * records why it is skipped. */
static int
pay_item(struct db *db, struct pay_tx *t, const struct actor *a,
    const struct pay_item_row *it, const char *reason)
{
	struct req *r = t->r;
	struct order_row o;
	bool provider_barred, enterprise_barred;
	int rc;

	if (it->withdrawn) {
		skip(t, it->id, it->order_id, "withdrawn");
		return DB_OK;
	}
	if (strcmp(it->objection_status, "open") == 0) {
		skip(t, it->id, it->order_id, "open_objection");
		return DB_OK;
	}
	if ((rc = order_lock(db, it->order_id, &o)) != DB_OK ||
	    (rc = party_order_barred(db, o.id, r->now, &provider_barred,
	    &enterprise_barred)) != DB_OK)
		return rc;
	if (o.status != ORDER_PUBLICIZED) {
		skip(t, it->id, o.id, order_status_name(o.status));
		return DB_OK;
	}
	if (provider_barred || enterprise_barred) {		/* V2 */
		skip(t, it->id, o.id, provider_barred ? "provider_barred" :
		    "enterprise_barred");
		return DB_OK;
	}
	rc = order_transition(db, a, &o, ORDER_PAID, reason);
	if (rc == DB_OK)
		rc = db_order_paid_at(db, o.id, r->now);
	/* R7: the payment is one record chained after the list, made with
	 * its first item */
	if (rc == DB_OK && t->seq == 0)
		rc = db_record_payment(db, r->ids[0], r->now, t->paid_on,
		    &t->seq);
	if (rc == DB_OK)
		rc = db_item_paid(db, it->id, t->paid_on, t->seq);
	if (rc != DB_OK)
		return rc;
	json_array_append_new(t->paid, json_pack("{s:I,s:I,s:I}", "item_id",
	    (json_int_t)it->id, "order_id", (json_int_t)o.id, "amount",
	    (json_int_t)it->amount));
	t->count++;
	t->amount += it->amount;
	return DB_OK;
}

static int
pay_tx(struct db *db, void *arg)
{
	struct pay_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct batch_lock_row batch;
	struct db_res *keep = NULL;
	struct db_rows items = { 0 };
	char reason[160], date[11];
	json_t *after;
	int rc;

	json_array_clear(t->paid);
	json_array_clear(t->skipped);
	t->count = t->amount = t->seq = 0;
	rc = db_batch_lock(db, r->ids[0], &batch, &keep);
	if (rc != DB_OK) {
		rc = rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
		goto done;
	}
	if (strcmp(batch.status, "draft") == 0) {
		rc = TX_NOT_PUBLISHED;
		goto done;
	}
	/* R5: only after the publicity period */
	if (r->now < batch.period_ends_at) {
		rc = TX_PERIOD;
		goto done;
	}
	/* paid on a date from the end of the period to today (T1) */
	if (t->paid_on < ovs_date_of(batch.period_ends_at) ||
	    t->paid_on > ovs_date_of(r->now)) {
		rc = TX_BAD_PAID_ON;
		goto done;
	}
	if ((rc = db_batch_items_lock(db, r->ids[0], &items)) != DB_OK)
		goto done;
	snprintf(date, sizeof(date), "%04d-%02d-%02d", t->py, t->pm, t->pd);
	snprintf(reason, sizeof(reason), "公示期满，兑付日期 %s",
	    date);
	for (size_t i = 0; i < items.n; i++) {
		const struct pay_item_row *it =
		    &((const struct pay_item_row *)items.v)[i];

		if (!it->unpaid)
			continue;			/* paid before */
		if ((rc = pay_item(db, t, &a, it, reason)) != DB_OK)
			goto done;
	}
	if (t->count == 0) {
		rc = TX_NOTHING;
		goto done;
	}
	/* the batch becomes paid at its first payment */
	if (strcmp(batch.status, "published") == 0)
		rc = db_batch_paid(db, r->ids[0], t->paid_on, r->now,
		    r->sess.account_id);
	if (rc == DB_OK) {
		after = json_pack("{s:s,s:s,s:I,s:I,s:O,s:I}", "status", "paid",
		    "paid_on", date, "paid_count", (json_int_t)t->count,
		    "paid_amount", (json_int_t)t->amount, "skipped", t->skipped,
		    "record_seq", (json_int_t)t->seq);
		rc = audit_record(db, &a, "batch.pay", "publicity_batch",
		    r->ids[0], NULL, after);
		json_decref(after);
	}
done:
	db_rows_free(&items);
	db_res_free(keep);
	return rc;
}

/*
 * POST /api/bureau/batches/{id}/pay {paid_on: "YYYY-MM-DD"} → 200 {batch,
 * paid: [{item_id, order_id, amount}], skipped: [{item_id, order_id,
 * reason: open_objection|withdrawn|provider_barred|enterprise_barred|
 * <order status>}], paid_count, paid_amount}. Only after the publicity
 * period; paid_on from the period's last day to today (Asia/Shanghai).
 * The batch becomes paid at its first payment; calling again pays the
 * items that became payable since. 404 unknown; 409 not_published,
 * publicity_period_not_over, nothing_to_pay; 422 invalid_paid_on.
 */
int
batch_pay(struct req *r)
{
	static const struct field fields[] = {
		{ "paid_on", FIELD_DATE, true, 0, 0, NULL },
	};
	struct field_value v[1];
	struct pay_tx t = { .r = r };
	json_t *body, *b, *o;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, fields, 1, v) < 0)
		return r->status;
	t.paid_on = v[0].i;
	t.py = v[0].y;
	t.pm = v[0].m;
	t.pd = v[0].d;
	t.paid = json_array();
	t.skipped = json_array();
	rc = db_tx(r->db, pay_tx, &t);
	switch (rc) {
	case DB_OK:
		break;
	case TX_NOT_FOUND:
		rc = http_error(r, 404, "not_found", NULL, "公示批次不存在");
		goto done;
	case TX_NOT_PUBLISHED:
		rc = http_error(r, 409, "not_published", NULL,
		    "批次尚未发布公示");
		goto done;
	case TX_PERIOD:
		rc = http_error(r, 409, "publicity_period_not_over", NULL,
		    "公示期未满，不能兑付（《工作指南》六、3：公示期满后办理拨付）");
		goto done;
	case TX_BAD_PAID_ON:
		rc = http_error(r, 422, "invalid_paid_on", "paid_on",
		    "兑付日期须在公示期满之日至今天之间");
		goto done;
	case TX_NOTHING:
		rc = http_error(r, 409, "nothing_to_pay", NULL,
		    "没有可兑付的公示项目（%zu 项因异议未决、撤回或取消资格暂缓）",
		    json_array_size(t.skipped));
		goto done;
	default:
		rc = http_db_error(r, rc);
		goto done;
	}
	if ((b = batch_view_json(r->db, r->ids[0], r->now, &rc)) == NULL) {
		rc = http_db_error(r, rc);
		goto done;
	}
	o = json_pack("{s:o,s:O,s:O,s:I,s:I}", "batch", b, "paid", t.paid,
	    "skipped", t.skipped, "paid_count", (json_int_t)t.count,
	    "paid_amount", (json_int_t)t.amount);
	rc = http_json(r, 200, o);
done:
	json_decref(t.paid);
	json_decref(t.skipped);
	return rc;
}
