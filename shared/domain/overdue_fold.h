/*
 * overdue_fold.h - the sweeper's part of the overdue backlog's counts
 * (issue 13, 026_overdue_swept.sql): each counted stage keeps one total
 * of its rows whose instant's minute is before `upto` (overdue_swept) and
 * the others per minute (overdue_minutes), by trigger. Every minute the
 * sweeper folds the minutes its clock has passed into the total, so that
 * GET /api/bureau/overdue reads a few rows whatever the year
 * (fcgi-apps/oversight/overdue.c).
 */
#ifndef VOUCHER_OVERDUE_FOLD_H
#define VOUCHER_OVERDUE_FOLD_H

#include <time.h>

struct db;

/* The start of t's minute (UTC, as the DATETIMEs 026's triggers count
 * by): the unit of the overdue counts, for the fold and for the read
 * (fcgi-apps/oversight/db.c). Pure. */
time_t overdue_minute(time_t t);

/* The minute a stage is folded up to when its cut (the instant its rows
 * are compared with: now, or now less the stage's days) is cut: the start
 * of cut's minute, one minute back, so that a request whose clock was
 * read up to a minute before the sweeper's still finds every folded
 * minute before its own cut's minute. Pure. */
time_t overdue_fold_upto(time_t cut);

/* Folds every stage at now (clocks.h: each stage's cut), one transaction
 * per stage; a stage already folded further (a clock moved back) is left
 * as it is. Returns the minutes' rows folded, or -1 on a database
 * failure (what was committed stays). */
long overdue_fold(struct db *db, time_t now);

#endif
