/*
 * oversight.h - the oversight program (监督与兑付): the bureau's side of the
 * money and of the rules' enforcement, behind login only:
 *   - paying a published publicity batch after its period (R5);
 *   - subsidies to recover and the money returned (R6, V2);
 *   - violations (V1) with every V2 effect;
 *   - spot checks and the audit trail (V3);
 *   - the dashboard figures.
 * The public-facing publicity program keeps the lists, their signing and
 * the feedback; it has no database privilege on payments, violations,
 * recoveries or spot checks (sql/grants.sql).
 *
 * All SQL is in db.c, behind the typed functions below: handlers never
 * see a statement id, a column number or a parameter array.
 */
#ifndef OVERSIGHT_H
#define OVERSIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "http.h"

enum oversight_stmt {
	/* paying a batch (R5) */
	STMT_BATCH_LOCK,
	STMT_ITEMS_LOCK,
	STMT_ORDER_PAID_AT,
	STMT_ITEM_PAID,
	STMT_BATCH_PAID,
	STMT_BATCH_VIEW,
	STMT_BATCH_ITEMS,
	/* recoveries (R6, V2) */
	STMT_RECOVERIES,
	STMT_RECOVERIES_TOTALS,
	STMT_RECOVERY_LOCK,
	STMT_RECOVERY_RETURN,
	STMT_RECOVERY_VIEW,
	STMT_RECOVERY_INSERT,
	STMT_ORDER_PAID_DUE,
	/* violations (V1, V2) */
	STMT_ENTERPRISE_LOCK,
	STMT_PROVIDER_LOCK,
	STMT_ENTERPRISE_BAR,
	STMT_PROVIDER_BAR,
	STMT_VIOLATION_INSERT,
	STMT_ORDER_PARTIES,
	STMT_ENTERPRISE_ORDERS,
	STMT_PROVIDER_ORDERS,
	STMT_ITEM_BATCH_LOCK,
	STMT_ITEM_LOCK,
	STMT_ITEM_WITHDRAW,
	STMT_CLAIM_REJECT,
	STMT_PRODUCTS_DELIST,
	STMT_VIOLATIONS,
	STMT_VIOLATIONS_COUNT,
	STMT_VIOLATION_VIEW,
	STMT_VIOLATION_RECOVERIES,
	/* spot checks and the audit trail (V3) */
	STMT_SPOT_CANDIDATES,
	STMT_SPOT_INSERT,
	STMT_SPOT_SAMPLE,
	STMT_SPOT_SAMPLES,
	STMT_SPOT_SAMPLES_COUNT,
	STMT_SPOT_LOCK,
	STMT_SPOT_RESULT,
	STMT_AUDIT_ALL,
	STMT_AUDIT_ALL_COUNT,
	STMT_AUDIT_ENTITY,
	STMT_AUDIT_ENTITY_COUNT,
	STMT_AUDIT_ENTITY_ID,
	STMT_AUDIT_ENTITY_ID_COUNT,
	/* the bureau's dashboard (read only) */
	STMT_STATS_CATEGORIES,
	STMT_STATS_CELLS,
	STMT_STATS_QUOTA,
	STMT_STATS_SELLING_OUT,
	/* issue 16: stage clocks (overdue.c) */
	STMT_STATS_STAGE_SECONDS,
	STMT_OVERDUE_ORDERS,
	STMT_OVERDUE_APPLICATIONS,
	STMT_OVERDUE_CERTIFICATIONS,
	STMT_OVERDUE_COUNTS,
	STMT_OVERDUE_COUNTS_ROWS,
	/* R7: the records after a published list */
	STMT_RECORD_LAST,
	STMT_RECORD_NEXT,
	STMT_RECORD_INSERT,
	/* the bureau's view of every order and its exports (issue 11) */
	STMT_ORDERS,
	STMT_ORDERS_PROVIDER,
	STMT_ORDERS_PROVIDER_COUNT,
	STMT_ORDERS_ENTERPRISE,
	STMT_ORDERS_ENTERPRISE_COUNT,
	STMT_ORDERS_COUNT,
	STMT_ORDERS_TOTAL,
	STMT_ORDERS_EXPORT,
	/* C1 ratings per provider (issue 11) */
	STMT_EVALS,
	STMT_EVALS_COUNT,
	STMT_EVALS_TOTAL,
	STMT_EVALS_BY_PRODUCT,
	/* issue 16 §4: provider scorecards (scorecard.c) */
	STMT_SCORE_PROVIDER,
	STMT_SCORE_FIGURES,
	STMT_SCORE_REASONS,
	STMT__MAX
};
extern const struct db_stmt oversight_stmts[STMT__MAX];

/* ---- db.c: typed access ------------------------------------------------
 * Every function returns DB_OK, DB_NOTFOUND (no such row; for a guarded
 * UPDATE: no row changed), DB_CONFLICT, DB_RETRY or DB_ERROR. A function
 * that hands out a struct db_res or struct db_rows says so; the caller
 * frees it (db_res_free, db_rows_free) whatever the result. Strings of a
 * row struct borrow from the result it came with. */

/* An order id (a plain list of candidates). */
struct id_row {
	int64_t id;
};

/* A publicity batch, locked for paying (R5). */
struct batch_lock_row {
	int64_t     id;
	const char *status;          /* draft, published, paid              */
	time_t      period_ends_at;  /* 0 for a draft                       */
};

/* An item of a batch, locked for paying. */
struct pay_item_row {
	int64_t     id;
	int64_t     order_id;
	int64_t     amount;          /* fen                                 */
	const char *objection_status;
	bool        withdrawn;
	bool        unpaid;          /* paid_on IS NULL                     */
};

/* Locks batch id (FOR UPDATE); *keep owns the strings. */
int db_batch_lock(struct db *db, int64_t id, struct batch_lock_row *out,
    struct db_res **keep);

/* Locks the items of batch id, in id order: rows of struct
 * pay_item_row. */
int db_batch_items_lock(struct db *db, int64_t batch_id,
    struct db_rows *items);

/* R5: the payment of a locked publicized order, item and batch. paid_on
 * is y*10000 + m*100 + d. db_item_paid and db_batch_paid are guarded
 * (DB_NOTFOUND: paid before, withdrawn, not published). */
int db_order_paid_at(struct db *db, int64_t order_id, time_t now);
int db_item_paid(struct db *db, int64_t item_id, int64_t paid_on,
    int64_t record_seq);

/* R7: appends the record of a payment made at now on paid_on to locked
 * batch_id, numbered after its last record (*seq); its items are then
 * paid with db_item_paid(…, *seq). DB_RETRY when another record took the
 * number (db_tx runs again). */
int db_record_payment(struct db *db, int64_t batch_id, time_t now,
    int64_t paid_on, int64_t *seq);
int db_batch_paid(struct db *db, int64_t batch_id, int64_t paid_on,
    time_t now, int64_t account_id);

/* The bureau's view of batch id at now (for JSON): *batch one row (as in
 * the publicity program's batch list), *items its items. DB_NOTFOUND for
 * an unknown batch. */
int db_batch_view(struct db *db, int64_t id, time_t now,
    struct db_res **batch, struct db_res **items);

/* What a recovery list is filtered by; NULL / 0 for no filter. */
struct recovery_filter {
	const char *status;          /* open, partial, settled              */
	bool        due;             /* open and partial together           */
	int64_t     order_id;
};

struct recovery_totals {
	int64_t n;                   /* recoveries matching the filter      */
	int64_t amount_due;
	int64_t amount_returned;
};

/* A page of recoveries, newest first (*rows, for JSON), and the totals
 * of the whole filtered list. */
int db_recoveries(struct db *db, const struct recovery_filter *f,
    int64_t limit, int64_t offset, struct db_res **rows,
    struct recovery_totals *tot);

/* A recovery, locked: what is due and what came back. */
struct recovery_lock_row {
	int64_t amount_due;
	int64_t amount_returned;
};
int db_recovery_lock(struct db *db, int64_t id,
    struct recovery_lock_row *out);

/* R6: records the running total returned, the date of this return
 * (y*10000 + m*100 + d), the new status and who recorded it. */
int db_recovery_return(struct db *db, int64_t id, int64_t returned,
    int64_t returned_on, const char *status, time_t now, int64_t account_id);

/* One recovery as the list shows it (*row, for JSON). */
int db_recovery_view(struct db *db, int64_t id, struct db_res **row);

/* V2: a new open recovery of amount_due for order_id from violation_id. */
int db_recovery_insert(struct db *db, int64_t order_id, int64_t violation_id,
    int64_t amount_due, time_t now, int64_t *id);

/* R5, R6: the subsidy actually paid for an order and what is already due
 * back for it. */
struct paid_due_row {
	int64_t paid;
	int64_t due;
};
int db_order_paid_due(struct db *db, int64_t order_id,
    struct paid_due_row *out);

/* A party of a violation, locked: its bar (0: never barred). */
struct party_row {
	int64_t id;
	time_t  barred_until;
};
int db_party_lock(struct db *db, bool provider, int64_t id,
    struct party_row *out);

/* V2: bars the party until until. */
int db_party_bar(struct db *db, bool provider, int64_t id, time_t until,
    time_t now);

/* A new violation (V1). */
struct violation_new {
	const char *party;           /* enterprise, provider                */
	int64_t     party_id;
	const char *kind;
	const char *description;
	int64_t     order_id;        /* 0: none                             */
	time_t      recorded_at;
	int64_t     recorded_by;
	time_t      barred_until;
};
int db_violation_insert(struct db *db, const struct violation_new *v,
    int64_t *id);

/* The parties of an order. */
struct order_parties_row {
	int64_t enterprise_id;
	int64_t provider_id;
};
int db_order_parties(struct db *db, int64_t order_id,
    struct order_parties_row *out);

/* An order of a party that a V2 bar terminates or recovers from (not
 * final, or paid), with its publicity item (0: none). */
struct party_order_row {
	int64_t id;
	int64_t item_id;
};
/* (plain read) rows of struct party_order_row, in id order. */
int db_party_orders(struct db *db, bool provider, int64_t party_id,
    struct db_rows *orders);

/* Locks publicity item id and, before it, its batch (lock order: batch,
 * item, order; a withdrawal's trigger updates the batch's totals). */
int db_item_lock(struct db *db, int64_t id);

/* R5, V2, R7: withdraws a locked listed item and appends its withdrawal
 * record (reason "violation") to the item's batch (*seq). DB_NOTFOUND
 * when it was withdrawn before; DB_RETRY when another record took the
 * number (db_tx runs again). */
int db_item_withdraw(struct db *db, int64_t item_id, time_t now,
    int64_t *seq);

/* The submitted or approved claim of a closed order is rejected, with
 * reason (no claim, or a claim in another state: DB_OK). */
int db_claim_reject(struct db *db, int64_t order_id, const char *reason,
    time_t now);

/* V2: delists every listed product of a provider; *n how many. */
int db_products_delist(struct db *db, int64_t provider_id, time_t now,
    int64_t *n);

/* A page of violations, newest first (*rows, for JSON), and the total.
 * party NULL and party_id 0: no filter. */
int db_violations(struct db *db, const char *party, int64_t party_id,
    int64_t limit, int64_t offset, struct db_res **rows, int64_t *total);

/* One violation (*row) and its recoveries (*recoveries), for JSON. */
int db_violation_view(struct db *db, int64_t id, struct db_res **row,
    struct db_res **recoveries);

/* V3: the orders that may be sampled (contracted or later, of year; 0:
 * every year): rows of struct id_row, in id order. */
int db_spot_candidates(struct db *db, time_t now, int64_t year,
    struct db_rows *ids);

int db_spot_insert(struct db *db, const char *sample_id, int64_t order_id,
    time_t now, int64_t account_id);

/* The rows of a sample (*rows, for JSON; no row: DB_OK with 0 rows). */
int db_spot_sample(struct db *db, const char *sample_id, time_t now,
    struct db_res **rows);

/* A page of the samples drawn, newest first (*rows, for JSON: sample_id,
 * sampled_at, n, checked, issues), and their total. */
int db_spot_samples(struct db *db, int64_t limit, int64_t offset,
    struct db_res **rows, int64_t *total);

/* A check, locked. */
struct spot_lock_row {
	const char *sample_id;
	int64_t     order_id;
	const char *result;          /* pending, ok, issue                  */
};
int db_spot_lock(struct db *db, int64_t id, struct spot_lock_row *out,
    struct db_res **keep);

/* note NULL: none. */
int db_spot_result(struct db *db, int64_t id, const char *result,
    const char *note, time_t now, int64_t account_id);

/* V3: a page of the audit trail, newest first (*rows, for JSON), and the
 * total; entity NULL: every entity, id 0: every id of entity; before > 0:
 * only records older than that id (keyset paging), offset counted from
 * there. */
int db_audit(struct db *db, const char *entity, int64_t id, int64_t before,
    int64_t limit, int64_t offset, struct db_res **rows, int64_t *total);

/* The year's orders and subsidy of one category in one month. */
struct stats_cell {
	const char *category;
	const char *month;      /* "YYYY-MM", Asia/Shanghai (T1)         */
	int64_t     orders;
	int64_t     subsidy;
};
/* The dashboard figures of a year: the categories (code, name: the 12 of
 * P1 in order), the year's cells (struct stats_cell, by category and
 * month: stats.c sums them both ways), and two results for JSON. */
struct stats_res {
	struct db_res  *categories;
	struct db_rows  cells;
	struct db_res  *allowance;
	struct db_res  *selling_out;
};
int db_stats(struct db *db, int64_t year, struct stats_res *out);
void stats_res_free(struct stats_res *s);

/* ---- issue 16: the stages' clocks (overdue.c) ------------------------- */

/* The average seconds each stage of an order took in a year (0: none
 * finished it) and how many orders finished it. */
struct stage_seconds_row {
	int64_t accept_s, accept_n;       /* ordered -> accepted (O4)       */
	int64_t contract_s, contract_n;   /* accepted -> contracted (O8)    */
	int64_t submit_s, submit_n;       /* contracted -> submitted (R3)   */
	int64_t review_s, review_n;       /* submitted -> approved (R4)     */
	int64_t publish_s, publish_n;     /* approved -> publicized (R5)    */
	int64_t pay_s, pay_n;             /* publicized -> paid (R5)        */
};
int db_stage_seconds(struct db *db, int64_t year, struct stage_seconds_row *out);

/* What may be past its clock: the orders waiting on the enterprise, the
 * reviewer or the bureau, pending applications and certifications. */
struct overdue_order_row {
	int64_t     id;
	const char *order_no;
	const char *status;
	const char *provider_name;
	const char *enterprise_name;
	time_t      submitted_at, confirmed_at, approved_at;
};
struct overdue_app_row {
	int64_t     id;
	const char *provider_name;
	time_t      last_submitted_at;
	bool        has_opinion;
};
struct overdue_cert_row {
	int64_t     id;
	const char *kind;
	const char *name;
	time_t      submitted_at;
};
/* Each kind past its clock, longest overdue first, at most limit: the
 * orders whose decision_due is at or before now, the applications and
 * certifications submitted at or before cut (now less their days). */
int db_overdue_orders(struct db *db, time_t now, int64_t limit,
    struct db_rows *rows);
int db_overdue_applications(struct db *db, time_t cut, int64_t limit,
    struct db_rows *rows);
int db_overdue_certifications(struct db *db, time_t cut, int64_t limit,
    struct db_rows *rows);
/* How many of each stage are past their clock. */
struct overdue_counts_row {
	int64_t review_n;       /* submitted claims (R4, the reviewer)     */
	int64_t publish_n;      /* approved claims (R5, the bureau)        */
	int64_t app_n;          /* applications, no opinion (A6, reviewer) */
	int64_t app_decide_n;   /* applications with one (A6, the bureau)  */
	int64_t cert_n;         /* certifications (E9, the reviewer)       */
	int64_t ahead;          /* stages folded past the cut (db.c)       */
};
int db_overdue_counts(struct db *db, time_t now, time_t app_cut,
    time_t cert_cut, struct overdue_counts_row *out);

/* The stage_days of GET /api/bureau/stats (overdue.c). NULL on failure. */
json_t *stage_days_json(struct db *db, int64_t year, int *rc);
int overdue_get(struct req *r);
/* What the bureau's order list is filtered by (issue 11); NULL / 0 for no
 * filter. Instants bound the order's ordered_at: from <= it < until. */
struct order_filter {
	const char *status;          /* effective status (O4, O6 applied)   */
	int64_t     product_id;
	int64_t     provider_id;
	int64_t     enterprise_id;
	const char *category;        /* P1 code                             */
	time_t      from;            /* 0: none                             */
	time_t      until;           /* 0: none                             */
	bool        overdue;         /* missed O4's 48 hours or O6's end    */
	bool        unconfirmed;     /* claim submitted, C1 not confirmed   */
};

/* One order as the bureau sees it: never the enterprise's order contact
 * (contact_name, contact_mobile), which no statement here reads. */
struct bureau_order_row {
	int64_t     id;
	const char *order_no;
	const char *status;          /* effective at now                    */
	int         year;
	int64_t     enterprise_id;
	const char *enterprise_name;
	const char *enterprise_uscc;
	int64_t     provider_id;
	const char *provider_name;
	int64_t     product_id;
	const char *product_name;
	const char *category;
	const char *category_name;
	int64_t     voucher_price;   /* fen                                 */
	int64_t     unit_subsidy;
	int64_t     reserved;
	int64_t     subsidy;         /* fen; subsidy_null until the contract */
	bool        subsidy_null;
	int64_t     contract_amount;
	bool        contract_null;
	int64_t     approved_amount;
	bool        approved_null;
	const char *claim_status;    /* NULL: no claim yet                  */
	time_t      ordered_at;
	time_t      accept_deadline;
	time_t      valid_until;
	time_t      accepted_at;     /* 0: not (yet) …                      */
	time_t      contracted_at;
	time_t      confirmed_at;
	time_t      submitted_at;
	time_t      approved_at;
	time_t      paid_at;
	time_t      closed_at;
	bool        overdue;
	bool        unconfirmed;
};
extern const struct db_rowmap bureau_order_map;

/* A page of the filtered orders, newest first, as {items, total, page,
 * per_page}, each item row_json(ctx, row) (page_list_rows). NULL with *rc
 * set on failure. */
json_t *db_bureau_orders(struct db *db, const struct order_filter *f,
    time_t now, int64_t page, int64_t per_page, page_rowmap_fn row_json,
    void *ctx, int *rc);

/* The filtered orders whose id is below before_id, newest first, at most
 * limit of them: fn(ctx, row) for each (db_each). An export reads its rows
 * in such chunks (orders.c), so that it never holds them all. */
int db_bureau_orders_each(struct db *db, const struct order_filter *f,
    time_t now, int64_t before_id, int64_t limit, db_row_fn fn, void *ctx);

/* C1 ratings (issue 11), provider_id / product_id 0 for all: a page,
 * newest first, {items: [{order_id, order_no, enterprise_id,
 * enterprise_name, provider_id, provider_name, product_id, product_name,
 * quality, timeliness, attitude, comment, created_at}], total, page,
 * per_page} (NULL with *rc set on a failure), and their sums per product,
 * rows of struct evaluation_product_row into *by_product (freed by the
 * caller). */
json_t *db_evaluations(struct db *db, int64_t provider_id, int64_t product_id,
    int64_t page, int64_t per_page, int *rc);
int db_evaluations_by_product(struct db *db, int64_t provider_id,
    int64_t product_id, struct db_rows *by_product);

/* ---- issue 16 §4: provider scorecards ---------------------------------- */

/* A provider and its main category: the category of most of its
 * products (ties: the smaller code); NULL without products. */
struct score_provider_row {
	int64_t     id;
	const char *name;
	const char *category;
};
int db_score_provider(struct db *db, int64_t id, struct score_provider_row *out,
    struct db_res **keep);

/* The counts behind one provider's figures (all its orders, at now). */
struct score_row {
	int64_t provider_id;
	int64_t received;        /* every order                              */
	int64_t accepted;        /* accepted (within 48 h: O4 allows no other)*/
	int64_t declined;        /* cancelled: declined                      */
	int64_t accept_timeout;  /* cancelled: not accepted in 48 h (O4)     */
	int64_t ent_cancelled;   /* cancelled by the enterprise (O5)         */
	int64_t open_pending;    /* pending, within its 48 h                 */
	int64_t expired;         /* void past the validity (O6)              */
	int64_t submitted;       /* claims submitted (R3)                    */
	int64_t returned;        /* returns for correction (R4)              */
	int64_t rejected;        /* claims rejected at review (R4)           */
	int64_t publicized;      /* items listed (R5)                        */
	int64_t upheld;          /* objections upheld (R5)                   */
	int64_t paid;            /* orders paid                              */
	int64_t refunds;         /* refunds reported (R6)                    */
	int64_t rated;           /* evaluations (C1)                         */
	int64_t quality;         /* stars summed                             */
	int64_t timeliness;
	int64_t attitude;
};
/* The counts of every provider with products in category (NULL: none)
 * and of provider_id itself, one row each (rows of struct score_row);
 * providers without orders have no row. */
int db_score_figures(struct db *db, const char *category, int64_t provider_id,
    time_t now, struct db_rows *rows);

/* The latest returns and rejections of a provider's claims, with why. */
struct score_reason_row {
	const char *order_no;
	time_t      at;
	const char *to_status;   /* contracted: returned; rejected           */
	const char *reason;
};
int db_score_reasons(struct db *db, int64_t provider_id, int64_t limit,
    struct db_rows *rows);

/* ---- scorecard.c -------------------------------------------------------- */
int scorecard_bureau(struct req *r);
int scorecard_own(struct req *r);

/* ---- evaluation.c: what enterprises said (C1, issue 11) --------------- */
int evaluation_list(struct req *r);

/* ---- orders.c: the bureau's orders and their exports (issue 11) ------- */
int bureau_orders_list(struct req *r);
int bureau_orders_csv(struct req *r);
int bureau_orders_xlsx(struct req *r);

/* ---- payment.c: paying a published batch (R5) ------------------------- */
int batch_pay(struct req *r);

/* ---- recovery.c: subsidies to recover (R6, V2) ------------------------ */
int recovery_list(struct req *r);
int recovery_record(struct req *r);

/* ---- violation.c: V1 records with their V2 effects -------------------- */
int violation_create(struct req *r);
int violation_list(struct req *r);
int violation_get(struct req *r);

/* ---- spot_check.c: spot checks (V3) ----------------------------------- */
int spot_check_list(struct req *r);
int spot_check_sample(struct req *r);
int spot_check_result(struct req *r);

/* ---- trail.c: the audit trail (V3) ------------------------------------ */
int audit_list(struct req *r);

/* ---- stats.c: the bureau's dashboard figures -------------------------- */

/* GET /api/bureau/stats?year=: orders and subsidies by category and by
 * month, allowances used by tier, the products closest to selling out.
 * 200; 400 on a bad year. */
int stats_get(struct req *r);

/* ---- shared between the files of this program ------------------------- */

/* The Asia/Shanghai date of instant t as y*10000 + m*100 + d (T1). */
int64_t ovs_date_of(time_t t);

#endif
