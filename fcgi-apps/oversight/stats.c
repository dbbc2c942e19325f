/*
 * stats.c - the bureau's dashboard figures: read-only sums over orders,
 * allowances and products, for the charts of the bureau's console.
 */
#include "clock.h"
#include "oversight.h"

/* GET /api/bureau/stats?year= (default: this year in Asia/Shanghai) →
 * {year, by_category: [{code, name, orders, subsidy}] (the 12 of P1),
 * by_month: [{month, orders, subsidy}], allowance: [{tier, enterprises,
 * cap, occupied}], selling_out: [{id, name, category, units_total,
 * remaining_units, units_sold}] (at most 10), stage_days: [{stage, name,
 * days, orders}] (issue 16: the average days each stage of the year's
 * orders took, over the orders that finished it)}; a year without orders
 * has empty lists. */
int
stats_get(struct req *r)
{
	struct stats_res s;
	int64_t year;
	json_t *o, *stages;
	int rc;

	if (query_i64_or_400(r, "year", 2000, 2100,
	    clock_shanghai_year(clock_now()), &year) < 0)
		return r->status;
	if ((rc = db_stats(r->db, year, &s)) != DB_OK ||
	    (stages = stage_days_json(r->db, year, &rc)) == NULL) {
		stats_res_free(&s);
		return http_db_error(r, rc);
	}
	o = json_pack("{s:I,s:o,s:o,s:o,s:o}", "year", (json_int_t)year,
	    "by_category", db_rows_json(s.by_category), "by_month",
	    db_rows_json(s.by_month), "allowance", db_rows_json(s.allowance),
	    "selling_out", db_rows_json(s.selling_out));
	json_object_set_new(o, "stage_days", stages);  /* issue 16 */
	stats_res_free(&s);
	return http_json(r, 200, o);
}
