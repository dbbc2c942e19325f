/*
 * publicity.h - the publicity program (公示): the public lists of approved
 * claims (R5) with their signed, hash-chained files and public feedback;
 * the bureau's batches (gather, publish) and its decisions on objections.
 *
 * It is the public-facing program: paying a batch, recoveries, violations,
 * spot checks, the audit trail and the dashboard are in the oversight
 * program, and this program's database user has no privilege on any
 * payment column or on violations (sql/grants.sql).
 *
 * All SQL is in db.c, behind the typed functions below: handlers never
 * see a statement id, a column number or a parameter array.
 */
#ifndef PUBLICITY_H
#define PUBLICITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "http.h"

enum publicity_stmt {
	/* public reads (the read-only connection) */
	STMT_PUB_BATCHES,
	STMT_PUB_BATCHES_COUNT,
	STMT_PUB_BATCH,
	STMT_PUB_ITEMS,
	STMT_PUB_ITEMS_SEARCH,
	STMT_PUB_ITEMS_GRAM,
	STMT_PUB_ITEMS_GRAM_COUNT,
	STMT_PUB_ITEMS_COUNT,
	STMT_PUB_ITEMS_SEARCH_COUNT,
	STMT_PUB_ITEMS_ALL,
	STMT_PUB_FILE,
	STMT_PUB_FEEDBACK,
	/* feedback */
	STMT_ITEM_BATCH_LOCK,
	STMT_ITEM_LOCK,
	STMT_BATCH_GET,
	STMT_FEEDBACK_INSERT,
	STMT_ITEM_SET_OBJECTION,
	STMT_FEEDBACK_ITEM,
	STMT_FEEDBACK_LOCK,
	STMT_FEEDBACK_DECIDE,
	STMT_FEEDBACK_DECIDE_OTHERS,
	STMT_FEEDBACK_OPEN_COUNT,
	STMT_FEEDBACK_LIST,
	STMT_FEEDBACK_COUNT,
	STMT_FEEDBACK_TOTAL,
	STMT_FEEDBACK_VIEW,
	STMT_ITEM_WITHDRAW,
	STMT_CLAIM_REJECT,
	/* batches */
	STMT_CLAIM_CANDIDATES,
	STMT_BATCH_YEAR_COUNT,
	STMT_BATCH_INSERT,
	STMT_ITEM_SOURCE,
	STMT_ITEM_INSERT,
	STMT_BATCH_TOTALS,
	STMT_BATCHES,
	STMT_BATCHES_COUNT,
	STMT_BATCH_VIEW,
	STMT_BATCH_ITEMS,
	STMT_BATCH_LOCK,
	STMT_ITEMS_LOCK,
	STMT_ITEM_DELETE,
	STMT_CHAIN_LOCK,
	STMT_CHAIN_ADVANCE,
	STMT_BATCH_PUBLISH,
	STMT_ORDER_PUBLICIZED_AT,
	/* R7: the records after a published list */
	STMT_PUB_RECORD_HEAD,
	STMT_PUB_RECORDS,
	STMT_PUB_RECORD_ITEMS,
	STMT_RECORD_NEXT,
	STMT_RECORD_INSERT,
	/* issue 16 §3: the open data (360Giving) */
	STMT_OD_BATCHES,
	STMT_OD_BATCH,
	STMT_OD_GRANTS,
	STMT__MAX
};
extern const struct db_stmt publicity_stmts[STMT__MAX];

/* Statuses a publicity batch shows the public (R5). */
#define PUB_VISIBLE "('published', 'paid')"

/* ---- sign.c: the Ed25519 key of VOUCHER_SIGNING_KEY ------------------ */

#define SIGN_B64_LEN 88		/* base64 of a 64-byte Ed25519 signature */

/* Loads the private key (once; again after a failure) and signs len bytes
 * of data into b64 (SIGN_B64_LEN + 1 bytes, NUL-terminated); key_sha256
 * (65 bytes) receives the SHA-256 hex of the DER public key. Thread-safe.
 * Returns 0, or -1 (logged) when the key is missing or unusable. */
int sign_ed25519(const void *data, size_t len, char *b64, char *key_sha256);

/* Loads the key if needed and copies the SHA-256 hex of its DER public
 * key into out. Returns 0, or -1 when the key is unusable. */
int sign_key_id(char out[65]);

/* The public key as PEM text (static, valid until exit), its length in
 * *len; NULL when the key cannot be loaded. Thread-safe. */
const char *sign_public_pem(size_t *len);

/* ---- public.c: the public lists (no login) ---------------------------- */
int pub_batch_list(struct req *r);
int pub_batch_get(struct req *r);
int pub_item_list(struct req *r);

/* ---- export.c: the files of a published list ----------------------- */
int pub_batch_csv(struct req *r);
int pub_batch_json(struct req *r);
int pub_batch_sig(struct req *r);
int pub_key(struct req *r);

/* ---- records.c: the records chained after a list (R7) --------------- */
int pub_record_list(struct req *r);
int pub_record_json(struct req *r);
int pub_record_sig(struct req *r);

/* ---- opendata.c: the 360Giving packages (issue 16 §3) --------------- */
int od_package(struct req *r);
int od_feed(struct req *r);

/* ---- feedback.c: objections (R5) ------------------------------------- */
int feedback_create(struct req *r);
int feedback_track(struct req *r);
int feedback_list(struct req *r);
int feedback_decide(struct req *r);

/* ---- batch.c: the bureau's batches (R5) ------------------------------ */
int batch_create(struct req *r);
int batch_list(struct req *r);
int batch_get(struct req *r);
int batch_publish(struct req *r);

/* ---- shared between the files of this program -------------------------- */

/* The Chinese name of a P1 category code ("finance" → "财税审计"); the
 * code itself when unknown. Static string. */
const char *pub_category_name(const char *code);

/* Sets a strong ETag of the SHA-256 hex and a day's Cache-Control (the
 * bytes never change), and answers 304 when the client has it. Returns
 * the status. */
int pub_etag_or_304(struct req *r, const char *sha);

/* Row r of a batch result (db_pub_batches, db_batches, …) as JSON,
 * in_period a boolean. New reference. */
json_t *batch_row_json(const struct db_res *res, size_t row);

/* ---- db.c: typed access ------------------------------------------------
 * Every function returns DB_OK, DB_NOTFOUND (no such row; for a guarded
 * UPDATE: no row changed), DB_CONFLICT, DB_RETRY or DB_ERROR. A function
 * that hands out a struct db_res or struct db_rows says so; the caller
 * frees it (db_res_free, db_rows_free) whatever the result. Strings of a
 * row struct borrow from the result it came with. Public reads are meant
 * for the read-only connection (r->db_ro). */

/* An order id (a plain list of candidates). */
struct id_row {
	int64_t id;
};

/* A page of the published batches, newest first (*rows, for
 * batch_row_json), and their number. */
int db_pub_batches(struct db *db, time_t now, int64_t limit, int64_t offset,
    struct db_res **rows, int64_t *total);

/* One published batch (*row, for batch_row_json); DB_NOTFOUND for an
 * unknown or unpublished one. */
int db_pub_batch(struct db *db, int64_t id, time_t now, struct db_res **row);

/* An item of a published list: what the public sees (R5: no enterprise
 * data). */
struct pub_item_row {
	int64_t     id;
	const char *provider;
	const char *product;
	const char *category;        /* P1 code                              */
	int64_t     amount;          /* fen                                  */
	const char *objection_status;
	bool        withdrawn;
	bool        unconfirmed;     /* C2                                   */
	const char *paid_on;         /* YYYY-MM-DD, NULL until paid (R7)     */
	int64_t     total;           /* the list's, when carried (a gram)    */
};

/* A page of the items of published batch_id in id order, or with q (NULL:
 * all) the items whose product or provider name holds it, found through
 * the search index (search.h; like: q as a LIKE pattern), a match in the
 * product's name first: rows of struct pub_item_row. An unknown batch
 * gives no rows. *total: the list's total when the page carried it (q of
 * one gram, a page with rows: 025's kept count), else -1. */
int db_pub_items(struct db *db, int64_t batch_id, const char *q,
    const char *like, int64_t limit, int64_t offset, struct db_rows *items,
    int64_t *total);

/* The number of such items; DB_NOTFOUND when the batch is not public. */
int db_pub_items_count(struct db *db, int64_t batch_id, const char *q,
    const char *like, int64_t *n);

/* Every item of batch_id (CSV), rows of struct pub_item_row. */
int db_pub_items_all(struct db *db, int64_t batch_id, struct db_rows *items);

/* issue 16 §3: a published batch as the open data names it. */
struct od_batch_row {
	int64_t     id;
	const char *title;
	time_t      published_at;
	time_t      period_ends_at;
	time_t      modified;        /* the latest of publishing and its
	                                records (withdrawals, payments, R7) */
	int64_t     item_count;
	int64_t     published_amount; /* fen, as signed                     */
	int64_t     withdrawn_count;
	int64_t     withdrawn_amount;
	int64_t     paid_count;
	int64_t     paid_amount;
};
/* A page of published batches, newest first (rows of struct
 * od_batch_row), and their number. */
int db_od_batches(struct db *db, int64_t limit, int64_t offset,
    struct db_rows *rows, int64_t *total);
/* One published batch; DB_NOTFOUND for an unknown or unpublished one. */
int db_od_batch(struct db *db, int64_t id, struct od_batch_row *out,
    struct db_res **keep);

/* One item of a published batch as a grant: never enterprise data. */
struct od_grant_row {
	int64_t     id;              /* the item's id                        */
	const char *product;
	const char *provider;
	const char *provider_uscc;
	const char *category;        /* P1 code                              */
	int         round_year;      /* the programme (Y1)                   */
	int64_t     amount;          /* fen                                  */
	bool        withdrawn;
	time_t      withdrawn_at;    /* 0 unless withdrawn                   */
	const char *objection_status;
	bool        unconfirmed;     /* C2                                   */
	const char *paid_on;         /* YYYY-MM-DD, NULL until paid (R7)     */
	time_t      modified;        /* publishing, its withdrawal or payment */
};
/* Every item of published batch_id in id order (rows of struct
 * od_grant_row). */
int db_od_grants(struct db *db, int64_t batch_id, struct db_rows *rows);

/* The signed file of a published batch. */
struct pub_file_row {
	const char *file_json;       /* the exact bytes signed               */
	const char *signature;       /* base64 Ed25519                       */
	const char *file_sha256;     /* hex                                  */
};
int db_pub_file(struct db *db, int64_t id, struct pub_file_row *out,
    struct db_res **keep);

/* A feedback's public follow-up by tracking number (*row, for JSON). */
int db_pub_feedback(struct db *db, const char *tracking_no,
    struct db_res **row);

/* A publicity item, locked. */
struct item_lock_row {
	int64_t     id;
	int64_t     batch_id;
	int64_t     order_id;
	const char *objection_status; /* none, open, upheld, dismissed       */
	bool        withdrawn;
};
int db_item_lock(struct db *db, int64_t id, struct item_lock_row *out,
    struct db_res **keep);

/* Locks the batch of publicity item id, before the item (the house lock
 * order: batch, then its items): what may withdraw the item locks it
 * first, since the withdrawal's trigger updates the batch's totals.
 * DB_NOTFOUND: no such item. */
int db_item_batch_lock(struct db *db, int64_t id);

/* A batch (plain read). */
struct batch_row {
	int64_t     id;
	const char *status;          /* draft, published, paid               */
	time_t      period_ends_at;  /* 0 for a draft                        */
};
int db_batch_get(struct db *db, int64_t id, struct batch_row *out,
    struct db_res **keep);

/* A new open objection to item_id; client_ip NULL or "" when unknown
 * (kept to its column's 45 characters). DB_CONFLICT: the tracking number
 * exists. */
struct feedback_new {
	int64_t     item_id;
	const char *tracking_no;
	const char *text;
	const char *contact;         /* NULL: none                           */
	time_t      created_at;
	const char *client_ip;
};
int db_feedback_insert(struct db *db, const struct feedback_new *f,
    int64_t *id);

/* Sets an item's objection status (none, open, upheld, dismissed). */
int db_item_set_objection(struct db *db, int64_t item_id, const char *status);

/* (plain read) the item a feedback is about. */
int db_feedback_item(struct db *db, int64_t feedback_id, int64_t *item_id);

/* A feedback, locked. */
struct feedback_lock_row {
	const char *status;          /* open, upheld, dismissed              */
};
int db_feedback_lock(struct db *db, int64_t id, struct feedback_lock_row *out,
    struct db_res **keep);

/* Decides an open feedback (guarded: DB_NOTFOUND when decided). */
int db_feedback_decide(struct db *db, int64_t id, const char *status,
    const char *note, time_t now, int64_t account_id);

/* Upholds every other open feedback of item_id with the same note. */
int db_feedback_uphold_others(struct db *db, int64_t item_id,
    const char *note, time_t now, int64_t account_id);

/* How many feedbacks of item_id are open. */
int db_feedback_open_count(struct db *db, int64_t item_id, int64_t *n);

/* A page of feedback, newest first (*rows, for JSON), and the total;
 * status NULL and batch_id 0: no filter. */
int db_feedback_list(struct db *db, const char *status, int64_t batch_id,
    int64_t limit, int64_t offset, struct db_res **rows, int64_t *total);

/* One feedback as the list shows it (*row, for JSON). */
int db_feedback_view(struct db *db, int64_t id, struct db_res **row);

/* R5, R7: withdraws a locked listed item and appends its withdrawal
 * record (reason "objection") to the item's batch, numbered after the
 * batch's last record (*seq). DB_NOTFOUND when the item was withdrawn
 * before; DB_RETRY when another record took the number (db_tx runs
 * again). */
int db_item_withdraw(struct db *db, int64_t item_id, time_t now,
    int64_t *seq);

/* The submitted or approved claim of a closed order is rejected, with
 * reason (no claim, or a claim in another state: DB_OK). */
int db_claim_reject(struct db *db, int64_t order_id, const char *reason,
    time_t now);

/* (plain read) R5: the approved claims in no batch, of parties not barred
 * at now (V2), oldest approval first, at most limit: rows of struct
 * id_row (order ids). */
int db_claim_candidates(struct db *db, time_t now, int64_t limit,
    struct db_rows *orders);

/* The number of batches created in [from, to). */
int db_batch_count_created(struct db *db, time_t from, time_t to,
    int64_t *n);

/* A new draft batch. */
int db_batch_insert(struct db *db, const char *title, time_t now,
    int64_t account_id, int64_t *id);

/* (plain read) what the list shows of an approved order; DB_NOTFOUND when
 * its claim is not approved with an amount. */
struct item_source_row {
	const char *provider;
	const char *product;
	const char *category;
	int64_t     amount;          /* the approved amount, fen             */
	bool        unconfirmed;     /* C2: approved without the enterprise's
	                                confirmation                          */
};
int db_item_source(struct db *db, int64_t order_id, struct item_source_row *out,
    struct db_res **keep);

/* A new item of a draft batch (DB_CONFLICT: the order is listed). */
int db_item_insert(struct db *db, int64_t batch_id, int64_t order_id,
    const struct item_source_row *src, time_t now);

/* Sets a batch's item count and total. */
int db_batch_totals(struct db *db, int64_t batch_id, int64_t count,
    int64_t total);

/* A page of every batch, newest first (*rows, for batch_row_json), and
 * the total; status NULL: all. */
int db_batches(struct db *db, const char *status, time_t now, int64_t limit,
    int64_t offset, struct db_res **rows, int64_t *total);

/* The bureau's view of batch id at now (*batch, for batch_row_json) and
 * its items (*items, for JSON). DB_NOTFOUND for an unknown batch. */
int db_batch_view(struct db *db, int64_t id, time_t now,
    struct db_res **batch, struct db_res **items);

/* A batch, locked for publishing. */
struct batch_lock_row {
	const char *title;
	const char *status;
};
int db_batch_lock(struct db *db, int64_t id, struct batch_lock_row *out,
    struct db_res **keep);

/* An item of a batch, locked for publishing. */
struct publish_item_row {
	int64_t     id;
	int64_t     order_id;
	int64_t     amount;
	const char *provider;
	const char *product;
	const char *category;
	bool        unconfirmed;     /* C2                                   */
};
/* Rows of struct publish_item_row, in id order. */
int db_batch_items_lock(struct db *db, int64_t batch_id,
    struct db_rows *items);

/* Removes a stale item from a draft batch. */
int db_item_delete(struct db *db, int64_t item_id, int64_t batch_id);


/* The head of the chain of published files, locked (the serialisation
 * point of publishing). */
struct chain_row {
	const char *head_sha256;     /* NULL before the first file           */
	int64_t     length;
};
int db_chain_lock(struct db *db, struct chain_row *out, struct db_res **keep);

int db_chain_advance(struct db *db, int64_t head_batch_id, const char *sha,
    int64_t length, time_t now);

/* What publishing stores in a draft batch (guarded: DB_NOTFOUND unless
 * draft; DB_CONFLICT when another publish took the place in the chain). */
struct batch_publish {
	int64_t     seq;
	time_t      published_at;
	int64_t     published_by;
	time_t      period_ends_at;
	int64_t     period_days;
	int64_t     item_count;
	int64_t     total_amount;
	const char *file_json;
	const char *file_sha256;
	const char *prev_sha256;     /* NULL for the first file              */
	const char *signature;
	const char *key_sha256;
};
int db_batch_publish(struct db *db, int64_t id, const struct batch_publish *p);

/* R7: a published batch's record 0 (its signed file) and totals;
 * DB_NOTFOUND for an unknown or unpublished batch. */
struct record_head_row {
	const char *file_json;       /* the exact bytes signed at publish    */
	const char *signature;       /* base64 Ed25519 of them               */
	int64_t     item_count;
	int64_t     total_amount;    /* fen, as signed                       */
};
int db_pub_record_head(struct db *db, int64_t batch_id,
    struct record_head_row *out, struct db_res **keep);

/* R7: a record after the published file, as written at its event. */
struct record_row {
	int64_t     seq;             /* 1, 2, …                              */
	const char *kind;            /* withdrawal, payment                  */
	int64_t     format;          /* 1                                    */
	time_t      at;
	const char *paid_on;         /* YYYY-MM-DD for a payment, else NULL  */
	const char *reason;          /* objection, violation; NULL: payment  */
};
/* The records of batch_id in seq order: rows of struct record_row. */
int db_pub_records(struct db *db, int64_t batch_id, struct db_rows *rows);

/* An item a record names. */
struct record_item_row {
	int64_t     id;
	const char *provider;
	const char *product;
	int64_t     amount;
	int64_t     withdrawn_seq;   /* 0: not withdrawn                     */
	int64_t     paid_seq;        /* 0: not paid                          */
};
/* The withdrawn or paid items of batch_id in id order: rows of struct
 * record_item_row. */
int db_pub_record_items(struct db *db, int64_t batch_id,
    struct db_rows *rows);

/* R5: when a locked order was publicized. */
int db_order_publicized_at(struct db *db, int64_t order_id, time_t now);

#endif
