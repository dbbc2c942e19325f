/*
 * inbox.c - a provider's orders: the inbox with each 48-hour deadline and
 * validity end, accept / decline (O4), the contract (O8, O9) and the
 * order reference block. Another provider's order answers 404. The order
 * view shows the enterprise's contact to the order's provider only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "money.h"
#include "orders.h"
#include "parties.h"
#include "provider.h"
#include "rules.h"

#define TX_NOT_MINE      (DB_APP + 1)
#define TX_INVALID_STATE (DB_APP + 2)
#define TX_BARRED        (DB_APP + 3)
#define TX_BEFORE_ORDER  (DB_APP + 4)
#define TX_BAD_CONTRACT  (DB_APP + 5)
#define TX_QUOTA_EXHAUSTED (DB_APP + 6)

int
inbox_list(struct req *r)
{
	const char *status;
	int64_t page, per_page;
	json_t *o;
	int rc;

	if (query_enum_or_400(r, "status", order_statuses, NULL, &status) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	o = order_list(r->db, true, r->sess.provider_id, status, page, per_page,
	    r->now, &rc);
	if (o == NULL)
		return http_db_error(r, rc);
	return http_json(r, 200, o);
}

static json_t *
load_mine(struct req *r, int64_t id)
{
	int rc;
	json_t *o = order_view_owned(r->db, id, OWNER_PROVIDER, r->sess.provider_id,
	    r->now, &rc);

	if (o == NULL) {
		if (rc == DB_NOTFOUND)
			http_error(r, 404, "not_found", NULL, "订单不存在");
		else
			http_db_error(r, rc);
	}
	return o;
}

/* GET /api/provider/orders/{id} → the order with its events and the
 * enterprise's contact (contact {name, mobile}, null when the order has
 * none): only this view shows it, and only to the order's provider. */
int
inbox_get(struct req *r)
{
	json_t *o = load_mine(r, r->ids[0]), *ev;
	struct order_contact_row c;
	struct db_res *keep = NULL;
	int rc;

	if (o == NULL)
		return r->status;
	if ((ev = order_events_json(r->db, r->ids[0])) == NULL) {
		json_decref(o);
		return http_db_error(r, DB_ERROR);
	}
	json_object_set_new(o, "events", ev);
	rc = db_order_contact(r->db, r->ids[0], r->sess.provider_id, &c, &keep);
	if (rc != DB_OK) {
		db_res_free(keep);
		json_decref(o);
		return http_db_error(r, rc == DB_NOTFOUND ? DB_ERROR : rc);
	}
	json_object_set_new(o, "contact", c.contact_name && c.contact_mobile ?
	    json_pack("{s:s,s:s}", "name", c.contact_name, "mobile",
	    c.contact_mobile) : json_null());
	db_res_free(keep);
	return http_json(r, 200, o);
}

struct prov_tx {
	struct req               *r;
	const char               *reason;    /* decline                    */
	const struct field_value *v;         /* contract fields            */
	char                      state[16]; /* out: refusing state        */
	bool                      swept;     /* out                        */
	const char               *bad_field; /* out: TX_BEFORE_ORDER       */
	int64_t                   wanted;    /* out: TX_QUOTA_EXHAUSTED:   */
	int64_t                   missing;   /* the subsidy, what is short */
};

/* Locks the provider's own order (order_lock_owned: another's is
 * TX_NOT_MINE), applies a due O4/O6 transition, and checks that the
 * order is in a state wanted() accepts and that the provider is not
 * barred (V2). */
static int
lock_mine(struct db *db, struct prov_tx *t, struct order_row *o,
    bool (*wanted)(enum order_status))
{
	struct req *r = t->r;
	struct actor a = actor_of(r);
	bool barred;
	int rc;

	t->swept = false;
	rc = order_lock_owned(db, r->ids[0], OWNER_PROVIDER,
	    r->sess.provider_id, o);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? TX_NOT_MINE : rc;
	rc = order_apply_timeouts(db, &a, o);
	if (rc < 0 || rc == DB_RETRY)
		return rc;
	t->swept = rc == 1;
	snprintf(t->state, sizeof(t->state), "%s",
	    order_status_name(o->status));
	if (!wanted(o->status))
		return t->swept ? DB_OK : TX_INVALID_STATE;
	rc = party_barred(db, PARTY_PROVIDER, o->provider_id, r->now, &barred);
	if (rc != DB_OK)
		return rc;
	return barred ? TX_BARRED : DB_OK;
}

static int
accept_tx(struct db *db, void *arg)
{
	struct prov_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct order_row o;
	int rc;

	/* O4: only a pending order is accepted */
	if ((rc = lock_mine(db, t, &o, order_is_pending)) != DB_OK || t->swept)
		return rc;
	rc = db_order_accepted(db, o.id, r->now);
	if (rc == DB_OK)
		rc = order_transition(db, &a, &o, ORDER_ACCEPTED,
		    "服务机构在 48 小时内接单");
	return rc;
}

static int
decline_tx(struct db *db, void *arg)
{
	struct prov_tx *t = arg;
	struct actor a = actor_of(t->r);
	struct order_row o;
	int rc;

	if ((rc = lock_mine(db, t, &o, order_is_pending)) != DB_OK || t->swept)
		return rc;
	return order_close(db, &a, &o, ORDER_CANCELLED, "declined", t->reason, true);
}

enum { CF_NO, CF_SIGNED, CF_START, CF_AMOUNT, CF_MONTHS, CF__MAX };

static const struct field contract_fields[CF__MAX] = {
	[CF_NO]     = { "contract_no", FIELD_STRING, true, 1, 64, NULL },
	[CF_SIGNED] = { "signed_on", FIELD_DATE, true, 0, 0, NULL },
	[CF_START]  = { "service_start_on", FIELD_DATE, true, 0, 0, NULL },
	[CF_AMOUNT] = { "amount", FIELD_MONEY, true, 1, MONEY_MAX_FEN, NULL },
	[CF_MONTHS] = { "period_months", FIELD_INT, true, 1, 120, NULL },
};

static int
contract_tx(struct db *db, void *arg)
{
	struct prov_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct rule_contract_split s;
	struct contract_new c;
	struct order_row o;
	int64_t limit, prev_reserved;
	int y, m, d, rc;
	long order_day;
	json_t *before, *after;

	/* O8: recorded once accepted, corrected until the claim is
	 * submitted: while the voucher runs */
	if ((rc = lock_mine(db, t, &o, order_is_running)) != DB_OK || t->swept)
		return rc;
	/* O8: signed and service start on or after the order date (T1) */
	clock_shanghai_date(o.ordered_at, &y, &m, &d);
	order_day = clock_days_from_civil(y, m, d);
	if (clock_days_from_civil(v[CF_SIGNED].y, v[CF_SIGNED].m,
	    v[CF_SIGNED].d) < order_day) {
		t->bad_field = "signed_on";
		return TX_BEFORE_ORDER;
	}
	if (clock_days_from_civil(v[CF_START].y, v[CF_START].m,
	    v[CF_START].d) < order_day) {
		t->bad_field = "service_start_on";
		return TX_BEFORE_ORDER;
	}
	/* O9: the subsidy, limited by what the order reserved when placed
	 * (O3); what it holds beyond the subsidy is released at once, and
	 * what a corrected contract claims beyond what the order still holds
	 * is re-reserved by the guarded UPDATE (occupied + x <= cap), else
	 * the correction is refused and nothing changes (issue #11) */
	limit = o.reserved_at_order > o.reserved ? o.reserved_at_order :
	    o.reserved;
	if (rule_contract_split(v[CF_AMOUNT].i, v[CF_MONTHS].i, limit, &s) < 0)
		return TX_BAD_CONTRACT;
	if (s.subsidy > o.reserved) {
		rc = quota_reserve(db, o.enterprise_id, o.year,
		    s.subsidy - o.reserved);
		if (rc == DB_NOTFOUND) {
			t->wanted = s.subsidy;
			t->missing = s.subsidy - o.reserved;
			return TX_QUOTA_EXHAUSTED;
		}
	} else
		rc = quota_release(db, &a, o.enterprise_id, o.year,
		    o.reserved - s.subsidy);
	if (rc != DB_OK)
		return rc;
	c = (struct contract_new){
		.order_id = o.id,
		.contract_no = v[CF_NO].s,
		.signed_on = v[CF_SIGNED].i,
		.service_start_on = v[CF_START].i,
		.amount = v[CF_AMOUNT].i,
		.period_months = v[CF_MONTHS].i,
		.base = s.base,
		.subsidy = s.subsidy,
		.self_paid = s.self_paid,
		.at = r->now,
		.account_id = r->sess.account_id,
	};
	rc = db_contract_upsert(db, &c);
	if (rc == DB_NOTFOUND)
		rc = DB_OK;	/* the same contract recorded again */
	if (rc == DB_OK)
		rc = db_order_contracted(db, o.id, s.subsidy, r->now);
	if (rc == DB_NOTFOUND)
		rc = DB_OK;
	if (rc != DB_OK)
		return rc;
	prev_reserved = o.reserved;
	o.reserved = s.subsidy;
	if (o.status == ORDER_ACCEPTED)
		return order_transition(db, &a, &o, ORDER_CONTRACTED,
		    "服务机构录入服务合同");
	rc = order_event(db, &a, o.id, order_status_name(o.status),
	    order_status_name(o.status), "服务机构更正服务合同");
	if (rc == DB_OK) {
		after = json_pack("{s:s,s:I,s:I,s:I,s:I}", "contract_no",
		    v[CF_NO].s, "amount", (json_int_t)v[CF_AMOUNT].i, "subsidy",
		    (json_int_t)s.subsidy, "self_paid", (json_int_t)s.self_paid,
		    "reserved", (json_int_t)o.reserved);
		before = json_pack("{s:I}", "reserved",
		    (json_int_t)prev_reserved);
		rc = audit_record(db, &a, "contract.update", "order", o.id,
		    before, after);
		json_decref(before);
		json_decref(after);
	}
	return rc;
}

static int
run_mine(struct req *r, struct prov_tx *t, db_tx_fn fn)
{
	json_t *o;
	int rc = db_tx(r->db, fn, t);

	switch (rc) {
	case DB_OK:
		if (!t->swept)
			break;
		/* a due O4/O6 transition closed it first */
		__attribute__((fallthrough));
	case TX_INVALID_STATE:
		return http_error(r, 409, "invalid_state", NULL,
		    "订单当前状态（%s）不允许此操作", t->state);
	case TX_NOT_MINE:
		return http_error(r, 404, "not_found", NULL, "订单不存在");
	case TX_BARRED:
		return http_error(r, 403, "provider_barred", NULL,
		    "服务机构已被取消服务券资格，不能处理订单");
	case TX_BEFORE_ORDER:
		return http_error(r, 422, "contract_before_order", t->bad_field,
		    "合同签订日期和服务开始日期不得早于企业下单日期");
	case TX_BAD_CONTRACT:
		return http_error(r, 422, "invalid_contract", "amount",
		    "合同金额或服务期无效");
	case TX_QUOTA_EXHAUSTED: {
		char want[32], miss[32];

		money_format_yuan(t->wanted, want, sizeof(want));
		money_format_yuan(t->missing, miss, sizeof(miss));
		return http_error(r, 409, "quota_exhausted", "amount",
		    "企业本年度剩余补贴额度不足，补贴无法提高到 %s 元（还差 %s 元），"
		    "合同未更改", want, miss);
	}
	default:
		return http_db_error(r, rc);
	}
	if ((o = load_mine(r, r->ids[0])) == NULL)
		return r->status;
	return http_json(r, 200, o);
}

/* POST /api/provider/orders/{id}/accept → 200 the order (accepted);
 * 409 invalid_state when not pending or past 48 hours (O4); 403 barred. */
int
order_accept(struct req *r)
{
	struct prov_tx t = { .r = r };

	return run_mine(r, &t, accept_tx);
}

/* POST /api/provider/orders/{id}/decline {reason} → 200 the order
 * (cancelled, declined): its unit and reservation are released (O4). */
int
order_decline(struct req *r)
{
	static const struct field fields[] = {
		{ "reason", FIELD_TEXT, true, 1, 500, NULL },
	};
	struct prov_tx t = { .r = r };
	struct field_value v[1];
	json_t *body;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, fields, 1, v) < 0)
		return r->status;
	t.reason = v[0].s;
	return run_mine(r, &t, decline_tx);
}

/*
 * PUT /api/provider/orders/{id}/contract {contract_no, signed_on,
 * service_start_on, amount, period_months} → 200 the order with
 * contract {base, subsidy, self_paid} by O9, the subsidy at most what
 * the order reserved when placed (reserved_at_order); any reservation
 * above the subsidy is released at once. 422 a date before the order
 * (O8); 409 not accepted; may be corrected until the claim is submitted,
 * a correction claiming back what an earlier contract released: 409
 * quota_exhausted (nothing changed) when the enterprise's cap has no
 * room left for it.
 */
int
contract_put(struct req *r)
{
	struct field_value v[CF__MAX];
	struct prov_tx t = { .r = r, .v = v };
	json_t *body;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, contract_fields, CF__MAX, v) < 0)
		return r->status;
	return run_mine(r, &t, contract_tx);
}

/*
 * GET /api/provider/orders/{id}/reference → the block the contract must
 * list (O8): order number, order time (Asia/Shanghai) and product name.
 */
int
reference_get(struct req *r)
{
	struct order_reference ref;
	struct db_res *keep = NULL;
	char local[32], iso[21], text[1024];
	struct tm tm;
	time_t t;
	int rc;

	rc = db_order_reference(r->db, r->ids[0], r->sess.provider_id, &ref,
	    &keep);
	if (rc == DB_NOTFOUND)		/* or another provider's */
		return http_error(r, 404, "not_found", NULL, "订单不存在");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	t = ref.ordered_at;
	clock_format_iso8601(t, iso);
	t += CLOCK_SHANGHAI_OFFSET;
	gmtime_r(&t, &tm);
	strftime(local, sizeof(local), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(text, sizeof(text), "系统订单编号：%s\n系统下单时间：%s\n"
	    "产品名称：%s", ref.order_no, local, ref.product_name);
	rc = http_json(r, 200, json_pack("{s:s,s:s,s:s,s:s,s:s}", "order_no",
	    ref.order_no, "ordered_at", iso, "ordered_at_local", local,
	    "product_name", ref.product_name, "text", text));
	db_res_free(keep);
	return rc;
}
