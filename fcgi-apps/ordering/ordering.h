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
	STMT_QUOTA_EFFECTIVE,
	STMT_CONTACT_SAVE,
	STMT_ORDER_CONTACT,
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

/* The enterprise's contact for an order (guide attachment 2-3, 三):
 * shown to the order's provider and the enterprise only. */
#define CONTACT_NAME_MAX 50                 /* characters                   */
struct order_contact {
	char name[CONTACT_NAME_MAX * 4 + 1];  /* UTF-8; "" when none          */
	char mobile[12];                      /* rule_mobile_valid; "" none   */
};

/* O1 (E1-E5) and E7: what the eligibility check and the cap read, and
 * the contact of the enterprise's last order (the default of the next). */
struct enterprise_facts {
	int                          tier;  /* enum rule_tier; -1 unknown   */
	struct rule_enterprise_facts f;     /* E1-E5                        */
	int64_t                      credit_list_until;  /* E14: ymd, 0     */
	struct order_contact         last_contact;
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
	bool        provider_credit_flagged;/* P7 (E4 for providers)        */
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
/* (The guarded reservation itself is the domain's quota_reserve.) */
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
	const char *contact_name;           /* NULL: none (both or neither) */
	const char *contact_mobile;
};
/* Inserts o (reserved_at_order = reserved); *id receives its id.
 * DB_CONFLICT: the order number is taken. */
int db_order_insert(struct db *db, const struct order_new *o, int64_t *id);

/* Keeps c as the enterprise's last order contact (the default of its
 * next order). */
int db_contact_save(struct db *db, int64_t enterprise_id,
    const struct order_contact *c, time_t now);
/* The contact of order id of enterprise_id (DB_NOTFOUND for another
 * enterprise's order); empty strings when the order has none. */
int db_order_contact(struct db *db, int64_t order_id, int64_t enterprise_id,
    struct order_contact *out);

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

/* order.c: O6's end of validity as people read it, the same on the
 * commitment form, the quote and the pages: the exact instant in Beijing
 * time to the minute, "2026年12月31日 00:27" (seconds dropped: the voucher
 * is valid at least until then, and expires at valid_until itself). */
void valid_until_text(time_t valid_until, char out[40]);
/* {name, mobile} of c, or JSON null when it has none (new reference). */
json_t *order_contact_json(const struct order_contact *c);

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
