/*
 * ordering.h - the ordering program (用券): an enterprise orders products
 * (O1-O3, O5), follows its orders, confirms and rates (C1) and prints its
 * commitment form (R1).
 */
#ifndef ORDERING_H
#define ORDERING_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "http.h"
#include "rules.h"

/* The program's statements (db.c). Only db.c runs them: the handlers and
 * the bench client call the typed functions below. */
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

/* ---- db.c: one typed function per statement --------------------------
 * Each returns DB_OK, DB_NOTFOUND (no row; for a guarded UPDATE, no row
 * changed), DB_CONFLICT (duplicate key), DB_RETRY or DB_ERROR (db.h).
 * Rows are read by column alias. A row with strings borrows them from
 * *keep, which the caller frees with db_res_free() whatever the result
 * (NULL unless DB_OK). */

/* O1 (E1-E5) and E7: what the eligibility check and the cap read. */
struct enterprise_facts {
	int                          tier;  /* enum rule_tier; -1 unknown   */
	struct rule_enterprise_facts f;     /* E1-E5                        */
};
int db_enterprise_facts(struct db *db, int64_t enterprise_id,
    struct enterprise_facts *out);

/* O2: a product as an order needs it (and copies it). */
struct product_for_order {
	int64_t     id;
	int64_t     provider_id;
	const char *name;                   /* borrowed from *keep          */
	int64_t     voucher_price;
	int64_t     unit_subsidy;           /* P4                           */
	int64_t     validity_days;          /* P6                           */
	bool        listed;
	int         round_year;             /* P2: its round                */
	time_t      provider_barred_until;  /* V2: 0 when never barred      */
};
int db_product_for_order(struct db *db, int64_t product_id,
    struct product_for_order *out, struct db_res **keep);

/* O3, E7: an enterprise's allowance of a year. */
struct quota_row {
	int64_t cap;
	int64_t occupied;
};
/* Creates the year's row with cap unless it exists (never changes it). */
int db_quota_ensure(struct db *db, int64_t enterprise_id, int year,
    int64_t cap);
/* Locks the year's row (FOR UPDATE, in a transaction). */
int db_quota_lock(struct db *db, int64_t enterprise_id, int year,
    struct quota_row *out);
/* Adds amount to occupied, never past the cap: DB_NOTFOUND when it
 * would pass it. */
int db_quota_reserve(struct db *db, int64_t enterprise_id, int year,
    int64_t amount);
/* The year's row as it is at now: what timed-out orders still hold does
 * not count (O4, O6). DB_NOTFOUND when there is no row yet. */
int db_quota_effective(struct db *db, int64_t enterprise_id, int year,
    time_t now, struct quota_row *out);

/* P5: takes one unit of a listed product, never below zero:
 * DB_NOTFOUND when none is left (or it is not listed). */
int db_product_take_unit(struct db *db, int64_t product_id);

/* O3, O4, O6: a new pending order holding its unit. */
struct order_new {
	const char *order_no;
	int64_t     enterprise_id;
	int64_t     product_id;
	int64_t     provider_id;
	int         year;                   /* T1                           */
	const char *product_name;
	int64_t     voucher_price;
	int64_t     validity_days;
	int64_t     unit_subsidy;
	int64_t     reserved;               /* O3                           */
	time_t      ordered_at;             /* also its updated_at          */
	time_t      accept_deadline;        /* O4                           */
	time_t      valid_until;            /* O6                           */
};
/* Inserts o; *id receives its id. DB_CONFLICT: the order number is
 * taken. */
int db_order_insert(struct db *db, const struct order_new *o, int64_t *id);

/* ---- Idempotency-Key records: (account, key) → the first reply. */
struct idem_row {
	bool        same_request;   /* stored under this request's hash    */
	bool        done;           /* the reply is stored                 */
	int         response_status;
	const char *response_body;  /* borrowed from *keep; NULL: running  */
};
/* Claims key as running. DB_CONFLICT: it exists. */
int db_idem_insert(struct db *db, int64_t account_id, const char *key,
    const unsigned char hash[32], time_t now);
/* The record of key, compared with the request hash. */
int db_idem_get(struct db *db, int64_t account_id, const char *key,
    const unsigned char hash[32], struct idem_row *out, struct db_res **keep);
/* Takes over a record left running since before stale_before by a
 * worker that died: DB_NOTFOUND when it is not so. */
int db_idem_takeover(struct db *db, int64_t account_id, const char *key,
    const unsigned char hash[32], time_t now, time_t stale_before);
/* Stores the final reply (status, body) of key. */
int db_idem_done(struct db *db, int64_t account_id, const char *key,
    int status, const char *body, time_t now);
/* Forgets a running key (after a 5xx: the client may retry). */
int db_idem_delete(struct db *db, int64_t account_id, const char *key);

/* ---- C1: the confirmation and the evaluation. */
/* Sets confirmed_at: DB_NOTFOUND when already confirmed. */
int db_order_confirm(struct db *db, int64_t order_id, time_t now);
struct evaluation {
	int64_t     order_id;
	int64_t     product_id;
	int         quality, timeliness, attitude;   /* 1-5               */
	const char *comment;                         /* NULL: none        */
	time_t      at;
};
/* DB_CONFLICT: the order has one already. */
int db_evaluation_insert(struct db *db, const struct evaluation *e);
/* Adds one evaluation's three aspects (points in all) to the product's
 * public average. */
int db_product_rate(struct db *db, int64_t product_id, int points);

/* R1: what the commitment form shows of an order of enterprise_id
 * (DB_NOTFOUND for another enterprise's order). Strings borrowed from
 * *keep. */
struct commitment_row {
	const char *enterprise_name;
	const char *uscc;
	const char *size_class;     /* E3 code; NULL when unclassified     */
	const char *order_no;
	time_t      ordered_at;
	const char *product_name;
	const char *provider_name;
	int64_t     voucher_price;
	int64_t     unit_subsidy;
	time_t      valid_until;
};
int db_commitment(struct db *db, int64_t order_id, int64_t enterprise_id,
    struct commitment_row *out, struct db_res **keep);

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
