/*
 * orders.c - the shared part of the order state machine (see orders.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "clocks.h"
#include "db.h"
#include "lib_sql.h"
#include "log.h"
#include "orders.h"
#include "page.h"

const char *const order_statuses[] = {
	[ORDER_PENDING] = "pending",
	[ORDER_ACCEPTED] = "accepted",
	[ORDER_CONTRACTED] = "contracted",
	[ORDER_SUBMITTED] = "submitted",
	[ORDER_APPROVED] = "approved",
	[ORDER_PUBLICIZED] = "publicized",
	[ORDER_PAID] = "paid",
	[ORDER_CANCELLED] = "cancelled",
	[ORDER_EXPIRED] = "expired",
	[ORDER_REJECTED] = "rejected",
	[ORDER_REFUNDED] = "refunded",
	[ORDER_REVOKED] = "revoked",
	[ORDER__NSTATUS] = NULL
};

#define ANY_OFFICE (MOVER_REVIEWER | MOVER_BUREAU)

/* Rule O10: every move an order can make, and who makes it. */
const struct order_step order_steps[] = {
	/* O4: accepted within 48 h, or cancelled (O5 by the enterprise,
	 * declined by the provider, the timeout by the system) */
	{ ORDER_PENDING,    ORDER_ACCEPTED,   MOVER_PROVIDER },
	{ ORDER_PENDING,    ORDER_CANCELLED,
	    MOVER_ENTERPRISE | MOVER_PROVIDER | MOVER_SYSTEM },
	/* O8, O9: the contract */
	{ ORDER_ACCEPTED,   ORDER_CONTRACTED, MOVER_PROVIDER },
	/* O6: past validity */
	{ ORDER_ACCEPTED,   ORDER_EXPIRED,    MOVER_SYSTEM },
	{ ORDER_CONTRACTED, ORDER_EXPIRED,    MOVER_SYSTEM },
	/* R3: the claim is submitted; R4: decided */
	{ ORDER_CONTRACTED, ORDER_SUBMITTED,  MOVER_PROVIDER },
	{ ORDER_SUBMITTED,  ORDER_APPROVED,   ANY_OFFICE },
	{ ORDER_SUBMITTED,  ORDER_REJECTED,   ANY_OFFICE },
	/* R4 as amended: returned for correction (退回补正), the claim is
	 * the provider's again until valid-until (O6) */
	{ ORDER_SUBMITTED,  ORDER_CONTRACTED, ANY_OFFICE },
	/* R5: published, paid, or withdrawn after an upheld objection */
	{ ORDER_APPROVED,   ORDER_PUBLICIZED, MOVER_BUREAU },
	{ ORDER_PUBLICIZED, ORDER_PAID,       MOVER_BUREAU },
	{ ORDER_PUBLICIZED, ORDER_REJECTED,   MOVER_BUREAU },
	/* R6: a refund after payment */
	{ ORDER_PAID,       ORDER_REFUNDED,   MOVER_PROVIDER | MOVER_BUREAU },
	/* V2: a violation terminates every open order */
	{ ORDER_PENDING,    ORDER_REVOKED,    MOVER_BUREAU },
	{ ORDER_ACCEPTED,   ORDER_REVOKED,    MOVER_BUREAU },
	{ ORDER_CONTRACTED, ORDER_REVOKED,    MOVER_BUREAU },
	{ ORDER_SUBMITTED,  ORDER_REVOKED,    MOVER_BUREAU },
	{ ORDER_APPROVED,   ORDER_REVOKED,    MOVER_BUREAU },
	{ ORDER_PUBLICIZED, ORDER_REVOKED,    MOVER_BUREAU },
};
const size_t order_nsteps = sizeof(order_steps) / sizeof(order_steps[0]);

const char *
order_status_name(enum order_status st)
{
	return (unsigned)st < ORDER__NSTATUS ? order_statuses[st] : "?";
}

int
order_status_parse(const char *name)
{
	for (int i = 0; name != NULL && i < ORDER__NSTATUS; i++)
		if (strcmp(name, order_statuses[i]) == 0)
			return i;
	return -1;
}

unsigned
order_mover_of(const char *role)
{
	static const struct {
		const char *role;
		unsigned    bit;
	} movers[] = {
		{ "enterprise", MOVER_ENTERPRISE },
		{ "provider",   MOVER_PROVIDER },
		{ "reviewer",   MOVER_REVIEWER },
		{ "bureau",     MOVER_BUREAU },
		{ "system",     MOVER_SYSTEM },
	};

	for (size_t i = 0; role != NULL && i < sizeof(movers) /
	    sizeof(movers[0]); i++)
		if (strcmp(role, movers[i].role) == 0)
			return movers[i].bit;
	return 0;
}

bool
order_step_allowed(enum order_status from, enum order_status to,
    const char *role)
{
	unsigned who = order_mover_of(role);

	for (size_t i = 0; i < order_nsteps; i++)
		if (order_steps[i].from == from && order_steps[i].to == to)
			return (order_steps[i].who & who) != 0;
	return false;
}

/* The columns order_lock reads, by alias. */
struct order_lock_row {
	int64_t     id;
	const char *order_no;
	int64_t     enterprise_id, product_id, provider_id;
	int         year;
	const char *status;
	int64_t     reserved, reserved_at_order;
	bool        unit_held;
	int64_t     unit_subsidy, subsidy;
	bool        no_subsidy;
	time_t      ordered_at, accept_deadline, valid_until, confirmed_at;
};

static const struct db_col order_lock_cols[] = {
	DB_COL(struct order_lock_row, id),
	DB_COL(struct order_lock_row, order_no),
	DB_COL(struct order_lock_row, enterprise_id),
	DB_COL(struct order_lock_row, product_id),
	DB_COL(struct order_lock_row, provider_id),
	DB_COL(struct order_lock_row, year),
	DB_COL(struct order_lock_row, status),
	DB_COL(struct order_lock_row, reserved),
	DB_COL(struct order_lock_row, reserved_at_order),
	DB_COL(struct order_lock_row, unit_held),
	DB_COL(struct order_lock_row, unit_subsidy),
	DB_COL(struct order_lock_row, subsidy),
	DB_COL_NULL(struct order_lock_row, no_subsidy, "subsidy"),
	DB_COL(struct order_lock_row, ordered_at),
	DB_COL(struct order_lock_row, accept_deadline),
	DB_COL(struct order_lock_row, valid_until),
	DB_COL(struct order_lock_row, confirmed_at),
};
static const struct db_rowmap order_lock_map =
    DB_ROWMAP(struct order_lock_row, order_lock_cols);

int
order_lock(struct db *db, int64_t id, struct order_row *o)
{
	struct order_lock_row l;
	struct db_res *keep = NULL;
	int rc = db_one(db, DBS_ORDER_LOCK, DB_ARGS(DB_I64(id)), &order_lock_map,
	    &l, &keep);
	int st;

	memset(o, 0, sizeof(*o));
	if (rc == DB_OK && (st = order_status_parse(l.status)) < 0) {
		log_msg(LOG_ERROR, NULL, "order %lld: unknown status %s",
		    (long long)id, l.status);
		rc = DB_ERROR;
	}
	if (rc == DB_OK) {
		o->id = l.id;
		snprintf(o->order_no, sizeof(o->order_no), "%s", l.order_no);
		o->enterprise_id = l.enterprise_id;
		o->product_id = l.product_id;
		o->provider_id = l.provider_id;
		o->year = l.year;
		o->status = (enum order_status)st;
		o->reserved = l.reserved;
		o->reserved_at_order = l.reserved_at_order;
		o->unit_held = l.unit_held;
		o->unit_subsidy = l.unit_subsidy;
		o->subsidy = l.no_subsidy ? -1 : l.subsidy;
		o->ordered_at = l.ordered_at;
		o->accept_deadline = l.accept_deadline;
		o->valid_until = l.valid_until;
		o->confirmed_at = l.confirmed_at;
	}
	db_res_free(keep);
	return rc;
}

int
order_lock_owned(struct db *db, int64_t id, enum order_owner kind,
    int64_t owner_id, struct order_row *o)
{
	int rc = order_lock(db, id, o);

	if (rc == DB_OK && owner_id != (kind == OWNER_ENTERPRISE ?
	    o->enterprise_id : o->provider_id))
		rc = DB_NOTFOUND;	/* someone else's: as if it did not exist */
	return rc;
}

enum order_status
order_effective_status(const struct order_row *o, time_t now)
{
	if (o->status == ORDER_PENDING && now >= o->accept_deadline)
		return ORDER_CANCELLED;		/* O4 */
	if (order_is_running(o->status) && now >= o->valid_until)
		return ORDER_EXPIRED;		/* O6 */
	return o->status;
}

/* Refuses (logged, DB_ERROR) a step O10 does not allow actor a. */
static int
order_step_check(const struct actor *a, const struct order_row *o,
    enum order_status to)
{
	if (order_step_allowed(o->status, to, a->role))
		return DB_OK;
	log_msg(LOG_ERROR, a->rid, "order %lld: %s may not move it from %s to "
	    "%s (rule O10)", (long long)o->id, a->role,
	    order_status_name(o->status), order_status_name(to));
	return DB_ERROR;
}

int
quota_release(struct db *db, const struct actor *a, int64_t enterprise_id,
    int year, int64_t amount)
{
	int rc;

	if (amount <= 0)
		return DB_OK;
	rc = db_dml(db, DBS_QUOTA_RELEASE, DB_ARGS(DB_I64(amount),
	    DB_I64(enterprise_id), DB_I64(year), DB_I64(amount)), NULL);
	if (rc == DB_NOTFOUND) {
		log_msg(LOG_ERROR, a->rid, "enterprise %lld: quota of %d holds "
		    "less than the %lld to release", (long long)enterprise_id,
		    year, (long long)amount);
		rc = DB_ERROR;
	}
	return rc;
}

int
quota_reserve(struct db *db, int64_t enterprise_id, int year, int64_t amount)
{
	if (amount <= 0)
		return DB_OK;
	return db_dml(db, DBS_QUOTA_RESERVE, DB_ARGS(DB_I64(amount),
	    DB_I64(enterprise_id), DB_I64(year), DB_I64(amount)), NULL);
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
	return json_pack("{s:s,s:I,s:b}", "status",
	    order_status_name(o->status), "reserved",
	    (json_int_t)o->reserved, "unit_held", o->unit_held);
}

int
order_close(struct db *db, const struct actor *a, struct order_row *o,
    enum order_status to, const char *cancel_reason, const char *reason,
    bool return_unit)
{
	const char *from = order_status_name(o->status);
	const char *to_status = order_status_name(to);
	char action[48];
	json_t *before, *after;
	bool unit_back = return_unit && o->unit_held;
	int rc;

	if ((rc = order_step_check(a, o, to)) != DB_OK)
		return rc;
	before = order_state_json(o);
	rc = quota_release(db, a, o->enterprise_id, o->year, o->reserved);
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
		o->status = to;
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
    enum order_status to, const char *reason)
{
	const char *from = order_status_name(o->status);
	const char *to_status = order_status_name(to);
	char action[48];
	json_t *before, *after;
	int rc;

	if ((rc = order_step_check(a, o, to)) != DB_OK)
		return rc;
	before = order_state_json(o);
	rc = db_dml(db, DBS_ORDER_SET_STATUS, DB_ARGS(
	    DB_STR(to_status), DB_STR(reason), DB_TIME(a->now), DB_I64(o->id)), NULL);
	if (rc == DB_OK) {
		o->status = to;
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
	enum order_status eff = order_effective_status(o, a->now);
	struct actor sys = actor_system(a->now);
	int rc;

	sys.rid = a->rid;
	if (eff == o->status)
		return 0;
	if (eff == ORDER_CANCELLED)
		rc = order_close(db, &sys, o, ORDER_CANCELLED, "accept_timeout",
		    "服务机构 48 小时内未接单，订单取消（《工作指南》五（二）4）", true);
	else
		rc = order_close(db, &sys, o, ORDER_EXPIRED, NULL,
		    "服务券有效期已过，过期作废（《工作指南》五（二）5）", true);
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

struct due_row {
	int64_t id;
};

static const struct db_col due_cols[] = {
	DB_COL(struct due_row, id),
};
static const struct db_rowmap due_map = DB_ROWMAP(struct due_row, due_cols);

/* Sweeps the ids that stmt (with params) returns; -1 on failure. */
static int
sweep_ids(struct db *db, int stmt, const struct db_param *p, size_t np,
    time_t now, const char *rid)
{
	struct db_rows due;
	const struct due_row *d;
	int moved = 0;

	if (db_all(db, stmt, p, np, &due_map, &due) != DB_OK)
		return -1;
	d = due.v;
	for (size_t i = 0; i < due.n; i++) {
		struct sweep_tx t = { .id = d[i].id, .a = actor_system(now) };

		t.a.rid = rid ? rid : "";
		if (db_tx(db, sweep_one_tx, &t) != DB_OK) {
			moved = -1;
			break;
		}
		moved += t.moved;
	}
	db_rows_free(&due);
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

/* An ISO instant member of o as time_t (0: null or absent). */
static time_t
instant_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	time_t t = 0;

	if (s == NULL || clock_parse_iso8601(s, &t) != 0)
		return 0;
	return t;
}

/* Issue 16: the order's stage clock (clocks.h) at the clock's now (T2),
 * from the columns of its view: "deadline" and "clock". */
static void
order_clock_set(json_t *o)
{
	struct clock_facts f = {
		.subject = CLOCK_ORDER,
		.state = json_string_value(json_object_get(o, "status")),
		.accept_deadline = instant_of(o, "accept_deadline"),
		.valid_until = instant_of(o, "valid_until"),
		.submitted_at = instant_of(o, "submitted_at"),
		.confirmed_at = instant_of(o, "confirmed_at"),
		.approved_at = instant_of(o, "approved_at"),
	};

	stage_clock_set(o, &f, clock_now());
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
	order_clock_set(o);
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
order_view_owned(struct db *db, int64_t id, enum order_owner kind,
    int64_t owner_id, time_t now, int *rc)
{
	json_t *o = order_view(db, id, now, rc);

	if (o != NULL && json_integer_value(json_object_get(o,
	    kind == OWNER_ENTERPRISE ? "enterprise_id" : "provider_id")) !=
	    owner_id) {
		json_decref(o);
		o = NULL;
		*rc = DB_NOTFOUND;	/* someone else's: as if it did not exist */
	}
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
	int64_t end = page * per_page;	/* the page's last row: offset + limit */
	int count = by_provider ? DBS_ORDER_COUNT_PROVIDER :
	    DBS_ORDER_COUNT_ENTERPRISE;
	/* the page's now x4, the total's (ORDER_COUNT) and the list's own */
	struct db_param p[] = { DB_TIME(now), DB_TIME(now), DB_TIME(now),
	    DB_TIME(now), DB_I64(owner), DB_STR(status), DB_STR(status),
	    DB_STR(status), DB_TIME(now), DB_I64(owner), DB_STR(status),
	    DB_STR(status), DB_TIME(now), DB_I64(owner), DB_STR(status),
	    DB_STR(status), DB_STR(status), DB_I64(owner), DB_STR(status),
	    DB_TIME(now), DB_TIME(now), DB_I64(end), DB_TIME(now),
	    DB_I64(owner), DB_STR(status), DB_TIME(now), DB_I64(owner),
	    DB_STR(status) };
	const size_t ncp = 13, nall = 4 + ncp + 1;

	if (status == NULL)
		return page_list_total(db, by_provider ?
		    DBS_ORDER_LIST_PROVIDER : DBS_ORDER_LIST_ENTERPRISE, p, nall,
		    count, p + 4, ncp, page, per_page, order_json, rc);
	return page_list_total(db, by_provider ?
	    DBS_ORDER_LIST_PROVIDER_STATUS : DBS_ORDER_LIST_ENTERPRISE_STATUS,
	    p, sizeof(p) / sizeof(p[0]), count, p + 4, ncp, page, per_page,
	    order_json, rc);
}
