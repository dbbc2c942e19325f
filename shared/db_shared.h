/*
 * db_shared.h - the statements of the common library itself (sessions,
 * accounts, audit). They have negative ids so that every program's own
 * statement array can start at 0.
 */
#ifndef VOUCHER_DB_SHARED_H
#define VOUCHER_DB_SHARED_H

#include <stddef.h>

enum db_shared_stmt {
	DBS_SESSION_GET = -1,    /* token_hash, now -> the session row     */
	DBS_SESSION_TOUCH = -2,  /* now, token_hash                        */
	DBS_SESSION_DELETE = -3, /* token_hash                             */
	DBS_AUDIT_INSERT = -4,   /* the audit row                          */
	DBS_ROUND_CURRENT = -5,  /* -> the current round                   */
	/* orders (orders.c): the transitions every program shares */
	DBS_ORDER_LOCK = -6,
	DBS_ORDER_CLOSE = -7,
	DBS_ORDER_SET_STATUS = -8,
	DBS_ORDER_EVENT = -9,
	DBS_QUOTA_RELEASE = -10,
	DBS_PRODUCT_RETURN_UNIT = -11,
	DBS_ORDERS_DUE_PENDING = -12,
	DBS_ORDERS_DUE_VALID = -13,
	DBS_ORDERS_DUE_PRODUCT = -14,
	DBS_ORDERS_DUE_ENTERPRISE = -15,
	DBS_ORDER_VIEW = -16,
	DBS_ORDER_EVENTS = -17,
	DBS_ORDER_LIST_ENTERPRISE = -18,
	DBS_ORDER_COUNT_ENTERPRISE = -19,
	DBS_ORDER_LIST_PROVIDER = -20,
	DBS_ORDER_COUNT_PROVIDER = -21,
	DBS__MIN = -21
};

/* SQL of shared id (negative); NULL if out of range. */
const char *db_shared_sql(int id);

#endif
