/*
 * page.h - the shape every list answers with: {items, total, page,
 * per_page}, and the list-and-count helper that fills it.
 */
#ifndef VOUCHER_PAGE_H
#define VOUCHER_PAGE_H

#include <stdint.h>

#include <jansson.h>

/* {items, total, page, per_page} (items stolen). */
json_t *page_json(json_t *items, int64_t total, int64_t page,
    int64_t per_page);

#endif
