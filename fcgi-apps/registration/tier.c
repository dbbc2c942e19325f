/*
 * tier.c - what the bureau's lists make of an enterprise: its tier (E7,
 * E11: a claimed qualification counts only when the enterprise is on
 * that year's list) with its cap for the current round (E8: existing
 * orders keep their reservations), and its credit state (E4, E14: an
 * entry of the credit list counts while it is less than three years old
 * and not past its end).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "parties.h"
#include "registration.h"

int
tier_derive(struct db *db, const char *uscc, int year, bool specialized,
    bool little_giant, enum rule_tier *tier, unsigned *lists)
{
	int rc = db_qual_of(db, uscc, year, lists);

	*tier = RULE_TIER_ORDINARY;
	if (rc != DB_OK)
		return rc;
	if (little_giant && (*lists & 2u))
		*tier = RULE_TIER_LITTLE_GIANT;
	else if (specialized && (*lists & 1u))
		*tier = RULE_TIER_SPECIALIZED;
	return DB_OK;
}

/* y*10000+m*100+d of the day days after 1970-01-01. */
static int64_t
ymd_of_days(long days)
{
	time_t t = (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	return (int64_t)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
}

/* E14: the last day an entry listed on listed (ymd) counts: the day
 * before its third anniversary (a Feb 29 listing's falls on Mar 1). */
static int64_t
three_years_end(int64_t listed)
{
	int y = (int)(listed / 10000) + 3, m = (int)(listed / 100 % 100);
	int d = (int)(listed % 100);
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m == 2 && d == 29 && !leap) {
		m = 3;
		d = 1;
	}
	return ymd_of_days(clock_days_from_civil(y, m, d) - 1);
}

int
credit_derive(struct db *db, const char *uscc, int64_t today, int64_t *until,
    const char **source, struct db_res **keep)
{
	struct credit_row c;
	int64_t end;
	int rc = db_credit_of(db, uscc, &c, keep);

	*until = 0;
	*source = NULL;
	if (rc == DB_NOTFOUND)
		return DB_OK;
	if (rc != DB_OK)
		return rc;
	end = three_years_end(c.listed_on);
	if (c.until > 0 && c.until < end)
		end = c.until;
	if (end >= today && c.listed_on <= today) {
		*until = end;
		*source = c.source;
	}
	return DB_OK;
}

int
tier_apply(struct db *db, const struct actor *a, int64_t enterprise_id,
    enum rule_tier tier, bool *changed)
{
	struct db_res *keep = NULL;
	struct enterprise_row e;
	const char *name = rule_tier_name(tier);
	char before[16] = "";
	int year = 0, rc;

	*changed = false;
	if ((rc = db_enterprise_get(db, enterprise_id, true, &e, &keep)) != DB_OK) {
		db_res_free(keep);
		return rc;
	}
	snprintf(before, sizeof(before), "%s", e.tier);
	db_res_free(keep);
	rc = db_enterprise_set_tier(db, enterprise_id, name, a->now);
	if (rc == DB_OK)
		*changed = true;
	else if (rc != DB_NOTFOUND)
		return rc;
	/* E7 for the current round at once; E8 for what is occupied */
	rc = round_current(db, &year);
	if (rc == DB_OK)
		rc = db_quota_set(db, enterprise_id, year, rule_tier_cap(tier));
	else if (rc == DB_NOTFOUND)
		rc = DB_OK;	/* no round: the first order makes the row */
	if (rc == DB_OK && *changed) {
		json_t *b = json_pack("{s:s}", "tier", before);
		json_t *af = json_pack("{s:s,s:I,s:i}", "tier", name, "cap",
		    (json_int_t)rule_tier_cap(tier), "year", year);

		rc = audit_record(db, a, "enterprise.tier", "enterprise",
		    enterprise_id, b, af);
		json_decref(b);
		json_decref(af);
	}
	return rc;
}

int
tier_refresh_org(struct db *db, const struct actor *a, const struct org_row *o,
    bool *changed, enum rule_tier *tier)
{
	struct db_res *keep = NULL;
	struct enterprise_row e;
	unsigned lists;
	int year = 0, rc;

	*changed = false;
	*tier = RULE_TIER_ORDINARY;
	if (o->enterprise_id == 0)
		return DB_OK;
	rc = db_enterprise_get(db, o->enterprise_id, true, &e, &keep);
	if (rc == DB_OK)
		*tier = (enum rule_tier)rule_tier_parse(e.tier);
	if (rc != DB_OK || !o->quals_declared) {
		db_res_free(keep);
		return rc;	/* a tier the bureau set by hand stays */
	}
	rc = round_current(db, &year);
	if (rc == DB_NOTFOUND) {
		db_res_free(keep);
		return DB_OK;
	}
	if (rc == DB_OK)
		rc = tier_derive(db, e.uscc, year, o->claims_specialized,
		    o->claims_little_giant, tier, &lists);
	db_res_free(keep);
	if (rc == DB_OK)
		rc = tier_apply(db, a, o->enterprise_id, *tier, changed);
	return rc;
}

int
credit_refresh(struct db *db, const struct actor *a, int64_t enterprise_id,
    const char *uscc, int64_t today, bool *changed)
{
	struct db_res *keep = NULL;
	const char *source;
	int64_t until;
	int rc = credit_derive(db, uscc, today, &until, &source, &keep);

	*changed = false;
	if (rc == DB_OK) {
		rc = db_enterprise_set_credit(db, enterprise_id, until, source,
		    a->now);
		if (rc == DB_OK) {
			char u[24];
			json_t *af;

			*changed = true;
			snprintf(u, sizeof(u), "%04d-%02d-%02d",
			    (int)(until / 10000), (int)(until / 100 % 100),
			    (int)(until % 100));
			af = json_pack("{s:s?,s:s?}", "credit_list_until",
			    until > 0 ? u : NULL, "credit_list_source", source);
			rc = audit_record(db, a, "enterprise.credit",
			    "enterprise", enterprise_id, NULL, af);
			json_decref(af);
		} else if (rc == DB_NOTFOUND)
			rc = DB_OK;
	}
	db_res_free(keep);
	return rc;
}
