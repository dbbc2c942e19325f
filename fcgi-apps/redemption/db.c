/*
 * db.c - all SQL of the redemption program, by statement id
 * (redemption.h), and the typed functions over it: rows are read into
 * named structs by column alias (a reordered SELECT fills the same
 * members), parameters are passed as DB_ARGS. The order state machine's
 * SQL is in shared/domain/lib_sql.c.
 */
#include <stdio.h>
#include <string.h>

#include "orders.h"
#include "page.h"
#include "redemption.h"
#include "rules.h"

#define XSTR(x) STR(x)
#define STR(x) #x

/* The claims showing a status (status), kept per status by
 * 020_party_counts.sql's triggers (the queue holds thousands). */
#define REVIEW_TOTAL \
	"(SELECT COALESCE(SUM(n), 0) FROM claim_counts WHERE status = ?)"

const struct db_stmt redemption_stmts[STMT__MAX] = {
	/* R3: the claim's status and figures, locked (after the order):
	 * order id */
	DB_STMT(STMT_CLAIM_LOCK,
	"SELECT cl.status, cl.invoice_no, cl.invoice_date, cl.invoice_total,"
	" cl.invoice_voucher_amount, cl.invoice_self_paid, cl.receipt_date,"
	" cl.receipt_amount, o.submitted_at AS first_submitted_at"
	" FROM redemption_claims cl JOIN orders o ON o.id = cl.order_id"
	" WHERE cl.order_id = ? FOR UPDATE"),
	/* the draft claim of an order, created with its first document:
	 * order, now, now */
	DB_STMT(STMT_CLAIM_ENSURE,
	"INSERT INTO redemption_claims (order_id, status, created_at,"
	" updated_at) VALUES (?, 'draft', ?, ?)"
	" ON DUPLICATE KEY UPDATE updated_at = VALUES(updated_at)"),
	/* R2: order, invoice no, invoice date, total, voucher, self-paid,
	 * receipt date, receipt amount, now, now */
	DB_STMT(STMT_FIGURES_UPSERT,
	"INSERT INTO redemption_claims (order_id, status, invoice_no,"
	" invoice_date, invoice_total, invoice_voucher_amount,"
	" invoice_self_paid, receipt_date, receipt_amount, created_at,"
	" updated_at) VALUES (?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON DUPLICATE KEY UPDATE invoice_no = VALUES(invoice_no),"
	" invoice_date = VALUES(invoice_date),"
	" invoice_total = VALUES(invoice_total),"
	" invoice_voucher_amount = VALUES(invoice_voucher_amount),"
	" invoice_self_paid = VALUES(invoice_self_paid),"
	" receipt_date = VALUES(receipt_date),"
	" receipt_amount = VALUES(receipt_amount),"
	" updated_at = VALUES(updated_at)"),
	/* R1: the document a new upload replaces: order, kind */
	DB_STMT(STMT_FILE_LOCK,
	"SELECT stored_name, size_bytes, sha256 FROM redemption_files"
	" WHERE order_id = ? AND kind = ? FOR UPDATE"),
	/* R1: one file per kind, replaced: order, kind, stored name, content
	 * type, size, sha256, now, account */
	DB_STMT(STMT_FILE_UPSERT,
	"INSERT INTO redemption_files (order_id, kind, stored_name,"
	" content_type, size_bytes, sha256, uploaded_at, uploaded_by)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
	" ON DUPLICATE KEY UPDATE stored_name = VALUES(stored_name),"
	" content_type = VALUES(content_type),"
	" size_bytes = VALUES(size_bytes), sha256 = VALUES(sha256),"
	" uploaded_at = VALUES(uploaded_at), uploaded_by = VALUES(uploaded_by)"),
	/* R3: now, now, order */
	/* (a returned claim's decision is cleared: claim_reviews keeps it) */
	DB_STMT(STMT_CLAIM_SUBMIT,
	"UPDATE redemption_claims SET status = 'submitted', submitted_at = ?,"
	" updated_at = ?, decision = NULL, approved_amount = NULL,"
	" reason = NULL, reviewed_by = NULL, reviewed_at = NULL,"
	" unconfirmed = 0, unconfirmed_reason = NULL"
	" WHERE order_id = ? AND status IN ('draft', 'returned')"),
	/* R3: the order's first submission (C2 counts from it): now, now,
	 * order */
	DB_STMT(STMT_ORDER_SUBMITTED,
	"UPDATE orders SET submitted_at = COALESCE(submitted_at, ?),"
	" updated_at = ? WHERE id = ?"),
	/* R4: status, decision, approved amount, reason, C2's unconfirmed
	 * and its reason, reviewer, now, now, order */
	DB_STMT(STMT_CLAIM_DECIDE,
	"UPDATE redemption_claims SET status = ?, decision = ?,"
	" approved_amount = ?, reason = ?, unconfirmed = ?,"
	" unconfirmed_reason = ?, reviewed_by = ?, reviewed_at = ?,"
	" updated_at = ? WHERE order_id = ? AND status = 'submitted'"),
	/* R4: reserved = approved amount, now, now, order */
	/* R4: the round just decided, from the claim's row as the decision
	 * left it: the reviewer's role, order */
	DB_STMT(STMT_REVIEW_RECORD,
	"INSERT INTO claim_reviews (order_id, submitted_at, decision,"
	" approved_amount, reason, unconfirmed, unconfirmed_reason,"
	" reviewed_by, reviewer_role, reviewed_at)"
	" SELECT order_id, submitted_at, decision, approved_amount, reason,"
	" unconfirmed, unconfirmed_reason, reviewed_by, ?, reviewed_at"
	" FROM redemption_claims"
	" WHERE order_id = ? AND decision IS NOT NULL"),
	/* R4: the decided rounds of a claim, oldest first: order */
	DB_STMT(STMT_CLAIM_HISTORY,
	"SELECT submitted_at, decision, approved_amount, reason, unconfirmed,"
	" unconfirmed_reason, reviewer_role, reviewed_at FROM claim_reviews"
	" WHERE order_id = ? ORDER BY id"),
	DB_STMT(STMT_ORDER_APPROVED,
	"UPDATE orders SET reserved = ?, approved_at = ?, updated_at = ?"
	" WHERE id = ?"),
	/* The claim of an order with its order, contract and names at now:
	 * now, now, now, now, order */
	DB_STMT(STMT_CLAIM_VIEW,
	"SELECT o.id, o.order_no, " ORDER_EFFECTIVE_STATUS("o") " AS order_status,"
	" o.enterprise_id, e.name AS enterprise_name, o.provider_id,"
	" v.name AS provider_name, o.product_id, o.product_name, o.subsidy,"
	" IF(" ORDER_TIMED_OUT("o") ", 0, o.reserved) AS reserved,"
	" o.valid_until, o.confirmed_at, o.accept_deadline,"
	" o.submitted_at AS order_submitted_at, o.approved_at AS order_approved_at,"
	" c.order_id IS NOT NULL AS has_contract, c.contract_no, c.signed_on,"
	" c.amount, c.subsidy AS contract_subsidy, c.self_paid,"
	" COALESCE(cl.status, 'draft') AS status, cl.invoice_no,"
	" cl.invoice_date, cl.invoice_total, cl.invoice_voucher_amount,"
	" cl.invoice_self_paid, cl.receipt_date, cl.receipt_amount,"
	" cl.submitted_at, cl.decision, cl.approved_amount, cl.reason,"
	" cl.reviewed_at, cl.updated_at,"
	" COALESCE(cl.unconfirmed, 0) AS unconfirmed, cl.unconfirmed_reason,"
	" IF(o.confirmed_at IS NULL AND o.submitted_at IS NOT NULL,"
	" o.submitted_at + INTERVAL " XSTR(RULE_C2_CONFIRM_DAYS) " DAY, NULL)"
	" AS confirm_by"
	" FROM orders o JOIN enterprises e ON e.id = o.enterprise_id"
	" JOIN providers v ON v.id = o.provider_id"
	" LEFT JOIN contracts c ON c.order_id = o.id"
	" LEFT JOIN redemption_claims cl ON cl.order_id = o.id"
	" WHERE o.id = ?"),
	/* R1: the documents of an order: order */
	DB_STMT(STMT_CLAIM_FILES,
	"SELECT kind, size_bytes, sha256, uploaded_at FROM redemption_files"
	" WHERE order_id = ? ORDER BY kind"),
	/* a download: kind, order -> the order's parties and the file (NULL
	 * when not uploaded) */
	DB_STMT(STMT_FILE_FOR_DOWNLOAD,
	"SELECT o.order_no, o.enterprise_id, o.provider_id, f.stored_name,"
	" f.content_type FROM orders o LEFT JOIN redemption_files f"
	" ON f.order_id = o.id AND f.kind = ? WHERE o.id = ?"),
	/* flags: the other orders' claims with the same invoice number */
	DB_STMT(STMT_FLAGS_INVOICE,
	"SELECT c2.order_id, o2.order_no, c2.status"
	" FROM redemption_claims c1 JOIN redemption_claims c2"
	" ON c2.invoice_no = c1.invoice_no AND c2.order_id <> c1.order_id"
	" JOIN orders o2 ON o2.id = c2.order_id"
	" WHERE c1.order_id = ? ORDER BY c2.order_id LIMIT 20"),
	/* flags: the other orders' documents with the same bytes */
	DB_STMT(STMT_FLAGS_FILE,
	"SELECT f1.kind, f1.sha256, f2.order_id, o2.order_no,"
	" f2.kind AS other_kind"
	" FROM redemption_files f1 JOIN redemption_files f2"
	" ON f2.sha256 = f1.sha256 AND f2.order_id <> f1.order_id"
	" JOIN orders o2 ON o2.id = f2.order_id"
	" WHERE f1.order_id = ? ORDER BY f1.kind, f2.order_id LIMIT 50"),
	/* R4: the reviewer's queue, oldest submission first, carrying its
	 * total (REVIEW_TOTAL, page_list_total): status x2, limit, offset */
	DB_STMT(STMT_REVIEW_LIST,
	"SELECT cl.order_id, o.order_no, cl.status, cl.submitted_at,"
	" cl.reviewed_at, cl.approved_amount, o.provider_id,"
	" v.name AS provider_name, o.enterprise_id,"
	" e.name AS enterprise_name, o.product_name, o.subsidy,"
	" cl.invoice_no, o.confirmed_at, cl.unconfirmed,"
	" o.status AS order_status, o.accept_deadline, o.valid_until,"
	" o.submitted_at AS order_submitted_at, o.approved_at AS order_approved_at,"
	" IF(o.confirmed_at IS NULL, o.submitted_at + INTERVAL "
	XSTR(RULE_C2_CONFIRM_DAYS) " DAY, NULL) AS confirm_by,"
	" EXISTS (SELECT 1 FROM redemption_claims c2"
	" WHERE c2.invoice_no = cl.invoice_no AND c2.order_id <> cl.order_id)"
	" AS duplicate_invoice,"
	" EXISTS (SELECT 1 FROM redemption_files f1 JOIN redemption_files f2"
	" ON f2.sha256 = f1.sha256 AND f2.order_id <> f1.order_id"
	" WHERE f1.order_id = cl.order_id) AS duplicate_file,"
	" " REVIEW_TOTAL " AS page_total"
	" FROM redemption_claims cl JOIN orders o ON o.id = cl.order_id"
	" JOIN providers v ON v.id = o.provider_id"
	" JOIN enterprises e ON e.id = o.enterprise_id"
	" WHERE cl.status = ?"
	" ORDER BY cl.submitted_at, cl.order_id LIMIT ? OFFSET ?"),
	/* status: the total alone, for an empty page past the first */
	DB_STMT(STMT_REVIEW_COUNT,
	"SELECT " REVIEW_TOTAL " AS total"),

	/* ---- the other files (up to 10, titled) ------------------------- */

	/* order */
	DB_STMT(STMT_OTHER_COUNT,
	"SELECT COUNT(*) AS n FROM redemption_files"
	" WHERE order_id = ? AND kind = 'other'"),
	/* the smallest free slot of 1..10, none when all are taken: order,
	 * title, stored name, content type, size, sha256, now, account,
	 * order */
	DB_STMT(STMT_OTHER_INSERT,
	"INSERT INTO redemption_files (order_id, kind, slot, title,"
	" stored_name, content_type, size_bytes, sha256, uploaded_at,"
	" uploaded_by)"
	" SELECT ?, 'other', s.n, ?, ?, ?, ?, ?, ?, ? FROM (SELECT 1 AS n"
	" UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
	" UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7"
	" UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10) s"
	" WHERE NOT EXISTS (SELECT 1 FROM redemption_files f"
	" WHERE f.order_id = ? AND f.kind = 'other' AND f.slot = s.n)"
	" ORDER BY s.n LIMIT 1"),
	/* the slot a stored file took: stored name */
	DB_STMT(STMT_OTHER_SLOT,
	"SELECT slot FROM redemption_files WHERE stored_name = ?"),
	/* order */
	DB_STMT(STMT_OTHER_LIST,
	"SELECT slot, title, size_bytes, sha256, uploaded_at"
	" FROM redemption_files WHERE order_id = ? AND kind = 'other'"
	" ORDER BY slot"),
	/* order, slot */
	DB_STMT(STMT_OTHER_LOCK,
	"SELECT slot, title, size_bytes, sha256, uploaded_at, stored_name"
	" FROM redemption_files WHERE order_id = ? AND kind = 'other'"
	" AND slot = ? FOR UPDATE"),
	/* order, slot */
	DB_STMT(STMT_OTHER_DELETE,
	"DELETE FROM redemption_files WHERE order_id = ? AND kind = 'other'"
	" AND slot = ?"),
	/* slot, order */
	DB_STMT(STMT_OTHER_FOR_DOWNLOAD,
	"SELECT o.order_no, o.enterprise_id, o.provider_id, f.stored_name,"
	" f.content_type FROM orders o LEFT JOIN redemption_files f"
	" ON f.order_id = o.id AND f.kind = 'other' AND f.slot = ?"
	" WHERE o.id = ?"),
};

/* A DATE parameter from y*10000+m*100+d. */
#define DB_YMD(ymd) DB_DATE((ymd) / 10000, (ymd) / 100 % 100, (ymd) % 100)

/* ---- the claim ------------------------------------------------------- */

static const struct db_col claim_cols[] = {
	DB_COL_AS(struct claim, order_id, "id"),
	DB_COL(struct claim, order_no),
	DB_COL(struct claim, order_status),
	DB_COL(struct claim, status),
	DB_COL(struct claim, enterprise_id),
	DB_COL(struct claim, provider_id),
	DB_COL(struct claim, subsidy),
	DB_COL_NULL(struct claim, subsidy_null, "subsidy"),
	DB_COL(struct claim, reserved),
	DB_COL(struct claim, confirmed_at),
	DB_COL(struct claim, has_contract),
	DB_COL(struct claim, signed_on),
	DB_COL(struct claim, amount),
	DB_COL(struct claim, contract_subsidy),
	DB_COL(struct claim, self_paid),
	DB_COL(struct claim, invoice_no),
	DB_COL(struct claim, invoice_date),
	DB_COL(struct claim, receipt_date),
	DB_COL(struct claim, invoice_total),
	DB_COL_AS(struct claim, invoice_voucher, "invoice_voucher_amount"),
	DB_COL(struct claim, invoice_self_paid),
	DB_COL(struct claim, receipt_amount),
	DB_COL(struct claim, submitted_at),
};
static const struct db_rowmap claim_map = DB_ROWMAP(struct claim, claim_cols);

/* One document of STMT_CLAIM_FILES. */
struct claim_file_row {
	const char *kind;
	int64_t     size_bytes;
	const char *sha256;
	time_t      uploaded_at;
};

static const struct db_col claim_file_cols[] = {
	DB_COL(struct claim_file_row, kind),
	DB_COL(struct claim_file_row, size_bytes),
	DB_COL(struct claim_file_row, sha256),
	DB_COL(struct claim_file_row, uploaded_at),
};
static const struct db_rowmap claim_file_map =
    DB_ROWMAP(struct claim_file_row, claim_file_cols);

/* db_each: one document into the claim (ctx). */
static int
claim_file_add(void *ctx, const void *row)
{
	struct claim *c = ctx;
	const struct claim_file_row *f = row;
	int k = claim_kind_parse(f->kind);

	if (k < 0)
		return DB_OK;
	c->files[k].present = true;
	c->files[k].size = f->size_bytes;
	snprintf(c->files[k].sha256, sizeof(c->files[k].sha256), "%s",
	    f->sha256 ? f->sha256 : "");
	c->files[k].uploaded_at = f->uploaded_at;
	return DB_OK;
}

int
claim_load(struct db *db, int64_t id, time_t now, struct claim *c)
{
	struct db_res *keep = NULL;
	int rc = db_one(db, STMT_CLAIM_VIEW, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_TIME(now), DB_TIME(now), DB_I64(id)), &claim_map,
	    c, &keep);

	c->row = keep;
	if (rc == DB_OK)
		rc = db_each(db, STMT_CLAIM_FILES, DB_ARGS(DB_I64(id)),
		    &claim_file_map, claim_file_add, c);
	if (rc != DB_OK) {
		claim_free(c);
		return rc;
	}
	if (c->subsidy_null)
		c->subsidy = -1;
	/* the figures are recorded together (figures_put) */
	c->has_figures = c->invoice_no != NULL;
	return DB_OK;
}

void
claim_free(struct claim *c)
{
	db_res_free(c->row);
	c->row = NULL;
}

static const struct db_col claim_lock_cols[] = {
	DB_COL(struct claim_lock, status),
	DB_COL(struct claim_lock, first_submitted_at),
};
static const struct db_rowmap claim_lock_map =
    DB_ROWMAP(struct claim_lock, claim_lock_cols);

int
db_claim_lock(struct db *db, int64_t order_id, struct claim_lock *l,
    struct db_res **keep)
{
	return db_one(db, STMT_CLAIM_LOCK, DB_ARGS(DB_I64(order_id)),
	    &claim_lock_map, l, keep);
}

int
db_figures_upsert(struct db *db, int64_t order_id,
    const struct claim_figures *f, time_t now)
{
	return db_exec(db, STMT_FIGURES_UPSERT, DB_ARGS(
	    DB_I64(order_id), DB_STR(f->invoice_no), DB_YMD(f->invoice_date),
	    DB_I64(f->invoice_total), DB_I64(f->invoice_voucher),
	    DB_I64(f->invoice_self_paid), DB_YMD(f->receipt_date),
	    DB_I64(f->receipt_amount), DB_TIME(now), DB_TIME(now)),
	    NULL, NULL, NULL);
}

/* ---- the documents --------------------------------------------------- */

static const struct db_col claim_file_lock_cols[] = {
	DB_COL(struct claim_file_lock, stored_name),
	DB_COL(struct claim_file_lock, size_bytes),
	DB_COL(struct claim_file_lock, sha256),
};
static const struct db_rowmap claim_file_lock_map =
    DB_ROWMAP(struct claim_file_lock, claim_file_lock_cols);

int
db_file_lock(struct db *db, int64_t order_id, const char *kind,
    struct claim_file_lock *f, struct db_res **keep)
{
	return db_one(db, STMT_FILE_LOCK, DB_ARGS(DB_I64(order_id),
	    DB_STR(kind)), &claim_file_lock_map, f, keep);
}

int
db_claim_ensure(struct db *db, int64_t order_id, time_t now)
{
	return db_exec(db, STMT_CLAIM_ENSURE, DB_ARGS(DB_I64(order_id),
	    DB_TIME(now), DB_TIME(now)), NULL, NULL, NULL);
}

int
db_file_upsert(struct db *db, int64_t order_id, const char *kind,
    const struct upload *up, time_t now, int64_t account_id)
{
	return db_exec(db, STMT_FILE_UPSERT, DB_ARGS(
	    DB_I64(order_id), DB_STR(kind), DB_STR(up->stored),
	    DB_STR(up->content_type), DB_I64(up->size), DB_STR(up->sha256),
	    DB_TIME(now), DB_I64(account_id)), NULL, NULL, NULL);
}

static const struct db_col file_download_cols[] = {
	DB_COL(struct file_download, order_no),
	DB_COL(struct file_download, enterprise_id),
	DB_COL(struct file_download, provider_id),
	DB_COL(struct file_download, stored_name),
	DB_COL(struct file_download, content_type),
};
static const struct db_rowmap file_download_map =
    DB_ROWMAP(struct file_download, file_download_cols);

int
db_file_for_download(struct db *db, int64_t order_id, const char *kind,
    struct file_download *f, struct db_res **keep)
{
	return db_one(db, STMT_FILE_FOR_DOWNLOAD, DB_ARGS(DB_STR(kind),
	    DB_I64(order_id)), &file_download_map, f, keep);
}

/* ---- submission and review ------------------------------------------- */

int
db_claim_submit(struct db *db, int64_t order_id, time_t now)
{
	return db_dml(db, STMT_CLAIM_SUBMIT, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_I64(order_id)), NULL);
}

int
db_order_submitted(struct db *db, int64_t order_id, time_t now)
{
	return db_dml(db, STMT_ORDER_SUBMITTED, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_I64(order_id)), NULL);
}

int
db_claim_decide(struct db *db, int64_t order_id, const char *decision,
    int64_t approved_amount, const char *reason, const char *unconfirmed,
    int64_t reviewer_id, time_t now)
{
	return db_dml(db, STMT_CLAIM_DECIDE, DB_ARGS(DB_STR(decision),
	    DB_STR(decision), approved_amount >= 0 ? DB_I64(approved_amount) :
	    DB_NULLP, DB_STR(reason), DB_I64(unconfirmed != NULL),
	    DB_STR(unconfirmed != NULL && *unconfirmed != '\0' ? unconfirmed :
	    NULL), DB_I64(reviewer_id), DB_TIME(now), DB_TIME(now),
	    DB_I64(order_id)), NULL);
}

int
db_review_record(struct db *db, int64_t order_id, const char *role)
{
	return db_dml(db, STMT_REVIEW_RECORD, DB_ARGS(DB_STR(role),
	    DB_I64(order_id)), NULL);
}

static const struct db_col claim_round_cols[] = {
	DB_COL(struct claim_round, submitted_at),
	DB_COL(struct claim_round, decision),
	DB_COL(struct claim_round, approved_amount),
	DB_COL_NULL(struct claim_round, no_amount, "approved_amount"),
	DB_COL(struct claim_round, reason),
	DB_COL(struct claim_round, unconfirmed),
	DB_COL(struct claim_round, unconfirmed_reason),
	DB_COL(struct claim_round, reviewer_role),
	DB_COL(struct claim_round, reviewed_at),
};
static const struct db_rowmap claim_round_map =
    DB_ROWMAP(struct claim_round, claim_round_cols);

int
db_claim_history(struct db *db, int64_t order_id, struct db_rows *rows)
{
	return db_all(db, STMT_CLAIM_HISTORY, DB_ARGS(DB_I64(order_id)),
	    &claim_round_map, rows);
}

int
db_order_approved(struct db *db, int64_t order_id, int64_t reserved,
    time_t now)
{
	return db_dml(db, STMT_ORDER_APPROVED, DB_ARGS(DB_I64(reserved),
	    DB_TIME(now), DB_TIME(now), DB_I64(order_id)), NULL);
}

static const struct db_col flag_invoice_cols[] = {
	DB_COL(struct flag_invoice, order_id),
	DB_COL(struct flag_invoice, order_no),
	DB_COL(struct flag_invoice, status),
};
static const struct db_rowmap flag_invoice_map =
    DB_ROWMAP(struct flag_invoice, flag_invoice_cols);

int
db_flags_invoice(struct db *db, int64_t order_id, struct db_rows *rows)
{
	return db_all(db, STMT_FLAGS_INVOICE, DB_ARGS(DB_I64(order_id)),
	    &flag_invoice_map, rows);
}

static const struct db_col flag_file_cols[] = {
	DB_COL(struct flag_file, kind),
	DB_COL(struct flag_file, sha256),
	DB_COL(struct flag_file, order_id),
	DB_COL(struct flag_file, order_no),
	DB_COL(struct flag_file, other_kind),
};
static const struct db_rowmap flag_file_map =
    DB_ROWMAP(struct flag_file, flag_file_cols);

int
db_flags_file(struct db *db, int64_t order_id, struct db_rows *rows)
{
	return db_all(db, STMT_FLAGS_FILE, DB_ARGS(DB_I64(order_id)),
	    &flag_file_map, rows);
}

json_t *
db_review_page(struct db *db, const char *status, int64_t page,
    int64_t per_page, page_row_fn row_json, int *rc)
{
	return page_list_total(db, STMT_REVIEW_LIST, DB_ARGS(DB_STR(status),
	    DB_STR(status)), STMT_REVIEW_COUNT, DB_ARGS(DB_STR(status)), page,
	    per_page, row_json, rc);
}

/* ---- the other files ------------------------------------------------- */

struct count_row {
	int64_t n;
};
static const struct db_col count_cols[] = {
	DB_COL(struct count_row, n),
};
static const struct db_rowmap count_map = DB_ROWMAP(struct count_row,
    count_cols);

int
db_other_count(struct db *db, int64_t order_id, int64_t *n)
{
	struct count_row c = { 0 };
	int rc = db_one(db, STMT_OTHER_COUNT, DB_ARGS(DB_I64(order_id)),
	    &count_map, &c, NULL);

	*n = c.n;
	return rc;
}

struct slot_row {
	int64_t slot;
};
static const struct db_col slot_cols[] = {
	DB_COL(struct slot_row, slot),
};
static const struct db_rowmap slot_map = DB_ROWMAP(struct slot_row,
    slot_cols);

int
db_other_insert(struct db *db, int64_t order_id, const char *title,
    const struct upload *up, time_t now, int64_t account_id, int64_t *slot)
{
	struct slot_row s = { 0 };
	int rc = db_dml(db, STMT_OTHER_INSERT, DB_ARGS(DB_I64(order_id),
	    DB_STR(title), DB_STR(up->stored), DB_STR(up->content_type),
	    DB_I64(up->size), DB_STR(up->sha256), DB_TIME(now),
	    DB_I64(account_id), DB_I64(order_id)), NULL);

	if (rc == DB_OK)
		rc = db_one(db, STMT_OTHER_SLOT, DB_ARGS(DB_STR(up->stored)),
		    &slot_map, &s, NULL);
	*slot = s.slot;
	return rc;
}

static const struct db_col claim_other_cols[] = {
	DB_COL(struct claim_other, slot),
	DB_COL(struct claim_other, title),
	DB_COL(struct claim_other, size_bytes),
	DB_COL(struct claim_other, sha256),
	DB_COL(struct claim_other, uploaded_at),
};
static const struct db_rowmap claim_other_map =
    DB_ROWMAP(struct claim_other, claim_other_cols);

int
db_other_list(struct db *db, int64_t order_id, struct db_rows *rows)
{
	return db_all(db, STMT_OTHER_LIST, DB_ARGS(DB_I64(order_id)),
	    &claim_other_map, rows);
}

/* STMT_OTHER_LOCK: the file and its stored name. */
struct other_lock_row {
	struct claim_other f;
	const char        *stored_name;
};
static const struct db_col other_lock_cols[] = {
	DB_COL_AS(struct other_lock_row, f.slot, "slot"),
	DB_COL_AS(struct other_lock_row, f.title, "title"),
	DB_COL_AS(struct other_lock_row, f.size_bytes, "size_bytes"),
	DB_COL_AS(struct other_lock_row, f.sha256, "sha256"),
	DB_COL_AS(struct other_lock_row, f.uploaded_at, "uploaded_at"),
	DB_COL(struct other_lock_row, stored_name),
};
static const struct db_rowmap other_lock_map =
    DB_ROWMAP(struct other_lock_row, other_lock_cols);

int
db_other_lock(struct db *db, int64_t order_id, int64_t slot,
    struct claim_other *f, const char **stored_name, struct db_res **keep)
{
	struct other_lock_row l = { 0 };
	int rc = db_one(db, STMT_OTHER_LOCK, DB_ARGS(DB_I64(order_id),
	    DB_I64(slot)), &other_lock_map, &l, keep);

	*f = l.f;
	*stored_name = l.stored_name;
	return rc;
}

int
db_other_delete(struct db *db, int64_t order_id, int64_t slot)
{
	return db_dml(db, STMT_OTHER_DELETE, DB_ARGS(DB_I64(order_id),
	    DB_I64(slot)), NULL);
}

int
db_other_for_download(struct db *db, int64_t order_id, int64_t slot,
    struct file_download *f, struct db_res **keep)
{
	return db_one(db, STMT_OTHER_FOR_DOWNLOAD, DB_ARGS(DB_I64(slot),
	    DB_I64(order_id)), &file_download_map, f, keep);
}
