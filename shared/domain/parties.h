/*
 * parties.h - facts about the parties every program asks the same way:
 * whether an enterprise or a provider is barred at an instant (rule V2),
 * and the current round (rules P2, Y1).
 */
#ifndef VOUCHER_PARTIES_H
#define VOUCHER_PARTIES_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct db;

enum party_kind {
	PARTY_ENTERPRISE,
	PARTY_PROVIDER
};

/* V2: whether party id is barred at now (rule_barred_at on its row).
 * DB_OK, DB_NOTFOUND (no such party) or a DB_* failure. */
int party_barred(struct db *db, enum party_kind kind, int64_t id, time_t now,
    bool *barred);

/* V2 for both parties of order id at now: whether its provider and its
 * enterprise are barred. DB_OK, DB_NOTFOUND or a DB_* failure. */
int party_order_barred(struct db *db, int64_t order_id, time_t now,
    bool *provider_barred, bool *enterprise_barred);

/* The round in force: VOUCHER_ROUND when set, else the rounds table's
 * current one. DB_OK, DB_NOTFOUND (no current round) or a failure. */
int round_current(struct db *db, int *year);

/* The round in force with its ordering period (Y1): days as
 * y*10000+m*100+d, 0 for no limit on that side. DB_OK, DB_NOTFOUND or a
 * failure. */
struct round_info {
	int     year;
	int64_t order_opens_on, order_closes_on;
};
int round_current_info(struct db *db, struct round_info *ri);

/* Y2: whether today (Asia/Shanghai y*10000+m*100+d) lies in the ordering
 * period of ri, both ends included. Pure. */
bool round_ordering_open(const struct round_info *ri, int64_t today);

/* Y3: the year whose allowance an order of now charges and /api/me
 * shows: the current round's year (the calendar year of now, T1, when
 * there is no round). DB_OK or a failure. */
int quota_year(struct db *db, time_t now, int *year);

#endif
