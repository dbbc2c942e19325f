/*
 * evaluation.h - the enterprise's ratings of a completed service (rule
 * C1: 1-5 stars for quality, timeliness and attitude, and an optional
 * comment), summed per product or provider and shown as averages per
 * aspect. One serializer for the catalog's product pages, the provider's
 * own view and the bureau's (issue 11).
 */
#ifndef VOUCHER_EVALUATION_H
#define VOUCHER_EVALUATION_H

#include <stdbool.h>
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

/* The sums of one product's evaluations, a row of a by-product statement
 * (columns product_id, product_name, n, quality, timeliness, attitude;
 * and provider_id, provider_name for evaluation_product_provider_map). */
struct evaluation_product_row {
	int64_t     product_id;
	const char *product_name;
	int64_t     provider_id;	/* with the provider only           */
	const char *provider_name;	/* with the provider only           */
	int64_t     n, quality, timeliness, attitude;
};

/* Map the columns onto struct evaluation_product_row: without the
 * provider (the provider's own view), and with it (the bureau's). */
extern const struct db_rowmap evaluation_product_map;
extern const struct db_rowmap evaluation_product_provider_map;

/* The rows (struct evaluation_product_row) as the by_product array of
 * the evaluation lists: each evaluation_summary_json() with product_id
 * and product_name, and provider_id and provider_name when with_provider.
 * New reference. */
json_t *evaluation_by_product_json(const struct db_rows *rows,
    bool with_provider);

#endif
