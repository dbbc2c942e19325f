/*
 * db_shared.c - the SQL of the common library (see db_shared.h). Every
 * program's connection can run these; they are prepared on first use.
 */
#include <stddef.h>

#include "db_shared.h"

static const char *const db_shared_stmts[-DBS__MIN] = {
	/* DBS_SESSION_GET (-1): token hash -> session and account */
	"SELECT s.account_id, a.role, a.login, a.enterprise_id, a.provider_id,"
	" s.csrf_token, s.created_at, s.last_seen_at, s.expires_at"
	" FROM sessions s JOIN accounts a ON a.id = s.account_id"
	" WHERE s.token_hash = ? AND a.disabled = 0",
	/* DBS_SESSION_TOUCH (-2): now, token hash */
	"UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
	/* DBS_SESSION_DELETE (-3): token hash */
	"DELETE FROM sessions WHERE token_hash = ?",
	/* DBS_AUDIT_INSERT (-4): rule V3, append-only */
	"INSERT INTO audit_log (at, actor_account_id, actor_role, action,"
	" entity, entity_id, before_json, after_json, request_id)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/* DBS_ROUND_CURRENT (-5) */
	"SELECT year, apply_opens_on, apply_closes_on FROM rounds"
	" WHERE is_current = 1 ORDER BY year DESC LIMIT 1",
};

const char *
db_shared_sql(int id)
{
	if (id >= 0 || id < DBS__MIN)
		return NULL;
	return db_shared_stmts[-id - 1];
}
