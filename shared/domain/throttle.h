/*
 * throttle.h - limits per mobile number and per login, kept by the
 * database (rule E9: no account enumeration, no code flooding, no
 * password guessing), beside nginx's limits per client address.
 *
 * A subject is what was asked for (a mobile number, a login), never an
 * account: a subject nobody holds is limited exactly like one that
 * exists, so a limit tells nothing about who is registered. A limit is
 * either a window (hits allowed per window) with a minimum interval
 * between two hits, or (cap > 0, issue 15) growing delays: after
 * max_hits hits each further one waits 2^(hits - max_hits) seconds
 * after the last, at most cap, and the hits are forgotten after window
 * seconds without one. The row is locked while it is counted (INSERT
 * IGNORE, then SELECT … FOR UPDATE), so concurrent requests count one by
 * one.
 */
#ifndef VOUCHER_THROTTLE_H
#define VOUCHER_THROTTLE_H

#include <stdbool.h>
#include <time.h>

struct db;

enum throttle_scope {
	THROTTLE_CODE,     /* codes sent to a mobile: 10 a day, 1 a minute  */
	THROTTLE_LOGIN,    /* login attempts of a login: 5 free, then 1 s,
	                      2 s, 4 s … at most 15 minutes apart; forgotten
	                      after a quiet day or a success              */
	THROTTLE_DEVICE,   /* the same per known browser (its token's hash):
	                      its logins skip the login's delay (issue 15) */
	THROTTLE__MAX
};

/* The limit of a scope. */
struct throttle_limit {
	const char *name;       /* throttle.scope                        */
	int         window;     /* seconds                               */
	int         max_hits;   /* per window                            */
	int         interval;   /* seconds between two hits (0: none)    */
	int         cap;        /* > 0: growing delays up to cap seconds
	                           after max_hits hits (window: forgotten
	                           after this long without a hit)       */
};

const struct throttle_limit *throttle_limit(enum throttle_scope scope);

/*
 * Counts one hit of subject at now when the limit allows it (*allowed
 * true), else counts nothing (*allowed false; *retry_after the seconds
 * until it would). Inside the caller's transaction, or alone. Returns a
 * DB_* status.
 */
int throttle_take(struct db *db, enum throttle_scope scope,
    const char *subject, time_t now, bool *allowed, int *retry_after);

/* Whether a hit of subject would be allowed at now (counts nothing). */
int throttle_check(struct db *db, enum throttle_scope scope,
    const char *subject, time_t now, bool *allowed, int *retry_after);

/* Forgets subject's hits (a successful login). A DB_* status. */
int throttle_clear(struct db *db, enum throttle_scope scope,
    const char *subject);

/* Pure: the delay a growing-delay limit asks after hits hits (seconds;
 * 0 while hits < max_hits). */
int throttle_delay(const struct throttle_limit *l, int hits);

/* Pure: whether a hit at now is allowed given the row (hits in the
 * window that started at window_start, the last at last_at), and when
 * not, the seconds to wait. */
bool throttle_allows(const struct throttle_limit *l, time_t window_start,
    int hits, time_t last_at, time_t now, int *retry_after);

#endif
