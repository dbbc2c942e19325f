/*
 * evaluation.c - the per-aspect averages of C1 ratings (issue 11).
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
