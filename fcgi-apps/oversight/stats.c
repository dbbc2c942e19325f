/*
 * stats.c - the bureau's dashboard figures: read-only sums over orders,
 * allowances and products, for the charts of the bureau's console.
 */
#include <string.h>

#include "clock.h"
#include "oversight.h"

/* by_category: each category of P1 in order with its year's orders and
 * subsidy (0 without orders). */
static json_t *
by_category_json(const struct stats_res *s)
{
	json_t *list = db_rows_json(s->categories);
	const struct stats_cell *c = s->cells.v;
	size_t i, k;

	for (i = 0; i < json_array_size(list); i++) {
		json_t *cat = json_array_get(list, i);
		const char *code = json_string_value(json_object_get(cat,
		    "code"));
		int64_t orders = 0, subsidy = 0;

		for (k = 0; code != NULL && k < s->cells.n; k++)
			if (strcmp(c[k].category, code) == 0) {
				orders += c[k].orders;
				subsidy += c[k].subsidy;
			}
		json_object_set_new(cat, "orders", json_integer(orders));
		json_object_set_new(cat, "subsidy", json_integer(subsidy));
	}
	return list;
}

/* by_month: each month with orders, in order, with its orders and
 * subsidy over the categories. */
static json_t *
by_month_json(const struct db_rows *cells)
{
	const struct stats_cell *c = cells->v;
	json_t *list = json_array();
	const char *last = "";

	/* each month once, the smallest after the last one taken (at most
	 * twelve a year) */
	for (;;) {
		const char *next = NULL;
		int64_t orders = 0, subsidy = 0;

		for (size_t k = 0; k < cells->n; k++)
			if (strcmp(c[k].month, last) > 0 && (next == NULL ||
			    strcmp(c[k].month, next) < 0))
				next = c[k].month;
		if (next == NULL)
			break;
		for (size_t k = 0; k < cells->n; k++)
			if (strcmp(c[k].month, next) == 0) {
				orders += c[k].orders;
				subsidy += c[k].subsidy;
			}
		if (orders > 0)
			json_array_append_new(list, json_pack("{s:s,s:I,s:I}",
			    "month", next, "orders", (json_int_t)orders,
			    "subsidy", (json_int_t)subsidy));
		last = next;
	}
	return list;
}

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
	    "by_category", by_category_json(&s), "by_month",
	    by_month_json(&s.cells), "allowance", db_rows_json(s.allowance),
	    "selling_out", db_rows_json(s.selling_out));
	json_object_set_new(o, "stage_days", stages);  /* issue 16 */
	stats_res_free(&s);
	return http_json(r, 200, o);
}
