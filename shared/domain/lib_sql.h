/*
 * lib_sql.h - the statements of the domain layer itself (sessions,
 * audit, rounds, the order state machine). Their ids start at
 * DB_LIB_BASE so that every program's own table can start at 0.
 */
#ifndef VOUCHER_LIB_SQL_H
#define VOUCHER_LIB_SQL_H

#include "db.h"

enum lib_stmt {
	DBS_SESSION_GET = DB_LIB_BASE, /* token_hash, now -> the session row     */
	DBS_SESSION_TOUCH, /* now, token_hash                        */
	DBS_SESSION_DELETE, /* token_hash                             */
	DBS_AUDIT_INSERT, /* the audit row                          */
	DBS_ROUND_CURRENT, /* -> the current round                   */
	DBS_ORDER_LOCK,
	DBS_ORDER_CLOSE,
	DBS_ORDER_SET_STATUS,
	DBS_ORDER_EVENT,
	DBS_QUOTA_RELEASE,
	DBS_QUOTA_RESERVE,
	DBS_PRODUCT_RETURN_UNIT,
	DBS_ORDERS_DUE_PENDING,
	DBS_ORDERS_DUE_VALID,
	DBS_ORDERS_DUE_PRODUCT,
	DBS_ORDERS_DUE_ENTERPRISE,
	DBS_ORDER_VIEW,
	DBS_ORDER_EVENTS,
	DBS_ORDER_LIST_ENTERPRISE,
	DBS_ORDER_LIST_ENTERPRISE_STATUS,
	DBS_ORDER_COUNT_ENTERPRISE,
	DBS_ORDER_LIST_PROVIDER,
	DBS_ORDER_LIST_PROVIDER_STATUS,
	DBS_ORDER_COUNT_PROVIDER,
	DBS_PROVIDER_BARRED_UNTIL,
	DBS_ENTERPRISE_BARRED_UNTIL,
	/* issue 12: the outbox, limits, organisations (outbox.c, throttle.c,
	 * org.c) */
	DBS_OUTBOX_PREF,
	DBS_OUTBOX_INSERT,
	DBS_OUTBOX_NEXT,
	DBS_OUTBOX_SENT,
	DBS_OUTBOX_RETRY,
	DBS_OUTBOX_EXPIRE,
	DBS_OUTBOX_BACKLOG,
	DBS_THROTTLE_GET,
	DBS_THROTTLE_CREATE,
	DBS_THROTTLE_LOCK,
	DBS_THROTTLE_SET,
	DBS_THROTTLE_CLEAR,
	DBS_ORG_STATE,
	DBS_ROUND_INFO,
	DBS_ORDER_PARTIES_BARRED_UNTIL,
	/* issue 16: reminders and the inbox (outbox.c, reminders.c) */
	DBS_OUTBOX_INSERT_ACCOUNT,
	DBS_REMIND_CURSOR_LOCK,
	DBS_REMIND_CURSOR_SET,
	DBS_REMIND_EVENTS,
	DBS_REMIND_KEY,
	DBS_REMIND_RECIPIENTS,
	DBS_REMIND_ACCEPT_DUE,
	DBS_REMIND_VALIDITY,
	DBS_REMIND_CONFIRM,
	/* issue 13: the overdue stages' fold (overdue_fold.c) */
	DBS_OVERDUE_SWEPT_LOCK,
	DBS_OVERDUE_MINUTES_SUM,
	DBS_OVERDUE_SWEPT_SET,
	DBS_OVERDUE_MINUTES_DROP,
	DBS__END
};

#define DB_LIB_STMT(id, text) [(id) - DB_LIB_BASE] = { #id, text }

/* The library's statements, for db_open(). */
extern const struct db_stmts lib_stmts;

#endif
