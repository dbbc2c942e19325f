/*
 * db.c - all SQL of the oversight program, by statement id (oversight.h),
 * and the typed functions the handlers call instead. The order state
 * machine's shared SQL is in shared/domain/lib_sql.c.
 *
 * Locks are always taken in one order: a party (violations), then a
 * batch, then its items, then an order (then, through orders.c, the quota
 * and the product), then a provider's products. Reads that feed a
 * decision and are not locked are marked "(plain read)": they only feed a
 * choice that a locked row re-checks.
 * A withdrawal's trigger updates its batch's row after the item's (the
 * totals 019_publicity_totals.sql keeps), so an item that may be
 * withdrawn is locked after its batch (db_item_lock), as a payment does.
 */
#include <string.h>

#include "evaluation.h"
#include "orders.h"
#include "overdue_fold.h"
#include "oversight.h"

/* A batch as the bureau sees it (no file bytes); one param: now. The same
 * columns as the publicity program's bureau view. */
#define BATCH_COLS \
	"id, seq, title, status, published_at, period_ends_at, period_days," \
	" (status = 'published' AND period_ends_at > ?) AS in_period," \
	" item_count, total_amount, paid_on, file_sha256, prev_sha256," \
	" signature, key_sha256, created_at, created_by, published_by," \
	" paid_at, paid_by," \
	/* R7: published, withdrawn and paid told apart (kept on the row: \
	 * 019_publicity_totals.sql) */ \
	" withdrawn_amount, paid_amount"

/* The subsidy actually paid for an order (R5, R6): the listed amount,
 * else the approved amount, else the contract's subsidy. Needs the joins
 * PAID_JOINS. */
#define PAID_SUBSIDY "COALESCE(pi.amount, cl.approved_amount, o.subsidy, 0)"
#define PAID_JOINS \
	" LEFT JOIN publicity_items pi ON pi.order_id = o.id" \
	" LEFT JOIN redemption_claims cl ON cl.order_id = o.id"

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

/* The bureau's orders (issue 11). Never the enterprise's order contact
 * (contact_name, contact_mobile): not in a list, not in an export.
 * params: now, now (status), now, now (overdue) */
#define BUREAU_ORDER_COLS \
	"o.id, o.order_no, " ORDER_EFFECTIVE_STATUS("o") " AS status, o.year," \
	" o.enterprise_id, e.name AS enterprise_name, e.uscc AS enterprise_uscc," \
	" o.provider_id, v.name AS provider_name, o.product_id," \
	" COALESCE(o.product_name, p.name) AS product_name, p.category," \
	" c.name_zh AS category_name, o.voucher_price, o.unit_subsidy," \
	" o.reserved, o.subsidy, k.amount AS contract_amount," \
	" cl.approved_amount, cl.status AS claim_status, o.ordered_at," \
	" o.accept_deadline, o.valid_until, o.accepted_at, o.contracted_at," \
	" o.confirmed_at, o.submitted_at, o.approved_at, o.paid_at, o.closed_at," \
	" " BUREAU_ORDER_OVERDUE " AS overdue," \
	" " BUREAU_ORDER_UNCONFIRMED " AS unconfirmed"
/* the parties, product, category, contract and claim of an order o (each
 * one row at most) */
#define BUREAU_ORDER_JOINS \
	" JOIN enterprises e ON e.id = o.enterprise_id" \
	" JOIN providers v ON v.id = o.provider_id" \
	" JOIN products p ON p.id = o.product_id" \
	" JOIN categories c ON c.code = p.category" \
	" LEFT JOIN contracts k ON k.order_id = o.id" \
	" LEFT JOIN redemption_claims cl ON cl.order_id = o.id"
/* Missed a deadline of the guide: not accepted within 48 hours (O4), or
 * the voucher ran out before a claim was submitted (O6), swept or not.
 * params: now, now */
#define BUREAU_ORDER_OVERDUE \
	"((o.status = 'pending' AND o.accept_deadline <= ?)" \
	" OR (o.status = 'cancelled' AND o.cancel_reason = 'accept_timeout')" \
	" OR (o.status IN ('accepted', 'contracted') AND o.valid_until <= ?)" \
	" OR o.status = 'expired')"
/* The claim is submitted and the enterprise has not confirmed the
 * completion (C1; decided under C2 or waiting for it). */
#define BUREAU_ORDER_UNCONFIRMED \
	"(o.status IN ('submitted', 'approved', 'publicized', 'paid')" \
	" AND o.confirmed_at IS NULL)"
/* params: status, now, now, status, product x2, provider x2, enterprise
 * x2, category x2, from x2, until x2, overdue, now, now, unconfirmed */
#define BUREAU_ORDER_WHERE \
	" WHERE (? IS NULL OR " ORDER_EFFECTIVE_STATUS("o") " = ?)" \
	" AND (? IS NULL OR o.product_id = ?)" \
	" AND (? IS NULL OR o.provider_id = ?)" \
	" AND (? IS NULL OR o.enterprise_id = ?)" \
	" AND (? IS NULL OR o.product_id IN" \
	" (SELECT id FROM products WHERE category = ?))" \
	" AND (? IS NULL OR o.ordered_at >= ?)" \
	" AND (? IS NULL OR o.ordered_at < ?)" \
	" AND (? = 0 OR " BUREAU_ORDER_OVERDUE ")" \
	" AND (? = 0 OR " BUREAU_ORDER_UNCONFIRMED ")"

/* Orders whose ids the subquery ids reads from the orders alone ("SELECT
 * o.id FROM orders o" ids: a page or a chunk, newest first), with their
 * columns joined to those rows only (a deep page skips index entries,
 * not joined rows; joined first, the optimizer may read every order of
 * every product and sort them). */
#define BUREAU_ORDERS_OF(ids) \
	"SELECT STRAIGHT_JOIN " BUREAU_ORDER_COLS " FROM (SELECT o.id" \
	" FROM orders o" ids ") x JOIN orders o ON o.id = x.id" \
	BUREAU_ORDER_JOINS " ORDER BY o.id DESC"
/* One party's orders alone, along its (party, id) index (004_scale.sql):
 * now x4 (the columns), party, limit, offset; its total of every status
 * from the counts 020_party_counts.sql's triggers keep: party */
#define BUREAU_ORDERS_OF_PARTY(party) \
	BUREAU_ORDERS_OF(" FORCE INDEX (ix_orders_" party "_id) WHERE o." \
	party "_id = ? ORDER BY o.id DESC LIMIT ? OFFSET ?")
#define BUREAU_ORDERS_OF_PARTY_COUNT(party) \
	"SELECT CAST(COALESCE(SUM(n), 0) AS SIGNED) FROM order_counts" \
	" WHERE party = '" party "' AND party_id = ?"

/* the ratings first (STRAIGHT_JOIN), read newest first along
 * ix_evaluations_created, _provider or _product (018_scale_main.sql) */
#define EVAL_FROM \
	" FROM evaluations e JOIN products p ON p.id = e.product_id" \
	" JOIN providers v ON v.id = p.provider_id" \
	" JOIN orders o ON o.id = e.order_id" \
	" JOIN enterprises n ON n.id = o.enterprise_id"
/* params: provider x2, product x2 (e.provider_id: the order's provider,
 * which is its product's) */
#define EVAL_WHERE \
	" WHERE (? IS NULL OR e.provider_id = ?)" \
	" AND (? IS NULL OR e.product_id = ?)"

/* Orders a V2 bar terminates or recovers from: not final, or paid; read
 * in id order along the party's (party, id) index (004_scale.sql). */
#define PARTY_ORDERS(col) \
	"SELECT o.id, i.id AS item_id, o.status FROM orders o" \
	" FORCE INDEX (ix_orders_" col ")" \
	" LEFT JOIN publicity_items i ON i.order_id = o.id" \
	" WHERE o." col " = ? AND o.status IN ('pending', 'accepted'," \
	" 'contracted', 'submitted', 'approved', 'publicized', 'paid')" \
	" ORDER BY o.id"

const struct db_stmt oversight_stmts[STMT__MAX] = {
	/* ---- paying a batch (R5) ----------------------------------------- */

	/* id */
	DB_STMT(STMT_BATCH_LOCK,
	"SELECT id, title, status, seq, published_at, period_ends_at, paid_on"
	" FROM publicity_batches WHERE id = ? FOR UPDATE"),
	/* batch */
	DB_STMT(STMT_ITEMS_LOCK,
	"SELECT id, order_id, amount, objection_status, withdrawn, paid_on"
	" FROM publicity_items FORCE INDEX (ix_publicity_items_batch)"
	" WHERE batch_id = ? ORDER BY id FOR UPDATE"),
	/* now, now, id */
	DB_STMT(STMT_ORDER_PAID_AT,
	"UPDATE orders SET paid_at = ?, updated_at = ? WHERE id = ?"),
	/* date, record (R7), id */
	DB_STMT(STMT_ITEM_PAID,
	"UPDATE publicity_items SET paid_on = ?, paid_seq = ?"
	" WHERE id = ? AND paid_on IS NULL AND withdrawn = 0"),
	/* date, now, account, id */
	DB_STMT(STMT_BATCH_PAID,
	"UPDATE publicity_batches SET status = 'paid', paid_on = ?,"
	" paid_at = ?, paid_by = ? WHERE id = ? AND status = 'published'"),
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
	" FROM publicity_items i FORCE INDEX (ix_publicity_items_batch)"
	" JOIN orders o ON o.id = i.order_id"
	" JOIN enterprises e ON e.id = o.enterprise_id"
	" WHERE i.batch_id = ? ORDER BY i.id"),

	/* ---- recoveries ------------------------------------------------ */

	/* status x2, due, order x2, limit, offset */
	DB_STMT(STMT_RECOVERIES,
	"SELECT " RECOVERY_COLS RECOVERY_WHERE
	" ORDER BY r.id DESC LIMIT ? OFFSET ?"),
	/* status x2, due, order x2 */
	DB_STMT(STMT_RECOVERIES_TOTALS,
	"SELECT COUNT(*) AS n, COALESCE(SUM(r.amount_due), 0) AS amount_due,"
	" COALESCE(SUM(r.amount_returned), 0) AS amount_returned"
	" FROM recoveries r" RECOVERY_WHERE),
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
	/* id */
	/* the batch of an item, before the item (the subquery's read is a
	 * plain one: an item never changes batch): item */
	DB_STMT(STMT_ITEM_BATCH_LOCK,
	"SELECT b.id FROM publicity_batches b WHERE b.id ="
	" (SELECT i.batch_id FROM publicity_items i WHERE i.id = ?) FOR UPDATE"),
	DB_STMT(STMT_ITEM_LOCK,
	"SELECT id, batch_id, order_id, amount, objection_status, withdrawn,"
	" paid_on FROM publicity_items WHERE id = ? FOR UPDATE"),
	/* R5, V2, R7: now, record, id */
	DB_STMT(STMT_ITEM_WITHDRAW,
	"UPDATE publicity_items SET withdrawn = 1, withdrawn_at = ?,"
	" withdrawn_seq = ? WHERE id = ? AND withdrawn = 0"),
	/* the claim of a revoked order: reason, now, now, order */
	DB_STMT(STMT_CLAIM_REJECT,
	"UPDATE redemption_claims SET status = 'rejected', decision = 'rejected',"
	" approved_amount = NULL, reason = ?,"
	" reviewed_at = COALESCE(reviewed_at, ?), updated_at = ?"
	" WHERE order_id = ? AND status IN ('submitted', 'approved')"),
	/* V2: now, provider */
	DB_STMT(STMT_PRODUCTS_DELIST,
	"UPDATE products SET listed = 0, updated_at = ?"
	" WHERE provider_id = ? AND listed = 1"),
	/* party x2, party id x2, limit, offset */
	DB_STMT(STMT_VIOLATIONS,
	"SELECT " VIOLATION_COLS
	" WHERE (? IS NULL OR x.party = ?) AND (? IS NULL OR x.party_id = ?)"
	" ORDER BY x.id DESC LIMIT ? OFFSET ?"),
	/* party x2, party id x2 */
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

	/* V3: contracted or later (an expired contract is not): now, year x2.
	 * In no order: the sample is drawn uniformly from the set */
	DB_STMT(STMT_SPOT_CANDIDATES,
	"SELECT id FROM orders WHERE status IN ('contracted', 'submitted',"
	" 'approved', 'publicized', 'paid', 'refunded')"
	" AND NOT (status = 'contracted' AND valid_until <= ?)"
	" AND (? IS NULL OR year = ?)"),
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
	" o.paid_at FROM spot_checks s FORCE INDEX (ix_spot_checks_sample)"
	" JOIN orders o ON o.id = s.order_id"
	" JOIN enterprises e ON e.id = o.enterprise_id"
	" JOIN providers v ON v.id = o.provider_id"
	" LEFT JOIN contracts c ON c.order_id = o.id"
	" LEFT JOIN redemption_claims cl ON cl.order_id = o.id"
	" WHERE s.sample_id = ? ORDER BY s.id"),
	/* V3: the samples drawn, newest first: limit, offset. A page's
	 * samples are the first rows of their samples, newest first (the
	 * primary key backwards, each checked by ix_spot_checks_sample, until
	 * the page is full); only their rows are summed (a sample is at most
	 * 100). Grouping the whole table would read every check ever drawn
	 * (issue 13: EXPLAIN test) */
	DB_STMT(STMT_SPOT_SAMPLES,
	"SELECT h.sample_id, MIN(s.sampled_at) AS sampled_at, COUNT(*) AS n,"
	" CAST(SUM(s.result <> 'pending') AS SIGNED) AS checked,"
	" CAST(SUM(s.result = 'issue') AS SIGNED) AS issues"
	" FROM (SELECT f.id, f.sample_id FROM spot_checks f"
	" WHERE NOT EXISTS (SELECT 1 FROM spot_checks e"
	" FORCE INDEX (ix_spot_checks_sample)"
	" WHERE e.sample_id = f.sample_id AND e.id < f.id)"
	" ORDER BY f.id DESC LIMIT ? OFFSET ?) h"
	" STRAIGHT_JOIN spot_checks s FORCE INDEX (ix_spot_checks_sample)"
	" ON s.sample_id = h.sample_id"
	" GROUP BY h.id, h.sample_id ORDER BY h.id DESC"),
	DB_STMT(STMT_SPOT_SAMPLES_COUNT,
	"SELECT COUNT(DISTINCT sample_id) FROM spot_checks"),
	/* id */
	DB_STMT(STMT_SPOT_LOCK,
	"SELECT id, sample_id, order_id, result FROM spot_checks"
	" WHERE id = ? FOR UPDATE"),
	/* result, note, now, account, id */
	DB_STMT(STMT_SPOT_RESULT,
	"UPDATE spot_checks SET result = ?, note = ?, checked_at = ?,"
	" checked_by = ? WHERE id = ?"),
	/* V3, newest first, older than an id (keyset: a deep page starts
	 * where the last one ended instead of counting past every newer
	 * record): before, limit, offset */
	DB_STMT(STMT_AUDIT_ALL,
	"SELECT " AUDIT_COLS " WHERE a.id < ? ORDER BY a.id DESC LIMIT ? OFFSET ?"),
	/* the totals kept by 007_counts_indexes.sql's trigger, per entity */
	DB_STMT(STMT_AUDIT_ALL_COUNT,
	"SELECT COALESCE(SUM(n), 0) AS n FROM audit_counts"),
	/* entity, before, limit, offset (along ix_audit_entity_all) */
	DB_STMT(STMT_AUDIT_ENTITY,
	"SELECT " AUDIT_COLS " WHERE a.entity = ? AND a.id < ?"
	" ORDER BY a.id DESC LIMIT ? OFFSET ?"),
	/* entity */
	DB_STMT(STMT_AUDIT_ENTITY_COUNT,
	"SELECT COALESCE(SUM(n), 0) AS n FROM audit_counts WHERE entity = ?"),
	/* entity, id, before, limit, offset */
	DB_STMT(STMT_AUDIT_ENTITY_ID,
	"SELECT " AUDIT_COLS " WHERE a.entity = ? AND a.entity_id = ?"
	" AND a.id < ? ORDER BY a.id DESC LIMIT ? OFFSET ?"),
	/* entity, id */
	DB_STMT(STMT_AUDIT_ENTITY_ID_COUNT,
	"SELECT COUNT(*) FROM audit_log WHERE entity = ? AND entity_id = ?"),

	/* ---- the bureau's dashboard (plain reads) ---------------------- */
	/* Orders that hold or used subsidy: every status but the side exits
	 * that release it, summed by 004_scale.sql's triggers per year,
	 * category and month (stats_orders) and read here, not counted from
	 * the year's orders: one range of the year in the key's order, a
	 * row per category and month (its slots summed: the sweeper folds
	 * them, shared/domain/slot_fold.c), from which stats.c sums the
	 * categories and the months. params: year; months in Asia/Shanghai
	 * (T1) */
	DB_STMT(STMT_STATS_CELLS,
	"SELECT category, month, CAST(SUM(orders) AS SIGNED) AS orders,"
	" CAST(SUM(subsidy) AS SIGNED) AS subsidy FROM stats_orders"
	" WHERE year = ? GROUP BY category, month"),
	/* the 12 of P1 in their order */
	DB_STMT(STMT_STATS_CATEGORIES,
	"SELECT code, name_zh AS name FROM categories ORDER BY sort_order"),
	/* params: year (stats_quota: the allowances per tier) */
	DB_STMT(STMT_STATS_QUOTA,
	"SELECT tier, SUM(enterprises) AS enterprises, SUM(cap) AS cap,"
	" SUM(occupied) AS occupied FROM stats_quota WHERE year = ?"
	" GROUP BY tier HAVING SUM(enterprises) > 0 ORDER BY cap DESC, tier"),
	/* params: round year; the ten listed products with the smallest
	 * share of units left, along (listed, round, left_share) */
	DB_STMT(STMT_STATS_SELLING_OUT,
	"SELECT p.id, p.name, p.category, p.units_total, p.remaining_units,"
	" p.units_sold FROM products p FORCE INDEX (ix_products_left)"
	" WHERE p.listed = 1 AND p.round_year = ? AND p.units_total > 0"
	" ORDER BY p.left_share, p.remaining_units, p.id LIMIT 10"),

	/* ---- issue 16: the stages' clocks (overdue.c) ---- */
	/* params: year; each stage over the orders that finished it, from
	 * the sums 018_scale_main.sql's triggers keep (per-connection slots):
	 * the average rounded as CAST(AVG(...) AS SIGNED) rounds it */
	DB_STMT(STMT_STATS_STAGE_SECONDS,
	"SELECT"
	" CAST(COALESCE(ROUND(SUM(accept_s) / NULLIF(SUM(accept_n), 0)), 0) AS SIGNED) AS accept_s,"
	" CAST(COALESCE(SUM(accept_n), 0) AS SIGNED) AS accept_n,"
	" CAST(COALESCE(ROUND(SUM(contract_s) / NULLIF(SUM(contract_n), 0)), 0) AS SIGNED) AS contract_s,"
	" CAST(COALESCE(SUM(contract_n), 0) AS SIGNED) AS contract_n,"
	" CAST(COALESCE(ROUND(SUM(submit_s) / NULLIF(SUM(submit_n), 0)), 0) AS SIGNED) AS submit_s,"
	" CAST(COALESCE(SUM(submit_n), 0) AS SIGNED) AS submit_n,"
	" CAST(COALESCE(ROUND(SUM(review_s) / NULLIF(SUM(review_n), 0)), 0) AS SIGNED) AS review_s,"
	" CAST(COALESCE(SUM(review_n), 0) AS SIGNED) AS review_n,"
	" CAST(COALESCE(ROUND(SUM(publish_s) / NULLIF(SUM(publish_n), 0)), 0) AS SIGNED) AS publish_s,"
	" CAST(COALESCE(SUM(publish_n), 0) AS SIGNED) AS publish_n,"
	" CAST(COALESCE(ROUND(SUM(pay_s) / NULLIF(SUM(pay_n), 0)), 0) AS SIGNED) AS pay_s,"
	" CAST(COALESCE(SUM(pay_n), 0) AS SIGNED) AS pay_n"
	" FROM stats_stages WHERE year = ?"),
	/* the orders past their decision's clock, the reviewer's (R4) or
	 * the bureau's (R5), longest overdue first along
	 * ix_orders_decision_due (decision_due, status, id: 019): no sort.
	 * A page of the merged list needs at most its end's number of each
	 * kind: now, limit */
	DB_STMT(STMT_OVERDUE_ORDERS,
	"SELECT STRAIGHT_JOIN o.id, o.order_no, o.status,"
	" v.name AS provider_name, e.name AS enterprise_name, o.submitted_at,"
	" o.confirmed_at, o.approved_at"
	" FROM orders o FORCE INDEX (ix_orders_decision_due)"
	" JOIN providers v ON v.id = o.provider_id"
	" JOIN enterprises e ON e.id = o.enterprise_id"
	" WHERE o.decision_due <= ?"
	" ORDER BY o.decision_due, o.status, o.id LIMIT ?"),
	/* along ix_applications_state (state, last_submitted_at): submitted
	 * before (A6's days) ago, limit */
	DB_STMT(STMT_OVERDUE_APPLICATIONS,
	"SELECT STRAIGHT_JOIN a.id, v.name AS provider_name,"
	" a.last_submitted_at, a.reviewer_opinion IS NOT NULL AS has_opinion"
	" FROM product_applications a FORCE INDEX (ix_applications_state)"
	" JOIN providers v ON v.id = a.provider_id"
	" WHERE a.state = 'pending' AND a.last_submitted_at <= ?"
	" ORDER BY a.last_submitted_at, a.id LIMIT ?"),
	/* along ix_certifications_queue (status, submitted_at, id):
	 * submitted before (E9's days) ago, limit */
	DB_STMT(STMT_OVERDUE_CERTIFICATIONS,
	"SELECT id, kind, name, submitted_at FROM certifications"
	" FORCE INDEX (ix_certifications_queue)"
	" WHERE status = 'pending' AND submitted_at <= ?"
	" ORDER BY submitted_at, id LIMIT ?"),
	/* how many of each stage are past their clock, from the totals
	 * 026_overdue_swept.sql keeps: each stage's folded total (its rows
	 * before its upto), its minutes not folded yet before the cut's
	 * minute (one or two: the sweeper folds every minute), and the cut's
	 * own minute up to the cut from the rows (an index range of under a
	 * minute; the applications' opinion read from those pending). ahead:
	 * the stages folded past the cut's minute (a clock behind the
	 * sweeper's): their totals hold rows after the cut, and the counts
	 * are read from the rows instead (STMT_OVERDUE_COUNTS_ROWS). Params:
	 * the cuts' minutes (now's, A6's, E9's) for ahead, now's minute,
	 * A6's, E9's for the minutes, then now's minute, now, A6's minute,
	 * A6's cut, E9's minute, E9's cut for the rows */
	DB_STMT(STMT_OVERDUE_COUNTS,
	"SELECT CAST(COALESCE(SUM(r), 0) AS SIGNED) AS review_n,"
	" CAST(COALESCE(SUM(p), 0) AS SIGNED) AS publish_n,"
	" CAST(COALESCE(SUM(a), 0) AS SIGNED) AS app_n,"
	" CAST(COALESCE(SUM(d), 0) AS SIGNED) AS app_decide_n,"
	" CAST(COALESCE(SUM(c), 0) AS SIGNED) AS cert_n,"
	" CAST(COALESCE(SUM(ahead), 0) AS SIGNED) AS ahead"
	" FROM (SELECT SUM(IF(kind = 'review', n, 0)) AS r,"
	" SUM(IF(kind = 'publish', n, 0)) AS p,"
	" SUM(IF(kind = 'application', n, 0)) AS a,"
	" SUM(IF(kind = 'application_decide', n, 0)) AS d,"
	" SUM(IF(kind = 'certification', n, 0)) AS c,"
	" SUM(upto > CASE WHEN kind IN ('review', 'publish') THEN ?"
	" WHEN kind = 'certification' THEN ? ELSE ? END) AS ahead"
	" FROM overdue_swept WHERE kind IN ('review', 'publish', 'application',"
	" 'application_decide', 'certification')"
	" UNION ALL SELECT SUM(IF(kind = 'review', n, 0)),"
	" SUM(IF(kind = 'publish', n, 0)), 0, 0, 0, 0 FROM overdue_minutes"
	" WHERE kind IN ('review', 'publish') AND at < ?"
	" UNION ALL SELECT 0, 0, SUM(IF(kind = 'application', n, 0)),"
	" SUM(IF(kind = 'application_decide', n, 0)), 0, 0 FROM overdue_minutes"
	" WHERE kind IN ('application', 'application_decide') AND at < ?"
	" UNION ALL SELECT 0, 0, 0, 0, SUM(n), 0 FROM overdue_minutes"
	" WHERE kind = 'certification' AND at < ?"
	" UNION ALL SELECT SUM(status = 'submitted'), SUM(status = 'approved'),"
	" 0, 0, 0, 0 FROM orders FORCE INDEX (ix_orders_decision_due)"
	" WHERE decision_due >= ? AND decision_due <= ?"
	" UNION ALL SELECT 0, 0, SUM(reviewer_opinion IS NULL),"
	" SUM(reviewer_opinion IS NOT NULL), 0, 0 FROM product_applications"
	" FORCE INDEX (ix_applications_state) WHERE state = 'pending'"
	" AND last_submitted_at >= ? AND last_submitted_at <= ?"
	" UNION ALL SELECT 0, 0, 0, 0, COUNT(*), 0 FROM certifications"
	" FORCE INDEX (ix_certifications_queue) WHERE status = 'pending'"
	" AND submitted_at >= ? AND submitted_at <= ?) x"),
	/* the same counted from the rows, every row up to each cut (the
	 * orders' index range of every decision due: ~17,000 entries at
	 * Beijing's size): only when a stage was folded past the cut's minute
	 * (a clock moved back behind the sweeper's; never in production, where
	 * the sweeper folds a minute behind its clock). Params: now, A6's
	 * cut, E9's cut */
	DB_STMT(STMT_OVERDUE_COUNTS_ROWS,
	"SELECT CAST(COALESCE(SUM(r), 0) AS SIGNED) AS review_n,"
	" CAST(COALESCE(SUM(p), 0) AS SIGNED) AS publish_n,"
	" CAST(COALESCE(SUM(a), 0) AS SIGNED) AS app_n,"
	" CAST(COALESCE(SUM(d), 0) AS SIGNED) AS app_decide_n,"
	" CAST(COALESCE(SUM(c), 0) AS SIGNED) AS cert_n, 0 AS ahead"
	" FROM (SELECT SUM(status = 'submitted') AS r,"
	" SUM(status = 'approved') AS p, 0 AS a, 0 AS d, 0 AS c"
	" FROM orders FORCE INDEX (ix_orders_decision_due)"
	" WHERE decision_due <= ?"
	" UNION ALL SELECT 0, 0, SUM(reviewer_opinion IS NULL),"
	" SUM(reviewer_opinion IS NOT NULL), 0 FROM product_applications"
	" FORCE INDEX (ix_applications_state) WHERE state = 'pending'"
	" AND last_submitted_at <= ?"
	" UNION ALL SELECT 0, 0, 0, 0, COUNT(*) FROM certifications"
	" FORCE INDEX (ix_certifications_queue) WHERE status = 'pending'"
	" AND submitted_at <= ?) x"),
	/* ---- R7: the records after a published list ------------------------ */

	/* (plain read; a taken number is a duplicate key, and the transaction
	 * runs again) the number of a locked batch's next record: batch */
	DB_STMT(STMT_RECORD_LAST,
	"SELECT COALESCE(MAX(seq), 0) + 1 FROM publicity_records"
	" WHERE batch_id = ?"),
	/* (plain read, as above) the batch of a locked item not withdrawn,
	 * and the number of its next record: item */
	DB_STMT(STMT_RECORD_NEXT,
	"SELECT i.batch_id, COALESCE(MAX(r.seq), 0) + 1 AS seq"
	" FROM publicity_items i"
	" LEFT JOIN publicity_records r ON r.batch_id = i.batch_id"
	" WHERE i.id = ? AND i.withdrawn = 0 GROUP BY i.batch_id"),
	/* batch, seq, kind, at, paid_on, reason */
	DB_STMT(STMT_RECORD_INSERT,
	"INSERT INTO publicity_records (batch_id, seq, kind, format, at,"
	" paid_on, reason) VALUES (?, ?, ?, 1, ?, ?, ?)"),
	/* ---- the bureau's orders (issue 11) ----------------------------- */
	/* now x4, BUREAU_ORDER_WHERE, limit, offset: the page's ids first,
	 * read from the orders alone (a deep page skips index entries, not
	 * joined rows), then their columns */
	DB_STMT(STMT_ORDERS,
	BUREAU_ORDERS_OF(BUREAU_ORDER_WHERE " ORDER BY o.id DESC LIMIT ?"
	" OFFSET ?")),
	/* BUREAU_ORDER_WHERE, then each filter again (NULL when not set:
	 * with no filter, STMT_ORDERS_TOTAL counts, which the last condition
	 * states); the orders alone, their joins always match one row */
	DB_STMT(STMT_ORDERS_COUNT,
	"SELECT COUNT(*) FROM orders o" BUREAU_ORDER_WHERE
	" AND (? IS NOT NULL OR ? IS NOT NULL OR ? IS NOT NULL"
	" OR ? IS NOT NULL OR ? IS NOT NULL OR ? IS NOT NULL"
	" OR ? IS NOT NULL OR ? IS NOT NULL OR ? IS NOT NULL)"),
	/* one party's orders, the only filter (a provider's or an
	 * enterprise's page links here): the page's ids along the party's
	 * (party, id) index alone (004_scale.sql), never the rows that the
	 * general statements' unset filters would read, and the total of
	 * every status from the party's counts that 020_party_counts.sql's
	 * triggers keep (an unswept timed-out order only moves between two
	 * of them): now x4, party, limit, offset; party */
	DB_STMT(STMT_ORDERS_PROVIDER,
	BUREAU_ORDERS_OF_PARTY("provider")),
	DB_STMT(STMT_ORDERS_PROVIDER_COUNT,
	BUREAU_ORDERS_OF_PARTY_COUNT("provider")),
	DB_STMT(STMT_ORDERS_ENTERPRISE,
	BUREAU_ORDERS_OF_PARTY("enterprise")),
	DB_STMT(STMT_ORDERS_ENTERPRISE_COUNT,
	BUREAU_ORDERS_OF_PARTY_COUNT("enterprise")),
	/* no filter: every order of every year, as 018_scale_main.sql's
	 * trigger counts them (orders are never deleted) */
	DB_STMT(STMT_ORDERS_TOTAL,
	"SELECT CAST(COALESCE(SUM(orders), 0) AS SIGNED) FROM stats_stages"),
	/* now x4, BUREAU_ORDER_WHERE, before id, limit: one chunk of an
	 * export, below the last chunk's last order (keyset: no offset) */
	DB_STMT(STMT_ORDERS_EXPORT,
	BUREAU_ORDERS_OF(BUREAU_ORDER_WHERE " AND o.id < ?"
	" ORDER BY o.id DESC LIMIT ?")),

	/* ---- C1 ratings (issue 11) ---------------------------------------- */
	/* provider x2, product x2, limit, offset */
	DB_STMT(STMT_EVALS,
	"SELECT STRAIGHT_JOIN e.order_id, o.order_no, o.enterprise_id,"
	" n.name AS enterprise_name, p.provider_id, v.name AS provider_name,"
	" e.product_id, p.name AS product_name, e.quality, e.timeliness,"
	" e.attitude, e.comment, e.created_at" EVAL_FROM EVAL_WHERE
	" ORDER BY e.created_at DESC, e.order_id DESC LIMIT ? OFFSET ?"),
	/* provider x2, product x2, provider, product: with a filter (every
	 * rating: STMT_EVALS_TOTAL); a rating's product, provider, order and
	 * enterprise always exist (foreign keys) */
	DB_STMT(STMT_EVALS_COUNT,
	"SELECT COUNT(*) FROM evaluations e" EVAL_WHERE
	" AND (? IS NOT NULL OR ? IS NOT NULL)"),
	/* every rating: the total kept by 018_scale_main.sql's trigger */
	DB_STMT(STMT_EVALS_TOTAL,
	"SELECT n FROM row_counts WHERE name = 'evaluations'"),
	/* provider x2, product x2 */
	DB_STMT(STMT_EVALS_BY_PRODUCT,
	"SELECT p.id AS product_id, p.name AS product_name, p.provider_id,"
	" v.name AS provider_name, COUNT(*) AS n, SUM(e.quality) AS quality,"
	" SUM(e.timeliness) AS timeliness, SUM(e.attitude) AS attitude"
	EVAL_FROM EVAL_WHERE
	" GROUP BY p.id, p.name, p.provider_id, v.name ORDER BY p.id"),

	/* ---- issue 16 §4: provider scorecards ---------------------------- */

	/* a provider and its main category: id. Bounded by the provider's
	 * products (ix_products_provider); the sort is over its categories
	 * (at most the 12 of P1). */
	DB_STMT(STMT_SCORE_PROVIDER,
	"SELECT v.id, v.name, (SELECT p.category FROM products p"
	" WHERE p.provider_id = v.id GROUP BY p.category"
	" ORDER BY COUNT(*) DESC, p.category LIMIT 1) AS category"
	" FROM providers v WHERE v.id = ?"),
	/* the counts per provider of a category, and of the provider: now
	 * (x3), category, provider. Bounded by the category's providers
	 * (ix_products_category, deduplicated by the UNION: the grouping's
	 * temporary table is of that short list) and their orders
	 * (ix_orders_provider, joined after it); each
	 * order's events, claim, item, refunds and evaluation by its own
	 * index (ix_order_events_order, primary keys, uq_publicity_items_order,
	 * ix_refunds_order); grouped per provider. */
	DB_STMT(STMT_SCORE_FIGURES,
	"SELECT t.provider_id, COUNT(*) AS received,"
	" SUM(t.accepted) AS accepted, SUM(t.declined) AS declined,"
	" SUM(t.accept_timeout) AS accept_timeout,"
	" SUM(t.ent_cancelled) AS ent_cancelled,"
	" SUM(t.open_pending) AS open_pending, SUM(t.expired) AS expired,"
	" SUM(t.submitted) AS submitted, SUM(t.returned) AS returned,"
	" SUM(t.rejected) AS rejected, SUM(t.publicized) AS publicized,"
	" SUM(t.upheld) AS upheld, SUM(t.paid) AS paid,"
	" SUM(t.refunds) AS refunds, SUM(t.rated) AS rated,"
	" SUM(t.quality) AS quality, SUM(t.timeliness) AS timeliness,"
	" SUM(t.attitude) AS attitude"
	" FROM (SELECT o.provider_id,"
	" o.accepted_at IS NOT NULL AS accepted,"
	" (o.status = 'cancelled' AND o.cancel_reason = 'declined') AS declined,"
	" ((o.status = 'cancelled' AND o.cancel_reason = 'accept_timeout')"
	" OR (o.status = 'pending' AND o.accept_deadline <= ?)) AS accept_timeout,"
	" (o.status = 'cancelled' AND o.cancel_reason = 'enterprise')"
	" AS ent_cancelled,"
	" (o.status = 'pending' AND o.accept_deadline > ?) AS open_pending,"
	" (o.status = 'expired' OR (o.status IN ('accepted', 'contracted')"
	" AND o.valid_until <= ?)) AS expired,"
	" o.submitted_at IS NOT NULL AS submitted,"
	" (SELECT COUNT(*) FROM order_events e WHERE e.order_id = o.id"
	" AND e.from_status = 'submitted' AND e.to_status = 'contracted')"
	" AS returned,"
	" EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id"
	" AND e.from_status = 'submitted' AND e.to_status = 'rejected')"
	" AS rejected,"
	" EXISTS (SELECT 1 FROM publicity_items i WHERE i.order_id = o.id)"
	" AS publicized,"
	" EXISTS (SELECT 1 FROM publicity_items i WHERE i.order_id = o.id"
	" AND i.objection_status = 'upheld') AS upheld,"
	" o.paid_at IS NOT NULL AS paid,"
	" (SELECT COUNT(*) FROM refunds f WHERE f.order_id = o.id) AS refunds,"
	" ev.order_id IS NOT NULL AS rated, COALESCE(ev.quality, 0) AS quality,"
	" COALESCE(ev.timeliness, 0) AS timeliness,"
	" COALESCE(ev.attitude, 0) AS attitude"
	" FROM (SELECT p.provider_id FROM products p WHERE p.category = ?"
	" UNION SELECT ?) pv STRAIGHT_JOIN orders o FORCE INDEX"
	" (ix_orders_provider) ON o.provider_id = pv.provider_id"
	" LEFT JOIN evaluations ev ON ev.order_id = o.id) t"
	" GROUP BY t.provider_id"),
	/* the latest returns and rejections at review, with why: provider,
	 * limit. Bounded by the provider's orders (ix_orders_provider) and
	 * their events (ix_order_events_order); the sort is over those. */
	DB_STMT(STMT_SCORE_REASONS,
	"SELECT o.order_no, e.at, e.to_status, e.reason"
	" FROM orders o JOIN order_events e ON e.order_id = o.id"
	" WHERE o.provider_id = ? AND e.from_status = 'submitted'"
	" AND e.to_status IN ('contracted', 'rejected')"
	" ORDER BY e.at DESC, e.id DESC LIMIT ?"),
};

/* A parameter binding SQL NULL for 0 (an absent id or filter). */
static struct db_param
id_or_null(int64_t id)
{
	return id > 0 ? DB_I64(id) : DB_NULLP;
}

/* A DATE parameter from y*10000 + m*100 + d. */
static struct db_param
date_param(int64_t ymd)
{
	return DB_DATE(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

/* Runs a SELECT that fills *rows (freed by the caller); an empty result
 * is DB_OK. */
static int
rows_of(struct db *db, int id, const struct db_param *p, size_t n,
    struct db_res **rows)
{
	*rows = NULL;
	return db_exec(db, id, p, n, rows, NULL, NULL);
}

/* ---- paying a batch ------------------------------------------------- */

static const struct db_col batch_lock_cols[] = {
	DB_COL(struct batch_lock_row, id),
	DB_COL(struct batch_lock_row, status),
	DB_COL(struct batch_lock_row, period_ends_at),
};
static const struct db_rowmap batch_lock_map =
    DB_ROWMAP(struct batch_lock_row, batch_lock_cols);

int
db_batch_lock(struct db *db, int64_t id, struct batch_lock_row *out,
    struct db_res **keep)
{
	return db_one(db, STMT_BATCH_LOCK, DB_ARGS(DB_I64(id)), &batch_lock_map,
	    out, keep);
}

static const struct db_col pay_item_cols[] = {
	DB_COL(struct pay_item_row, id),
	DB_COL(struct pay_item_row, order_id),
	DB_COL(struct pay_item_row, amount),
	DB_COL(struct pay_item_row, objection_status),
	DB_COL(struct pay_item_row, withdrawn),
	DB_COL_NULL(struct pay_item_row, unpaid, "paid_on"),
};
static const struct db_rowmap pay_item_map =
    DB_ROWMAP(struct pay_item_row, pay_item_cols);

int
db_batch_items_lock(struct db *db, int64_t batch_id, struct db_rows *items)
{
	return db_all(db, STMT_ITEMS_LOCK, DB_ARGS(DB_I64(batch_id)),
	    &pay_item_map, items);
}

int
db_order_paid_at(struct db *db, int64_t order_id, time_t now)
{
	return db_dml(db, STMT_ORDER_PAID_AT, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_I64(order_id)), NULL);
}

int
db_item_paid(struct db *db, int64_t item_id, int64_t paid_on,
    int64_t record_seq)
{
	return db_dml(db, STMT_ITEM_PAID, DB_ARGS(date_param(paid_on),
	    DB_I64(record_seq), DB_I64(item_id)), NULL);
}

/* Inserts record seq of batch_id; a taken number asks for a re-run. */
static int
record_insert(struct db *db, int64_t batch_id, int64_t seq, const char *kind,
    time_t at, struct db_param paid_on, const char *reason)
{
	int rc = db_exec(db, STMT_RECORD_INSERT, DB_ARGS(DB_I64(batch_id),
	    DB_I64(seq), DB_STR(kind), DB_TIME(at), paid_on, DB_STR(reason)),
	    NULL, NULL, NULL);

	return rc == DB_CONFLICT ? DB_RETRY : rc;
}

int
db_record_payment(struct db *db, int64_t batch_id, time_t now,
    int64_t paid_on, int64_t *seq)
{
	int rc = db_scalar(db, STMT_RECORD_LAST, DB_ARGS(DB_I64(batch_id)),
	    seq);

	if (rc != DB_OK)
		return rc;
	return record_insert(db, batch_id, *seq, "payment", now,
	    date_param(paid_on), NULL);
}

int
db_batch_paid(struct db *db, int64_t batch_id, int64_t paid_on, time_t now,
    int64_t account_id)
{
	return db_dml(db, STMT_BATCH_PAID, DB_ARGS(date_param(paid_on),
	    DB_TIME(now), DB_I64(account_id), DB_I64(batch_id)), NULL);
}

int
db_batch_view(struct db *db, int64_t id, time_t now, struct db_res **batch,
    struct db_res **items)
{
	int rc;

	*items = NULL;
	rc = db_query(db, STMT_BATCH_VIEW, DB_ARGS(DB_TIME(now), DB_I64(id)),
	    batch);
	if (rc == DB_OK)
		rc = rows_of(db, STMT_BATCH_ITEMS, DB_ARGS(DB_I64(id)), items);
	return rc;
}

/* ---- recoveries ------------------------------------------------------- */

static const struct db_col totals_cols[] = {
	DB_COL(struct recovery_totals, n),
	DB_COL(struct recovery_totals, amount_due),
	DB_COL(struct recovery_totals, amount_returned),
};
static const struct db_rowmap totals_map =
    DB_ROWMAP(struct recovery_totals, totals_cols);

int
db_recoveries(struct db *db, const struct recovery_filter *f, int64_t limit,
    int64_t offset, struct db_res **rows, struct recovery_totals *tot)
{
	int rc;

	memset(tot, 0, sizeof(*tot));
	rc = rows_of(db, STMT_RECOVERIES, DB_ARGS(DB_STR(f->status),
	    DB_STR(f->status), DB_BOOL(f->due), id_or_null(f->order_id),
	    id_or_null(f->order_id), DB_I64(limit), DB_I64(offset)), rows);
	if (rc == DB_OK)
		rc = db_one(db, STMT_RECOVERIES_TOTALS, DB_ARGS(
		    DB_STR(f->status), DB_STR(f->status), DB_BOOL(f->due),
		    id_or_null(f->order_id), id_or_null(f->order_id)),
		    &totals_map, tot, NULL);
	return rc;
}

static const struct db_col recovery_lock_cols[] = {
	DB_COL(struct recovery_lock_row, amount_due),
	DB_COL(struct recovery_lock_row, amount_returned),
};
static const struct db_rowmap recovery_lock_map =
    DB_ROWMAP(struct recovery_lock_row, recovery_lock_cols);

int
db_recovery_lock(struct db *db, int64_t id, struct recovery_lock_row *out)
{
	return db_one(db, STMT_RECOVERY_LOCK, DB_ARGS(DB_I64(id)),
	    &recovery_lock_map, out, NULL);
}

int
db_recovery_return(struct db *db, int64_t id, int64_t returned,
    int64_t returned_on, const char *status, time_t now, int64_t account_id)
{
	return db_dml(db, STMT_RECOVERY_RETURN, DB_ARGS(DB_I64(returned),
	    date_param(returned_on), DB_STR(status), DB_TIME(now),
	    DB_I64(account_id), DB_I64(id)), NULL);
}

int
db_recovery_view(struct db *db, int64_t id, struct db_res **row)
{
	return db_query(db, STMT_RECOVERY_VIEW, DB_ARGS(DB_I64(id)), row);
}

int
db_recovery_insert(struct db *db, int64_t order_id, int64_t violation_id,
    int64_t amount_due, time_t now, int64_t *id)
{
	uint64_t insert_id = 0;
	int rc = db_exec(db, STMT_RECOVERY_INSERT, DB_ARGS(DB_I64(order_id),
	    DB_I64(violation_id), DB_I64(amount_due), DB_TIME(now),
	    DB_TIME(now)), NULL, NULL, &insert_id);

	*id = (int64_t)insert_id;
	return rc;
}

static const struct db_col paid_due_cols[] = {
	DB_COL(struct paid_due_row, paid),
	DB_COL(struct paid_due_row, due),
};
static const struct db_rowmap paid_due_map = DB_ROWMAP(struct paid_due_row,
    paid_due_cols);

int
db_order_paid_due(struct db *db, int64_t order_id, struct paid_due_row *out)
{
	return db_one(db, STMT_ORDER_PAID_DUE, DB_ARGS(DB_I64(order_id)),
	    &paid_due_map, out, NULL);
}

/* ---- violations ------------------------------------------------------- */

static const struct db_col party_cols[] = {
	DB_COL(struct party_row, id),
	DB_COL(struct party_row, barred_until),
};
static const struct db_rowmap party_map = DB_ROWMAP(struct party_row,
    party_cols);

int
db_party_lock(struct db *db, bool provider, int64_t id, struct party_row *out)
{
	return db_one(db, provider ? STMT_PROVIDER_LOCK : STMT_ENTERPRISE_LOCK,
	    DB_ARGS(DB_I64(id)), &party_map, out, NULL);
}

int
db_party_bar(struct db *db, bool provider, int64_t id, time_t until,
    time_t now)
{
	return db_dml(db, provider ? STMT_PROVIDER_BAR : STMT_ENTERPRISE_BAR,
	    DB_ARGS(DB_TIME(until), DB_TIME(now), DB_I64(id)), NULL);
}

int
db_violation_insert(struct db *db, const struct violation_new *v, int64_t *id)
{
	uint64_t insert_id = 0;
	int rc = db_exec(db, STMT_VIOLATION_INSERT, DB_ARGS(DB_STR(v->party),
	    DB_I64(v->party_id), DB_STR(v->kind), DB_STR(v->description),
	    id_or_null(v->order_id), DB_TIME(v->recorded_at),
	    DB_I64(v->recorded_by), DB_TIME(v->barred_until)), NULL, NULL,
	    &insert_id);

	*id = (int64_t)insert_id;
	return rc;
}

static const struct db_col parties_cols[] = {
	DB_COL(struct order_parties_row, enterprise_id),
	DB_COL(struct order_parties_row, provider_id),
};
static const struct db_rowmap parties_map =
    DB_ROWMAP(struct order_parties_row, parties_cols);

int
db_order_parties(struct db *db, int64_t order_id,
    struct order_parties_row *out)
{
	return db_one(db, STMT_ORDER_PARTIES, DB_ARGS(DB_I64(order_id)),
	    &parties_map, out, NULL);
}

static const struct db_col party_order_cols[] = {
	DB_COL(struct party_order_row, id),
	DB_COL(struct party_order_row, item_id),
};
static const struct db_rowmap party_order_map =
    DB_ROWMAP(struct party_order_row, party_order_cols);

int
db_party_orders(struct db *db, bool provider, int64_t party_id,
    struct db_rows *orders)
{
	return db_all(db, provider ? STMT_PROVIDER_ORDERS :
	    STMT_ENTERPRISE_ORDERS, DB_ARGS(DB_I64(party_id)), &party_order_map,
	    orders);
}

int
db_item_lock(struct db *db, int64_t id)
{
	struct db_res *res = NULL;
	int rc = db_query(db, STMT_ITEM_BATCH_LOCK, DB_ARGS(DB_I64(id)), &res);

	db_res_free(res);
	res = NULL;
	if (rc == DB_OK)
		rc = db_query(db, STMT_ITEM_LOCK, DB_ARGS(DB_I64(id)), &res);
	db_res_free(res);
	return rc;
}

/* The batch of an item and the number of its next record. */
struct record_next_row {
	int64_t batch_id;
	int64_t seq;
};
static const struct db_col record_next_cols[] = {
	DB_COL(struct record_next_row, batch_id),
	DB_COL(struct record_next_row, seq),
};
static const struct db_rowmap record_next_map =
    DB_ROWMAP(struct record_next_row, record_next_cols);

int
db_item_withdraw(struct db *db, int64_t item_id, time_t now, int64_t *seq)
{
	struct record_next_row next;
	struct db_res *keep = NULL;
	int rc;

	rc = db_one(db, STMT_RECORD_NEXT, DB_ARGS(DB_I64(item_id)),
	    &record_next_map, &next, &keep);
	db_res_free(keep);
	if (rc != DB_OK)
		return rc;	/* DB_NOTFOUND: withdrawn before */
	rc = record_insert(db, next.batch_id, next.seq, "withdrawal", now,
	    DB_NULLP, "violation");
	if (rc != DB_OK)
		return rc;
	*seq = next.seq;
	return db_dml(db, STMT_ITEM_WITHDRAW, DB_ARGS(DB_TIME(now),
	    DB_I64(next.seq), DB_I64(item_id)), NULL);
}

int
db_claim_reject(struct db *db, int64_t order_id, const char *reason,
    time_t now)
{
	return db_exec(db, STMT_CLAIM_REJECT, DB_ARGS(DB_STR(reason),
	    DB_TIME(now), DB_TIME(now), DB_I64(order_id)), NULL, NULL, NULL);
}

int
db_products_delist(struct db *db, int64_t provider_id, time_t now,
    int64_t *n)
{
	uint64_t affected = 0;
	int rc = db_exec(db, STMT_PRODUCTS_DELIST, DB_ARGS(DB_TIME(now),
	    DB_I64(provider_id)), NULL, &affected, NULL);

	*n = (int64_t)affected;
	return rc;
}

int
db_violations(struct db *db, const char *party, int64_t party_id,
    int64_t limit, int64_t offset, struct db_res **rows, int64_t *total)
{
	int rc;

	*total = 0;
	rc = rows_of(db, STMT_VIOLATIONS, DB_ARGS(DB_STR(party), DB_STR(party),
	    id_or_null(party_id), id_or_null(party_id), DB_I64(limit),
	    DB_I64(offset)), rows);
	if (rc == DB_OK)
		rc = db_scalar(db, STMT_VIOLATIONS_COUNT, DB_ARGS(DB_STR(party),
		    DB_STR(party), id_or_null(party_id), id_or_null(party_id)),
		    total);
	return rc;
}

int
db_violation_view(struct db *db, int64_t id, struct db_res **row,
    struct db_res **recoveries)
{
	int rc;

	*recoveries = NULL;
	rc = db_query(db, STMT_VIOLATION_VIEW, DB_ARGS(DB_I64(id)), row);
	if (rc == DB_OK)
		rc = rows_of(db, STMT_VIOLATION_RECOVERIES, DB_ARGS(DB_I64(id)),
		    recoveries);
	return rc;
}

/* ---- spot checks and the audit trail ---------------------------------- */

static const struct db_col id_cols[] = {
	DB_COL(struct id_row, id),
};
static const struct db_rowmap id_map = DB_ROWMAP(struct id_row, id_cols);

int
db_spot_candidates(struct db *db, time_t now, int64_t year,
    struct db_rows *ids)
{
	return db_all(db, STMT_SPOT_CANDIDATES, DB_ARGS(DB_TIME(now),
	    id_or_null(year), id_or_null(year)), &id_map, ids);
}

int
db_spot_insert(struct db *db, const char *sample_id, int64_t order_id,
    time_t now, int64_t account_id)
{
	return db_exec(db, STMT_SPOT_INSERT, DB_ARGS(DB_STR(sample_id),
	    DB_I64(order_id), DB_TIME(now), DB_I64(account_id)), NULL, NULL,
	    NULL);
}

int
db_spot_sample(struct db *db, const char *sample_id, time_t now,
    struct db_res **rows)
{
	return rows_of(db, STMT_SPOT_SAMPLE, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_STR(sample_id)), rows);
}

int
db_spot_samples(struct db *db, int64_t limit, int64_t offset,
    struct db_res **rows, int64_t *total)
{
	int rc;

	*total = 0;
	rc = rows_of(db, STMT_SPOT_SAMPLES, DB_ARGS(DB_I64(limit),
	    DB_I64(offset)), rows);
	if (rc == DB_OK)
		rc = db_scalar(db, STMT_SPOT_SAMPLES_COUNT, DB_NOARGS, total);
	return rc;
}

static const struct db_col spot_lock_cols[] = {
	DB_COL(struct spot_lock_row, sample_id),
	DB_COL(struct spot_lock_row, order_id),
	DB_COL(struct spot_lock_row, result),
};
static const struct db_rowmap spot_lock_map =
    DB_ROWMAP(struct spot_lock_row, spot_lock_cols);

int
db_spot_lock(struct db *db, int64_t id, struct spot_lock_row *out,
    struct db_res **keep)
{
	return db_one(db, STMT_SPOT_LOCK, DB_ARGS(DB_I64(id)), &spot_lock_map,
	    out, keep);
}

int
db_spot_result(struct db *db, int64_t id, const char *result,
    const char *note, time_t now, int64_t account_id)
{
	return db_dml(db, STMT_SPOT_RESULT, DB_ARGS(DB_STR(result),
	    DB_STR(note), DB_TIME(now), DB_I64(account_id), DB_I64(id)), NULL);
}

int
db_audit(struct db *db, const char *entity, int64_t id, int64_t before,
    int64_t limit, int64_t offset, struct db_res **rows, int64_t *total)
{
	int rc;

	*total = 0;
	if (before <= 0)
		before = INT64_MAX;
	if (entity == NULL) {
		rc = rows_of(db, STMT_AUDIT_ALL, DB_ARGS(DB_I64(before),
		    DB_I64(limit), DB_I64(offset)), rows);
		if (rc == DB_OK)
			rc = db_scalar(db, STMT_AUDIT_ALL_COUNT, DB_NOARGS, total);
	} else if (id == 0) {
		rc = rows_of(db, STMT_AUDIT_ENTITY, DB_ARGS(DB_STR(entity),
		    DB_I64(before), DB_I64(limit), DB_I64(offset)), rows);
		if (rc == DB_OK)
			rc = db_scalar(db, STMT_AUDIT_ENTITY_COUNT,
			    DB_ARGS(DB_STR(entity)), total);
	} else {
		rc = rows_of(db, STMT_AUDIT_ENTITY_ID, DB_ARGS(DB_STR(entity),
		    DB_I64(id), DB_I64(before), DB_I64(limit), DB_I64(offset)),
		    rows);
		if (rc == DB_OK)
			rc = db_scalar(db, STMT_AUDIT_ENTITY_ID_COUNT,
			    DB_ARGS(DB_STR(entity), DB_I64(id)), total);
	}
	return rc;
}

/* ---- the dashboard ---------------------------------------------------- */

static const struct db_col stats_cell_cols[] = {
	DB_COL(struct stats_cell, category),
	DB_COL(struct stats_cell, month),
	DB_COL(struct stats_cell, orders),
	DB_COL(struct stats_cell, subsidy),
};
static const struct db_rowmap stats_cell_map = DB_ROWMAP(struct stats_cell,
    stats_cell_cols);

int
db_stats(struct db *db, int64_t year, struct stats_res *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = rows_of(db, STMT_STATS_CATEGORIES, NULL, 0, &out->categories);
	if (rc == DB_OK)
		rc = db_all(db, STMT_STATS_CELLS, DB_ARGS(DB_I64(year)),
		    &stats_cell_map, &out->cells);
	if (rc == DB_OK)
		rc = rows_of(db, STMT_STATS_QUOTA, DB_ARGS(DB_I64(year)),
		    &out->allowance);
	if (rc == DB_OK)
		rc = rows_of(db, STMT_STATS_SELLING_OUT, DB_ARGS(DB_I64(year)),
		    &out->selling_out);
	return rc;
}

void
stats_res_free(struct stats_res *s)
{
	db_res_free(s->categories);
	db_rows_free(&s->cells);
	db_res_free(s->allowance);
	db_res_free(s->selling_out);
	memset(s, 0, sizeof(*s));
}

/* ---- issue 16: the stages' clocks -------------------------------------- */

static const struct db_col stage_seconds_cols[] = {
	DB_COL(struct stage_seconds_row, accept_s),
	DB_COL(struct stage_seconds_row, accept_n),
	DB_COL(struct stage_seconds_row, contract_s),
	DB_COL(struct stage_seconds_row, contract_n),
	DB_COL(struct stage_seconds_row, submit_s),
	DB_COL(struct stage_seconds_row, submit_n),
	DB_COL(struct stage_seconds_row, review_s),
	DB_COL(struct stage_seconds_row, review_n),
	DB_COL(struct stage_seconds_row, publish_s),
	DB_COL(struct stage_seconds_row, publish_n),
	DB_COL(struct stage_seconds_row, pay_s),
	DB_COL(struct stage_seconds_row, pay_n),
};
static const struct db_rowmap stage_seconds_map = DB_ROWMAP(
    struct stage_seconds_row, stage_seconds_cols);

int
db_stage_seconds(struct db *db, int64_t year, struct stage_seconds_row *out)
{
	return db_one(db, STMT_STATS_STAGE_SECONDS, DB_ARGS(DB_I64(year)),
	    &stage_seconds_map, out, NULL);
}

static const struct db_col overdue_order_cols[] = {
	DB_COL(struct overdue_order_row, id),
	DB_COL(struct overdue_order_row, order_no),
	DB_COL(struct overdue_order_row, status),
	DB_COL(struct overdue_order_row, provider_name),
	DB_COL(struct overdue_order_row, enterprise_name),
	DB_COL(struct overdue_order_row, submitted_at),
	DB_COL(struct overdue_order_row, confirmed_at),
	DB_COL(struct overdue_order_row, approved_at),
};
static const struct db_rowmap overdue_order_map = DB_ROWMAP(
    struct overdue_order_row, overdue_order_cols);

static const struct db_col overdue_app_cols[] = {
	DB_COL(struct overdue_app_row, id),
	DB_COL(struct overdue_app_row, provider_name),
	DB_COL(struct overdue_app_row, last_submitted_at),
	DB_COL(struct overdue_app_row, has_opinion),
};
static const struct db_rowmap overdue_app_map = DB_ROWMAP(
    struct overdue_app_row, overdue_app_cols);

static const struct db_col overdue_cert_cols[] = {
	DB_COL(struct overdue_cert_row, id),
	DB_COL(struct overdue_cert_row, kind),
	DB_COL(struct overdue_cert_row, name),
	DB_COL(struct overdue_cert_row, submitted_at),
};
static const struct db_rowmap overdue_cert_map = DB_ROWMAP(
    struct overdue_cert_row, overdue_cert_cols);

int
db_overdue_orders(struct db *db, time_t now, int64_t limit,
    struct db_rows *rows)
{
	return db_all(db, STMT_OVERDUE_ORDERS, DB_ARGS(DB_TIME(now),
	    DB_I64(limit)), &overdue_order_map, rows);
}

int
db_overdue_applications(struct db *db, time_t cut, int64_t limit,
    struct db_rows *rows)
{
	return db_all(db, STMT_OVERDUE_APPLICATIONS, DB_ARGS(DB_TIME(cut),
	    DB_I64(limit)), &overdue_app_map, rows);
}

int
db_overdue_certifications(struct db *db, time_t cut, int64_t limit,
    struct db_rows *rows)
{
	return db_all(db, STMT_OVERDUE_CERTIFICATIONS, DB_ARGS(DB_TIME(cut),
	    DB_I64(limit)), &overdue_cert_map, rows);
}

static const struct db_col overdue_counts_cols[] = {
	DB_COL(struct overdue_counts_row, review_n),
	DB_COL(struct overdue_counts_row, publish_n),
	DB_COL(struct overdue_counts_row, app_n),
	DB_COL(struct overdue_counts_row, app_decide_n),
	DB_COL(struct overdue_counts_row, cert_n),
	DB_COL(struct overdue_counts_row, ahead),
};
static const struct db_rowmap overdue_counts_map = DB_ROWMAP(
    struct overdue_counts_row, overdue_counts_cols);

int
db_overdue_counts(struct db *db, time_t now, time_t app_cut, time_t cert_cut,
    struct overdue_counts_row *out)
{
	time_t m = overdue_minute(now), am = overdue_minute(app_cut),
	    cm = overdue_minute(cert_cut);
	int rc = db_one(db, STMT_OVERDUE_COUNTS, DB_ARGS(DB_TIME(m),
	    DB_TIME(cm), DB_TIME(am), DB_TIME(m), DB_TIME(am), DB_TIME(cm),
	    DB_TIME(m), DB_TIME(now), DB_TIME(am), DB_TIME(app_cut),
	    DB_TIME(cm), DB_TIME(cert_cut)), &overdue_counts_map, out, NULL);

	if (rc == DB_OK && out->ahead > 0)
		rc = db_one(db, STMT_OVERDUE_COUNTS_ROWS, DB_ARGS(DB_TIME(now),
		    DB_TIME(app_cut), DB_TIME(cert_cut)), &overdue_counts_map,
		    out, NULL);
	return rc;
}

/* ---- the bureau's orders (issue 11) ------------------------------------ */

static const struct db_col bureau_order_cols[] = {
	DB_COL(struct bureau_order_row, id),
	DB_COL(struct bureau_order_row, order_no),
	DB_COL(struct bureau_order_row, status),
	DB_COL(struct bureau_order_row, year),
	DB_COL(struct bureau_order_row, enterprise_id),
	DB_COL(struct bureau_order_row, enterprise_name),
	DB_COL(struct bureau_order_row, enterprise_uscc),
	DB_COL(struct bureau_order_row, provider_id),
	DB_COL(struct bureau_order_row, provider_name),
	DB_COL(struct bureau_order_row, product_id),
	DB_COL(struct bureau_order_row, product_name),
	DB_COL(struct bureau_order_row, category),
	DB_COL(struct bureau_order_row, category_name),
	DB_COL(struct bureau_order_row, voucher_price),
	DB_COL(struct bureau_order_row, unit_subsidy),
	DB_COL(struct bureau_order_row, reserved),
	DB_COL(struct bureau_order_row, subsidy),
	DB_COL_NULL(struct bureau_order_row, subsidy_null, "subsidy"),
	DB_COL(struct bureau_order_row, contract_amount),
	DB_COL_NULL(struct bureau_order_row, contract_null, "contract_amount"),
	DB_COL(struct bureau_order_row, approved_amount),
	DB_COL_NULL(struct bureau_order_row, approved_null, "approved_amount"),
	DB_COL(struct bureau_order_row, claim_status),
	DB_COL(struct bureau_order_row, ordered_at),
	DB_COL(struct bureau_order_row, accept_deadline),
	DB_COL(struct bureau_order_row, valid_until),
	DB_COL(struct bureau_order_row, accepted_at),
	DB_COL(struct bureau_order_row, contracted_at),
	DB_COL(struct bureau_order_row, confirmed_at),
	DB_COL(struct bureau_order_row, submitted_at),
	DB_COL(struct bureau_order_row, approved_at),
	DB_COL(struct bureau_order_row, paid_at),
	DB_COL(struct bureau_order_row, closed_at),
	DB_COL(struct bureau_order_row, overdue),
	DB_COL(struct bureau_order_row, unconfirmed),
};
const struct db_rowmap bureau_order_map =
    DB_ROWMAP(struct bureau_order_row, bureau_order_cols);

static struct db_param
time_or_null(time_t t)
{
	return t != 0 ? DB_TIME(t) : DB_NULLP;
}

/* The parameters of BUREAU_ORDER_WHERE, in its order. */
#define ORDER_FILTER_ARGS(f, now) \
	DB_STR((f)->status), DB_TIME(now), DB_TIME(now), DB_STR((f)->status), \
	id_or_null((f)->product_id), id_or_null((f)->product_id), \
	id_or_null((f)->provider_id), id_or_null((f)->provider_id), \
	id_or_null((f)->enterprise_id), id_or_null((f)->enterprise_id), \
	DB_STR((f)->category), DB_STR((f)->category), \
	time_or_null((f)->from), time_or_null((f)->from), \
	time_or_null((f)->until), time_or_null((f)->until), \
	DB_BOOL((f)->overdue), DB_TIME(now), DB_TIME(now), \
	DB_BOOL((f)->unconfirmed)

json_t *
db_bureau_orders(struct db *db, const struct order_filter *f, time_t now,
    int64_t page, int64_t per_page, page_rowmap_fn row_json, void *ctx,
    int *rc)
{
	/* every order: the total kept with the stage sums (018), not a
	 * count of every row of every year */
	if (f->status == NULL && f->product_id <= 0 && f->provider_id <= 0 &&
	    f->enterprise_id <= 0 && f->category == NULL && f->from == 0 &&
	    f->until == 0 && !f->overdue && !f->unconfirmed)
		return page_list_rows(db, STMT_ORDERS, DB_ARGS(DB_TIME(now),
		    DB_TIME(now), DB_TIME(now), DB_TIME(now),
		    ORDER_FILTER_ARGS(f, now)), STMT_ORDERS_TOTAL, NULL, 0,
		    page, per_page, &bureau_order_map, row_json, ctx, rc);
	/* one party's orders alone: along its index */
	if (f->status == NULL && f->product_id <= 0 && f->category == NULL &&
	    f->from == 0 && f->until == 0 && !f->overdue && !f->unconfirmed &&
	    (f->provider_id > 0) != (f->enterprise_id > 0)) {
		bool prov = f->provider_id > 0;
		int64_t party = prov ? f->provider_id : f->enterprise_id;

		return page_list_rows(db, prov ? STMT_ORDERS_PROVIDER :
		    STMT_ORDERS_ENTERPRISE, DB_ARGS(DB_TIME(now),
		    DB_TIME(now), DB_TIME(now), DB_TIME(now), DB_I64(party)),
		    prov ? STMT_ORDERS_PROVIDER_COUNT :
		    STMT_ORDERS_ENTERPRISE_COUNT, DB_ARGS(DB_I64(party)),
		    page, per_page, &bureau_order_map, row_json, ctx, rc);
	}
	return page_list_rows(db, STMT_ORDERS, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_TIME(now), DB_TIME(now),
	    ORDER_FILTER_ARGS(f, now)), STMT_ORDERS_COUNT,
	    DB_ARGS(ORDER_FILTER_ARGS(f, now), DB_STR(f->status),
	    id_or_null(f->product_id), id_or_null(f->provider_id),
	    id_or_null(f->enterprise_id), DB_STR(f->category),
	    time_or_null(f->from), time_or_null(f->until),
	    f->overdue ? DB_I64(1) : DB_NULLP,
	    f->unconfirmed ? DB_I64(1) : DB_NULLP), page, per_page,
	    &bureau_order_map, row_json, ctx, rc);
}

int
db_bureau_orders_each(struct db *db, const struct order_filter *f,
    time_t now, int64_t before_id, int64_t limit, db_row_fn fn, void *ctx)
{
	return db_each(db, STMT_ORDERS_EXPORT, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_TIME(now), DB_TIME(now),
	    ORDER_FILTER_ARGS(f, now), DB_I64(before_id), DB_I64(limit)),
	    &bureau_order_map, fn, ctx);
}

/* ---- C1 ratings (issue 11) --------------------------------------------- */

json_t *
db_evaluations(struct db *db, int64_t provider_id, int64_t product_id,
    int64_t page, int64_t per_page, int *rc)
{
	if (provider_id <= 0 && product_id <= 0)
		return page_list(db, STMT_EVALS, DB_ARGS(DB_NULLP, DB_NULLP,
		    DB_NULLP, DB_NULLP), STMT_EVALS_TOTAL, NULL, 0, page,
		    per_page, NULL, rc);
	return page_list(db, STMT_EVALS, DB_ARGS(id_or_null(provider_id),
	    id_or_null(provider_id), id_or_null(product_id),
	    id_or_null(product_id)), STMT_EVALS_COUNT,
	    DB_ARGS(id_or_null(provider_id), id_or_null(provider_id),
	    id_or_null(product_id), id_or_null(product_id),
	    id_or_null(provider_id), id_or_null(product_id)), page, per_page,
	    NULL, rc);
}

int
db_evaluations_by_product(struct db *db, int64_t provider_id,
    int64_t product_id, struct db_rows *by_product)
{
	return db_all(db, STMT_EVALS_BY_PRODUCT, DB_ARGS(
	    id_or_null(provider_id), id_or_null(provider_id),
	    id_or_null(product_id), id_or_null(product_id)),
	    &evaluation_product_provider_map, by_product);
}

/* ---- issue 16 §4: provider scorecards ---------------------------------- */

static const struct db_col score_provider_cols[] = {
	DB_COL(struct score_provider_row, id),
	DB_COL(struct score_provider_row, name),
	DB_COL(struct score_provider_row, category),
};
static const struct db_rowmap score_provider_map =
    DB_ROWMAP(struct score_provider_row, score_provider_cols);

int
db_score_provider(struct db *db, int64_t id, struct score_provider_row *out,
    struct db_res **keep)
{
	return db_one(db, STMT_SCORE_PROVIDER, DB_ARGS(DB_I64(id)),
	    &score_provider_map, out, keep);
}

static const struct db_col score_cols[] = {
	DB_COL(struct score_row, provider_id),
	DB_COL(struct score_row, received),
	DB_COL(struct score_row, accepted),
	DB_COL(struct score_row, declined),
	DB_COL(struct score_row, accept_timeout),
	DB_COL(struct score_row, ent_cancelled),
	DB_COL(struct score_row, open_pending),
	DB_COL(struct score_row, expired),
	DB_COL(struct score_row, submitted),
	DB_COL(struct score_row, returned),
	DB_COL(struct score_row, rejected),
	DB_COL(struct score_row, publicized),
	DB_COL(struct score_row, upheld),
	DB_COL(struct score_row, paid),
	DB_COL(struct score_row, refunds),
	DB_COL(struct score_row, rated),
	DB_COL(struct score_row, quality),
	DB_COL(struct score_row, timeliness),
	DB_COL(struct score_row, attitude),
};
static const struct db_rowmap score_map = DB_ROWMAP(struct score_row,
    score_cols);

int
db_score_figures(struct db *db, const char *category, int64_t provider_id,
    time_t now, struct db_rows *rows)
{
	return db_all(db, STMT_SCORE_FIGURES, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_TIME(now), DB_STR(category), DB_I64(provider_id)),
	    &score_map, rows);
}

static const struct db_col score_reason_cols[] = {
	DB_COL(struct score_reason_row, order_no),
	DB_COL(struct score_reason_row, at),
	DB_COL(struct score_reason_row, to_status),
	DB_COL(struct score_reason_row, reason),
};
static const struct db_rowmap score_reason_map =
    DB_ROWMAP(struct score_reason_row, score_reason_cols);

int
db_score_reasons(struct db *db, int64_t provider_id, int64_t limit,
    struct db_rows *rows)
{
	return db_all(db, STMT_SCORE_REASONS, DB_ARGS(DB_I64(provider_id),
	    DB_I64(limit)), &score_reason_map, rows);
}
