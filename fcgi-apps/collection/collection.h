/*
 * collection.h - the collection program (征集, rules A1-A7): a provider's
 * product applications with their materials (the checklist of attachment
 * 1 of the guide), draft save / save / submit (A4), the reviewer's opinion
 * and the bureau's decision, and the listing of approved products in the
 * catalog (A6).
 *
 * Files: main.c (routes), form.c (the form and its checks, the checklist
 * items), application.c (the provider's side), attachment.c (uploads,
 * lists, downloads), review.c (reviewers and the bureau), db.c (all SQL).
 */
#ifndef COLLECTION_H
#define COLLECTION_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "audit.h"
#include "db.h"
#include "http.h"

enum collection_stmt {
	STMT_ROUND_OF,
	STMT_PROVIDER_FACTS,
	STMT_APP_INSERT,
	STMT_APP_LOCK,
	STMT_APP_VIEW,
	STMT_APP_FORM_DRAFT,
	STMT_APP_FORM_SAVE,
	STMT_APP_SUBMIT,
	STMT_APP_DECIDE,
	STMT_APP_OPINION,
	STMT_APP_LIST_PROVIDER,
	STMT_APP_COUNT_PROVIDER,
	STMT_REVIEW_LIST,
	STMT_REVIEW_COUNT,
	STMT_PRODUCTS_DELETE,
	STMT_PRODUCT_ROW_INSERT,
	STMT_PRODUCTS_OF,
	STMT_PRODUCT_APPROVE,
	STMT_CATALOG_INSERT,
	STMT_ATT_LOCK,
	STMT_ATT_UPSERT,
	STMT_ATT_DELETE,
	STMT_ATT_LIST,
	STMT_ATT_GET,
	STMT_EVENT_INSERT,
	STMT_EVENTS_OF,
	STMT__MAX
};
extern const struct db_stmt collection_stmts[STMT__MAX];

/* ---- the form (form.c) ------------------------------------------------ */

#define FORM_MAX_PRODUCTS 10      /* products per application            */
#define FORM_COUNT_MAX    10000000 /* any count of contracts or clients   */
#define FORM_UNITS_MAX    1000000 /* units the bureau may grant (A6)      */

/* One product of the form: checklist product items 1-7 and P2/P3. */
struct form_product {
	const char *name, *category, *description;    /* P2                 */
	int64_t  market_price, voucher_price;         /* fen; P3, item 1    */
	int64_t  requested_units;                     /* -1: not given      */
	int64_t  requested_validity_days;             /* -1: not given (P6) */
	int64_t  beijing_revenue_year_before;         /* item 2, fen        */
	int64_t  beijing_revenue_last_year;           /* item 3, fen        */
	int64_t  beijing_clients_last_year;           /* item 4             */
	int64_t  premium_clients_served;              /* item 5 (A7), 0     */
	int      has_ip;                              /* item 6: -1, 0, 1   */
	int64_t  beijing_clients_served;              /* item 7: -1 none    */
};

/* The whole form: the provider part (checklist items 1-10) and the
 * products. Strings are borrowed from the JSON that was checked. */
struct form {
	const char *website, *app_name, *mini_program_name;  /* item 1      */
	int64_t  established_ymd;                     /* item 2 (A1)        */
	bool     beijing_registered, main_body_beijing;       /* item 2     */
	bool     has_premises;                        /* item 3             */
	const char *premises_address;
	bool     credit_ok;                           /* item 4             */
	int64_t  revenue_year_before, revenue_last_year;  /* items 5, 6     */
	int64_t  last_year_contracts;                 /* A1 >= 25           */
	int64_t  beijing_clients_last_year;           /* item 7             */
	int64_t  national_clients_last_year;          /* item 8             */
	const char *standards_work, *brand_standing;  /* items 9, 10        */
	size_t   nproducts;
	struct form_product products[FORM_MAX_PRODUCTS];
	bool     preferred;                           /* A7 of any product  */
};

/* A4 保存/提交: checks the whole form (a JSON object {provider, products})
 * at today_ymd (Asia/Shanghai) and appends one {field, code, message} to
 * errors for every failing field (field paths like "provider.website",
 * "products[0].voucher_price"; P3 per product). Fills out when it
 * returns 0. Returns the number of failures. */
size_t form_check(json_t *form, int64_t today_ymd, struct form *out,
    json_t *errors);

/* The number of products of a stored (unchecked) form: the length of its
 * "products" array, at most FORM_MAX_PRODUCTS; 0 when it has none. */
size_t form_product_count(json_t *form);

/* A3: a checklist item code: "provider.K" (K 1..10, *product = 0) or
 * "product.N.K" (N 1..FORM_MAX_PRODUCTS, K 1..7). Returns 0, or -1. */
int item_parse(const char *s, int *product, int *k);
/* A3: the checklist's name of item k of the provider (product 0) or of a
 * product. Static. */
const char *item_label(int product, int k);
/* A3: whether the item is required (必上传). */
bool item_required(int product, int k);

/* The Chinese name of an application state (A5). */
const char *state_name(const char *state);

/* ---- the program's typed statements (db.c) ----------------------------
 * Each returns DB_OK, DB_NOTFOUND (no row; for a guarded write, no row
 * changed) or a DB_* failure. A function with a keep argument borrows its
 * strings from *keep, which the caller frees with db_res_free() (also
 * after a failure); rows are freed with db_rows_free(). */

struct upload;

/* A2: the application window of round year (DB_NOTFOUND: no such round). */
struct round_window {
	int64_t apply_opens_on, apply_closes_on;   /* y*10000+m*100+d      */
};
int db_round_window(struct db *db, int year, struct round_window *w);

/* A1: the bureau's record of a provider. */
struct provider_facts {
	bool   credit_flagged;                     /* E4, E14              */
	time_t barred_until;                       /* V2: 0 when never     */
};
int db_provider_facts(struct db *db, int64_t id, struct provider_facts *f);

/* A4: a new draft of round year holding form (JSON text); *id its id. */
int db_app_insert(struct db *db, int year, int64_t provider_id,
    const char *form, time_t now, int64_t *id);

/* An application locked for a write (before its attachments, products
 * and the catalog's products). */
struct app_lock {
	int64_t     id, provider_id;
	const char *state;                         /* A5                   */
	int         round_year;
	const char *form_json;                     /* as stored            */
	int64_t     submit_count;
};
int db_app_lock(struct db *db, int64_t id, struct app_lock *a,
    struct db_res **keep);

/* One application to read: who may, its state and form. *keep is the
 * whole row (the reply's columns). */
struct app_view {
	int64_t     provider_id, submit_count;
	const char *status;                        /* A5                   */
	bool        preferred;                     /* A7                   */
	const char *form_json;
};
int db_app_view(struct db *db, int64_t id, struct app_view *v,
    struct db_res **keep);

/* A4 临时保存: the form as it is (DB_NOTFOUND unless editable). */
int db_app_form_draft(struct db *db, int64_t id, const char *form,
    time_t now);
/* A4 保存: the checked form and its key figures (DB_NOTFOUND unless
 * editable). */
int db_app_form_save(struct db *db, int64_t id, const char *form,
    const struct form *f, time_t now);
/* A4 提交: the freeze (DB_NOTFOUND unless editable). */
int db_app_submit(struct db *db, int64_t id, time_t now);
/* A5/A6: the bureau's decision, to state to (DB_NOTFOUND unless pending). */
int db_app_decide(struct db *db, int64_t id, const char *to,
    const char *comment, int64_t account_id, time_t now);
/* The reviewer's opinion (DB_NOTFOUND unless pending). */
int db_app_opinion(struct db *db, int64_t id, const char *opinion,
    const char *comment, int64_t account_id, time_t now);

/* A5 我的申报: a page of a provider's applications in status (NULL: all),
 * newest first; the review queue: a page of the submitted applications in
 * status, in A7 order. Each item row_json(res, i) (page_list): {items,
 * total, page, per_page}, or NULL with *rc set. */
json_t *db_app_page(struct db *db, int64_t provider_id, const char *status,
    int64_t page, int64_t per_page, page_row_fn row_json, int *rc);
json_t *db_review_page(struct db *db, const char *status, int64_t page,
    int64_t per_page, page_row_fn row_json, int *rc);

/* A checked save rewrites the products of an application: all deleted,
 * then each inserted with its 1-based seq. */
int db_products_delete(struct db *db, int64_t id);
int db_product_insert(struct db *db, int64_t id, int seq,
    const struct form_product *p, time_t now);

/* One product of an application, in seq order (rows of db_products_of;
 * rows.res holds every column, for the reply). */
struct app_product {
	int         seq;                           /* 1-based              */
	const char *category, *name, *description;
	int64_t     market_price, voucher_price;   /* fen                  */
};
int db_products_of(struct db *db, int64_t id, struct db_rows *rows);

/* A6: a product of an approved application listed in the catalog. */
struct listing {
	int                        round_year;
	int64_t                    provider_id, application_id;
	const struct app_product  *p;
	int64_t                    unit_subsidy;   /* P4                   */
	int64_t                    units, validity_days;   /* A6, P6       */
};
int db_catalog_insert(struct db *db, const struct listing *l, time_t now,
    int64_t *product_id);
/* A6: what the bureau granted product seq of application id. */
int db_product_approve(struct db *db, int64_t id, int seq, int64_t units,
    int64_t validity_days, int64_t product_id, time_t now);

/* A3: the file of an item a new upload replaces, locked. */
struct att_lock {
	const char *stored_name, *original_name;
	int64_t     size_bytes;
	const char *sha256;
};
int db_att_lock(struct db *db, int64_t id, const char *item,
    struct att_lock *a, struct db_res **keep);
/* A3: one file per item, replaced. */
int db_att_upsert(struct db *db, int64_t id, const char *item,
    const char *name, const struct upload *up, time_t now,
    int64_t account_id);
int db_att_delete(struct db *db, int64_t id, const char *item);

/* The files of an application in upload order (rows of db_att_list),
 * those whose name matches the LIKE pattern like when not NULL. */
struct att_row {
	const char *item_code, *original_name, *content_type;
	int64_t     size_bytes;
	const char *sha256;
	time_t      uploaded_at;
};
int db_att_list(struct db *db, int64_t id, const char *like,
    struct db_rows *rows);

/* A download: the application's owner and the file of an item
 * (stored_name NULL when not uploaded); DB_NOTFOUND: no application. */
struct att_file {
	int64_t     provider_id, submit_count;
	const char *stored_name, *content_type;
};
int db_att_get(struct db *db, int64_t id, const char *item,
    struct att_file *f, struct db_res **keep);

/* A5: an application event. */
struct app_event_row {
	int64_t     application_id;
	time_t      at;
	int64_t     account_id;
	const char *role, *action, *opinion, *from, *to, *comment;
	const char *request_id;
};
int db_app_event(struct db *db, const struct app_event_row *e);
/* A5: the events of an application, oldest first, as a JSON array (a new
 * reference in *history, NULL on failure). */
int db_app_events_json(struct db *db, int64_t id, json_t **history);

/* ---- shared by the handlers ------------------------------------------- */

/* Results of the collection transactions beyond DB_*. */
enum collection_tx_result {
	TX_NOT_FOUND = DB_APP + 1,  /* no such application, or not theirs  */
	TX_FROZEN,                  /* A4: submitted, decided: no change   */
	TX_INVALID_STATE,           /* a decision on a non-pending one     */
	TX_NO_ROUND,                /* no current round                    */
	TX_WINDOW_CLOSED,           /* A2                                  */
	TX_INVALID_FORM,            /* A4: the form fails its checks       */
	TX_ATTACHMENTS,             /* A3: required missing, or orphans    */
	TX_NOT_ELIGIBLE,            /* A1                                  */
	TX_BARRED,                  /* V2                                  */
	TX_BAD_PRODUCTS             /* A6: the decision's product list     */
};

/* What a refused transaction reports (filled by the transactions). */
struct tx_report {
	char     state[16];         /* the application's state             */
	json_t  *details;           /* errors / missing / reasons (owned)  */
	char     field[48];         /* TX_BAD_PRODUCTS: the field          */
	char     message[256];      /* TX_BAD_PRODUCTS / TX_ATTACHMENTS    */
	char     window[48];        /* TX_WINDOW_CLOSED: "opens..closes"   */
};

/* Writes the refusal of a transaction that returned rc. Returns the
 * status (404, 409, 403, 400, 422 or a DB error's 409/503). */
int tx_error(struct req *r, const struct tx_report *t, int rc);

/* Sends {"error":{code, message, field, <key>: extra}} (extra stolen,
 * may be NULL). Returns status. */
int error_with(struct req *r, int status, const char *code,
    const char *field, const char *message, const char *key, json_t *extra);

/* True when the session may read an application of provider_id in state
 * (the provider itself; reviewers and the bureau once it was submitted). */
bool app_readable(const struct req *r, int64_t provider_id,
    int64_t submit_count);

/* Replies 200 with the application id in full as the session may see it
 * (form, products, attachments, missing items, history), or 404. */
int app_reply(struct req *r, int64_t id, int status);

/* Locks application r->ids[0] (db_app_lock) for a provider's write:
 * TX_NOT_FOUND unless it is the session's provider's, TX_FROZEN unless it
 * is draft or returned; t->state its state. *a is the locked row, its
 * strings borrowed from *keep (free it, also after a failure). */
int app_lock_editable(struct db *db, struct req *r, struct tx_report *t,
    struct app_lock *a, struct db_res **keep);

/* One application of a list (a row of db_app_page / db_review_page) as
 * JSON, with the Chinese name of its state (status_name). */
json_t *app_item_json(const struct db_res *res, size_t i);

/* Appends an application event (A5) in the caller's transaction. */
int app_event(struct db *db, struct req *r, int64_t id, const char *action,
    const char *opinion, const char *from, const char *to,
    const char *comment);

/* The attachments of application id in checklist order (items, a new
 * array) and the required items missing for nproducts products (missing,
 * a new array): both set even on failure. Returns a DB_* status. */
int attachments_json(struct db *db, int64_t id, size_t nproducts,
    json_t **items, json_t **missing);

/* The Asia/Shanghai date of r->now as y*10000+m*100+d. */
int64_t today_ymd(const struct req *r);

/* application.c */
int app_create(struct req *r);
int app_list(struct req *r);
int app_get(struct req *r);
int app_put(struct req *r);
int app_submit(struct req *r);
/* attachment.c */
int att_put(struct req *r);
int att_list(struct req *r);
int att_get(struct req *r);
int att_delete(struct req *r);
/* review.c */
int review_list(struct req *r);
int review_get(struct req *r);
int review_decide(struct req *r);

#endif
