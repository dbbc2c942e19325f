/*
 * orders.h - the order state machine of rule O10, shared by every program
 * that moves an order (ordering, provider, redemption, publicity) and by
 * the sweeper.
 *
 * Locking order, everywhere: the order row, then the enterprise's quota
 * row, then the product row. Placing an order (which has no order row yet)
 * takes the quota row, then the product row.
 *
 * Time rules hold at every read and write even if the sweeper never ran:
 * reads compute the effective status in SQL (ORDER_EFFECTIVE_STATUS), and
 * every write locks the order and first applies a due O4/O6 transition
 * (order_apply_timeouts).
 */
#ifndef VOUCHER_ORDERS_H
#define VOUCHER_ORDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "audit.h"

struct db;

/* The status an order has at now: O4 then O6 applied on the stored one.
 * Two params: now, now. */
#define ORDER_EFFECTIVE_STATUS(o) \
	"(CASE WHEN " o ".status = 'pending' AND " o ".accept_deadline <= ?" \
	" THEN 'cancelled' WHEN " o ".status IN ('accepted', 'contracted')" \
	" AND " o ".valid_until <= ? THEN 'expired' ELSE " o ".status END)"

/* An order past its O4 deadline or O6 validity, not yet swept. Two
 * params: now, now. */
#define ORDER_TIMED_OUT(o) \
	"((" o ".status = 'pending' AND " o ".accept_deadline <= ?) OR" \
	" (" o ".status IN ('accepted', 'contracted') AND " o ".valid_until <= ?))"

/* The occupied amount of quota row q at now: what timed-out orders still
 * hold does not count (O4, O6). Two params: now, now. */
#define QUOTA_EFFECTIVE_OCCUPIED(q) \
	"(" q ".occupied - COALESCE((SELECT SUM(oo.reserved) FROM orders oo" \
	" WHERE oo.enterprise_id = " q ".enterprise_id AND oo.year = " q ".year" \
	" AND oo.reserved > 0 AND " ORDER_TIMED_OUT("oo") "), 0))"

/* The earliest O4 deadline (next_accept_deadline, NULL without pending
 * orders) and O6 end (next_valid_until) among open orders: three O(1)
 * index lookups. When both are after now, no order is timed out and
 * PRODUCT_DUE_UNITS need not run. (Open orders always hold their unit.) */
#define ORDERS_NEXT_DUE \
	"SELECT (SELECT MIN(accept_deadline) FROM orders WHERE status = 'pending')" \
	" AS next_accept_deadline," \
	" LEAST(COALESCE((SELECT MIN(valid_until) FROM orders" \
	" WHERE status = 'accepted'), TIMESTAMP'9999-12-31 23:59:59')," \
	" COALESCE((SELECT MIN(valid_until) FROM orders" \
	" WHERE status = 'contracted'), TIMESTAMP'9999-12-31 23:59:59'))" \
	" AS next_valid_until"

/* The units that timed-out orders still hold, per product: (product_id,
 * n) rows from two index ranges, normally none thanks to the sweeper.
 * A reader adds n to the product's remaining units (O4, O6). Two params:
 * now, now. */
#define PRODUCT_DUE_UNITS \
	"SELECT d.product_id, COUNT(*) AS n FROM (" \
	" SELECT product_id FROM orders WHERE status = 'pending'" \
	" AND accept_deadline <= ? AND unit_held = 1 UNION ALL" \
	" SELECT product_id FROM orders WHERE status IN ('accepted', 'contracted')" \
	" AND valid_until <= ? AND unit_held = 1) d GROUP BY d.product_id"

/* The states of rule O10, in the order of the main path, then the side
 * exits. */
enum order_status {
	ORDER_PENDING,       /* 待接单                                    */
	ORDER_ACCEPTED,      /* 已接单                                    */
	ORDER_CONTRACTED,    /* 已签约                                    */
	ORDER_SUBMITTED,     /* 待初审                                    */
	ORDER_APPROVED,      /* 初审通过                                  */
	ORDER_PUBLICIZED,    /* 公示中                                    */
	ORDER_PAID,          /* 已兑付                                    */
	ORDER_CANCELLED,
	ORDER_EXPIRED,
	ORDER_REJECTED,
	ORDER_REFUNDED,
	ORDER_REVOKED,
	ORDER__NSTATUS
};

/* The names of O10 as stored in orders.status, indexed by enum
 * order_status, NULL-terminated (for validating ?status= filters). */
extern const char *const order_statuses[];

/* The name of s; "?" when out of range. */
const char *order_status_name(enum order_status s);
/* The status named name; -1 when none is. */
int order_status_parse(const char *name);

/* Who may move an order (bits of struct order_step.who). */
enum order_mover {
	MOVER_ENTERPRISE = 1 << 0,
	MOVER_PROVIDER   = 1 << 1,
	MOVER_REVIEWER   = 1 << 2,
	MOVER_BUREAU     = 1 << 3,
	MOVER_SYSTEM     = 1 << 4   /* the O4/O6 timeouts                    */
};

/* One transition of O10: from, to, and who may make it. */
struct order_step {
	enum order_status from, to;
	unsigned          who;
};

/* The one transition table of O10. */
extern const struct order_step order_steps[];
extern const size_t order_nsteps;

/* The mover bit of an actor role ("enterprise" … "system"); 0 if none. */
unsigned order_mover_of(const char *role);

/* True when O10 lets a mover of role move an order from -> to. */
bool order_step_allowed(enum order_status from, enum order_status to,
    const char *role);

/* Predicates of O10, so that callers never compare status names. */
/* Not yet accepted (O4 applies). */
static inline bool order_is_pending(enum order_status s)
{ return s == ORDER_PENDING; }
/* Accepted or contracted: the voucher is running (O6 applies). */
static inline bool order_is_running(enum order_status s)
{ return s == ORDER_ACCEPTED || s == ORDER_CONTRACTED; }
/* On the main path, not yet paid: a violation revokes it (V2). */
static inline bool order_is_open(enum order_status s)
{ return s <= ORDER_PUBLICIZED; }
/* A side exit: nothing moves it any more. */
static inline bool order_is_closed(enum order_status s)
{ return s >= ORDER_CANCELLED && s != ORDER_REFUNDED; }

/* A locked order row (order_lock). */
struct order_row {
	int64_t id;
	char    order_no[40];
	int64_t enterprise_id;
	int64_t product_id;
	int64_t provider_id;
	int     year;
	enum order_status status;
	int64_t reserved;        /* what it holds against the cap now       */
	int64_t reserved_at_order; /* what it took when placed (O3): the most
	                            a contract may claim back (O9)          */
	bool    unit_held;       /* whether it holds a unit of the product  */
	int64_t unit_subsidy;
	int64_t subsidy;         /* -1 until the contract (O9)              */
	time_t  ordered_at;
	time_t  accept_deadline;
	time_t  valid_until;
	time_t  confirmed_at;    /* 0 until C1                              */
};

/* Locks order id (SELECT … FOR UPDATE) inside a transaction. Returns
 * DB_OK, DB_NOTFOUND or a DB_* failure. */
int order_lock(struct db *db, int64_t id, struct order_row *o);

/* The owner a view is for: an enterprise's own orders or a provider's. */
enum order_owner {
	OWNER_ENTERPRISE,
	OWNER_PROVIDER
};

/* Locks order id for owner (its enterprise or its provider id): DB_OK,
 * DB_NOTFOUND when it does not exist or is someone else's (the two are
 * not told apart), or a DB_* failure. */
int order_lock_owned(struct db *db, int64_t id, enum order_owner kind,
    int64_t owner_id, struct order_row *o);

/* The effective status of a locked row at now (O4, O6). */
enum order_status order_effective_status(const struct order_row *o,
    time_t now);

/* Moves a locked order to a side exit: releases its reservation (O3
 * accounting) and, when return_unit, its product unit; writes the order
 * event and the audit record. cancel_reason is 'enterprise', 'declined'
 * or 'accept_timeout' for to_status "cancelled", else NULL. */
int order_close(struct db *db, const struct actor *a, struct order_row *o,
    enum order_status to, const char *cancel_reason, const char *reason,
    bool return_unit);

/* Moves a locked order along O10 (no release): status, event, audit. */
int order_transition(struct db *db, const struct actor *a,
    struct order_row *o, enum order_status to, const char *reason);

/* Both check the step against order_steps first: a step O10 does not
 * allow the actor is logged and returns DB_ERROR (a programming error;
 * handlers check the state before and answer 409 themselves). */

/* Writes the order event of a transition (O10); from NULL for a new
 * order; from == to records an event that changes no state. */
int order_event(struct db *db, const struct actor *a, int64_t order_id,
    const char *from, const char *to, const char *reason);

/* Releases amount of an enterprise's year quota (O3 accounting): the
 * guarded UPDATE never takes occupied below zero. DB_ERROR (logged) when
 * the row holds less than amount. */
int quota_release(struct db *db, const struct actor *a, int64_t enterprise_id,
    int year, int64_t amount);

/* Adds amount to an enterprise's year quota, never past its cap (the
 * guarded UPDATE of O3: occupied + amount <= cap): DB_NOTFOUND when it
 * would pass it - or the cap was lowered below occupied (E8). */
int quota_reserve(struct db *db, int64_t enterprise_id, int year,
    int64_t amount);

/* Applies a due O4 (cancel, unit and reservation released) or O6 (expire,
 * unit returned) transition to a locked order, as the system. Returns 1
 * when it changed the order, 0 when nothing was due, or a DB_* failure
 * (< 0 or DB_RETRY). */
int order_apply_timeouts(struct db *db, const struct actor *a,
    struct order_row *o);

/* Sweeps, each order in its own short transaction: every due order of
 * product id / of an enterprise's year / all due orders (batch at a time
 * until none is left). Returns the number of orders moved, or -1. */
int order_sweep_product(struct db *db, int64_t product_id, time_t now,
    const char *rid);
int order_sweep_enterprise(struct db *db, int64_t enterprise_id, int year,
    time_t now, const char *rid);
int order_sweep_all(struct db *db, time_t now);

/* One order as JSON at now (effective status, contract nested), or NULL
 * with *rc set (DB_NOTFOUND or a failure). */
json_t *order_view(struct db *db, int64_t id, time_t now, int *rc);

/* order_view for its owner only: someone else's order is DB_NOTFOUND,
 * as if it did not exist (a plain read: no lock). */
json_t *order_view_owned(struct db *db, int64_t id, enum order_owner kind,
    int64_t owner_id, time_t now, int *rc);

/* The order's event timeline as a JSON array (NULL on failure). */
json_t *order_events_json(struct db *db, int64_t id);

/* A page of the orders of an enterprise (by_provider false) or a provider,
 * filtered by effective status (NULL: all), as {items,total,page,per_page}.
 * NULL with *rc set on failure. */
json_t *order_list(struct db *db, bool by_provider, int64_t owner,
    const char *status, int64_t page, int64_t per_page, time_t now, int *rc);

#endif
