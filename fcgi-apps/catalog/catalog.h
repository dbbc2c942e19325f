/*
 * catalog.h - the catalog program: the public catalog of products in the
 * 12 categories (rules P1-P6) and the bureau's product management.
 */
#ifndef CATALOG_H
#define CATALOG_H

#include "http.h"

enum catalog_stmt {
	STMT_CATEGORIES,
	STMT_PRODUCT_GET,
	STMT_PRODUCT_LOCK,
	STMT_PRODUCT_INSERT,
	STMT_PRODUCT_UPDATE,
	STMT_PROVIDER_STATUS,
	STMT_ROUND_RESOLVE,
	STMT_ROUND_CURRENT,
	STMT_DUE_UNITS,
	STMT_NEXT_DUE,
	STMT_FIXED__MAX
};

/* The product list has one statement per set of filters and sort, made
 * once at start-up (catalog_sql_init), so that each is a plain indexed
 * query the optimizer need not second-guess. */
enum product_filter {
	PF_CATEGORY = 1,	/* p.category = ?                    */
	PF_MIN      = 2,	/* p.voucher_price >= ?              */
	PF_MAX      = 4,	/* p.voucher_price <= ?              */
	PF_Q        = 8,	/* name or provider LIKE ?, ?        */
	PF__COMBOS  = 16
};

enum product_sort {
	SORT_NEWEST,
	SORT_PRICE,
	SORT_PRICE_DESC,
	SORT_RATING,
	SORT_SALES,
	SORT__MAX
};

#define STMT_LIST(filters, sort) \
	(STMT_FIXED__MAX + (filters) * SORT__MAX + (sort))
#define STMT_COUNT(filters) \
	(STMT_FIXED__MAX + PF__COMBOS * SORT__MAX + (filters))
#define STMT__MAX (STMT_FIXED__MAX + PF__COMBOS * (SORT__MAX + 1))

extern struct db_stmt catalog_stmts[STMT__MAX];

/* Builds the generated statements; call once before server_main(). */
void catalog_sql_init(void);

/* product.c */
int category_list(struct req *r);
int product_list(struct req *r);
int product_get(struct req *r);
int product_create(struct req *r);
int product_update(struct req *r);

#endif
