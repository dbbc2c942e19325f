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
	STMT_CLAIM_LOCK,
	STMT_CLAIM_ENSURE,
	STMT_FIGURES_UPSERT,
	STMT_FILE_LOCK,
	STMT_FILE_UPSERT,
	STMT_CLAIM_SUBMIT,
	STMT_ORDER_SUBMITTED,
	STMT_CLAIM_DECIDE,
	STMT_REVIEW_RECORD,
	STMT_CLAIM_HISTORY,
	STMT_ORDER_APPROVED,
	STMT_CLAIM_VIEW,
	STMT_CLAIM_FILES,
	STMT_FILE_FOR_DOWNLOAD,
	STMT_FLAGS_INVOICE,
	STMT_FLAGS_FILE,
	STMT_REVIEW_LIST,
	STMT_REVIEW_COUNT,
	STMT_OTHER_COUNT,
	STMT_OTHER_INSERT,
	STMT_OTHER_SLOT,
	STMT_OTHER_LIST,
	STMT_OTHER_LOCK,
	STMT_OTHER_DELETE,
	STMT_OTHER_FOR_DOWNLOAD,
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

/* True for a claim the provider may still change: a draft, or one
 * returned for correction (R4). */
bool claim_editable(const char *status);

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

/* One order's claim as the program reads it (claim_load): the row of
 * STMT_CLAIM_VIEW bound by column alias, and the order's documents. */
struct claim {
	struct db_res *row;            /* STMT_CLAIM_VIEW: the strings below,
	                                  and the reply's columns           */
	int64_t  order_id, enterprise_id, provider_id;
	const char *order_no, *order_status, *status; /* status: of the claim */
	int64_t  subsidy;              /* O9, -1 before the contract       */
	bool     subsidy_null;         /* (loading) subsidy is SQL NULL    */
	int64_t  reserved;
	time_t   confirmed_at;         /* C1, 0 before                     */
	bool     has_contract;
	int64_t  signed_on, amount, contract_subsidy, self_paid;
	bool     has_figures;
	const char *invoice_no;
	int64_t  invoice_date, receipt_date;  /* y*10000+m*100+d           */
	int64_t  invoice_total, invoice_voucher, invoice_self_paid;
	int64_t  receipt_amount;
	time_t   submitted_at;         /* the claim's last submission, 0    */
	struct {
		bool    present;
		int64_t size;
		char    sha256[65];
		time_t  uploaded_at;
	} files[KIND__MAX];
};

/* Loads the claim of order id at now (the order must exist: DB_NOTFOUND
 * otherwise). Free with claim_free() (also after a failure). db.c. */
int claim_load(struct db *db, int64_t id, time_t now, struct claim *c);
void claim_free(struct claim *c);

/* ---- the program's other typed statements (db.c) ----------------------
 * Each returns DB_OK, DB_NOTFOUND (no row; for a guarded write, no row
 * changed) or a DB_* failure. A function with a keep argument borrows its
 * strings from *keep, which the caller frees with db_res_free() (also
 * after a failure). */

/* The claim's row, locked after its order (R3): its status. *keep is the
 * whole row (the figures), the audit's "before". */
struct claim_lock {
	const char *status;            /* draft, submitted, approved, rejected,
	                                  returned (editable, like a draft) */
	time_t      first_submitted_at; /* the order's first submission (C2),
	                                  0 before                          */
};
int db_claim_lock(struct db *db, int64_t order_id, struct claim_lock *l,
    struct db_res **keep);

/* The R2 figures as the provider records them. */
struct claim_figures {
	const char *invoice_no;        /* upper case, letters and digits   */
	int64_t invoice_date;          /* y*10000+m*100+d                  */
	int64_t invoice_total, invoice_voucher, invoice_self_paid;  /* fen */
	int64_t receipt_date;          /* y*10000+m*100+d                  */
	int64_t receipt_amount;        /* fen                              */
};
/* R2: records the figures (the draft claim made when there is none). */
int db_figures_upsert(struct db *db, int64_t order_id,
    const struct claim_figures *f, time_t now);

/* R1: the document of a kind a new upload replaces, locked. */
struct claim_file_lock {
	const char *stored_name;
	int64_t     size_bytes;
	const char *sha256;
};
int db_file_lock(struct db *db, int64_t order_id, const char *kind,
    struct claim_file_lock *f, struct db_res **keep);
/* The draft claim of an order, made with its first document. */
int db_claim_ensure(struct db *db, int64_t order_id, time_t now);
/* R1: one file per kind, replaced. */
int db_file_upsert(struct db *db, int64_t order_id, const char *kind,
    const struct upload *up, time_t now, int64_t account_id);

/* R3: the draft claim submitted (DB_NOTFOUND unless it was a draft), and
 * the order's submission time. */
int db_claim_submit(struct db *db, int64_t order_id, time_t now);
int db_order_submitted(struct db *db, int64_t order_id, time_t now);

/* R4: the decision on a submitted claim (DB_NOTFOUND unless submitted):
 * decision "approved", "rejected" or "returned" (退回补正: the provider
 * corrects and submits again), approved_amount (fen, < 0 for none),
 * reason (may be NULL), unconfirmed: NULL, or C2's mark with its
 * reason ("" when none: decided after the 15 days). */
int db_claim_decide(struct db *db, int64_t order_id, const char *decision,
    int64_t approved_amount, const char *reason, const char *unconfirmed,
    int64_t reviewer_id, time_t now);
/* R4: records the round just decided (the claim's row after
 * db_claim_decide) in claim_reviews; role "reviewer" or "bureau". */
int db_review_record(struct db *db, int64_t order_id, const char *role);

/* R4: one decided round of a claim (rows of db_claim_history, oldest
 * first; free with db_rows_free()). */
struct claim_round {
	time_t      submitted_at;
	const char *decision;          /* approved, rejected, returned      */
	int64_t     approved_amount;
	bool        no_amount;         /* approved_amount is SQL NULL       */
	const char *reason;            /* may be NULL                       */
	bool        unconfirmed;       /* C2: decided without C1            */
	const char *unconfirmed_reason; /* the bureau's, when earlier       */
	const char *reviewer_role;     /* reviewer, bureau                  */
	time_t      reviewed_at;
};
int db_claim_history(struct db *db, int64_t order_id, struct db_rows *rows);

/* R4: the approved order's reservation becomes reserved. */
int db_order_approved(struct db *db, int64_t order_id, int64_t reserved,
    time_t now);

/* The duplicate flags: another order's claim with the same invoice
 * number (rows of struct flag_invoice), another order's document with
 * the same bytes (rows of struct flag_file, by kind). Free rows with
 * db_rows_free(). */
struct flag_invoice {
	int64_t     order_id;
	const char *order_no;
	const char *status;            /* of that claim                    */
};
int db_flags_invoice(struct db *db, int64_t order_id, struct db_rows *rows);
struct flag_file {
	const char *kind, *sha256;     /* this order's document            */
	int64_t     order_id;          /* the other order                  */
	const char *order_no;
	const char *other_kind;        /* its document of the same bytes   */
};
int db_flags_file(struct db *db, int64_t order_id, struct db_rows *rows);

/* A download: the order's parties and its document of kind (stored_name
 * NULL when not uploaded); DB_NOTFOUND when there is no such order. */
struct file_download {
	const char *order_no;
	int64_t     enterprise_id, provider_id;
	const char *stored_name, *content_type;
};
int db_file_for_download(struct db *db, int64_t order_id, const char *kind,
    struct file_download *f, struct db_res **keep);

/* R4: a page of the claims in status, oldest submission first, each
 * row_json(res, i) (page_list): {items, total, page, per_page}, or NULL
 * with *rc set. */
json_t *db_review_page(struct db *db, const char *status, int64_t page,
    int64_t per_page, page_row_fn row_json, int *rc);

/* ---- the guide's "other files" (除其他文件外，每种文件仅可上传一个) ----
 * Up to CLAIM_OTHER_MAX further PDFs of kind "other", each with a title,
 * in slots 1..CLAIM_OTHER_MAX (the schema refuses an 11th). */
#define CLAIM_OTHER_MAX 10

/* How many other files the order has (read under the order's lock). */
int db_other_count(struct db *db, int64_t order_id, int64_t *n);
/* A new other file in the smallest free slot: DB_NOTFOUND when all ten
 * slots are taken; *slot the slot it took. */
int db_other_insert(struct db *db, int64_t order_id, const char *title,
    const struct upload *up, time_t now, int64_t account_id, int64_t *slot);
/* One other file (rows of db_other_list, by slot; free with
 * db_rows_free()). */
struct claim_other {
	int64_t     slot;
	const char *title;
	int64_t     size_bytes;
	const char *sha256;
	time_t      uploaded_at;
};
int db_other_list(struct db *db, int64_t order_id, struct db_rows *rows);
/* The other file in slot, locked (strings borrowed from *keep). */
int db_other_lock(struct db *db, int64_t order_id, int64_t slot,
    struct claim_other *f, const char **stored_name, struct db_res **keep);
int db_other_delete(struct db *db, int64_t order_id, int64_t slot);
/* A download of the other file in slot: the order's parties and the file
 * (stored_name NULL when there is none); DB_NOTFOUND without the order. */
int db_other_for_download(struct db *db, int64_t order_id, int64_t slot,
    struct file_download *f, struct db_res **keep);

/* R2: fills out[R2__MAX]; returns how many checks failed. Pure. */
int claim_checks(const struct claim *c, struct r2_result out[R2__MAX]);

/* True when the session may read an order's claim and documents: the
 * order's enterprise, its provider, a reviewer or the bureau (everyone
 * else gets 404, as for a missing order). */
bool claim_readable(const struct req *r, int64_t enterprise_id,
    int64_t provider_id);

/* Issue 16 §2: sets "deadline" and "clock" of o from the order facts of
 * row (order_status, accept_deadline, valid_until, order_submitted_at,
 * confirmed_at, order_approved_at): a claim's clock is its order's. */
void claim_clock_set(json_t *o, json_t *row);

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
	char         detail[160];   /* out: what is missing / failing; for
	                               TX_NOT_CONFIRMED the C2 deadline  */
};

/* Locks the provider's order (order_lock_owned), applies a due O4/O6
 * transition, and checks the claim may still change: the caller's order
 * (TX_NOT_FOUND), the claim not submitted (TX_FROZEN), the order
 * contracted and before valid-until (TX_INVALID_STATE, or DB_OK with
 * t->swept when it just expired: commit, then refuse), the provider not
 * barred (TX_BARRED, party_barred). */
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

/* A claim transaction, and its refusal: refuse(r, arg, rc) writes the
 * reply to the transaction arg that returned rc (or DB_OK and swept) and
 * returns its status. */
typedef int (*claim_tx_fn)(struct db *db, void *arg);
typedef int (*claim_refuse_fn)(struct req *r, void *arg, int rc);

/* An upload into a claim (R1's five kinds, the guide's other files) in
 * two runs of the same transaction tx(db, arg), which reads the upload
 * from *up: first with *up NULL, so that a claim that cannot change is
 * refused before the body is stored; then, the body received as a PDF
 * (shared/web/upload.c) into *stored, with *up = stored. c is arg's
 * claim_tx (swept). A refused second run removes the stored file.
 * Returns 0 once committed (the stored file recorded); otherwise the
 * status of the reply written: refuse(r, arg, rc), or the upload's 4xx. */
int claim_upload(struct req *r, claim_tx_fn tx, claim_refuse_fn refuse,
    void *arg, const struct claim_tx *c, const struct upload **up,
    struct upload *stored);

/* The reply to the download of a claim's file f, which db_file_for_download
 * or db_other_for_download found with status rc: 404 not_found when there
 * is no such order or r may not read it (claim_readable), 404
 * file_not_found naming missing_field when nothing is uploaded, else the
 * file sent by nginx as "<order_no>-<suffix>.pdf". Returns the status. */
int claim_file_send(struct req *r, int rc, const struct file_download *f,
    const char *suffix, const char *missing_field, const char *missing_msg);
/* others.c */
int other_put(struct req *r);
int other_get(struct req *r);
int other_delete(struct req *r);
/* review.c */
int review_list(struct req *r);
int review_get(struct req *r);
int review_decide(struct req *r);

#endif
