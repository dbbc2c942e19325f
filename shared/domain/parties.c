/*
 * parties.c - barred parties and the current round (see parties.h).
 */
#include <string.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "lib_sql.h"
#include "parties.h"
#include "rules.h"

struct barred_row {
	time_t barred_until;
};

static const struct db_col barred_cols[] = {
	DB_COL(struct barred_row, barred_until),
};
static const struct db_rowmap barred_map =
    DB_ROWMAP(struct barred_row, barred_cols);

int
party_barred(struct db *db, enum party_kind kind, int64_t id, time_t now,
    bool *barred)
{
	struct barred_row b;
	int rc = db_one(db, kind == PARTY_PROVIDER ? DBS_PROVIDER_BARRED_UNTIL :
	    DBS_ENTERPRISE_BARRED_UNTIL, DB_ARGS(DB_I64(id)), &barred_map, &b,
	    NULL);

	*barred = rc == DB_OK && rule_barred_at(b.barred_until, now);
	return rc;
}

struct order_bars_row {
	time_t provider_barred_until, enterprise_barred_until;
};

static const struct db_col order_bars_cols[] = {
	DB_COL(struct order_bars_row, provider_barred_until),
	DB_COL(struct order_bars_row, enterprise_barred_until),
};
static const struct db_rowmap order_bars_map =
    DB_ROWMAP(struct order_bars_row, order_bars_cols);

int
party_order_barred(struct db *db, int64_t order_id, time_t now,
    bool *provider_barred, bool *enterprise_barred)
{
	struct order_bars_row b;
	int rc = db_one(db, DBS_ORDER_PARTIES_BARRED_UNTIL,
	    DB_ARGS(DB_I64(order_id)), &order_bars_map, &b, NULL);

	*provider_barred = rc == DB_OK &&
	    rule_barred_at(b.provider_barred_until, now);
	*enterprise_barred = rc == DB_OK &&
	    rule_barred_at(b.enterprise_barred_until, now);
	return rc;
}

struct round_row {
	int year;
};

static const struct db_col round_cols[] = {
	DB_COL(struct round_row, year),
};
static const struct db_rowmap round_map = DB_ROWMAP(struct round_row,
    round_cols);

int
round_current(struct db *db, int *year)
{
	struct round_row rr;
	int rc;

	*year = 0;
	if (g_config.round > 0) {
		*year = g_config.round;
		return DB_OK;
	}
	rc = db_one(db, DBS_ROUND_CURRENT, DB_NOARGS, &round_map, &rr, NULL);
	if (rc == DB_OK)
		*year = rr.year;
	return rc;
}

struct round_info_row {
	int     year;
	int64_t order_opens_on, order_closes_on;
};

static const struct db_col round_info_cols[] = {
	DB_COL(struct round_info_row, year),
	DB_COL(struct round_info_row, order_opens_on),
	DB_COL(struct round_info_row, order_closes_on),
};
static const struct db_rowmap round_info_map =
    DB_ROWMAP(struct round_info_row, round_info_cols);

int
round_current_info(struct db *db, struct round_info *ri)
{
	struct round_info_row rr;
	int rc = db_one(db, DBS_ROUND_INFO, DB_ARGS(g_config.round > 0 ?
	    DB_I64(g_config.round) : DB_NULLP), &round_info_map, &rr, NULL);

	memset(ri, 0, sizeof(*ri));
	if (rc == DB_OK) {
		ri->year = rr.year;
		ri->order_opens_on = rr.order_opens_on;
		ri->order_closes_on = rr.order_closes_on;
	} else if (rc == DB_NOTFOUND && g_config.round > 0) {
		ri->year = g_config.round;	/* configured, not in the table */
		rc = DB_OK;
	}
	return rc;
}

bool
round_ordering_open(const struct round_info *ri, int64_t today)
{
	return (ri->order_opens_on == 0 || today >= ri->order_opens_on) &&
	    (ri->order_closes_on == 0 || today <= ri->order_closes_on);
}

int
quota_year(struct db *db, time_t now, int *year)
{
	int rc = round_current(db, year);

	if (rc == DB_NOTFOUND) {
		*year = clock_shanghai_year(now);
		rc = DB_OK;
	}
	return rc;
}
