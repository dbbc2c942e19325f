/*
 * ordering.h - the ordering program (用券): an enterprise orders products
 * (O1-O3, O5), follows its orders, confirms and rates (C1) and prints its
 * commitment form (R1).
 */
#ifndef ORDERING_H
#define ORDERING_H

#include "http.h"

enum ordering_stmt {
	STMT_ENTERPRISE_FACTS,
	STMT_PRODUCT_FOR_ORDER,
	STMT_QUOTA_ENSURE,
	STMT_QUOTA_LOCK,
	STMT_QUOTA_RESERVE,
	STMT_QUOTA_EFFECTIVE,
	STMT_PRODUCT_TAKE_UNIT,
	STMT_ORDER_INSERT,
	STMT_IDEM_INSERT,
	STMT_IDEM_GET,
	STMT_IDEM_TAKEOVER,
	STMT_IDEM_DONE,
	STMT_IDEM_DELETE,
	STMT_ORDER_CONFIRM,
	STMT_EVALUATION_INSERT,
	STMT_PRODUCT_RATE,
	STMT_COMMITMENT,
	STMT__MAX
};
extern const struct db_stmt ordering_stmts[STMT__MAX];

/* place.c */
int order_create(struct req *r);
int quote_get(struct req *r);

/* order.c */
int order_list_mine(struct req *r);
int order_get_mine(struct req *r);
int order_cancel(struct req *r);
int order_confirm(struct req *r);
int order_commitment(struct req *r);

#endif
