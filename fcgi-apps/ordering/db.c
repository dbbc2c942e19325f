/*
 * db.c - all SQL of the ordering program, by statement id (ordering.h).
 * The order state machine's shared SQL is in shared/db_shared.c.
 */
#include "orders.h"
#include "ordering.h"

const struct db_stmt ordering_stmts[STMT__MAX] = {
	/* E1-E5 facts: enterprise id */
	DB_STMT(STMT_ENTERPRISE_FACTS,
	"SELECT id, name, tier, size_class, beijing_registered, is_enterprise,"
	" credit_flagged, barred_until, uscc FROM enterprises WHERE id = ?"),
	/* O2: round (NULL: current), product id */
	DB_STMT(STMT_PRODUCT_FOR_ORDER,
	"SELECT p.id, p.provider_id, p.name, p.voucher_price, p.unit_subsidy,"
	" p.validity_days, p.listed,"
	" p.round_year = COALESCE(?, (SELECT MAX(year) FROM rounds"
	" WHERE is_current = 1)) AS current_round, p.remaining_units,"
	" v.barred_until, v.name AS provider_name, p.market_price"
	" FROM products p JOIN providers v ON v.id = p.provider_id"
	" WHERE p.id = ?"),
	/* the year's quota row (E7 cap), created on the first order */
	DB_STMT(STMT_QUOTA_ENSURE,
	"INSERT INTO enterprise_quota (enterprise_id, year, cap, occupied)"
	" VALUES (?, ?, ?, 0) ON DUPLICATE KEY UPDATE cap = cap"),
	/* O3: locks the quota row first (lock order: quota, then product) */
	DB_STMT(STMT_QUOTA_LOCK,
	"SELECT cap, occupied FROM enterprise_quota"
	" WHERE enterprise_id = ? AND year = ? FOR UPDATE"),
	/* O3: amount, enterprise, year, amount — never past the cap */
	DB_STMT(STMT_QUOTA_RESERVE,
	"UPDATE enterprise_quota SET occupied = occupied + ?"
	" WHERE enterprise_id = ? AND year = ? AND occupied + ? <= cap"),
	/* the quota at now: now, now, enterprise, year */
	DB_STMT(STMT_QUOTA_EFFECTIVE,
	"SELECT q.cap, " QUOTA_EFFECTIVE_OCCUPIED("q") " AS occupied"
	" FROM enterprise_quota q WHERE q.enterprise_id = ? AND q.year = ?"),
	/* O3, P5: the hot guarded UPDATE — never below zero. Through the
	 * primary key only: the orders' foreign-key checks hold shared locks
	 * on the uq_products_id_provider entry, which this must not touch */
	DB_STMT(STMT_PRODUCT_TAKE_UNIT,
	"UPDATE products FORCE INDEX (PRIMARY)"
	" SET remaining_units = remaining_units - 1,"
	" units_sold = units_sold + 1"
	" WHERE id = ? AND remaining_units > 0 AND listed = 1"),
	DB_STMT(STMT_ORDER_INSERT,
	"INSERT INTO orders (order_no, enterprise_id, product_id, provider_id,"
	" year, status, product_name, voucher_price, validity_days,"
	" unit_subsidy, reserved, unit_held, ordered_at, accept_deadline,"
	" valid_until, updated_at)"
	" VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)"),
	/* idempotency: account, key, request hash, now */
	DB_STMT(STMT_IDEM_INSERT,
	"INSERT INTO idempotency_keys (account_id, idem_key, request_hash,"
	" state, created_at) VALUES (?, ?, ?, 'running', ?)"),
	DB_STMT(STMT_IDEM_GET,
	"SELECT request_hash, state, response_status, response_body, created_at"
	" FROM idempotency_keys WHERE account_id = ? AND idem_key = ?"),
	/* a key left running by a crashed worker: hash, now, account, key,
	 * stale-before */
	DB_STMT(STMT_IDEM_TAKEOVER,
	"UPDATE idempotency_keys SET request_hash = ?, created_at = ?"
	" WHERE account_id = ? AND idem_key = ? AND state = 'running'"
	" AND created_at < ?"),
	/* status, body, now, account, key */
	DB_STMT(STMT_IDEM_DONE,
	"UPDATE idempotency_keys SET state = 'done', response_status = ?,"
	" response_body = ?, completed_at = ?"
	" WHERE account_id = ? AND idem_key = ?"),
	DB_STMT(STMT_IDEM_DELETE,
	"DELETE FROM idempotency_keys WHERE account_id = ? AND idem_key = ?"
	" AND state = 'running'"),
	/* C1: now, now, id */
	DB_STMT(STMT_ORDER_CONFIRM,
	"UPDATE orders SET confirmed_at = ?, updated_at = ?"
	" WHERE id = ? AND confirmed_at IS NULL"),
	DB_STMT(STMT_EVALUATION_INSERT,
	"INSERT INTO evaluations (order_id, product_id, quality, timeliness,"
	" attitude, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
	/* C1: the product's public average (three aspects per evaluation) */
	DB_STMT(STMT_PRODUCT_RATE,
	"UPDATE products SET rating_sum = rating_sum + ?,"
	" rating_count = rating_count + 3 WHERE id = ?"),
	/* R1: the commitment form's data: order id */
	DB_STMT(STMT_COMMITMENT,
	"SELECT e.name, e.uscc, e.size_class, e.tier, o.order_no, o.ordered_at,"
	" o.product_name, v.name AS provider_name, o.voucher_price,"
	" o.unit_subsidy, o.valid_until, o.enterprise_id"
	" FROM orders o JOIN enterprises e ON e.id = o.enterprise_id"
	" JOIN providers v ON v.id = o.provider_id WHERE o.id = ?"),
};
