/*
 * evaluation.h - the enterprise's ratings of a completed service (rule
 * C1: 1-5 stars for quality, timeliness and attitude, and an optional
 * comment), summed per product or provider and shown as averages per
 * aspect. One serializer for the catalog's product pages, the provider's
 * own view and the bureau's (issue 11).
 */
#ifndef VOUCHER_EVALUATION_H
#define VOUCHER_EVALUATION_H

#include <stdint.h>

#include <jansson.h>

#include "db.h"

/* What a set of evaluations adds up to: how many, and the stars of each
 * aspect summed (SQL: COUNT(*) AS n, SUM(quality) AS quality, …). */
struct evaluation_sums {
	int64_t n;
	int64_t quality;
	int64_t timeliness;
	int64_t attitude;
};

/* Maps the columns n, quality, timeliness, attitude of a statement onto
 * struct evaluation_sums. */
extern const struct db_rowmap evaluation_sums_map;

/* {count, quality: {average, count}, timeliness: {…}, attitude: {…}}:
 * each average in stars rounded half up to two decimals, null without
 * evaluations. New reference. */
json_t *evaluation_summary_json(const struct evaluation_sums *s);

#endif
