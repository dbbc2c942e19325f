/*
 * provider.h - the provider order management program: a provider's order
 * inbox, accepting or declining within 48 hours (O4), recording the
 * contract (O8, O9) and the order reference block the contract must list;
 * refunds after payment (R6).
 */
#ifndef PROVIDER_H
#define PROVIDER_H

#include "http.h"

enum provider_stmt {
	STMT_PROVIDER_BARRED,
	STMT_ORDER_ACCEPTED,
	STMT_CONTRACT_UPSERT,
	STMT_ORDER_CONTRACTED,
	STMT_REFERENCE,
	STMT_REFUND_FIGURES,
	STMT_REFUND_INSERT,
	STMT_REFUND_RECOVERY,
	STMT__MAX
};
extern const struct db_stmt provider_stmts[STMT__MAX];

int inbox_list(struct req *r);
int inbox_get(struct req *r);
int order_accept(struct req *r);
int order_decline(struct req *r);
int contract_put(struct req *r);
int reference_get(struct req *r);

/* refund.c */
int order_refund(struct req *r);

#endif
