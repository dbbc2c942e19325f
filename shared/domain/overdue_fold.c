/*
 * overdue_fold.c - the sweeper folds the overdue stages' passed minutes
 * into their totals (026_overdue_swept.sql; overdue_fold.h).
 */
#include <stdint.h>

#include "clocks.h"
#include "db.h"
#include "lib_sql.h"
#include "overdue_fold.h"

#define DAY 86400

/* The stages (overdue_swept.kind) and the days their cut lies before now
 * (clocks.h: an order's decision_due is its deadline; an application's
 * and a certification's instant is its submission). */
static const struct {
	const char *kind;
	int         days;
} stages[] = {
	{ "review", 0 },                                /* R4 */
	{ "publish", 0 },                               /* R5 */
	{ "application", CLOCK_APPLICATION_DAYS },      /* A6 */
	{ "application_decide", CLOCK_APPLICATION_DAYS },
	{ "certification", CLOCK_CERTIFICATION_DAYS },  /* E9 */
};

time_t
overdue_minute(time_t t)
{
	return t - t % 60;
}

time_t
overdue_fold_upto(time_t cut)
{
	return overdue_minute(cut) - 60;
}

struct swept_row {
	time_t upto;
};
static const struct db_col swept_cols[] = {
	DB_COL(struct swept_row, upto),
};
static const struct db_rowmap swept_map = DB_ROWMAP(struct swept_row,
    swept_cols);

struct sum_row {
	int64_t n;
	int64_t rows;
};
static const struct db_col sum_cols[] = {
	DB_COL(struct sum_row, n),
	DB_COL(struct sum_row, rows),
};
static const struct db_rowmap sum_map = DB_ROWMAP(struct sum_row, sum_cols);

struct fold_tx {
	const char *kind;
	time_t      upto;
	long        rows;   /* out: the minutes folded */
};

/* One stage: its total locked first (the triggers' order: a write of the
 * stage waits, or is waited for), then its minutes before upto summed,
 * added and deleted. */
static int
fold_tx(struct db *db, void *arg)
{
	struct fold_tx *t = arg;
	struct swept_row s;
	struct sum_row sum;
	int rc;

	t->rows = 0;
	rc = db_one(db, DBS_OVERDUE_SWEPT_LOCK, DB_ARGS(DB_STR(t->kind)),
	    &swept_map, &s, NULL);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? DB_OK : rc;  /* no such stage */
	if (s.upto >= t->upto)
		return DB_OK;
	rc = db_one(db, DBS_OVERDUE_MINUTES_SUM, DB_ARGS(DB_STR(t->kind),
	    DB_TIME(t->upto)), &sum_map, &sum, NULL);
	if (rc == DB_OK)
		rc = db_exec(db, DBS_OVERDUE_SWEPT_SET, DB_ARGS(DB_I64(sum.n),
		    DB_TIME(t->upto), DB_STR(t->kind)), NULL, NULL, NULL);
	if (rc == DB_OK && sum.rows > 0)
		rc = db_exec(db, DBS_OVERDUE_MINUTES_DROP, DB_ARGS(
		    DB_STR(t->kind), DB_TIME(t->upto)), NULL, NULL, NULL);
	if (rc == DB_OK)
		t->rows = (long)sum.rows;
	return rc;
}

long
overdue_fold(struct db *db, time_t now)
{
	long total = 0;

	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		struct fold_tx t = { .kind = stages[i].kind,
		    .upto = overdue_fold_upto(now -
		    (time_t)stages[i].days * DAY) };

		if (db_tx(db, fold_tx, &t) != DB_OK)
			return -1;
		total += t.rows;
	}
	return total;
}
