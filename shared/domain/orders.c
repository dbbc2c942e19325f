/*
 * orders.c - the shared part of the order state machine (see orders.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "lib_sql.h"
#include "log.h"
#include "orders.h"
#include "page.h"

const char *const order_statuses[] = {
	"pending", "accepted", "contracted", "submitted", "approved",
	"publicized", "paid", "cancelled", "expired", "rejected", "refunded",
	"revoked", NULL		/* O10 */
};

int
order_lock(struct db *db, int64_t id, struct order_row *o)
{
	struct db_res *res = NULL;
	int rc = db_query(db, DBS_ORDER_LOCK, DB_ARGS(DB_I64(id)), &res);

	if (rc == DB_OK) {
		memset(o, 0, sizeof(*o));
		o->id = db_i64(res, 0, 0);
		snprintf(o->order_no, sizeof(o->order_no), "%s", db_str(res, 0, 1));
		o->enterprise_id = db_i64(res, 0, 2);
		o->product_id = db_i64(res, 0, 3);
		o->provider_id = db_i64(res, 0, 4);
		o->year = (int)db_i64(res, 0, 5);
		snprintf(o->status, sizeof(o->status), "%s", db_str(res, 0, 6));
		o->reserved = db_i64(res, 0, 7);
		o->unit_held = db_i64(res, 0, 8) != 0;
		o->unit_subsidy = db_i64(res, 0, 9);
		o->subsidy = db_isnull(res, 0, 10) ? -1 : db_i64(res, 0, 10);
		o->ordered_at = (time_t)db_i64(res, 0, 11);
		o->accept_deadline = (time_t)db_i64(res, 0, 12);
		o->valid_until = (time_t)db_i64(res, 0, 13);
		o->confirmed_at = db_isnull(res, 0, 14) ? 0 :
		    (time_t)db_i64(res, 0, 14);
	}
	db_res_free(res);
	return rc;
}

const char *
order_effective_status(const struct order_row *o, time_t now)
{
	if (strcmp(o->status, "pending") == 0 && now >= o->accept_deadline)
		return "cancelled";		/* O4 */
	if ((strcmp(o->status, "accepted") == 0 ||
	    strcmp(o->status, "contracted") == 0) && now >= o->valid_until)
		return "expired";		/* O6 */
	return o->status;
}

int
order_event(struct db *db, const struct actor *a, int64_t order_id,
    const char *from, const char *to, const char *reason)
{
	return db_exec(db, DBS_ORDER_EVENT, DB_ARGS(
	    DB_I64(order_id), DB_TIME(a->now),
	    a->account_id > 0 ? DB_I64(a->account_id) : DB_NULLP,
	    DB_STR(a->role), DB_STR(from), DB_STR(to), DB_STR(reason),
	    DB_STR(a->rid)), NULL, NULL, NULL);
}

static json_t *
order_state_json(const struct order_row *o)
{
	return json_pack("{s:s,s:I,s:b}", "status", o->status, "reserved",
	    (json_int_t)o->reserved, "unit_held", o->unit_held);
}

int
order_close(struct db *db, const struct actor *a, struct order_row *o,
    const char *to_status, const char *cancel_reason, const char *reason,
    bool return_unit)
{
	char from[16], action[48];
	json_t *before = order_state_json(o), *after;
	bool unit_back = return_unit && o->unit_held;
	int rc = DB_OK;

	snprintf(from, sizeof(from), "%s", o->status);
	if (o->reserved > 0) {
		rc = db_dml(db, DBS_QUOTA_RELEASE, DB_ARGS(
		    DB_I64(o->reserved), DB_I64(o->enterprise_id),
		    DB_I64(o->year), DB_I64(o->reserved)), NULL);
		if (rc == DB_NOTFOUND) {
			log_msg(LOG_ERROR, a->rid, "order %lld: quota row holds "
			    "less than its reservation", (long long)o->id);
			rc = DB_ERROR;
		}
	}
	if (rc == DB_OK && unit_back) {
		rc = db_dml(db, DBS_PRODUCT_RETURN_UNIT,
		    DB_ARGS(DB_I64(o->product_id)), NULL);
		if (rc == DB_NOTFOUND) {
			log_msg(LOG_ERROR, a->rid, "order %lld: product has no "
			    "sold unit to return", (long long)o->id);
			rc = DB_ERROR;
		}
	}
	if (rc == DB_OK)
		rc = db_dml(db, DBS_ORDER_CLOSE, DB_ARGS(
		    DB_STR(to_status), DB_STR(cancel_reason), DB_STR(reason),
		    DB_BOOL(o->unit_held && !unit_back), DB_TIME(a->now),
		    DB_TIME(a->now), DB_I64(o->id)), NULL);
	if (rc == DB_OK) {
		snprintf(o->status, sizeof(o->status), "%s", to_status);
		o->reserved = 0;
		o->unit_held = o->unit_held && !unit_back;
		rc = order_event(db, a, o->id, from, to_status, reason);
	}
	if (rc == DB_OK) {
		after = order_state_json(o);
		snprintf(action, sizeof(action), "order.%s", to_status);
		rc = audit_record(db, a, action, "order", o->id, before, after);
		json_decref(after);
	}
	json_decref(before);
	return rc;
}

int
order_transition(struct db *db, const struct actor *a, struct order_row *o,
    const char *to_status, const char *reason)
{
	char from[16], action[48];
	json_t *before = order_state_json(o), *after;
	int rc;

	snprintf(from, sizeof(from), "%s", o->status);
	rc = db_dml(db, DBS_ORDER_SET_STATUS, DB_ARGS(
	    DB_STR(to_status), DB_STR(reason), DB_TIME(a->now), DB_I64(o->id)), NULL);
	if (rc == DB_OK) {
		snprintf(o->status, sizeof(o->status), "%s", to_status);
		rc = order_event(db, a, o->id, from, to_status, reason);
	}
	if (rc == DB_OK) {
		after = order_state_json(o);
		snprintf(action, sizeof(action), "order.%s", to_status);
		rc = audit_record(db, a, action, "order", o->id, before, after);
		json_decref(after);
	}
	json_decref(before);
	return rc;
}

int
order_apply_timeouts(struct db *db, const struct actor *a, struct order_row *o)
{
	const char *eff = order_effective_status(o, a->now);
	struct actor sys = actor_system(a->now);
	int rc;

	sys.rid = a->rid;
	if (eff == o->status)
		return 0;
	if (strcmp(eff, "cancelled") == 0)
		rc = order_close(db, &sys, o, "cancelled", "accept_timeout",
		    "服务机构 48 小时内未接单，订单取消（规则 O4）", true);
	else
		rc = order_close(db, &sys, o, "expired", NULL,
		    "服务券有效期已过，过期作废（规则 O6）", true);
	return rc == DB_OK ? 1 : rc;
}

struct sweep_tx {
	int64_t      id;
	struct actor a;
	int          moved;	/* out */
};

static int
sweep_one_tx(struct db *db, void *arg)
{
	struct sweep_tx *t = arg;
	struct order_row o;
	int rc;

	t->moved = 0;
	if ((rc = order_lock(db, t->id, &o)) != DB_OK)
		return rc == DB_NOTFOUND ? DB_OK : rc;
	rc = order_apply_timeouts(db, &t->a, &o);
	if (rc == 1) {
		t->moved = 1;
		return DB_OK;
	}
	return rc;
}

/* Sweeps the ids that stmt (with params) returns; -1 on failure. */
static int
sweep_ids(struct db *db, int stmt, const struct db_param *p, size_t np,
    time_t now, const char *rid)
{
	struct db_res *res = NULL;
	int moved = 0, rc;

	rc = db_exec(db, stmt, p, np, &res, NULL, NULL);
	if (rc != DB_OK) {
		db_res_free(res);
		return -1;
	}
	for (size_t i = 0; i < res->nrows; i++) {
		struct sweep_tx t = { .id = db_i64(res, i, 0),
		    .a = actor_system(now) };

		t.a.rid = rid ? rid : "";
		if (db_tx(db, sweep_one_tx, &t) != DB_OK) {
			moved = -1;
			break;
		}
		moved += t.moved;
	}
	db_res_free(res);
	return moved;
}

int
order_sweep_product(struct db *db, int64_t product_id, time_t now,
    const char *rid)
{
	return sweep_ids(db, DBS_ORDERS_DUE_PRODUCT, DB_ARGS(
	    DB_I64(product_id), DB_TIME(now), DB_TIME(now)), now, rid);
}

int
order_sweep_enterprise(struct db *db, int64_t enterprise_id, int year,
    time_t now, const char *rid)
{
	return sweep_ids(db, DBS_ORDERS_DUE_ENTERPRISE, DB_ARGS(
	    DB_I64(enterprise_id), DB_I64(year), DB_TIME(now), DB_TIME(now)), now, rid);
}

int
order_sweep_all(struct db *db, time_t now)
{
	int total = 0, n;

	do {
		n = sweep_ids(db, DBS_ORDERS_DUE_PENDING, DB_ARGS(
		    DB_TIME(now), DB_I64(500)), now, NULL);
		if (n < 0)
			return -1;
		total += n;
	} while (n > 0);
	do {
		n = sweep_ids(db, DBS_ORDERS_DUE_VALID, DB_ARGS(
		    DB_TIME(now), DB_I64(500)), now, NULL);
		if (n < 0)
			return -1;
		total += n;
	} while (n > 0);
	return total;
}

/* Nests the contract columns of an order row under "contract". */
static json_t *
order_json(const struct db_res *res, size_t row)
{
	static const char *const contract_cols[][2] = {
		{ "contract_no", "contract_no" },
		{ "signed_on", "signed_on" },
		{ "service_start_on", "service_start_on" },
		{ "contract_amount", "amount" },
		{ "period_months", "period_months" },
		{ "contract_base", "base" },
		{ "contract_subsidy", "subsidy" },
		{ "contract_self_paid", "self_paid" },
	};
	json_t *o = db_row_json(res, row), *c = json_object();
	bool has = !json_is_null(json_object_get(o, "contract_no"));

	for (size_t i = 0; i < sizeof(contract_cols) / sizeof(contract_cols[0]);
	    i++) {
		json_object_set(c, contract_cols[i][1],
		    json_object_get(o, contract_cols[i][0]));
		json_object_del(o, contract_cols[i][0]);
	}
	json_object_set_new(o, "contract", has ? c : json_null());
	if (!has)
		json_decref(c);
	return o;
}

json_t *
order_view(struct db *db, int64_t id, time_t now, int *rc)
{
	struct db_res *res = NULL;
	json_t *o = NULL;

	*rc = db_query(db, DBS_ORDER_VIEW, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_TIME(now), DB_TIME(now), DB_I64(id)), &res);
	if (*rc == DB_OK)
		o = order_json(res, 0);
	db_res_free(res);
	return o;
}

json_t *
order_events_json(struct db *db, int64_t id)
{
	struct db_res *res = NULL;
	json_t *a = NULL;

	if (db_exec(db, DBS_ORDER_EVENTS, DB_ARGS(DB_I64(id)),
	    &res, NULL, NULL) == DB_OK)
		a = db_rows_json(res);
	db_res_free(res);
	return a;
}

json_t *
order_list(struct db *db, bool by_provider, int64_t owner, const char *status,
    int64_t page, int64_t per_page, time_t now, int *rc)
{
	struct db_res *res = NULL, *cnt = NULL;
	json_t *items = NULL;

	*rc = db_exec(db, by_provider ? DBS_ORDER_LIST_PROVIDER :
	    DBS_ORDER_LIST_ENTERPRISE, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_TIME(now), DB_TIME(now), DB_I64(owner),
	    DB_STR(status), DB_STR(status), DB_I64(per_page),
	    DB_I64((page - 1) * per_page)), &res, NULL, NULL);
	if (*rc == DB_OK)
		*rc = db_query(db, by_provider ? DBS_ORDER_COUNT_PROVIDER :
		    DBS_ORDER_COUNT_ENTERPRISE, DB_ARGS(
		    DB_TIME(now), DB_TIME(now), DB_I64(owner), DB_STR(status),
		    DB_STR(status)), &cnt);
	if (*rc == DB_OK) {
		items = json_array();
		for (size_t i = 0; i < res->nrows; i++)
			json_array_append_new(items, order_json(res, i));
		items = page_json(items, db_i64(cnt, 0, 0), page, per_page);
	}
	db_res_free(res);
	db_res_free(cnt);
	return items;
}
