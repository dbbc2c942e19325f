/*
 * db.c - all SQL of the provider program, by statement id (provider.h).
 */
#include "provider.h"

const struct db_stmt provider_stmts[STMT__MAX] = {
	/* V2: provider id → barred_until */
	DB_STMT(STMT_PROVIDER_BARRED,
	"SELECT barred_until FROM providers WHERE id = ?"),
	/* O4: now, now, id */
	DB_STMT(STMT_ORDER_ACCEPTED,
	"UPDATE orders SET accepted_at = ?, updated_at = ? WHERE id = ?"),
	/* O8/O9: order, no, signed, start, amount, months, base, subsidy,
	 * self_paid, now, account */
	DB_STMT(STMT_CONTRACT_UPSERT,
	"INSERT INTO contracts (order_id, contract_no, signed_on,"
	" service_start_on, amount, period_months, base, subsidy, self_paid,"
	" recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON DUPLICATE KEY UPDATE contract_no = VALUES(contract_no),"
	" signed_on = VALUES(signed_on),"
	" service_start_on = VALUES(service_start_on),"
	" amount = VALUES(amount), period_months = VALUES(period_months),"
	" base = VALUES(base), subsidy = VALUES(subsidy),"
	" self_paid = VALUES(self_paid), updated_at = VALUES(recorded_at),"
	" recorded_by = VALUES(recorded_by)"),
	/* O9: reserved = subsidy, subsidy, now, now, id */
	DB_STMT(STMT_ORDER_CONTRACTED,
	"UPDATE orders SET reserved = ?, subsidy = ?,"
	" contracted_at = COALESCE(contracted_at, ?), updated_at = ?"
	" WHERE id = ?"),
	/* O8: id */
	DB_STMT(STMT_REFERENCE,
	"SELECT order_no, ordered_at, product_name, provider_id, status"
	" FROM orders WHERE id = ?"),
	/* R6, for a locked order: contract amount, the subsidy actually paid
	 * (listed amount, else approved amount, else the contract's subsidy),
	 * refunded so far, recovery due from refunds and from anything: id */
	DB_STMT(STMT_REFUND_FIGURES,
	"SELECT c.amount, COALESCE(pi.amount, cl.approved_amount, o.subsidy, 0),"
	" (SELECT COALESCE(SUM(f.amount), 0) FROM refunds f"
	" WHERE f.order_id = o.id),"
	" (SELECT COALESCE(SUM(x.amount_due), 0) FROM recoveries x"
	" WHERE x.order_id = o.id AND x.refund_id IS NOT NULL),"
	" (SELECT COALESCE(SUM(x.amount_due), 0) FROM recoveries x"
	" WHERE x.order_id = o.id)"
	" FROM orders o JOIN contracts c ON c.order_id = o.id"
	" LEFT JOIN publicity_items pi ON pi.order_id = o.id"
	" LEFT JOIN redemption_claims cl ON cl.order_id = o.id WHERE o.id = ?"),
	/* R6: order, kind, amount, reason, now, account */
	DB_STMT(STMT_REFUND_INSERT,
	"INSERT INTO refunds (order_id, kind, amount, reason, reported_at,"
	" reported_by) VALUES (?, ?, ?, ?, ?, ?)"),
	/* R6: order, refund, amount due, now, now */
	DB_STMT(STMT_REFUND_RECOVERY,
	"INSERT INTO recoveries (order_id, refund_id, amount_due,"
	" amount_returned, status, created_at, updated_at)"
	" VALUES (?, ?, ?, 0, 'open', ?, ?)"),
};
