/*
 * stats.c - the bureau's dashboard figures: read-only sums over orders,
 * allowances and products, for the charts of the bureau's console.
 */
#include "clock.h"
#include "db.h"
#include "publicity.h"

/* Runs statement id with the one parameter year into o[key] as an array
 * of row objects. Returns DB_OK or the database's error. */
static int
stats_rows(struct req *r, int id, int64_t year, json_t *o, const char *key)
{
	struct db_res *res = NULL;
	int rc;

	rc = db_query(r->db, id, DB_ARGS(DB_I64(year)), &res);
	if (rc != DB_OK)
		return rc;
	json_object_set_new(o, key, db_rows_json(res));
	db_res_free(res);
	return DB_OK;
}

int
stats_get(struct req *r)
{
	int64_t year;
	json_t *o;
	int rc;

	if (query_i64_or_400(r, "year", 2000, 2100,
	    clock_shanghai_year(clock_now()), &year) < 0)
		return r->status;
	o = json_object();
	json_object_set_new(o, "year", json_integer(year));
	rc = stats_rows(r, STMT_STATS_CATEGORIES, year, o, "by_category");
	if (rc == DB_OK)
		rc = stats_rows(r, STMT_STATS_MONTHS, year, o, "by_month");
	if (rc == DB_OK)
		rc = stats_rows(r, STMT_STATS_QUOTA, year, o, "allowance");
	if (rc == DB_OK)
		rc = stats_rows(r, STMT_STATS_SELLING_OUT, year, o,
		    "selling_out");
	if (rc != DB_OK) {
		json_decref(o);
		return http_db_error(r, rc);
	}
	return http_json(r, 200, o);
}
