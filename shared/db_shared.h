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
	DBS__MIN = -5
};

/* SQL of shared id (negative); NULL if out of range. */
const char *db_shared_sql(int id);

#endif
