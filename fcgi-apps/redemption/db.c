/*
 * db.c - all SQL of the redemption program, by statement id
 * (redemption.h). The order state machine's SQL is in shared/db_shared.c.
 */
#include "orders.h"
#include "redemption.h"

const struct db_stmt redemption_stmts[STMT__MAX] = {
	/* V2: provider id -> barred_until */
	DB_STMT(STMT_PROVIDER_BARRED,
	"SELECT barred_until FROM providers WHERE id = ?"),
	/* R3: the claim's status and figures, locked (after the order):
	 * order id */
	DB_STMT(STMT_CLAIM_LOCK,
	"SELECT status, invoice_no, invoice_date, invoice_total,"
	" invoice_voucher_amount, invoice_self_paid, receipt_date,"
	" receipt_amount FROM redemption_claims WHERE order_id = ? FOR UPDATE"),
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
	DB_STMT(STMT_CLAIM_SUBMIT,
	"UPDATE redemption_claims SET status = 'submitted', submitted_at = ?,"
	" updated_at = ? WHERE order_id = ? AND status = 'draft'"),
	/* R3: now, now, order */
	DB_STMT(STMT_ORDER_SUBMITTED,
	"UPDATE orders SET submitted_at = ?, updated_at = ? WHERE id = ?"),
	/* R4: status, decision, approved amount, reason, reviewer, now, now,
	 * order */
	DB_STMT(STMT_CLAIM_DECIDE,
	"UPDATE redemption_claims SET status = ?, decision = ?,"
	" approved_amount = ?, reason = ?, reviewed_by = ?, reviewed_at = ?,"
	" updated_at = ? WHERE order_id = ? AND status = 'submitted'"),
	/* R4: reserved = approved amount, now, now, order */
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
	" o.valid_until, o.confirmed_at,"
	" c.order_id IS NOT NULL AS has_contract, c.contract_no, c.signed_on,"
	" c.amount, c.subsidy AS contract_subsidy, c.self_paid,"
	" COALESCE(cl.status, 'draft') AS status, cl.invoice_no,"
	" cl.invoice_date, cl.invoice_total, cl.invoice_voucher_amount,"
	" cl.invoice_self_paid, cl.receipt_date, cl.receipt_amount,"
	" cl.submitted_at, cl.decision, cl.approved_amount, cl.reason,"
	" cl.reviewed_at, cl.updated_at"
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
	/* R4: the reviewer's queue, oldest submission first: status, limit,
	 * offset */
	DB_STMT(STMT_REVIEW_LIST,
	"SELECT cl.order_id, o.order_no, cl.status, cl.submitted_at,"
	" cl.reviewed_at, cl.approved_amount, o.provider_id,"
	" v.name AS provider_name, o.enterprise_id,"
	" e.name AS enterprise_name, o.product_name, o.subsidy,"
	" cl.invoice_no, o.confirmed_at,"
	" EXISTS (SELECT 1 FROM redemption_claims c2"
	" WHERE c2.invoice_no = cl.invoice_no AND c2.order_id <> cl.order_id)"
	" AS duplicate_invoice,"
	" EXISTS (SELECT 1 FROM redemption_files f1 JOIN redemption_files f2"
	" ON f2.sha256 = f1.sha256 AND f2.order_id <> f1.order_id"
	" WHERE f1.order_id = cl.order_id) AS duplicate_file"
	" FROM redemption_claims cl JOIN orders o ON o.id = cl.order_id"
	" JOIN providers v ON v.id = o.provider_id"
	" JOIN enterprises e ON e.id = o.enterprise_id"
	" WHERE cl.status = ?"
	" ORDER BY cl.submitted_at, cl.order_id LIMIT ? OFFSET ?"),
	/* status */
	DB_STMT(STMT_REVIEW_COUNT,
	"SELECT COUNT(*) FROM redemption_claims WHERE status = ?"),
};
