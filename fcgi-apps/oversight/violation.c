/*
 * violation.c - recorded violations (V1) and their effects (V2), for the
 * bureau:
 *   POST /api/bureau/violations {party: enterprise|provider, party_id,
 *        kind, description, order_id?}
 *   GET  /api/bureau/violations?party=&party_id=&page=
 *   GET  /api/bureau/violations/{id}
 *
 * Recording a violation applies every V2 effect in the same transaction:
 *   - the party is barred for 3 years (barred_until; a longer existing
 *     bar is kept), which ordering (E5), accepting and contracting, the
 *     catalog, batching, publishing and paying all check;
 *   - its open orders (pending, accepted, contracted, submitted, approved,
 *     publicized — everything not yet paid or closed) are revoked: the
 *     reservation is released; the product unit is returned when the
 *     service was not delivered (pending, accepted, or contracted without
 *     the enterprise's C1 confirmation) and kept otherwise (decision, as
 *     R4); a submitted or approved claim is rejected; a listed item is
 *     withdrawn (its signed list file does not change);
 *   - the paid subsidy of each of its paid orders, less what is already
 *     due back for it, is set for recovery;
 *   - a provider's products are delisted.
 * The record is never deleted (credit punishment).
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "orders.h"
#include "oversight.h"
#include "rules.h"

#define TX_NO_PARTY      (DB_APP + 1)
#define TX_FOREIGN_ORDER (DB_APP + 2)

static const char *const parties[] = { "enterprise", "provider", NULL };
static const char *const kinds[] = { "transfer", "hidden_relationship",
    "fictitious_contract", "other", NULL };		/* V1 (1)-(4) */

static const char *const kind_names[] = {
	"转让、赠予或买卖服务券",		/* transfer */
	"隐瞒关联关系影响公平交易",		/* hidden_relationship */
	"虚构合同或虚增金额",			/* fictitious_contract */
	"其他违反工作指南的行为",		/* other */
};

enum { VF_PARTY, VF_PARTY_ID, VF_KIND, VF_DESCRIPTION, VF_ORDER, VF__MAX };

static const struct field violation_fields[VF__MAX] = {
	[VF_PARTY]       = { "party", FIELD_ENUM, true, 0, 0, parties },
	[VF_PARTY_ID]    = { "party_id", FIELD_ID, true, 0, 0, NULL },
	[VF_KIND]        = { "kind", FIELD_ENUM, true, 0, 0, kinds },
	[VF_DESCRIPTION] = { "description", FIELD_TEXT, true, 1, 5000, NULL },
	[VF_ORDER]       = { "order_id", FIELD_ID, false, 0, 0, NULL },
};

struct viol_tx {
	struct req               *r;
	const struct field_value *v;
	bool                      provider;
	time_t                    until;	/* out */
	int64_t                   id;		/* out */
	json_t                   *revoked;	/* out */
	json_t                   *recovered;	/* out */
	int64_t                   delisted;	/* out */
};

/* now + 3 calendar years (V2), in UTC; 29 February → 1 March. */
static time_t
bar_end(time_t now)
{
	struct tm tm;

	gmtime_r(&now, &tm);
	tm.tm_year += RULE_BAR_YEARS;
	return timegm(&tm);
}

/* Sets the paid subsidy of a locked paid order, less what is already due
 * back, for recovery (V2). */
static int
recover_paid(struct db *db, struct viol_tx *t, const struct order_row *o)
{
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct paid_due_row pd;
	int64_t amount, id = 0;
	json_t *after;
	int rc;

	rc = db_order_paid_due(db, o->id, &pd);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? DB_ERROR : rc;
	amount = pd.paid - pd.due;
	if (amount <= 0)
		return DB_OK;
	rc = db_recovery_insert(db, o->id, t->id, amount, r->now, &id);
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:I,s:I,s:I,s:s}", "order_id", (json_int_t)o->id,
	    "violation_id", (json_int_t)t->id, "amount_due", (json_int_t)amount,
	    "status", "open");
	rc = audit_record(db, &a, "recovery.create", "recovery", id, NULL,
	    after);
	json_decref(after);
	json_array_append_new(t->recovered, json_pack("{s:I,s:I,s:I}",
	    "recovery_id", (json_int_t)id, "order_id", (json_int_t)o->id,
	    "amount_due", (json_int_t)amount));
	return rc;
}

/* Revokes a locked open order (V2); item_id (0: none) is locked. */
static int
revoke(struct db *db, struct viol_tx *t, struct order_row *o,
    int64_t item_id, const char *reason)
{
	struct req *r = t->r;
	struct actor a = actor_of(r);
	char from[16];
	bool unit_back;
	json_t *after;
	int64_t seq = 0;
	int rc;

	/* the unit goes back when the service was not delivered */
	unit_back = o->status == ORDER_PENDING ||
	    o->status == ORDER_ACCEPTED ||
	    (o->status == ORDER_CONTRACTED && o->confirmed_at == 0);
	snprintf(from, sizeof(from), "%s", order_status_name(o->status));
	rc = order_close(db, &a, o, ORDER_REVOKED, NULL, reason, unit_back);
	if (rc == DB_OK)
		rc = db_claim_reject(db, o->id, reason, r->now);
	if (rc == DB_OK && item_id > 0) {
		/* R7: a record chained after the published list */
		rc = db_item_withdraw(db, item_id, r->now, &seq);
		if (rc == DB_NOTFOUND)
			rc = DB_OK;	/* withdrawn before */
		else if (rc == DB_OK) {
			after = json_pack("{s:b,s:s,s:I,s:I}", "withdrawn", 1,
			    "reason", "violation", "violation_id",
			    (json_int_t)t->id, "record_seq", (json_int_t)seq);
			rc = audit_record(db, &a, "publicity_item.withdraw",
			    "publicity_item", item_id, NULL, after);
			json_decref(after);
		}
	}
	if (rc == DB_OK)
		json_array_append_new(t->revoked, json_pack("{s:I,s:s,s:b}",
		    "order_id", (json_int_t)o->id, "from_status", from,
		    "unit_returned", unit_back));
	return rc;
}

/* Sets the bar (V2: 3 years; a longer bar already in force stays) and
 * audits it. The party is locked. */
static int
bar_party(struct db *db, struct viol_tx *t, const struct party_row *party)
{
	const struct field_value *v = t->v;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	time_t old = party->barred_until;	/* 0: never barred */
	char b[21], u[21];
	json_t *before, *after;
	int rc;

	if (old > t->until)
		t->until = old;
	rc = db_party_bar(db, t->provider, party->id, t->until, r->now);
	if (rc != DB_OK)
		return rc;
	clock_format_iso8601(t->until, u);
	if (old > 0)
		clock_format_iso8601(old, b);
	before = json_pack("{s:s?}", "barred_until", old > 0 ? b : NULL);
	after = json_pack("{s:s,s:I}", "barred_until", u, "violation_id",
	    (json_int_t)t->id);
	rc = audit_record(db, &a, t->provider ? "provider.bar" :
	    "enterprise.bar", v[VF_PARTY].s, party->id, before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

/* Terminates (or recovers from) one order of the party found by the
 * plain read: its item (if any) and the order are locked and
 * re-checked. */
static int
party_order(struct db *db, struct viol_tx *t, const struct party_order_row *po,
    const char *reason)
{
	struct actor a = actor_of(t->r);
	struct order_row o;
	int rc;

	if (po->item_id > 0 && (rc = db_item_lock(db, po->item_id)) != DB_OK)
		return rc;
	if ((rc = order_lock(db, po->id, &o)) != DB_OK)
		return rc;
	if (o.status == ORDER_PAID)
		return recover_paid(db, t, &o);
	rc = order_apply_timeouts(db, &a, &o);
	if (rc < 0 || rc == DB_RETRY)
		return rc;
	if (!order_is_open(o.status))
		return DB_OK;	/* closed since the plain read */
	return revoke(db, t, &o, po->item_id, reason);
}

/* V2: a provider's listed products are delisted, audited. */
static int
delist(struct db *db, struct viol_tx *t, int64_t pid)
{
	struct actor a = actor_of(t->r);
	json_t *after;
	int rc;

	rc = db_products_delist(db, pid, t->r->now, &t->delisted);
	if (rc != DB_OK || t->delisted == 0)
		return rc;
	after = json_pack("{s:I,s:I}", "products_delisted",
	    (json_int_t)t->delisted, "violation_id", (json_int_t)t->id);
	rc = audit_record(db, &a, "provider.delist", "provider", pid, NULL,
	    after);
	json_decref(after);
	return rc;
}

static int
viol_tx(struct db *db, void *arg)
{
	struct viol_tx *t = arg;
	const struct field_value *v = t->v;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct party_row party;
	struct order_parties_row op;
	struct db_rows orders = { 0 };
	struct violation_new vn;
	int64_t pid = v[VF_PARTY_ID].i;
	char reason[400], u[21];
	json_t *after;
	int rc;

	json_array_clear(t->revoked);
	json_array_clear(t->recovered);
	t->delisted = 0;
	t->until = bar_end(r->now);
	/* lock order: the party, then items, then orders (→ quota →
	 * product), then the provider's products */
	rc = db_party_lock(db, t->provider, pid, &party);
	if (rc != DB_OK) {
		rc = rc == DB_NOTFOUND ? TX_NO_PARTY : rc;
		goto done;
	}
	if (v[VF_ORDER].present) {
		rc = db_order_parties(db, v[VF_ORDER].i, &op);
		if (rc == DB_NOTFOUND || (rc == DB_OK &&
		    (t->provider ? op.provider_id : op.enterprise_id) != pid))
			rc = TX_FOREIGN_ORDER;
		if (rc != DB_OK)
			goto done;
	}
	vn = (struct violation_new){
		.party = v[VF_PARTY].s,
		.party_id = pid,
		.kind = v[VF_KIND].s,
		.description = v[VF_DESCRIPTION].s,
		.order_id = v[VF_ORDER].present ? v[VF_ORDER].i : 0,
		.recorded_at = r->now,
		.recorded_by = r->sess.account_id,
		.barred_until = t->until,
	};
	if ((rc = db_violation_insert(db, &vn, &t->id)) != DB_OK ||
	    (rc = bar_party(db, t, &party)) != DB_OK)
		goto done;
	snprintf(reason, sizeof(reason), "违规处理（《工作指南》七、5）：%s，终止订单",
	    kind_names[0]);
	for (size_t k = 0; kinds[k] != NULL; k++)
		if (strcmp(kinds[k], v[VF_KIND].s) == 0)
			snprintf(reason, sizeof(reason), "违规处理（《工作指南》七、5）：%s，"
			    "终止订单", kind_names[k]);
	/* (plain read) the party's orders; each is locked and re-checked */
	if ((rc = db_party_orders(db, t->provider, pid, &orders)) != DB_OK)
		goto done;
	for (size_t i = 0; i < orders.n; i++) {
		rc = party_order(db, t,
		    &((const struct party_order_row *)orders.v)[i], reason);
		if (rc != DB_OK)
			goto done;
	}
	if (t->provider && (rc = delist(db, t, pid)) != DB_OK)
		goto done;
	clock_format_iso8601(t->until, u);
	after = json_pack("{s:s,s:I,s:s,s:s,s:O,s:O,s:I}", "party",
	    v[VF_PARTY].s, "party_id", (json_int_t)pid, "kind", v[VF_KIND].s,
	    "barred_until", u, "orders_revoked", t->revoked, "recoveries",
	    t->recovered, "products_delisted", (json_int_t)t->delisted);
	rc = audit_record(db, &a, "violation.record", "violation", t->id, NULL,
	    after);
	json_decref(after);
done:
	db_rows_free(&orders);
	return rc;
}

/* The violation id as JSON with its recoveries; NULL with *rc set. */
static json_t *
violation_view(struct db *db, int64_t id, int *rc)
{
	struct db_res *res = NULL, *rec = NULL;
	json_t *o = NULL;

	*rc = db_violation_view(db, id, &res, &rec);
	if (*rc == DB_OK) {
		o = db_row_json(res, 0);
		json_object_set_new(o, "recoveries", db_rows_json(rec));
	}
	db_res_free(res);
	db_res_free(rec);
	return o;
}

/*
 * POST /api/bureau/violations {party: enterprise|provider, party_id, kind:
 * transfer|hidden_relationship|fictitious_contract|other, description
 * (1-5000), order_id?} → 201 the violation {id, party, party_id,
 * party_name, kind, description, order_id, recorded_at, barred_until,
 * recoveries, effects: {orders_revoked: [{order_id, from_status,
 * unit_returned}], recoveries: [{recovery_id, order_id, amount_due}],
 * products_delisted}} with every V2 effect applied in one transaction.
 * 422 unknown_party (party_id), order_not_of_party (order_id).
 */
int
violation_create(struct req *r)
{
	struct field_value v[VF__MAX];
	struct viol_tx t = { .r = r, .v = v };
	json_t *body, *o;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, violation_fields, VF__MAX, v) < 0)
		return r->status;
	t.provider = strcmp(v[VF_PARTY].s, "provider") == 0;
	t.revoked = json_array();
	t.recovered = json_array();
	switch ((rc = db_tx(r->db, viol_tx, &t))) {
	case DB_OK:
		break;
	case TX_NO_PARTY:
		rc = http_error(r, 422, "unknown_party", "party_id",
		    "%s不存在", t.provider ? "服务机构" : "企业");
		goto done;
	case TX_FOREIGN_ORDER:
		rc = http_error(r, 422, "order_not_of_party", "order_id",
		    "该订单不属于违规当事方");
		goto done;
	default:
		rc = http_db_error(r, rc);
		goto done;
	}
	if ((o = violation_view(r->db, t.id, &rc)) == NULL) {
		rc = http_db_error(r, rc);
		goto done;
	}
	json_object_set_new(o, "effects", json_pack("{s:O,s:O,s:I}",
	    "orders_revoked", t.revoked, "recoveries", t.recovered,
	    "products_delisted", (json_int_t)t.delisted));
	rc = http_json(r, 201, o);
done:
	json_decref(t.revoked);
	json_decref(t.recovered);
	return rc;
}

/* GET /api/bureau/violations?party=&party_id=&page=&per_page= → newest
 * first: {items, total, page, per_page} (without recoveries). */
int
violation_list(struct req *r)
{
	struct db_res *res = NULL;
	int64_t pid, page, per_page, total;
	const char *party;
	int rc;

	if (query_enum_or_400(r, "party", parties, NULL, &party) < 0 ||
	    query_i64_or_400(r, "party_id", 1, INT64_MAX, 0, &pid) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	rc = db_violations(r->db, party, pid, per_page, (page - 1) * per_page,
	    &res, &total);
	if (rc != DB_OK) {
		db_res_free(res);
		return http_db_error(r, rc);
	}
	rc = http_json(r, 200, page_json(db_rows_json(res), total, page,
	    per_page));
	db_res_free(res);
	return rc;
}

/* GET /api/bureau/violations/{id} → the violation with its recoveries. */
int
violation_get(struct req *r)
{
	int rc;
	json_t *o = violation_view(r->db, r->ids[0], &rc);

	if (o == NULL)
		return rc == DB_NOTFOUND ?
		    http_error(r, 404, "not_found", NULL, "违规记录不存在") :
		    http_db_error(r, rc);
	return http_json(r, 200, o);
}
