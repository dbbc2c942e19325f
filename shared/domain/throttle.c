/*
 * throttle.c - limits per mobile and per login in the database (see
 * throttle.h).
 */
#include "db.h"
#include "lib_sql.h"
#include "throttle.h"

static const struct throttle_limit limits[THROTTLE__MAX] = {
	[THROTTLE_CODE]   = { "code",   86400, 10, 60,   0 },
	[THROTTLE_LOGIN]  = { "login",  86400,  5,  0, 900 },
	[THROTTLE_DEVICE] = { "device", 86400,  5,  0, 900 },
};

const struct throttle_limit *
throttle_limit(enum throttle_scope scope)
{
	return (unsigned)scope < THROTTLE__MAX ? &limits[scope] : NULL;
}

int
throttle_delay(const struct throttle_limit *l, int hits)
{
	int e = hits - l->max_hits;

	if (e < 0)
		return 0;
	if (e >= 30 || (1 << e) > l->cap)
		return l->cap;
	return 1 << e;
}

bool
throttle_allows(const struct throttle_limit *l, time_t window_start, int hits,
    time_t last_at, time_t now, int *retry_after)
{
	*retry_after = 0;
	if (l->cap > 0) {	/* growing delays (window: forgotten after) */
		int wait = throttle_delay(l, hits);

		if (wait == 0 || now >= last_at + l->window ||
		    now >= last_at + wait)
			return true;
		*retry_after = (int)(last_at + wait - now);
		return false;
	}
	if (l->interval > 0 && hits > 0 && now < last_at + l->interval) {
		*retry_after = (int)(last_at + l->interval - now);
		return false;
	}
	if (now >= window_start + l->window)
		return true;	/* a new window */
	if (hits >= l->max_hits) {
		*retry_after = (int)(window_start + l->window - now);
		return false;
	}
	return true;
}

struct throttle_row {
	time_t window_start;
	int    hits;
	time_t last_at;
};

static const struct db_col throttle_cols[] = {
	DB_COL(struct throttle_row, window_start),
	DB_COL(struct throttle_row, hits),
	DB_COL(struct throttle_row, last_at),
};
static const struct db_rowmap throttle_map =
    DB_ROWMAP(struct throttle_row, throttle_cols);

struct take_tx {
	const struct throttle_limit *l;
	const char                  *subject;
	time_t                       now;
	bool                         count;
	bool                         allowed;
	int                          retry_after;
};

static int
take_body(struct db *db, void *arg)
{
	struct take_tx *t = arg;
	struct throttle_row row;
	int rc;

	t->allowed = false;
	t->retry_after = 0;
	if (!t->count) {
		rc = db_one(db, DBS_THROTTLE_GET, DB_ARGS(DB_STR(t->l->name),
		    DB_STR(t->subject)), &throttle_map, &row, NULL);
		if (rc == DB_NOTFOUND) {
			t->allowed = true;
			return DB_OK;
		}
		if (rc == DB_OK)
			t->allowed = throttle_allows(t->l, row.window_start,
			    row.hits, row.last_at, t->now, &t->retry_after);
		return rc;
	}
	/* the row exists (a fresh one counts nothing), then is locked */
	rc = db_dml(db, DBS_THROTTLE_CREATE, DB_ARGS(DB_STR(t->l->name),
	    DB_STR(t->subject), DB_TIME(t->now), DB_TIME(t->now)), NULL);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return rc;
	rc = db_one(db, DBS_THROTTLE_LOCK, DB_ARGS(DB_STR(t->l->name),
	    DB_STR(t->subject)), &throttle_map, &row, NULL);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? DB_RETRY : rc;
	t->allowed = throttle_allows(t->l, row.window_start, row.hits,
	    row.last_at, t->now, &t->retry_after);
	if (!t->allowed)
		return DB_OK;
	if (t->l->cap > 0) {
		/* growing delays: forgotten after a quiet window; the row's
		 * window starts at its last hit (what tidy purges by) */
		if (t->now >= row.last_at + t->l->window)
			row.hits = 0;
		row.window_start = t->now;
	} else if (t->now >= row.window_start + t->l->window) {
		row.window_start = t->now;
		row.hits = 0;
	}
	return db_dml(db, DBS_THROTTLE_SET, DB_ARGS(DB_TIME(row.window_start),
	    DB_I64(row.hits + 1), DB_TIME(t->now), DB_STR(t->l->name),
	    DB_STR(t->subject)), NULL);
}

static int
run(struct db *db, enum throttle_scope scope, const char *subject, time_t now,
    bool count, bool *allowed, int *retry_after)
{
	struct take_tx t = { .l = throttle_limit(scope), .subject = subject,
	    .now = now, .count = count };
	int rc;

	if (t.l == NULL || subject == NULL)
		return DB_ERROR;
	rc = db_in_tx(db) ? take_body(db, &t) : db_tx(db, take_body, &t);
	*allowed = t.allowed;
	*retry_after = t.retry_after;
	return rc;
}

int
throttle_take(struct db *db, enum throttle_scope scope, const char *subject,
    time_t now, bool *allowed, int *retry_after)
{
	return run(db, scope, subject, now, true, allowed, retry_after);
}

int
throttle_check(struct db *db, enum throttle_scope scope, const char *subject,
    time_t now, bool *allowed, int *retry_after)
{
	return run(db, scope, subject, now, false, allowed, retry_after);
}

int
throttle_clear(struct db *db, enum throttle_scope scope, const char *subject)
{
	const struct throttle_limit *l = throttle_limit(scope);
	int rc;

	if (l == NULL || subject == NULL)
		return DB_ERROR;
	rc = db_dml(db, DBS_THROTTLE_CLEAR, DB_ARGS(DB_STR(l->name),
	    DB_STR(subject)), NULL);
	return rc == DB_NOTFOUND ? DB_OK : rc;
}
