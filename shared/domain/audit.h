/*
 * audit.h - who did something, and the append-only audit trail (rule V3):
 * every state change writes one record (who, role, when, what,
 * before/after, request id) in the same transaction as the change.
 */
#ifndef VOUCHER_AUDIT_H
#define VOUCHER_AUDIT_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>

struct db;

/* The author of a change: an account, or the system (account_id 0,
 * role "system") for timers such as the sweeper. */
struct actor {
	int64_t     account_id;      /* 0: none                          */
	const char *role;            /* "enterprise" … "bureau", "system" */
	const char *rid;             /* request id, "" when none          */
	time_t      now;             /* the instant of the change (T2)    */
};

/* The system actor at now. */
struct actor actor_system(time_t now);

/* Appends one audit record on db; before/after borrowed, may be NULL.
 * Returns a DB_* status. */
int audit_record(struct db *db, const struct actor *a, const char *action,
    const char *entity, int64_t entity_id, json_t *before, json_t *after);

#endif
