/*
 * audit.c - the append-only audit trail of rule V3 (see audit.h).
 */
#include <stdlib.h>

#include "audit.h"
#include "db.h"
#include "lib_sql.h"

struct actor
actor_system(time_t now)
{
	struct actor a = { .account_id = 0, .role = "system", .rid = "",
	    .now = now };

	return a;
}

int
audit_record(struct db *db, const struct actor *a, const char *action,
    const char *entity, int64_t entity_id, json_t *before, json_t *after)
{
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *aj = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = db_exec(db, DBS_AUDIT_INSERT, DB_ARGS(DB_TIME(a->now),
	    a->account_id > 0 ? DB_I64(a->account_id) : DB_NULLP,
	    DB_STR(a->role), DB_STR(action), DB_STR(entity),
	    entity_id > 0 ? DB_I64(entity_id) : DB_NULLP, DB_STR(b),
	    DB_STR(aj), DB_STR(a->rid)), NULL, NULL, NULL);

	free(b);
	free(aj);
	return rc;
}
