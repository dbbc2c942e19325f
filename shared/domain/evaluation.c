/*
 * evaluation.c - the per-aspect averages of C1 ratings (issue 11), per
 * product for the provider's and the bureau's evaluation lists.
 */
#include <stddef.h>

#include "evaluation.h"

static const struct db_col sums_cols[] = {
	DB_COL(struct evaluation_sums, n),
	DB_COL(struct evaluation_sums, quality),
	DB_COL(struct evaluation_sums, timeliness),
	DB_COL(struct evaluation_sums, attitude),
};
const struct db_rowmap evaluation_sums_map =
    DB_ROWMAP(struct evaluation_sums, sums_cols);

/* {average, count} of one aspect: sum stars over n evaluations. */
static json_t *
aspect_json(int64_t sum, int64_t n)
{
	json_t *avg = json_null();

	if (n > 0) {
		/* rounded half up to two decimals, in integers */
		int64_t x100 = (sum * 200 + n) / (2 * n);

		avg = json_real((double)x100 / 100.0);
	}
	return json_pack("{s:o,s:I}", "average", avg, "count", (json_int_t)n);
}

json_t *
evaluation_summary_json(const struct evaluation_sums *s)
{
	return json_pack("{s:I,s:o,s:o,s:o}", "count", (json_int_t)s->n,
	    "quality", aspect_json(s->quality, s->n),
	    "timeliness", aspect_json(s->timeliness, s->n),
	    "attitude", aspect_json(s->attitude, s->n));
}

#define EVAL_PRODUCT_COLS \
	DB_COL(struct evaluation_product_row, product_id), \
	DB_COL(struct evaluation_product_row, product_name), \
	DB_COL(struct evaluation_product_row, n), \
	DB_COL(struct evaluation_product_row, quality), \
	DB_COL(struct evaluation_product_row, timeliness), \
	DB_COL(struct evaluation_product_row, attitude)

static const struct db_col product_cols[] = {
	EVAL_PRODUCT_COLS,
};
const struct db_rowmap evaluation_product_map =
    DB_ROWMAP(struct evaluation_product_row, product_cols);

static const struct db_col product_provider_cols[] = {
	EVAL_PRODUCT_COLS,
	DB_COL(struct evaluation_product_row, provider_id),
	DB_COL(struct evaluation_product_row, provider_name),
};
const struct db_rowmap evaluation_product_provider_map =
    DB_ROWMAP(struct evaluation_product_row, product_provider_cols);

json_t *
evaluation_by_product_json(const struct db_rows *rows, bool with_provider)
{
	const struct evaluation_product_row *p = rows->v;
	json_t *arr = json_array();

	for (size_t i = 0; i < rows->n; i++, p++) {
		struct evaluation_sums s = { p->n, p->quality, p->timeliness,
		    p->attitude };
		json_t *j = evaluation_summary_json(&s);

		json_object_set_new(j, "product_id",
		    json_integer((json_int_t)p->product_id));
		json_object_set_new(j, "product_name",
		    json_string(p->product_name));
		if (with_provider) {
			json_object_set_new(j, "provider_id",
			    json_integer((json_int_t)p->provider_id));
			json_object_set_new(j, "provider_name",
			    json_string(p->provider_name));
		}
		json_array_append_new(arr, j);
	}
	return arr;
}
