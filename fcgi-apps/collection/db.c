/*
 * db.c - all SQL of the collection program, by statement id
 * (collection.h), and the typed functions over it: rows are read into
 * named structs by column alias (a reordered SELECT fills the same
 * members), parameters are passed as DB_ARGS. Rows are locked in one
 * order: the application first, then its attachments / products, then
 * the catalog's products.
 */
#include "collection.h"
#include "page.h"
#include "upload.h"

/* The state changes are guarded UPDATEs: two racing submits or decisions
 * cannot both win (the loser changes no row: DB_NOTFOUND). */
#define EDITABLE " state IN ('draft', 'returned')"

const struct db_stmt collection_stmts[STMT__MAX] = {
	/* A2: the window of a round (and whether there is one): year */
	DB_STMT(STMT_ROUND_OF,
	"SELECT apply_opens_on, apply_closes_on FROM rounds WHERE year = ?"),
	/* A1: the bureau's record of a provider (credit, bar): id */
	DB_STMT(STMT_PROVIDER_FACTS,
	"SELECT credit_flagged, barred_until FROM providers WHERE id = ?"),
	/* A4: a new draft: round, provider, form, now, now */
	DB_STMT(STMT_APP_INSERT,
	"INSERT INTO product_applications (round_year, provider_id, state,"
	" form_json, created_at, updated_at) VALUES (?, ?, 'draft', ?, ?, ?)"),
	/* the application a write changes, locked first: id */
	DB_STMT(STMT_APP_LOCK,
	"SELECT id, provider_id, state, round_year, form_json, submit_count"
	" FROM product_applications WHERE id = ? FOR UPDATE"),
	/* one application in full: id */
	DB_STMT(STMT_APP_VIEW,
	"SELECT a.id, a.round_year, a.provider_id, v.name AS provider_name,"
	" a.state AS status, a.created_at, a.updated_at, a.last_saved_at,"
	" a.last_submitted_at, a.submit_count, a.preferred,"
	" a.reviewer_opinion, a.reviewer_comment, a.reviewed_at,"
	" a.review_comment, a.decided_at, a.form_json,"
	" (SELECT DATE_FORMAT(w.apply_closes_on, '%Y-%m-%d') FROM rounds w"
	" WHERE w.year = a.round_year) AS window_closes_on"
	" FROM product_applications a JOIN providers v ON v.id = a.provider_id"
	" WHERE a.id = ?"),
	/* A4 临时保存: form, now, id */
	DB_STMT(STMT_APP_FORM_DRAFT,
	"UPDATE product_applications SET form_json = ?, updated_at = ?"
	" WHERE id = ? AND" EDITABLE),
	/* A4 保存 (checked): form, beijing_registered, main_body_beijing,
	 * has_premises, established_on, credit_ok, revenue_year_before,
	 * last_year_revenue, last_year_contracts, beijing_clients,
	 * national_clients, preferred, now, now, id */
	DB_STMT(STMT_APP_FORM_SAVE,
	"UPDATE product_applications SET form_json = ?, beijing_registered = ?,"
	" main_body_beijing = ?, has_premises = ?, established_on = ?,"
	" credit_ok = ?, revenue_year_before = ?, last_year_revenue = ?,"
	" last_year_contracts = ?, beijing_clients_last_year = ?,"
	" national_clients_last_year = ?, preferred = ?, updated_at = ?,"
	" last_saved_at = ? WHERE id = ? AND" EDITABLE),
	/* A4 提交: the freeze, and a fresh review: now, now, id */
	DB_STMT(STMT_APP_SUBMIT,
	"UPDATE product_applications SET state = 'pending',"
	" last_submitted_at = ?, submit_count = submit_count + 1,"
	" reviewer_opinion = NULL, reviewer_comment = NULL, reviewed_by = NULL,"
	" reviewed_at = NULL, updated_at = ? WHERE id = ? AND" EDITABLE),
	/* A5/A6 the bureau's decision: state, comment, account, now, now, id */
	DB_STMT(STMT_APP_DECIDE,
	"UPDATE product_applications SET state = ?, review_comment = ?,"
	" decided_by = ?, decided_at = ?, updated_at = ?"
	" WHERE id = ? AND state = 'pending'"),
	/* the reviewer's opinion (初审): opinion, comment, account, now, now,
	 * id */
	DB_STMT(STMT_APP_OPINION,
	"UPDATE product_applications SET reviewer_opinion = ?,"
	" reviewer_comment = ?, reviewed_by = ?, reviewed_at = ?,"
	" updated_at = ? WHERE id = ? AND state = 'pending'"),
	/* A5 我的申报: provider, status or NULL (twice), limit, offset */
	DB_STMT(STMT_APP_LIST_PROVIDER,
	"SELECT a.id, a.round_year, a.state AS status,"
	" JSON_VALUE(a.form_json, '$.products[0].name') AS title,"
	" a.created_at, a.updated_at, a.last_submitted_at, a.submit_count,"
	" a.decided_at, a.review_comment,"
	" (SELECT DATE_FORMAT(w.apply_closes_on, '%Y-%m-%d') FROM rounds w"
	" WHERE w.year = a.round_year) AS window_closes_on"
	" FROM product_applications a"
	" FORCE INDEX (ix_applications_provider_id) WHERE a.provider_id = ?"
	" AND (? IS NULL OR a.state = ?)"
	" ORDER BY a.id DESC LIMIT ? OFFSET ?"),
	/* provider, status or NULL (twice) */
	DB_STMT(STMT_APP_COUNT_PROVIDER,
	"SELECT COUNT(*) AS total FROM product_applications"
	" WHERE provider_id = ?"
	" AND (? IS NULL OR state = ?)"),
	/* the review queue, A7 order (rule_a7_cmp): status, limit, offset */
	DB_STMT(STMT_REVIEW_LIST,
	"SELECT a.id, a.round_year, a.provider_id, v.name AS provider_name,"
	" a.state AS status, a.preferred, a.last_submitted_at,"
	" a.submit_count, a.reviewer_opinion, a.reviewed_at, a.decided_at,"
	" (SELECT COUNT(*) FROM application_products p"
	"  WHERE p.application_id = a.id) AS product_count,"
	" (SELECT GROUP_CONCAT(p.name ORDER BY p.seq SEPARATOR '、')"
	"  FROM application_products p WHERE p.application_id = a.id)"
	" AS product_names,"
	" (SELECT DATE_FORMAT(w.apply_closes_on, '%Y-%m-%d') FROM rounds w"
	" WHERE w.year = a.round_year) AS window_closes_on"
	" FROM product_applications a JOIN providers v ON v.id = a.provider_id"
	" WHERE a.state = ? AND a.submit_count > 0"
	" ORDER BY a.preferred DESC, a.last_submitted_at, a.id"
	" LIMIT ? OFFSET ?"),
	/* the submitted ones' total kept per state by 022_queue_counts.sql's
	 * triggers (slots): status */
	DB_STMT(STMT_REVIEW_COUNT,
	"SELECT CAST(COALESCE(SUM(n), 0) AS SIGNED) AS total"
	" FROM application_counts WHERE state = ?"),
	/* a checked save rewrites the products: application */
	DB_STMT(STMT_PRODUCTS_DELETE,
	"DELETE FROM application_products WHERE application_id = ?"),
	/* application, seq, category, name, description, market, voucher,
	 * requested units, requested days, bj revenue before, bj revenue last,
	 * bj clients last, premium clients, has_ip, bj clients served, now,
	 * now */
	DB_STMT(STMT_PRODUCT_ROW_INSERT,
	"INSERT INTO application_products (application_id, seq, category,"
	" name, description, market_price, voucher_price, requested_units,"
	" requested_validity_days, beijing_revenue_year_before,"
	" beijing_revenue_last_year, beijing_clients_last_year,"
	" premium_clients_served, has_ip, beijing_clients_served, created_at,"
	" updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
	/* application */
	DB_STMT(STMT_PRODUCTS_OF,
	"SELECT seq, category, name, description, market_price, voucher_price,"
	" requested_units, requested_validity_days,"
	" beijing_revenue_year_before, beijing_revenue_last_year,"
	" beijing_clients_last_year, premium_clients_served, has_ip,"
	" beijing_clients_served, approved_units, approved_validity_days,"
	" product_id FROM application_products WHERE application_id = ?"
	" ORDER BY seq"),
	/* A6: units, days, product, now, application, seq */
	DB_STMT(STMT_PRODUCT_APPROVE,
	"UPDATE application_products SET approved_units = ?,"
	" approved_validity_days = ?, product_id = ?, updated_at = ?"
	" WHERE application_id = ? AND seq = ?"),
	/* A6: the listing: round, provider, category, name, description,
	 * market, voucher, unit subsidy (P4), units, units, days,
	 * application, now, now */
	DB_STMT(STMT_CATALOG_INSERT,
	"INSERT INTO products (round_year, provider_id, category, name,"
	" description, market_price, voucher_price, unit_subsidy, units_total,"
	" remaining_units, validity_days, listed, application_id, created_at,"
	" updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"),
	/* A3: the file an upload replaces (after the application's lock):
	 * application, item */
	DB_STMT(STMT_ATT_LOCK,
	"SELECT stored_name, original_name, size_bytes, sha256"
	" FROM application_attachments WHERE application_id = ?"
	" AND item_code = ? FOR UPDATE"),
	/* A3: one file per item: application, item, name, stored, content
	 * type, size, sha256, now, account */
	DB_STMT(STMT_ATT_UPSERT,
	"INSERT INTO application_attachments (application_id, item_code,"
	" original_name, stored_name, content_type, size_bytes, sha256,"
	" uploaded_at, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON DUPLICATE KEY UPDATE original_name = VALUES(original_name),"
	" stored_name = VALUES(stored_name),"
	" content_type = VALUES(content_type),"
	" size_bytes = VALUES(size_bytes), sha256 = VALUES(sha256),"
	" uploaded_at = VALUES(uploaded_at), uploaded_by = VALUES(uploaded_by)"),
	/* application, item */
	DB_STMT(STMT_ATT_DELETE,
	"DELETE FROM application_attachments WHERE application_id = ?"
	" AND item_code = ?"),
	/* 附件管理: application, LIKE pattern or NULL (twice) */
	DB_STMT(STMT_ATT_LIST,
	"SELECT item_code, original_name, content_type, size_bytes, sha256,"
	" uploaded_at FROM application_attachments WHERE application_id = ?"
	" AND (? IS NULL OR original_name LIKE ?) ORDER BY id"),
	/* a download: item, application -> its owner and the file (NULL when
	 * not uploaded) */
	DB_STMT(STMT_ATT_GET,
	"SELECT a.provider_id, a.submit_count, f.stored_name, f.content_type"
	" FROM product_applications a LEFT JOIN application_attachments f"
	" ON f.application_id = a.id AND f.item_code = ? WHERE a.id = ?"),
	/* A5: application, now, account, role, action, opinion, from, to,
	 * comment, request id */
	DB_STMT(STMT_EVENT_INSERT,
	"INSERT INTO application_events (application_id, at, actor_account_id,"
	" actor_role, action, opinion, from_state, to_state, comment,"
	" request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
	/* application */
	DB_STMT(STMT_EVENTS_OF,
	"SELECT at, actor_role, action, opinion, from_state, to_state, comment"
	" FROM application_events WHERE application_id = ? ORDER BY id"),
};

/* A DATE parameter from y*10000+m*100+d. */
#define DB_YMD(ymd) DB_DATE((ymd) / 10000, (ymd) / 100 % 100, (ymd) % 100)

/* ---- rounds and providers -------------------------------------------- */

static const struct db_col round_window_cols[] = {
	DB_COL(struct round_window, apply_opens_on),
	DB_COL(struct round_window, apply_closes_on),
};
static const struct db_rowmap round_window_map =
    DB_ROWMAP(struct round_window, round_window_cols);

int
db_round_window(struct db *db, int year, struct round_window *w)
{
	return db_one(db, STMT_ROUND_OF, DB_ARGS(DB_I64(year)),
	    &round_window_map, w, NULL);
}

static const struct db_col provider_facts_cols[] = {
	DB_COL(struct provider_facts, credit_flagged),
	DB_COL(struct provider_facts, barred_until),
};
static const struct db_rowmap provider_facts_map =
    DB_ROWMAP(struct provider_facts, provider_facts_cols);

int
db_provider_facts(struct db *db, int64_t id, struct provider_facts *f)
{
	return db_one(db, STMT_PROVIDER_FACTS, DB_ARGS(DB_I64(id)),
	    &provider_facts_map, f, NULL);
}

/* ---- applications ---------------------------------------------------- */

int
db_app_insert(struct db *db, int year, int64_t provider_id, const char *form,
    time_t now, int64_t *id)
{
	uint64_t new_id = 0;
	int rc = db_dml(db, STMT_APP_INSERT, DB_ARGS(DB_I64(year),
	    DB_I64(provider_id), DB_STR(form), DB_TIME(now), DB_TIME(now)),
	    &new_id);

	*id = (int64_t)new_id;
	return rc;
}

static const struct db_col app_lock_cols[] = {
	DB_COL(struct app_lock, id),
	DB_COL(struct app_lock, provider_id),
	DB_COL(struct app_lock, state),
	DB_COL(struct app_lock, round_year),
	DB_COL(struct app_lock, form_json),
	DB_COL(struct app_lock, submit_count),
};
static const struct db_rowmap app_lock_map = DB_ROWMAP(struct app_lock,
    app_lock_cols);

int
db_app_lock(struct db *db, int64_t id, struct app_lock *a,
    struct db_res **keep)
{
	return db_one(db, STMT_APP_LOCK, DB_ARGS(DB_I64(id)), &app_lock_map, a,
	    keep);
}

static const struct db_col app_view_cols[] = {
	DB_COL(struct app_view, provider_id),
	DB_COL(struct app_view, submit_count),
	DB_COL(struct app_view, status),
	DB_COL(struct app_view, preferred),
	DB_COL(struct app_view, form_json),
};
static const struct db_rowmap app_view_map = DB_ROWMAP(struct app_view,
    app_view_cols);

int
db_app_view(struct db *db, int64_t id, struct app_view *v,
    struct db_res **keep)
{
	return db_one(db, STMT_APP_VIEW, DB_ARGS(DB_I64(id)), &app_view_map, v,
	    keep);
}

int
db_app_form_draft(struct db *db, int64_t id, const char *form, time_t now)
{
	return db_dml(db, STMT_APP_FORM_DRAFT, DB_ARGS(DB_STR(form),
	    DB_TIME(now), DB_I64(id)), NULL);
}

int
db_app_form_save(struct db *db, int64_t id, const char *form,
    const struct form *f, time_t now)
{
	return db_dml(db, STMT_APP_FORM_SAVE, DB_ARGS(
	    DB_STR(form), DB_BOOL(f->beijing_registered),
	    DB_BOOL(f->main_body_beijing), DB_BOOL(f->has_premises),
	    DB_YMD(f->established_ymd), DB_BOOL(f->credit_ok),
	    DB_I64(f->revenue_year_before), DB_I64(f->revenue_last_year),
	    DB_I64(f->last_year_contracts),
	    DB_I64(f->beijing_clients_last_year),
	    DB_I64(f->national_clients_last_year), DB_BOOL(f->preferred),
	    DB_TIME(now), DB_TIME(now), DB_I64(id)), NULL);
}

int
db_app_submit(struct db *db, int64_t id, time_t now)
{
	return db_dml(db, STMT_APP_SUBMIT, DB_ARGS(DB_TIME(now), DB_TIME(now),
	    DB_I64(id)), NULL);
}

int
db_app_decide(struct db *db, int64_t id, const char *to, const char *comment,
    int64_t account_id, time_t now)
{
	return db_dml(db, STMT_APP_DECIDE, DB_ARGS(DB_STR(to), DB_STR(comment),
	    DB_I64(account_id), DB_TIME(now), DB_TIME(now), DB_I64(id)), NULL);
}

int
db_app_opinion(struct db *db, int64_t id, const char *opinion,
    const char *comment, int64_t account_id, time_t now)
{
	return db_dml(db, STMT_APP_OPINION, DB_ARGS(DB_STR(opinion),
	    DB_STR(comment), DB_I64(account_id), DB_TIME(now), DB_TIME(now),
	    DB_I64(id)), NULL);
}

json_t *
db_app_page(struct db *db, int64_t provider_id, const char *status,
    int64_t page, int64_t per_page, page_row_fn row_json, int *rc)
{
	/* a NULL status binds SQL NULL: every state */
	return page_list(db, STMT_APP_LIST_PROVIDER, DB_ARGS(
	    DB_I64(provider_id), DB_STR(status), DB_STR(status)),
	    STMT_APP_COUNT_PROVIDER, DB_ARGS(DB_I64(provider_id),
	    DB_STR(status), DB_STR(status)), page, per_page, row_json, rc);
}

json_t *
db_review_page(struct db *db, const char *status, int64_t page,
    int64_t per_page, page_row_fn row_json, int *rc)
{
	return page_list(db, STMT_REVIEW_LIST, DB_ARGS(DB_STR(status)),
	    STMT_REVIEW_COUNT, DB_ARGS(DB_STR(status)), page, per_page,
	    row_json, rc);
}

/* ---- products -------------------------------------------------------- */

int
db_products_delete(struct db *db, int64_t id)
{
	return db_exec(db, STMT_PRODUCTS_DELETE, DB_ARGS(DB_I64(id)), NULL,
	    NULL, NULL);
}

int
db_product_insert(struct db *db, int64_t id, int seq,
    const struct form_product *p, time_t now)
{
	/* the optional figures are SQL NULL when not given (< 0) */
	return db_dml(db, STMT_PRODUCT_ROW_INSERT, DB_ARGS(
	    DB_I64(id), DB_I64(seq), DB_STR(p->category), DB_STR(p->name),
	    DB_STR(p->description), DB_I64(p->market_price),
	    DB_I64(p->voucher_price),
	    p->requested_units >= 0 ? DB_I64(p->requested_units) : DB_NULLP,
	    p->requested_validity_days >= 0 ?
	    DB_I64(p->requested_validity_days) : DB_NULLP,
	    DB_I64(p->beijing_revenue_year_before),
	    DB_I64(p->beijing_revenue_last_year),
	    DB_I64(p->beijing_clients_last_year),
	    DB_I64(p->premium_clients_served),
	    p->has_ip >= 0 ? DB_BOOL(p->has_ip) : DB_NULLP,
	    p->beijing_clients_served >= 0 ?
	    DB_I64(p->beijing_clients_served) : DB_NULLP,
	    DB_TIME(now), DB_TIME(now)), NULL);
}

static const struct db_col app_product_cols[] = {
	DB_COL(struct app_product, seq),
	DB_COL(struct app_product, category),
	DB_COL(struct app_product, name),
	DB_COL(struct app_product, description),
	DB_COL(struct app_product, market_price),
	DB_COL(struct app_product, voucher_price),
};
static const struct db_rowmap app_product_map =
    DB_ROWMAP(struct app_product, app_product_cols);

int
db_products_of(struct db *db, int64_t id, struct db_rows *rows)
{
	return db_all(db, STMT_PRODUCTS_OF, DB_ARGS(DB_I64(id)),
	    &app_product_map, rows);
}

int
db_catalog_insert(struct db *db, const struct listing *l, time_t now,
    int64_t *product_id)
{
	uint64_t pid = 0;
	int rc = db_dml(db, STMT_CATALOG_INSERT, DB_ARGS(
	    DB_I64(l->round_year), DB_I64(l->provider_id),
	    DB_STR(l->p->category), DB_STR(l->p->name),
	    DB_STR(l->p->description), DB_I64(l->p->market_price),
	    DB_I64(l->p->voucher_price), DB_I64(l->unit_subsidy),
	    DB_I64(l->units), DB_I64(l->units), DB_I64(l->validity_days),
	    DB_I64(l->application_id), DB_TIME(now), DB_TIME(now)), &pid);

	*product_id = (int64_t)pid;
	return rc;
}

int
db_product_approve(struct db *db, int64_t id, int seq, int64_t units,
    int64_t validity_days, int64_t product_id, time_t now)
{
	return db_dml(db, STMT_PRODUCT_APPROVE, DB_ARGS(DB_I64(units),
	    DB_I64(validity_days), DB_I64(product_id), DB_TIME(now),
	    DB_I64(id), DB_I64(seq)), NULL);
}

/* ---- attachments ----------------------------------------------------- */

static const struct db_col att_lock_cols[] = {
	DB_COL(struct att_lock, stored_name),
	DB_COL(struct att_lock, original_name),
	DB_COL(struct att_lock, size_bytes),
	DB_COL(struct att_lock, sha256),
};
static const struct db_rowmap att_lock_map = DB_ROWMAP(struct att_lock,
    att_lock_cols);

int
db_att_lock(struct db *db, int64_t id, const char *item, struct att_lock *a,
    struct db_res **keep)
{
	return db_one(db, STMT_ATT_LOCK, DB_ARGS(DB_I64(id), DB_STR(item)),
	    &att_lock_map, a, keep);
}

int
db_att_upsert(struct db *db, int64_t id, const char *item, const char *name,
    const struct upload *up, time_t now, int64_t account_id)
{
	return db_dml(db, STMT_ATT_UPSERT, DB_ARGS(
	    DB_I64(id), DB_STR(item), DB_STR(name), DB_STR(up->stored),
	    DB_STR(up->content_type), DB_I64(up->size), DB_STR(up->sha256),
	    DB_TIME(now), DB_I64(account_id)), NULL);
}

int
db_att_delete(struct db *db, int64_t id, const char *item)
{
	return db_dml(db, STMT_ATT_DELETE, DB_ARGS(DB_I64(id), DB_STR(item)),
	    NULL);
}

static const struct db_col att_row_cols[] = {
	DB_COL(struct att_row, item_code),
	DB_COL(struct att_row, original_name),
	DB_COL(struct att_row, content_type),
	DB_COL(struct att_row, size_bytes),
	DB_COL(struct att_row, sha256),
	DB_COL(struct att_row, uploaded_at),
};
static const struct db_rowmap att_row_map = DB_ROWMAP(struct att_row,
    att_row_cols);

int
db_att_list(struct db *db, int64_t id, const char *like,
    struct db_rows *rows)
{
	/* a NULL pattern binds SQL NULL: every file */
	return db_all(db, STMT_ATT_LIST, DB_ARGS(DB_I64(id), DB_STR(like),
	    DB_STR(like)), &att_row_map, rows);
}

static const struct db_col att_file_cols[] = {
	DB_COL(struct att_file, provider_id),
	DB_COL(struct att_file, submit_count),
	DB_COL(struct att_file, stored_name),
	DB_COL(struct att_file, content_type),
};
static const struct db_rowmap att_file_map = DB_ROWMAP(struct att_file,
    att_file_cols);

int
db_att_get(struct db *db, int64_t id, const char *item, struct att_file *f,
    struct db_res **keep)
{
	return db_one(db, STMT_ATT_GET, DB_ARGS(DB_STR(item), DB_I64(id)),
	    &att_file_map, f, keep);
}

/* ---- events ---------------------------------------------------------- */

int
db_app_event(struct db *db, const struct app_event_row *e)
{
	return db_dml(db, STMT_EVENT_INSERT, DB_ARGS(DB_I64(e->application_id),
	    DB_TIME(e->at), DB_I64(e->account_id), DB_STR(e->role),
	    DB_STR(e->action), DB_STR(e->opinion), DB_STR(e->from),
	    DB_STR(e->to), DB_STR(e->comment), DB_STR(e->request_id)), NULL);
}

int
db_app_events_json(struct db *db, int64_t id, json_t **history)
{
	struct db_res *res = NULL;
	int rc = db_exec(db, STMT_EVENTS_OF, DB_ARGS(DB_I64(id)), &res, NULL,
	    NULL);

	*history = rc == DB_OK ? db_rows_json(res) : NULL;
	db_res_free(res);
	return rc;
}
