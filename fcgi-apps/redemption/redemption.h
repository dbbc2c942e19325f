/*
 * redemption.h - the redemption program (兑付): the provider uploads the
 * five documents of rule R1 and records the claim figures of R2, submits
 * the claim (R3); the reviewer approves or rejects it (R4), seeing the
 * duplicate-invoice and duplicate-file flags.
 */
#ifndef REDEMPTION_H
#define REDEMPTION_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "http.h"
#include "orders.h"
#include "upload.h"

enum redemption_stmt {
	STMT_PROVIDER_BARRED,
	STMT_CLAIM_LOCK,
	STMT_CLAIM_ENSURE,
	STMT_FIGURES_UPSERT,
	STMT_FILE_LOCK,
	STMT_FILE_UPSERT,
	STMT_CLAIM_SUBMIT,
	STMT_ORDER_SUBMITTED,
	STMT_CLAIM_DECIDE,
	STMT_ORDER_APPROVED,
	STMT_CLAIM_VIEW,
	STMT_CLAIM_FILES,
	STMT_FILE_FOR_DOWNLOAD,
	STMT_FLAGS_INVOICE,
	STMT_FLAGS_FILE,
	STMT_REVIEW_LIST,
	STMT_REVIEW_COUNT,
	STMT__MAX
};
extern const struct db_stmt redemption_stmts[STMT__MAX];

/* The five documents of R1, in the order of the guide's checklist. */
enum claim_kind {
	KIND_CONTRACT,        /* the contract stamped by both sides        */
	KIND_COMMITMENT,      /* 划型及用券承诺, stamped by the enterprise   */
	KIND_INVOICE,         /* the invoice                               */
	KIND_INVOICE_CHECK,   /* the invoice authenticity check result     */
	KIND_RECEIPT,         /* the bank receipt                          */
	KIND__MAX
};
/* "contract" … "receipt", NULL-terminated (as in the schema's ENUM). */
extern const char *const claim_kinds[KIND__MAX + 1];

/* The kind named s, or -1. */
int claim_kind_parse(const char *s);

/* The R2 checks, each reported with pass or fail and why. */
enum r2_check {
	R2_INVOICE_DATE,      /* invoice date >= contract signed date      */
	R2_RECEIPT_DATE,      /* receipt date >= contract signed date      */
	R2_VOUCHER_AMOUNT,    /* invoice voucher amount = subsidy          */
	R2_SELF_PAID,         /* invoice self-paid = contract self-paid    */
	R2_INVOICE_TOTAL,     /* total = voucher + self-paid = amount      */
	R2_RECEIPT_AMOUNT,    /* receipt amount = invoice self-paid        */
	R2__MAX
};

struct r2_result {
	const char *code;
	bool        pass;
	char        message[256];
	bool        amounts;           /* expected/actual are fen          */
	int64_t     expected, actual;  /* fen, or dates as y*10000+m*100+d */
	bool        known;             /* expected/actual are meaningful   */
};

/* One order's claim as the program reads it (claim_load). */
struct claim {
	struct db_res *row;            /* STMT_CLAIM_VIEW: names, strings  */
	int64_t  order_id, enterprise_id, provider_id;
	const char *order_no, *order_status, *status; /* status: of the claim */
	int64_t  subsidy;              /* O9, -1 before the contract       */
	int64_t  reserved;
	time_t   confirmed_at;         /* C1, 0 before                     */
	bool     has_contract;
	int64_t  signed_on, amount, contract_subsidy, self_paid;
	bool     has_figures;
	const char *invoice_no;
	int64_t  invoice_date, receipt_date;  /* y*10000+m*100+d           */
	int64_t  invoice_total, invoice_voucher, invoice_self_paid;
	int64_t  receipt_amount;
	struct {
		bool    present;
		int64_t size;
		char    sha256[65];
		time_t  uploaded_at;
	} files[KIND__MAX];
};

/* Loads the claim of order id at now (the order must exist: DB_NOTFOUND
 * otherwise). Free with claim_free(). */
int claim_load(struct db *db, int64_t id, time_t now, struct claim *c);
void claim_free(struct claim *c);

/* R2: fills out[R2__MAX]; returns how many checks failed. Pure. */
int claim_checks(const struct claim *c, struct r2_result out[R2__MAX]);

/* True when the session may read an order's claim and documents: the
 * order's enterprise, its provider, a reviewer or the bureau (everyone
 * else gets 404, as for a missing order). */
bool claim_readable(const struct req *r, int64_t enterprise_id,
    int64_t provider_id);

/* The claim as JSON: files, figures, R2 checks, review; the duplicate
 * flags when with_flags (reviewers and the bureau only). NULL with *rc
 * set on a database failure. */
json_t *claim_json(struct db *db, const struct claim *c, bool with_flags,
    int *rc);

/* Replies 200 with the claim of order id as the session may see it, or
 * 404 / 5xx. */
int claim_reply(struct req *r, int64_t id);

/* Results of the claim transactions beyond DB_*. */
enum claim_tx_result {
	TX_NOT_FOUND = DB_APP + 1,  /* no such order, or not the caller's  */
	TX_INVALID_STATE,           /* the order is not in the right state */
	TX_FROZEN,                  /* R3: the claim was submitted         */
	TX_BARRED,                  /* V2: the provider is barred          */
	TX_FILES_MISSING,           /* R3: not all five documents          */
	TX_CHECKS_FAILED,           /* R2: a check fails                   */
	TX_NOT_CONFIRMED,           /* R4: no C1 confirmation yet          */
	TX_ABOVE_SUBSIDY,           /* R4: approved amount > subsidy       */
	TX_REASON_REQUIRED          /* R4: lower amount or rejection       */
};

/* The provider's write in progress. */
struct claim_tx {
	struct req  *r;
	json_t      *before;        /* out: the claim's figures (audit)     */
	char         state[16];     /* out: the order's status when refused */
	bool         swept;         /* out: an O4/O6 transition was applied */
	char         detail[160];   /* out: what is missing / failing       */
};

/* Locks the provider's order (order_lock), applies a due O4/O6
 * transition, and checks the claim may still change: the caller's order
 * (TX_NOT_FOUND), the claim not submitted (TX_FROZEN), the order
 * contracted and before valid-until (TX_INVALID_STATE, or DB_OK with
 * t->swept when it just expired: commit, then refuse), the provider not
 * barred (TX_BARRED). */
int claim_lock_writable(struct db *db, struct claim_tx *t,
    struct order_row *o);

/* Writes the refusal of a claim transaction that returned rc (or DB_OK
 * with t->swept). Returns the status. */
int claim_tx_error(struct req *r, const struct claim_tx *t, int rc);

/* claim.c */
int claim_get(struct req *r);
int figures_put(struct req *r);
int claim_submit(struct req *r);
/* files.c */
int file_put(struct req *r);
int file_get(struct req *r);
/* review.c */
int review_list(struct req *r);
int review_get(struct req *r);
int review_decide(struct req *r);

#endif
