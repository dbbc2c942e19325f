/*
 * provider.h - the provider order management program: a provider's order
 * inbox, accepting or declining within 48 hours (O4), recording the
 * contract (O8, O9) and the order reference block the contract must list;
 * refunds after payment (R6).
 */
#ifndef PROVIDER_H
#define PROVIDER_H

#include <stdint.h>
#include <time.h>

#include "db.h"
#include "http.h"

/* The program's statements (db.c). Only db.c runs them: the handlers call
 * the typed functions below. */
enum provider_stmt {
	STMT_ORDER_ACCEPTED,
	STMT_CONTRACT_UPSERT,
	STMT_ORDER_CONTRACTED,
	STMT_REFERENCE,
	STMT_ORDER_CONTACT,
	STMT_REFUND_FIGURES,
	STMT_REFUND_INSERT,
	STMT_REFUND_RECOVERY,
	STMT_EVALS,
	STMT_EVALS_COUNT,
	STMT_EVALS_BY_PRODUCT,
	STMT__MAX
};
extern const struct db_stmt provider_stmts[STMT__MAX];

/* ---- db.c: one typed function per statement --------------------------
 * Each returns DB_OK, DB_NOTFOUND (no row; for an UPDATE, no row
 * changed), DB_CONFLICT, DB_RETRY or DB_ERROR (db.h). Rows are read by
 * column alias; strings are borrowed from *keep, which the caller frees
 * with db_res_free() whatever the result. */

/* O4: records the acceptance instant of a locked order. */
int db_order_accepted(struct db *db, int64_t order_id, time_t now);

/* O8, O9: an order's contract, recorded or corrected. */
struct contract_new {
	int64_t     order_id;
	const char *contract_no;
	int64_t     signed_on;          /* y*10000 + m*100 + d (T1)       */
	int64_t     service_start_on;   /* y*10000 + m*100 + d            */
	int64_t     amount;
	int64_t     period_months;
	int64_t     base;               /* O9                             */
	int64_t     subsidy;
	int64_t     self_paid;
	time_t      at;
	int64_t     account_id;         /* who recorded it                */
};
/* Inserts or replaces the contract: DB_NOTFOUND when it is recorded
 * again unchanged. */
int db_contract_upsert(struct db *db, const struct contract_new *c);

/* O9: the order's subsidy (its reservation from now on). */
int db_order_contracted(struct db *db, int64_t order_id, int64_t subsidy,
    time_t now);

/* O8: the reference block of an order of provider_id (DB_NOTFOUND for
 * another provider's order). Strings borrowed from *keep. */
struct order_reference {
	const char *order_no;
	time_t      ordered_at;
	const char *product_name;
};
int db_order_reference(struct db *db, int64_t order_id, int64_t provider_id,
    struct order_reference *out, struct db_res **keep);

/* The enterprise's contact of an order of provider_id (guide attachment
 * 2-3, 三: the provider calls it): DB_NOTFOUND for another provider's
 * order; name and mobile NULL when the order has none. Strings borrowed
 * from *keep. */
struct order_contact_row {
	const char *contact_name;
	const char *contact_mobile;
};
int db_order_contact(struct db *db, int64_t order_id, int64_t provider_id,
    struct order_contact_row *out, struct db_res **keep);

/* R6: the figures of a locked order with a contract. */
struct refund_figures {
	int64_t contract_amount;
	int64_t paid_subsidy;     /* listed amount, else approved, else the
	                             contract's subsidy                     */
	int64_t refunded;         /* by earlier refunds                     */
	int64_t refund_due;       /* recovery set by earlier refunds        */
	int64_t all_due;          /* recovery set by anything (V2 too)      */
};
int db_refund_figures(struct db *db, int64_t order_id,
    struct refund_figures *out);

/* R6: a refund report; *id receives its id. */
struct refund_new {
	int64_t     order_id;
	const char *kind;         /* "full" | "partial" | "not_delivered"   */
	int64_t     amount;
	const char *reason;
	time_t      at;
	int64_t     account_id;
};
int db_refund_insert(struct db *db, const struct refund_new *f, int64_t *id);

/* R6: the recovery a refund sets (open, nothing returned yet); *id
 * receives its id. */
int db_recovery_insert(struct db *db, int64_t order_id, int64_t refund_id,
    int64_t amount_due, time_t now, int64_t *id);

/* C1 ratings of the products of provider provider_id (issue 11),
 * product_id 0 for all: a page of them, newest first, {items: [{order_id,
 * order_no, product_id, product_name, quality, timeliness, attitude,
 * comment, created_at}], total, page, per_page} (NULL with *rc set on a
 * failure), and their sums per product: rows of struct
 * evaluation_product_row into *by_product (freed by the caller). */
json_t *db_evaluations(struct db *db, int64_t provider_id, int64_t product_id,
    int64_t page, int64_t per_page, int *rc);
int db_evaluations_by_product(struct db *db, int64_t provider_id,
    int64_t product_id, struct db_rows *by_product);

/* evaluation.c */
int evaluation_list(struct req *r);

/* inbox.c */
int inbox_list(struct req *r);
int inbox_get(struct req *r);
int order_accept(struct req *r);
int order_decline(struct req *r);
int contract_put(struct req *r);
int reference_get(struct req *r);

/* refund.c */
int order_refund(struct req *r);

#endif
