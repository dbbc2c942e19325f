/*
 * db.c - all SQL of the collection program, by statement id
 * (collection.h). Rows are locked in one order: the application first,
 * then its attachments / products, then the catalog's products.
 */
#include "collection.h"

/* The state changes are guarded UPDATEs: two racing submits or decisions
 * cannot both win (the loser changes no row: DB_NOTFOUND). */
#define EDITABLE " state IN ('draft', 'returned')"

const struct db_stmt collection_stmts[STMT__MAX] = {
	/* the round a new application belongs to (P2): VOUCHER_ROUND or the
	 * current one: year or NULL -> year, window (A2) */
	DB_STMT(STMT_ROUND_CURRENT,
	"SELECT year, apply_opens_on, apply_closes_on FROM rounds WHERE year ="
	" COALESCE(?, (SELECT MAX(year) FROM rounds WHERE is_current = 1))"),
	/* A2: the window of a round: year */
	DB_STMT(STMT_ROUND_OF,
	"SELECT apply_opens_on, apply_closes_on FROM rounds WHERE year = ?"),
	/* A1: the bureau's record of a provider (credit, bar): id */
	DB_STMT(STMT_PROVIDER_FACTS,
	"SELECT name, credit_flagged, barred_until FROM providers WHERE id = ?"),
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
	" a.review_comment, a.decided_at, a.form_json"
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
	" a.decided_at, a.review_comment"
	" FROM product_applications a"
	" FORCE INDEX (ix_applications_provider_id) WHERE a.provider_id = ?"
	" AND (? IS NULL OR a.state = ?)"
	" ORDER BY a.id DESC LIMIT ? OFFSET ?"),
	/* provider, status or NULL (twice) */
	DB_STMT(STMT_APP_COUNT_PROVIDER,
	"SELECT COUNT(*) FROM product_applications WHERE provider_id = ?"
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
	" AS product_names"
	" FROM product_applications a JOIN providers v ON v.id = a.provider_id"
	" WHERE a.state = ? AND a.submit_count > 0"
	" ORDER BY a.preferred DESC, a.last_submitted_at, a.id"
	" LIMIT ? OFFSET ?"),
	/* status */
	DB_STMT(STMT_REVIEW_COUNT,
	"SELECT COUNT(*) FROM product_applications WHERE state = ?"
	" AND submit_count > 0"),
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
	/* A3: the items uploaded: application */
	DB_STMT(STMT_ATT_ITEMS,
	"SELECT item_code FROM application_attachments"
	" WHERE application_id = ?"),
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
