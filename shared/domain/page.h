/*
 * page.h - the shape every list answers with: {items, total, page,
 * per_page}, and the list-and-count helper that fills it.
 */
#ifndef VOUCHER_PAGE_H
#define VOUCHER_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "db.h"

/* {items, total, page, per_page} (items stolen). */
json_t *page_json(json_t *items, int64_t total, int64_t page,
    int64_t per_page);

/* One row of a list as JSON (new reference). */
typedef json_t *(*page_row_fn)(const struct db_res *res, size_t row);

/* The list-and-count of every paged reply: runs list_id with lp followed
 * by LIMIT per_page and OFFSET (page - 1) * per_page, and count_id (one
 * COUNT column) with cp, and returns {items, total, page, per_page}, each
 * item row_json(res, i) (NULL: db_row_json). A short first page is the
 * whole list: its length is the total and count_id does not run. NULL
 * with *rc set on a failure. */
json_t *page_list(struct db *db, int list_id, const struct db_param *lp,
    size_t nlp, int count_id, const struct db_param *cp, size_t ncp,
    int64_t page, int64_t per_page, page_row_fn row_json, int *rc);

/* One row of a list, read into its row struct, as JSON (new reference). */
typedef json_t *(*page_rowmap_fn)(void *ctx, const void *row);

/* page_list over typed rows: each row is filled into a struct by map (by
 * column alias, see db.h) and each item is row_json(ctx, row); the row's
 * strings are valid during the call only. */
json_t *page_list_rows(struct db *db, int list_id, const struct db_param *lp,
    size_t nlp, int count_id, const struct db_param *cp, size_t ncp,
    int64_t page, int64_t per_page, const struct db_rowmap *map,
    page_rowmap_fn row_json, void *ctx, int *rc);

/* The column a page statement carries its list's total in
 * (page_list_total, page_list_rows_total). */
#define PAGE_TOTAL_COL "page_total"

/* page_list in one statement where page_list runs two: list_id also
 * carries the list's total in a column named PAGE_TOTAL_COL (an
 * uncorrelated scalar subquery over kept totals, which the server runs
 * once per execution, not per row), read from the page's first row and
 * left out of the items. count_id (with cp) runs only when a page past
 * the first is empty; a short first page is the whole list, as in
 * page_list. */
json_t *page_list_total(struct db *db, int list_id, const struct db_param *lp,
    size_t nlp, int count_id, const struct db_param *cp, size_t ncp,
    int64_t page, int64_t per_page, page_row_fn row_json, int *rc);

/* page_list_rows the same way (map need not name PAGE_TOTAL_COL). */
json_t *page_list_rows_total(struct db *db, int list_id,
    const struct db_param *lp, size_t nlp, int count_id,
    const struct db_param *cp, size_t ncp, int64_t page, int64_t per_page,
    const struct db_rowmap *map, page_rowmap_fn row_json, void *ctx,
    int *rc);

#endif
