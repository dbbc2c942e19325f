/*
 * catalog.h - the catalog program: the public catalog of products in the
 * 12 categories (rules P1-P6) and the bureau's product management.
 */
#ifndef CATALOG_H
#define CATALOG_H

#include "http.h"

enum catalog_stmt {
	STMT_CATEGORIES,
	STMT_PRODUCTS_NEWEST,     /* the five sorts of the list, same WHERE */
	STMT_PRODUCTS_PRICE,
	STMT_PRODUCTS_PRICE_DESC,
	STMT_PRODUCTS_RATING,
	STMT_PRODUCTS_SALES,
	STMT_PRODUCTS_COUNT,
	STMT_PRODUCT_GET,
	STMT_PRODUCT_LOCK,
	STMT_PRODUCT_INSERT,
	STMT_PRODUCT_UPDATE,
	STMT_PROVIDER_STATUS,
	STMT_ROUND_RESOLVE,
	STMT__MAX
};
extern const char *const catalog_stmts[STMT__MAX];

/* product.c */
int category_list(struct req *r);
int product_list(struct req *r);
int product_get(struct req *r);
int product_create(struct req *r);
int product_update(struct req *r);

#endif
