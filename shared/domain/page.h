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
 * item row_json(res, i) (NULL: db_row_json). NULL with *rc set on a
 * failure. */
json_t *page_list(struct db *db, int list_id, const struct db_param *lp,
    size_t nlp, int count_id, const struct db_param *cp, size_t ncp,
    int64_t page, int64_t per_page, page_row_fn row_json, int *rc);

#endif
