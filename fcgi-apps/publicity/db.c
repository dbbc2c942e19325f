/*
 * db.c - all SQL of the publicity program, by statement id (publicity.h).
 * The order state machine's shared SQL is in shared/db_shared.c.
 *
 * Locks are always taken in one order: the chain head, then a batch, then
 * its items, then an order (then, through orders.c, the quota and the
 * product). Reads that feed a decision and are not locked are marked
 * "(plain read)": they only feed a choice that a locked row re-checks.
 */
#include "orders.h"
#include "publicity.h"

/* A batch as the public sees it; one param: now (in_period). */
#define PUB_BATCH_COLS \
	"id, seq, title, status, published_at, period_ends_at, period_days," \
	" (status = 'published' AND period_ends_at > ?) AS in_period," \
	" item_count, total_amount, paid_on, file_sha256, prev_sha256"

/* A batch as the bureau sees it (no file bytes); one param: now. */
#define BATCH_COLS \
	PUB_BATCH_COLS ", signature, key_sha256, created_at, created_by," \
	" published_by, paid_at, paid_by"

/* The subsidy actually paid for an order (R5, R6): the listed amount,
 * else the approved amount, else the contract's subsidy. Needs the joins
 * PAID_JOINS. */
#define PAID_SUBSIDY "COALESCE(pi.amount, cl.approved_amount, o.subsidy, 0)"
#define PAID_JOINS \
	" LEFT JOIN publicity_items pi ON pi.order_id = o.id" \
	" LEFT JOIN redemption_claims cl ON cl.order_id = o.id"

#define FEEDBACK_COLS \
	"f.id, f.tracking_no, f.status, f.text, f.contact, f.note," \
	" f.created_at, f.decided_at, f.decided_by, f.client_ip, f.item_id," \
	" i.batch_id, i.order_id, i.provider_name AS provider," \
	" i.product_name AS product, i.amount, i.objection_status, i.withdrawn" \
	" FROM feedback f JOIN publicity_items i ON i.id = f.item_id"

#define RECOVERY_COLS \
	"r.id, r.order_id, o.order_no, o.status AS order_status," \
	" o.provider_id, v.name AS provider_name, o.enterprise_id," \
	" e.name AS enterprise_name," \
	" IF(r.refund_id IS NOT NULL, 'refund', 'violation') AS source," \
	" r.refund_id, r.violation_id, r.amount_due, r.amount_returned," \
	" r.amount_due - r.amount_returned AS outstanding, r.returned_on," \
	" r.status, r.created_at, r.updated_at" \
	" FROM recoveries r JOIN orders o ON o.id = r.order_id" \
	" JOIN providers v ON v.id = o.provider_id" \
	" JOIN enterprises e ON e.id = o.enterprise_id"

/* params: status x2, due (0/1), order x2 */
#define RECOVERY_WHERE \
	" WHERE (? IS NULL OR r.status = ?)" \
	" AND (? = 0 OR r.status IN ('open', 'partial'))" \
	" AND (? IS NULL OR r.order_id = ?)"

#define VIOLATION_COLS \
	"x.id, x.party, x.party_id," \
	" IF(x.party = 'enterprise', (SELECT name FROM enterprises" \
	" WHERE id = x.party_id), (SELECT name FROM providers" \
	" WHERE id = x.party_id)) AS party_name," \
	" x.kind, x.description, x.order_id, x.recorded_at, x.recorded_by," \
	" x.barred_until FROM violations x"

#define AUDIT_COLS \
	"a.id, a.at, a.actor_account_id, ac.login AS actor_login," \
	" a.actor_role, a.action, a.entity, a.entity_id, a.before_json," \
	" a.after_json, a.request_id" \
	" FROM audit_log a LEFT JOIN accounts ac ON ac.id = a.actor_account_id"

/* Orders a V2 bar terminates or recovers from: not final, or paid. */
#define PARTY_ORDERS(col) \
	"SELECT o.id, i.id AS item_id, o.status FROM orders o" \
	" LEFT JOIN publicity_items i ON i.order_id = o.id" \
	" WHERE o." col " = ? AND o.status IN ('pending', 'accepted'," \
	" 'contracted', 'submitted', 'approved', 'publicized', 'paid')" \
	" ORDER BY o.id"

const struct db_stmt publicity_stmts[STMT__MAX] = {
	/* ---- public reads ------------------------------------------------ */

	/* R5: now, limit, offset */
	DB_STMT(STMT_PUB_BATCHES,
	"SELECT " PUB_BATCH_COLS " FROM publicity_batches"
	" WHERE status IN " PUB_VISIBLE
	" ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?"),
	DB_STMT(STMT_PUB_BATCHES_COUNT,
	"SELECT COUNT(*) FROM publicity_batches WHERE status IN " PUB_VISIBLE),
	/* now, id */
	DB_STMT(STMT_PUB_BATCH,
	"SELECT " PUB_BATCH_COLS " FROM publicity_batches"
	" WHERE id = ? AND status IN " PUB_VISIBLE),
	/* R5, no enterprise data: batch, q, like, like, limit, offset. The
	 * batch's own index gives its items in id order (no sort); the
	 * category name comes from the fixed P1 table in the program. */
	DB_STMT(STMT_PUB_ITEMS,
	"SELECT i.id, i.provider_name AS provider, i.product_name AS product,"
	" i.category, i.amount, i.objection_status, i.withdrawn"
	" FROM publicity_items i FORCE INDEX (ix_publicity_items_batch)"
	" JOIN publicity_batches b ON b.id = i.batch_id"
	" WHERE i.batch_id = ? AND b.status IN " PUB_VISIBLE
	" AND (? IS NULL OR i.provider_name LIKE ? OR i.product_name LIKE ?)"
	" ORDER BY i.id LIMIT ? OFFSET ?"),
	/* the total of a longer list (and whether the batch is public):
	 * q, like, like, batch */
	DB_STMT(STMT_PUB_ITEMS_COUNT,
	"SELECT (SELECT COUNT(*) FROM publicity_items i WHERE i.batch_id = b.id"
	" AND (? IS NULL OR i.provider_name LIKE ? OR i.product_name LIKE ?))"
	" AS n FROM publicity_batches b WHERE b.id = ? AND b.status IN "
	PUB_VISIBLE),
	/* every item of a public batch (CSV): batch */
	DB_STMT(STMT_PUB_ITEMS_ALL,
	"SELECT i.id, i.provider_name, i.product_name, i.category,"
	" i.amount, i.objection_status, i.withdrawn"
	" FROM publicity_items i FORCE INDEX (ix_publicity_items_batch)"
	" WHERE i.batch_id = ? ORDER BY i.id"),
	/* the signed file: id */
	DB_STMT(STMT_PUB_FILE,
	"SELECT file_json, signature, file_sha256 FROM publicity_batches"
	" WHERE id = ? AND status IN " PUB_VISIBLE " AND file_json IS NOT NULL"),
	/* R5 follow-up: tracking number */
	DB_STMT(STMT_PUB_FEEDBACK,
	"SELECT f.tracking_no, f.status, f.note, f.created_at, f.decided_at,"
	" f.item_id, i.batch_id, i.provider_name AS provider,"
	" i.product_name AS product, i.amount, i.objection_status, i.withdrawn"
	" FROM feedback f JOIN publicity_items i ON i.id = f.item_id"
	" WHERE f.tracking_no = ?"),

	/* ---- feedback -------------------------------------------------- */

	/* id */
	DB_STMT(STMT_ITEM_LOCK,
	"SELECT id, batch_id, order_id, amount, objection_status, withdrawn,"
	" paid_on FROM publicity_items WHERE id = ? FOR UPDATE"),
	/* (plain read) id */
	DB_STMT(STMT_BATCH_GET,
	"SELECT id, status, published_at, period_ends_at, title"
	" FROM publicity_batches WHERE id = ?"),
	/* item, tracking no, text, contact, now, client address */
	DB_STMT(STMT_FEEDBACK_INSERT,
	"INSERT INTO feedback (item_id, tracking_no, text, contact, status,"
	" created_at, client_ip) VALUES (?, ?, ?, ?, 'open', ?, ?)"),
	/* objection status, item */
	DB_STMT(STMT_ITEM_SET_OBJECTION,
	"UPDATE publicity_items SET objection_status = ? WHERE id = ?"),
	/* (plain read) feedback id → its item */
	DB_STMT(STMT_FEEDBACK_ITEM,
	"SELECT item_id FROM feedback WHERE id = ?"),
	/* id */
	DB_STMT(STMT_FEEDBACK_LOCK,
	"SELECT id, item_id, status, tracking_no FROM feedback"
	" WHERE id = ? FOR UPDATE"),
	/* status, note, now, account, id */
	DB_STMT(STMT_FEEDBACK_DECIDE,
	"UPDATE feedback SET status = ?, note = ?, decided_at = ?,"
	" decided_by = ? WHERE id = ? AND status = 'open'"),
	/* the other open objections of an upheld item: note, now, account,
	 * item */
	DB_STMT(STMT_FEEDBACK_DECIDE_OTHERS,
	"UPDATE feedback SET status = 'upheld', note = ?, decided_at = ?,"
	" decided_by = ? WHERE item_id = ? AND status = 'open'"),
	/* item */
	DB_STMT(STMT_FEEDBACK_OPEN_COUNT,
	"SELECT COUNT(*) FROM feedback WHERE item_id = ? AND status = 'open'"),
	/* status x2, batch x2, limit, offset */
	DB_STMT(STMT_FEEDBACK_LIST,
	"SELECT " FEEDBACK_COLS
	" WHERE (? IS NULL OR f.status = ?) AND (? IS NULL OR i.batch_id = ?)"
	" ORDER BY f.id DESC LIMIT ? OFFSET ?"),
	DB_STMT(STMT_FEEDBACK_COUNT,
	"SELECT COUNT(*) FROM feedback f JOIN publicity_items i"
	" ON i.id = f.item_id"
	" WHERE (? IS NULL OR f.status = ?) AND (? IS NULL OR i.batch_id = ?)"),
	/* id */
	DB_STMT(STMT_FEEDBACK_VIEW,
	"SELECT " FEEDBACK_COLS " WHERE f.id = ?"),
	/* R5: an upheld objection withdraws the item: now, id */
	DB_STMT(STMT_ITEM_WITHDRAW,
	"UPDATE publicity_items SET withdrawn = 1, withdrawn_at = ?"
	" WHERE id = ? AND withdrawn = 0"),
	/* the claim of a withdrawn or revoked order: reason, now, now, order */
	DB_STMT(STMT_CLAIM_REJECT,
	"UPDATE redemption_claims SET status = 'rejected', decision = 'rejected',"
	" approved_amount = NULL, reason = ?,"
	" reviewed_at = COALESCE(reviewed_at, ?), updated_at = ?"
	" WHERE order_id = ? AND status IN ('submitted', 'approved')"),

	/* ---- batches ----------------------------------------------------- */

	/* (plain read) R5: approved claims in no batch, of parties not
	 * barred (V2): now, now, limit */
	DB_STMT(STMT_CLAIM_CANDIDATES,
	"SELECT o.id FROM redemption_claims c JOIN orders o ON o.id = c.order_id"
	" JOIN providers v ON v.id = o.provider_id"
	" JOIN enterprises e ON e.id = o.enterprise_id"
	" WHERE c.status = 'approved' AND o.status = 'approved'"
	" AND NOT EXISTS (SELECT 1 FROM publicity_items i"
	" WHERE i.order_id = o.id)"
	" AND (v.barred_until IS NULL OR v.barred_until <= ?)"
	" AND (e.barred_until IS NULL OR e.barred_until <= ?)"
	" ORDER BY o.approved_at, o.id LIMIT ?"),
	/* batches created in [from, to) */
	DB_STMT(STMT_BATCH_YEAR_COUNT,
	"SELECT COUNT(*) FROM publicity_batches"
	" WHERE created_at >= ? AND created_at < ?"),
	/* title, now, account */
	DB_STMT(STMT_BATCH_INSERT,
	"INSERT INTO publicity_batches (title, status, created_at, created_by)"
	" VALUES (?, 'draft', ?, ?)"),
	/* (plain read) what the list shows of a locked approved order: id */
	DB_STMT(STMT_ITEM_SOURCE,
	"SELECT v.name, COALESCE(o.product_name, p.name), p.category,"
	" c.approved_amount FROM orders o"
	" JOIN redemption_claims c ON c.order_id = o.id"
	" JOIN providers v ON v.id = o.provider_id"
	" JOIN products p ON p.id = o.product_id"
	" WHERE o.id = ? AND c.status = 'approved' AND c.approved_amount > 0"),
	/* batch, order, provider, product, category, amount, now */
	DB_STMT(STMT_ITEM_INSERT,
	"INSERT INTO publicity_items (batch_id, order_id, provider_name,"
	" product_name, category, amount, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)"),
	/* count, amount, id */
	DB_STMT(STMT_BATCH_TOTALS,
	"UPDATE publicity_batches SET item_count = ?, total_amount = ?"
	" WHERE id = ?"),
	/* now, status x2, limit, offset */
	DB_STMT(STMT_BATCHES,
	"SELECT " BATCH_COLS " FROM publicity_batches"
	" WHERE (? IS NULL OR status = ?) ORDER BY id DESC LIMIT ? OFFSET ?"),
	/* status x2 */
	DB_STMT(STMT_BATCHES_COUNT,
	"SELECT COUNT(*) FROM publicity_batches WHERE (? IS NULL OR status = ?)"),
	/* now, id */
	DB_STMT(STMT_BATCH_VIEW,
	"SELECT " BATCH_COLS " FROM publicity_batches WHERE id = ?"),
	/* the bureau's view of the items: batch */
	DB_STMT(STMT_BATCH_ITEMS,
	"SELECT i.id, i.order_id, o.order_no, o.status AS order_status,"
	" e.name AS enterprise_name, i.provider_name AS provider,"
	" i.product_name AS product, i.category, i.amount, i.objection_status,"
	" i.withdrawn, i.withdrawn_at, i.paid_on,"
	" (SELECT COUNT(*) FROM feedback f WHERE f.item_id = i.id"
	" AND f.status = 'open') AS open_feedback"
	" FROM publicity_items i JOIN orders o ON o.id = i.order_id"
	" JOIN enterprises e ON e.id = o.enterprise_id"
	" WHERE i.batch_id = ? ORDER BY i.id"),
	/* id */
	DB_STMT(STMT_BATCH_LOCK,
	"SELECT id, title, status, seq, published_at, period_ends_at, paid_on"
	" FROM publicity_batches WHERE id = ? FOR UPDATE"),
	/* batch */
	DB_STMT(STMT_ITEMS_LOCK,
	"SELECT id, order_id, amount, objection_status, withdrawn, paid_on,"
	" provider_name, product_name, category"
	" FROM publicity_items WHERE batch_id = ? ORDER BY id FOR UPDATE"),
	/* a stale item of a draft batch: id, batch */
	DB_STMT(STMT_ITEM_DELETE,
	"DELETE FROM publicity_items WHERE id = ? AND batch_id = ?"),
	/* (plain read) V2 at now: now, now, order */
	DB_STMT(STMT_ORDER_BARS,
	"SELECT COALESCE(v.barred_until > ?, 0) AS provider_barred,"
	" COALESCE(e.barred_until > ?, 0) AS enterprise_barred"
	" FROM orders o JOIN providers v ON v.id = o.provider_id"
	" JOIN enterprises e ON e.id = o.enterprise_id WHERE o.id = ?"),
	/* the serialisation point of publishing */
	DB_STMT(STMT_CHAIN_LOCK,
	"SELECT head_batch_id, head_sha256, length FROM publicity_chain"
	" WHERE id = 1 FOR UPDATE"),
	/* head, sha, length, now */
	DB_STMT(STMT_CHAIN_ADVANCE,
	"UPDATE publicity_chain SET head_batch_id = ?, head_sha256 = ?,"
	" length = ?, updated_at = ? WHERE id = 1"),
	/* seq, now, account, ends, days, count, total, file, sha, prev, sig,
	 * key, id */
	DB_STMT(STMT_BATCH_PUBLISH,
	"UPDATE publicity_batches SET status = 'published', seq = ?,"
	" published_at = ?, published_by = ?, period_ends_at = ?,"
	" period_days = ?, item_count = ?, total_amount = ?, file_json = ?,"
	" file_sha256 = ?, prev_sha256 = ?, signature = ?, key_sha256 = ?"
	" WHERE id = ? AND status = 'draft'"),
	/* now, now, id */
	DB_STMT(STMT_ORDER_PUBLICIZED_AT,
	"UPDATE orders SET publicized_at = ?, updated_at = ? WHERE id = ?"),
	DB_STMT(STMT_ORDER_PAID_AT,
	"UPDATE orders SET paid_at = ?, updated_at = ? WHERE id = ?"),
	/* date, id */
	DB_STMT(STMT_ITEM_PAID,
	"UPDATE publicity_items SET paid_on = ?"
	" WHERE id = ? AND paid_on IS NULL AND withdrawn = 0"),
	/* date, now, account, id */
	DB_STMT(STMT_BATCH_PAID,
	"UPDATE publicity_batches SET status = 'paid', paid_on = ?,"
	" paid_at = ?, paid_by = ? WHERE id = ? AND status = 'published'"),

	/* ---- recoveries ------------------------------------------------ */

	/* status x2, due, order x2, limit, offset */
	DB_STMT(STMT_RECOVERIES,
	"SELECT " RECOVERY_COLS RECOVERY_WHERE
	" ORDER BY r.id DESC LIMIT ? OFFSET ?"),
	DB_STMT(STMT_RECOVERIES_TOTALS,
	"SELECT COUNT(*), COALESCE(SUM(r.amount_due), 0),"
	" COALESCE(SUM(r.amount_returned), 0) FROM recoveries r" RECOVERY_WHERE),
	/* id */
	DB_STMT(STMT_RECOVERY_LOCK,
	"SELECT id, order_id, amount_due, amount_returned, status"
	" FROM recoveries WHERE id = ? FOR UPDATE"),
	/* returned, date, status, now, account, id */
	DB_STMT(STMT_RECOVERY_RETURN,
	"UPDATE recoveries SET amount_returned = ?, returned_on = ?,"
	" status = ?, updated_at = ?, recorded_by = ? WHERE id = ?"),
	/* id */
	DB_STMT(STMT_RECOVERY_VIEW,
	"SELECT " RECOVERY_COLS " WHERE r.id = ?"),
	/* V2: order, violation, due, now, now */
	DB_STMT(STMT_RECOVERY_INSERT,
	"INSERT INTO recoveries (order_id, violation_id, amount_due,"
	" amount_returned, status, created_at, updated_at)"
	" VALUES (?, ?, ?, 0, 'open', ?, ?)"),
	/* what was paid for a locked order and what is already due back:
	 * order */
	DB_STMT(STMT_ORDER_PAID_DUE,
	"SELECT " PAID_SUBSIDY " AS paid,"
	" (SELECT COALESCE(SUM(r.amount_due), 0) FROM recoveries r"
	" WHERE r.order_id = o.id) AS due"
	" FROM orders o" PAID_JOINS " WHERE o.id = ?"),

	/* ---- violations ------------------------------------------------ */

	DB_STMT(STMT_ENTERPRISE_LOCK,
	"SELECT id, name, barred_until FROM enterprises WHERE id = ? FOR UPDATE"),
	DB_STMT(STMT_PROVIDER_LOCK,
	"SELECT id, name, barred_until FROM providers WHERE id = ? FOR UPDATE"),
	/* V2: until, now, id */
	DB_STMT(STMT_ENTERPRISE_BAR,
	"UPDATE enterprises SET barred_until = ?, updated_at = ? WHERE id = ?"),
	DB_STMT(STMT_PROVIDER_BAR,
	"UPDATE providers SET barred_until = ?, updated_at = ? WHERE id = ?"),
	/* party, party id, kind, description, order, now, account, until */
	DB_STMT(STMT_VIOLATION_INSERT,
	"INSERT INTO violations (party, party_id, kind, description, order_id,"
	" recorded_at, recorded_by, barred_until)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
	/* order */
	DB_STMT(STMT_ORDER_PARTIES,
	"SELECT enterprise_id, provider_id FROM orders WHERE id = ?"),
	/* (plain read) party id */
	DB_STMT(STMT_ENTERPRISE_ORDERS,
	PARTY_ORDERS("enterprise_id")),
	DB_STMT(STMT_PROVIDER_ORDERS,
	PARTY_ORDERS("provider_id")),
	/* V2: now, provider */
	DB_STMT(STMT_PRODUCTS_DELIST,
	"UPDATE products SET listed = 0, updated_at = ?"
	" WHERE provider_id = ? AND listed = 1"),
	/* party x2, party id x2, limit, offset */
	DB_STMT(STMT_VIOLATIONS,
	"SELECT " VIOLATION_COLS
	" WHERE (? IS NULL OR x.party = ?) AND (? IS NULL OR x.party_id = ?)"
	" ORDER BY x.id DESC LIMIT ? OFFSET ?"),
	DB_STMT(STMT_VIOLATIONS_COUNT,
	"SELECT COUNT(*) FROM violations x"
	" WHERE (? IS NULL OR x.party = ?) AND (? IS NULL OR x.party_id = ?)"),
	/* id */
	DB_STMT(STMT_VIOLATION_VIEW,
	"SELECT " VIOLATION_COLS " WHERE x.id = ?"),
	/* violation */
	DB_STMT(STMT_VIOLATION_RECOVERIES,
	"SELECT " RECOVERY_COLS " WHERE r.violation_id = ? ORDER BY r.id"),

	/* ---- spot checks and the audit trail -------------------------- */

	/* V3: contracted or later (an expired contract is not): now, year x2 */
	DB_STMT(STMT_SPOT_CANDIDATES,
	"SELECT id FROM orders WHERE status IN ('contracted', 'submitted',"
	" 'approved', 'publicized', 'paid', 'refunded')"
	" AND NOT (status = 'contracted' AND valid_until <= ?)"
	" AND (? IS NULL OR year = ?) ORDER BY id"),
	/* sample, order, now, account */
	DB_STMT(STMT_SPOT_INSERT,
	"INSERT INTO spot_checks (sample_id, order_id, sampled_at, sampled_by)"
	" VALUES (?, ?, ?, ?)"),
	/* now, now, sample */
	DB_STMT(STMT_SPOT_SAMPLE,
	"SELECT s.id AS check_id, s.sample_id, s.sampled_at, s.result, s.note,"
	" s.checked_at, o.id AS order_id, o.order_no,"
	" " ORDER_EFFECTIVE_STATUS("o") " AS order_status, o.year,"
	" o.enterprise_id, e.name AS enterprise_name, e.uscc AS enterprise_uscc,"
	" o.provider_id, v.name AS provider_name, o.product_id, o.product_name,"
	" o.ordered_at, o.subsidy, c.contract_no, c.signed_on,"
	" c.amount AS contract_amount, c.self_paid, cl.approved_amount,"
	" o.paid_at FROM spot_checks s JOIN orders o ON o.id = s.order_id"
	" JOIN enterprises e ON e.id = o.enterprise_id"
	" JOIN providers v ON v.id = o.provider_id"
	" LEFT JOIN contracts c ON c.order_id = o.id"
	" LEFT JOIN redemption_claims cl ON cl.order_id = o.id"
	" WHERE s.sample_id = ? ORDER BY s.id"),
	/* id */
	DB_STMT(STMT_SPOT_LOCK,
	"SELECT id, sample_id, order_id, result FROM spot_checks"
	" WHERE id = ? FOR UPDATE"),
	/* result, note, now, account, id */
	DB_STMT(STMT_SPOT_RESULT,
	"UPDATE spot_checks SET result = ?, note = ?, checked_at = ?,"
	" checked_by = ? WHERE id = ?"),
	/* V3, newest first: limit, offset */
	DB_STMT(STMT_AUDIT_ALL,
	"SELECT " AUDIT_COLS " ORDER BY a.id DESC LIMIT ? OFFSET ?"),
	DB_STMT(STMT_AUDIT_ALL_COUNT,
	"SELECT COUNT(*) FROM audit_log"),
	/* entity, limit, offset */
	DB_STMT(STMT_AUDIT_ENTITY,
	"SELECT " AUDIT_COLS " WHERE a.entity = ?"
	" ORDER BY a.id DESC LIMIT ? OFFSET ?"),
	DB_STMT(STMT_AUDIT_ENTITY_COUNT,
	"SELECT COUNT(*) FROM audit_log WHERE entity = ?"),
	/* entity, id, limit, offset */
	DB_STMT(STMT_AUDIT_ENTITY_ID,
	"SELECT " AUDIT_COLS " WHERE a.entity = ? AND a.entity_id = ?"
	" ORDER BY a.id DESC LIMIT ? OFFSET ?"),
	DB_STMT(STMT_AUDIT_ENTITY_ID_COUNT,
	"SELECT COUNT(*) FROM audit_log WHERE entity = ? AND entity_id = ?"),

	/* ---- the bureau's dashboard (plain reads) ---------------------- */
	/* Orders that hold or used subsidy: every status but the side exits
	 * that release it. params: year */
	DB_STMT(STMT_STATS_CATEGORIES,
	"SELECT c.code, c.name_zh AS name, COUNT(o.id) AS orders,"
	" COALESCE(SUM(COALESCE(o.subsidy, o.reserved)), 0) AS subsidy"
	" FROM categories c LEFT JOIN products p ON p.category = c.code"
	" LEFT JOIN orders o ON o.product_id = p.id AND o.year = ?"
	" AND o.status NOT IN ('cancelled', 'expired', 'rejected', 'revoked')"
	" GROUP BY c.code, c.name_zh, c.sort_order ORDER BY c.sort_order"),
	/* params: year; months in Asia/Shanghai (T1) */
	DB_STMT(STMT_STATS_MONTHS,
	"SELECT DATE_FORMAT(o.ordered_at + INTERVAL 8 HOUR, '%Y-%m') AS month,"
	" COUNT(*) AS orders,"
	" COALESCE(SUM(COALESCE(o.subsidy, o.reserved)), 0) AS subsidy"
	" FROM orders o WHERE o.year = ?"
	" AND o.status NOT IN ('cancelled', 'expired', 'rejected', 'revoked')"
	" GROUP BY month ORDER BY month"),
	/* params: year */
	DB_STMT(STMT_STATS_QUOTA,
	"SELECT e.tier, COUNT(*) AS enterprises, COALESCE(SUM(q.cap), 0) AS cap,"
	" COALESCE(SUM(q.occupied), 0) AS occupied"
	" FROM enterprise_quota q JOIN enterprises e ON e.id = q.enterprise_id"
	" WHERE q.year = ? GROUP BY e.tier ORDER BY cap DESC"),
	/* params: round year; the ten listed products with the smallest
	 * share of units left */
	DB_STMT(STMT_STATS_SELLING_OUT,
	"SELECT p.id, p.name, p.category, p.units_total, p.remaining_units,"
	" p.units_sold FROM products p"
	" WHERE p.listed = 1 AND p.round_year = ? AND p.units_total > 0"
	" ORDER BY p.remaining_units / p.units_total, p.remaining_units, p.id"
	" LIMIT 10"),
};
