/*
 * lib_sql.c - the SQL of the domain layer (see lib_sql.h). Every
 * program's connection can run these; they are prepared on first use.
 */
#include <stddef.h>

#include "lib_sql.h"
#include "orders.h"
#include "rules.h"

#define XSTR(x) STR(x)
#define STR(x) #x

/* The columns of an order as every program shows it: the status and the
 * reservation as they are at now even if no sweeper ran (O4, O6). Four
 * params: now x4. ORDER_VIEW_FROM(hint) follows, hint an index hint on
 * orders o or "". */
#define ORDER_VIEW_SELECT \
	"o.id, o.order_no, " ORDER_EFFECTIVE_STATUS("o") " AS status," \
	" o.product_id, o.product_name, o.provider_id, v.name AS provider_name," \
	" o.enterprise_id, e.name AS enterprise_name, o.year, o.voucher_price," \
	" o.unit_subsidy, IF(" ORDER_TIMED_OUT("o") ", 0, o.reserved)" \
	" AS reserved, o.reserved_at_order, o.subsidy, o.validity_days, o.ordered_at," \
	" o.accept_deadline, o.valid_until, o.accepted_at, o.contracted_at," \
	" o.confirmed_at, o.submitted_at, o.approved_at, o.paid_at," \
	" IF(o.confirmed_at IS NULL AND o.submitted_at IS NOT NULL" \
	" AND o.status IN ('contracted', 'submitted'), o.submitted_at" \
	" + INTERVAL " XSTR(RULE_C2_CONFIRM_DAYS) " DAY, NULL) AS confirm_by," \
	" o.closed_at, o.cancel_reason, o.status_reason," \
	" c.contract_no, c.signed_on, c.service_start_on," \
	" c.amount AS contract_amount, c.period_months, c.base AS contract_base," \
	" c.subsidy AS contract_subsidy, c.self_paid AS contract_self_paid"
#define ORDER_VIEW_JOINS \
	" JOIN providers v ON v.id = o.provider_id" \
	" JOIN enterprises e ON e.id = o.enterprise_id" \
	" LEFT JOIN contracts c ON c.order_id = o.id"
#define ORDER_VIEW_FROM(hint) " FROM orders o" hint ORDER_VIEW_JOINS
#define ORDER_VIEW_COLS ORDER_VIEW_SELECT ORDER_VIEW_FROM("")

/* The total of either list, one value of uncorrelated scalar subqueries
 * (run once per execution, not per row): owner, status x2, then status,
 * now, owner, status, then status, now, owner, status x3. The party's
 * orders per stored status are kept by 020_party_counts.sql's triggers;
 * the orders timed out but not yet swept move from their stored status
 * to the one they show, read only for the statuses they touch (the
 * status test inside each subquery's WHERE: for any other status the
 * server sees an impossible WHERE and plans no read of orders, where
 * IF(status, subquery, 0) had it plan the read anyway). The lists
 * carry it as page_total (page_list_total); ORDER_COUNT alone serves an
 * empty page past the first. */
#define ORDER_TOTAL(party) \
	"((SELECT COALESCE(SUM(c.n), 0) FROM order_counts c" \
	" WHERE c.party = '" party "' AND c.party_id = ?" \
	" AND (? IS NULL OR c.status = ?))" \
	" + (SELECT COUNT(*) FROM orders o WHERE ? IN ('pending', 'cancelled')" \
	" AND o.status = 'pending' AND o.accept_deadline <= ?" \
	" AND o." party "_id = ?) * IF(? = 'cancelled', 1, -1)" \
	" + (SELECT COUNT(*) FROM orders o" \
	" WHERE ? IN ('accepted', 'contracted', 'expired')" \
	" AND o.status IN ('accepted', 'contracted')" \
	" AND o.valid_until <= ? AND o." party "_id = ?" \
	" AND (? = 'expired' OR o.status = ?)) * IF(? = 'expired', 1, -1))"
#define ORDER_COUNT(party) "SELECT " ORDER_TOTAL(party) " AS total"

/* All one party's orders, whatever they show: the sum of its kept
 * totals (owner), without ORDER_TOTAL's corrections, which only move an
 * order from one status to another, and whose subqueries the server
 * would plan on every execution even when they do not run. */
#define ORDER_TOTAL_ALL(party) \
	"(SELECT COALESCE(SUM(c.n), 0) FROM order_counts c" \
	" WHERE c.party = '" party "' AND c.party_id = ?)"

/* A page of all one party's orders ("enterprise" or "provider"): now x4,
 * owner (ORDER_TOTAL_ALL), owner, limit, offset. Read newest first along the owner's (owner, id)
 * index (004_scale.sql): a LIMIT stops the read, whatever the party's
 * number of orders; the optimizer would otherwise count a busy
 * provider's orders as a reason to scan them all. */
#define ORDER_LIST_ALL(party) \
	"SELECT " ORDER_VIEW_SELECT ", " ORDER_TOTAL_ALL(party) " AS page_total" \
	ORDER_VIEW_FROM(" FORCE INDEX (ix_orders_" party "_id)") \
	" WHERE o." party "_id = ? ORDER BY o.id DESC LIMIT ? OFFSET ?"

/* A page of one party's orders showing a status (the effective one, O4,
 * O6): now x4, ORDER_TOTAL's 13, owner, status, now, now, n (the page's end: offset +
 * limit), now, owner, status, now, owner, status, limit, offset. The ids
 * come from three bounded reads: the newest n stored with the status and
 * not timed out, along (owner, status, id); and the few timed out but not
 * yet swept that show as it (O4: cancelled, O6: expired; the sweeper's
 * ranges). Only those are joined and sorted. */
#define ORDER_LIST_STATUS(party) \
	"SELECT " ORDER_VIEW_SELECT ", " ORDER_TOTAL(party) " AS page_total" \
	" FROM ((SELECT o.id FROM orders o FORCE INDEX (ix_orders_" party ")" \
	" WHERE o." party "_id = ? AND o.status = ? AND NOT " ORDER_TIMED_OUT("o") \
	" ORDER BY o.id DESC LIMIT ?)" \
	" UNION ALL (SELECT o.id FROM orders o WHERE o.status = 'pending'" \
	" AND o.accept_deadline <= ? AND o." party "_id = ? AND ? = 'cancelled')" \
	" UNION ALL (SELECT o.id FROM orders o" \
	" WHERE o.status IN ('accepted', 'contracted') AND o.valid_until <= ?" \
	" AND o." party "_id = ? AND ? = 'expired')) k" \
	" JOIN orders o ON o.id = k.id" ORDER_VIEW_JOINS \
	" ORDER BY o.id DESC LIMIT ? OFFSET ?"

static const struct db_stmt lib_sql[DBS__END - DB_LIB_BASE] = {
	/* DBS_SESSION_GET: token hash -> session and account */
	DB_LIB_STMT(DBS_SESSION_GET,
	"SELECT s.account_id, a.role, a.login, a.enterprise_id, a.provider_id,"
	" a.org_id, a.member_role,"
	" s.csrf_token, s.created_at, s.last_seen_at, s.expires_at"
	" FROM sessions s JOIN accounts a ON a.id = s.account_id"
	" WHERE s.token_hash = ? AND a.disabled = 0"),
	/* DBS_SESSION_TOUCH: now, token hash */
	DB_LIB_STMT(DBS_SESSION_TOUCH,
	"UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?"),
	/* DBS_SESSION_DELETE: token hash */
	DB_LIB_STMT(DBS_SESSION_DELETE,
	"DELETE FROM sessions WHERE token_hash = ?"),
	/* DBS_AUDIT_INSERT: rule V3, append-only */
	DB_LIB_STMT(DBS_AUDIT_INSERT,
	"INSERT INTO audit_log (at, actor_account_id, actor_role, action,"
	" entity, entity_id, before_json, after_json, request_id)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
	/* DBS_ROUND_CURRENT */
	DB_LIB_STMT(DBS_ROUND_CURRENT,
	"SELECT year, apply_opens_on, apply_closes_on FROM rounds"
	" WHERE is_current = 1 ORDER BY year DESC LIMIT 1"),
	/* DBS_ORDER_LOCK: id */
	DB_LIB_STMT(DBS_ORDER_LOCK,
	"SELECT id, order_no, enterprise_id, product_id, provider_id, year,"
	" status, reserved, reserved_at_order, unit_held, unit_subsidy,"
	" subsidy, ordered_at,"
	" accept_deadline, valid_until, confirmed_at"
	" FROM orders WHERE id = ? FOR UPDATE"),
	/* DBS_ORDER_CLOSE: status, cancel_reason, reason, unit_held,
	 * now, now, id */
	DB_LIB_STMT(DBS_ORDER_CLOSE,
	"UPDATE orders SET status = ?, cancel_reason = ?, status_reason = ?,"
	" reserved = 0, unit_held = ?, closed_at = ?, updated_at = ?"
	" WHERE id = ?"),
	/* DBS_ORDER_SET_STATUS: status, reason, now, id */
	DB_LIB_STMT(DBS_ORDER_SET_STATUS,
	"UPDATE orders SET status = ?, status_reason = COALESCE(?, status_reason),"
	" updated_at = ? WHERE id = ?"),
	/* DBS_ORDER_EVENT: O10 */
	DB_LIB_STMT(DBS_ORDER_EVENT,
	"INSERT INTO order_events (order_id, at, actor_account_id, actor_role,"
	" from_status, to_status, reason, request_id)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
	/* DBS_QUOTA_RELEASE: amount, enterprise, year, amount */
	DB_LIB_STMT(DBS_QUOTA_RELEASE,
	"UPDATE enterprise_quota SET occupied = occupied - ?"
	" WHERE enterprise_id = ? AND year = ? AND occupied >= ?"),
	/* DBS_QUOTA_RESERVE: amount, enterprise, year, amount - O3's guarded
	 * UPDATE, never past the cap */
	DB_LIB_STMT(DBS_QUOTA_RESERVE,
	"UPDATE enterprise_quota SET occupied = occupied + ?"
	" WHERE enterprise_id = ? AND year = ? AND occupied + ? <= cap"),
	/* DBS_PRODUCT_RETURN_UNIT: product */
	DB_LIB_STMT(DBS_PRODUCT_RETURN_UNIT,
	"UPDATE products FORCE INDEX (PRIMARY)"
	" SET remaining_units = remaining_units + 1,"
	" units_sold = units_sold - 1 WHERE id = ? AND units_sold > 0"),
	/* DBS_ORDERS_DUE_PENDING: now, limit (O4) */
	DB_LIB_STMT(DBS_ORDERS_DUE_PENDING,
	"SELECT id FROM orders WHERE status = 'pending' AND accept_deadline <= ?"
	" ORDER BY accept_deadline, id LIMIT ?"),
	/* DBS_ORDERS_DUE_VALID: now, limit (O6). In no order: each is swept
	 * in its own transaction, and two ranges of (status, valid_until)
	 * would need a sort of every due order */
	DB_LIB_STMT(DBS_ORDERS_DUE_VALID,
	"SELECT id FROM orders WHERE status IN ('accepted', 'contracted')"
	" AND valid_until <= ? LIMIT ?"),
	/* DBS_ORDERS_DUE_PRODUCT: product, now, now (in no order, as above) */
	DB_LIB_STMT(DBS_ORDERS_DUE_PRODUCT,
	"SELECT id FROM orders o WHERE o.product_id = ? AND o.unit_held = 1 AND "
	ORDER_TIMED_OUT("o") " LIMIT 200"),
	/* DBS_ORDERS_DUE_ENTERPRISE: enterprise, year, now, now */
	DB_LIB_STMT(DBS_ORDERS_DUE_ENTERPRISE,
	"SELECT id FROM orders o WHERE o.enterprise_id = ? AND o.year = ?"
	" AND o.reserved > 0 AND " ORDER_TIMED_OUT("o") " LIMIT 200"),
	/* DBS_ORDER_VIEW: now x4, id */
	DB_LIB_STMT(DBS_ORDER_VIEW,
	"SELECT " ORDER_VIEW_COLS " WHERE o.id = ?"),
	/* DBS_ORDER_EVENTS: order id */
	DB_LIB_STMT(DBS_ORDER_EVENTS,
	"SELECT at, actor_role, from_status, to_status, reason"
	" FROM order_events WHERE order_id = ? ORDER BY id"),
	/* DBS_ORDER_LIST_ENTERPRISE */
	DB_LIB_STMT(DBS_ORDER_LIST_ENTERPRISE,
	ORDER_LIST_ALL("enterprise")),
	DB_LIB_STMT(DBS_ORDER_LIST_ENTERPRISE_STATUS,
	ORDER_LIST_STATUS("enterprise")),
	/* DBS_ORDER_COUNT_ENTERPRISE (ORDER_COUNT) */
	DB_LIB_STMT(DBS_ORDER_COUNT_ENTERPRISE,
	ORDER_COUNT("enterprise")),
	/* DBS_ORDER_LIST_PROVIDER */
	DB_LIB_STMT(DBS_ORDER_LIST_PROVIDER,
	ORDER_LIST_ALL("provider")),
	DB_LIB_STMT(DBS_ORDER_LIST_PROVIDER_STATUS,
	ORDER_LIST_STATUS("provider")),
	/* DBS_ORDER_COUNT_PROVIDER */
	DB_LIB_STMT(DBS_ORDER_COUNT_PROVIDER,
	ORDER_COUNT("provider")),
	/* V2: provider id -> barred_until (parties.c) */
	DB_LIB_STMT(DBS_PROVIDER_BARRED_UNTIL,
	"SELECT barred_until FROM providers WHERE id = ?"),
	/* V2: enterprise id -> barred_until (parties.c) */
	DB_LIB_STMT(DBS_ENTERPRISE_BARRED_UNTIL,
	"SELECT barred_until FROM enterprises WHERE id = ?"),

	/* ---- issue 12: the outbox (outbox.c) ---- */
	/* account, kind -> whether the account wants it */
	DB_LIB_STMT(DBS_OUTBOX_PREF,
	"SELECT enabled FROM notification_prefs WHERE account_id = ? AND kind = ?"),
	/* kind, account, recipient, text, payload, sensitive, next attempt,
	 * expires, created */
	DB_LIB_STMT(DBS_OUTBOX_INSERT,
	"INSERT INTO notifications (kind, account_id, recipient, text, payload,"
	" is_secret, status, attempts, next_attempt_at, expires_at, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)"),
	/* now -> the next due message, locked (another sender skips it) */
	DB_LIB_STMT(DBS_OUTBOX_NEXT,
	"SELECT id, kind, account_id, recipient, text, payload, attempts,"
	" expires_at, created_at FROM notifications"
	" WHERE status = 'pending' AND next_attempt_at <= ?"
	" ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"),
	/* now, id: sent; a secret is not kept */
	DB_LIB_STMT(DBS_OUTBOX_SENT,
	"UPDATE notifications SET status = 'sent', sent_at = ?,"
	" attempts = attempts + 1, last_error = NULL,"
	" text = IF(is_secret = 1, '（已发送，内容已清除）', text),"
	" payload = IF(is_secret = 1, NULL, payload) WHERE id = ?"),
	/* next attempt, error, status, id (status is set first: the blanking
	 * sees the new one) */
	DB_LIB_STMT(DBS_OUTBOX_RETRY,
	"UPDATE notifications SET attempts = attempts + 1, next_attempt_at = ?,"
	" last_error = ?, status = ?,"
	" text = IF(status = 'failed' AND is_secret = 1,"
	" '（未能发送，内容已清除）', text),"
	" payload = IF(status = 'failed' AND is_secret = 1, NULL, payload)"
	" WHERE id = ?"),
	/* id: past its kind's time, never sent */
	DB_LIB_STMT(DBS_OUTBOX_EXPIRE,
	"UPDATE notifications SET status = 'expired',"
	" text = IF(is_secret = 1, '（已过期，内容已清除）', text),"
	" payload = IF(is_secret = 1, NULL, payload) WHERE id = ?"),
	/* now -> messages due */
	DB_LIB_STMT(DBS_OUTBOX_BACKLOG,
	"SELECT COUNT(*) FROM notifications"
	" WHERE status = 'pending' AND next_attempt_at <= ?"),

	/* ---- issue 12: limits (throttle.c) ---- */
	DB_LIB_STMT(DBS_THROTTLE_GET,
	"SELECT window_start, hits, last_at FROM throttle"
	" WHERE scope = ? AND subject = ?"),
	/* scope, subject, now, now: a row that counts nothing yet */
	DB_LIB_STMT(DBS_THROTTLE_CREATE,
	"INSERT IGNORE INTO throttle (scope, subject, window_start, hits, last_at)"
	" VALUES (?, ?, ?, 0, ?)"),
	DB_LIB_STMT(DBS_THROTTLE_LOCK,
	"SELECT window_start, hits, last_at FROM throttle"
	" WHERE scope = ? AND subject = ? FOR UPDATE"),
	/* window start, hits, now, scope, subject */
	DB_LIB_STMT(DBS_THROTTLE_SET,
	"UPDATE throttle SET window_start = ?, hits = ?, last_at = ?"
	" WHERE scope = ? AND subject = ?"),
	/* issue 15: a success forgets the failures: scope, subject */
	DB_LIB_STMT(DBS_THROTTLE_CLEAR,
	"UPDATE throttle SET hits = 0 WHERE scope = ? AND subject = ?"),

	/* ---- issue 12: an organisation's certification (org.c) ---- */
	DB_LIB_STMT(DBS_ORG_STATE,
	"SELECT id, kind, state, name, last_decision, last_reason,"
	" enterprise_id, provider_id, updated_at FROM organisations WHERE id = ?"),
	/* Y1: the configured round (param) or the current one, with its
	 * ordering period */
	DB_LIB_STMT(DBS_ROUND_INFO,
	"SELECT year, order_opens_on, order_closes_on FROM rounds WHERE year ="
	" COALESCE(?, (SELECT MAX(year) FROM rounds WHERE is_current = 1))"),
	/* V2: order id -> the bars of its provider and its enterprise */
	DB_LIB_STMT(DBS_ORDER_PARTIES_BARRED_UNTIL,
	"SELECT v.barred_until AS provider_barred_until,"
	" e.barred_until AS enterprise_barred_until"
	" FROM orders o JOIN providers v ON v.id = o.provider_id"
	" JOIN enterprises e ON e.id = o.enterprise_id WHERE o.id = ?"),
	/* ---- issue 16: reminders and the inbox (outbox.c, reminders.c) ---- */
	/* kind, channel, account, recipient, text, payload, link, status,
	 * next attempt, sent at (inbox: now), created */
	DB_LIB_STMT(DBS_OUTBOX_INSERT_ACCOUNT,
	"INSERT INTO notifications (kind, channel, account_id, recipient, text,"
	" payload, link, is_secret, status, attempts, next_attempt_at, sent_at,"
	" created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?)"),
	/* how far order_events were announced, locked: one sweeper at a time */
	DB_LIB_STMT(DBS_REMIND_CURSOR_LOCK,
	"SELECT last_id FROM reminder_cursor WHERE name = 'order_events'"
	" FOR UPDATE"),
	/* last id, now */
	DB_LIB_STMT(DBS_REMIND_CURSOR_SET,
	"UPDATE reminder_cursor SET last_id = ?, updated_at = ?"
	" WHERE name = 'order_events'"),
	/* after id, limit: the next events with their orders, along the
	 * events' primary key from the cursor whatever the statistics say (an
	 * empty range once planned a scan of the orders) */
	DB_LIB_STMT(DBS_REMIND_EVENTS,
	"SELECT STRAIGHT_JOIN e.id AS event_id, e.order_id, e.from_status,"
	" e.to_status, e.actor_role, e.reason, o.order_no, o.product_name,"
	" o.enterprise_id, o.provider_id, o.accept_deadline, o.submitted_at,"
	" o.confirmed_at"
	" FROM order_events e FORCE INDEX (PRIMARY)"
	" JOIN orders o ON o.id = e.order_id"
	" WHERE e.id > ? ORDER BY e.id LIMIT ?"),
	/* order, kind, threshold, event, now: the once-only key (a duplicate
	 * changes no row: already sent) */
	DB_LIB_STMT(DBS_REMIND_KEY,
	"INSERT IGNORE INTO reminders (subject, subject_id, kind, threshold,"
	" event_id, created_at) VALUES ('order', ?, ?, ?, ?, ?)"),
	/* enterprise (or NULL), provider (or NULL): the accounts that may act
	 * for it (E13: administrators and operators; a ready account that is
	 * in no organisation is its own administrator) */
	DB_LIB_STMT(DBS_REMIND_RECIPIENTS,
	"SELECT id, mobile, login FROM accounts WHERE enterprise_id = ?"
	" AND role = 'enterprise' AND disabled = 0"
	" AND member_role IN ('admin', 'operator') UNION ALL"
	" SELECT id, mobile, login FROM accounts WHERE provider_id = ?"
	" AND role = 'provider' AND disabled = 0"
	" AND member_role IN ('admin', 'operator') ORDER BY id"),
	/* The deadline warnings: orders whose deadline is within the first
	 * threshold and whose tightest crossed threshold has no key yet.
	 * Params: the cut of the second threshold, t2, t1, low, high, kind,
	 * limit (reminders.c). One index range each (ix_orders_accept,
	 * ix_orders_valid). */
	/* O4: a pending order's acceptance limit */
	DB_LIB_STMT(DBS_REMIND_ACCEPT_DUE,
	"SELECT x.* FROM (SELECT o.id, o.order_no, o.product_name,"
	" o.enterprise_id, o.provider_id, o.accept_deadline AS deadline,"
	" IF(o.accept_deadline <= ?, ?, ?) AS threshold FROM orders o"
	" WHERE o.status = 'pending' AND o.accept_deadline > ?"
	" AND o.accept_deadline <= ?) x WHERE NOT EXISTS (SELECT 1 FROM"
	" reminders r WHERE r.subject = 'order' AND r.subject_id = x.id"
	" AND r.kind = ? AND r.threshold = x.threshold AND r.event_id = 0)"
	" ORDER BY x.deadline, x.id LIMIT ?"),
	/* O6: a running voucher's end (the claim not submitted) */
	DB_LIB_STMT(DBS_REMIND_VALIDITY,
	"SELECT x.* FROM (SELECT o.id, o.order_no, o.product_name,"
	" o.enterprise_id, o.provider_id, o.valid_until AS deadline,"
	" IF(o.valid_until <= ?, ?, ?) AS threshold FROM orders o"
	" WHERE o.status IN ('accepted', 'contracted') AND o.valid_until > ?"
	" AND o.valid_until <= ?) x WHERE NOT EXISTS (SELECT 1 FROM"
	" reminders r WHERE r.subject = 'order' AND r.subject_id = x.id"
	" AND r.kind = ? AND r.threshold = x.threshold AND r.event_id = 0)"
	" ORDER BY x.deadline, x.id LIMIT ?"),
	/* C2: a submitted claim the enterprise has not confirmed (low and
	 * high bound submitted_at) */
	DB_LIB_STMT(DBS_REMIND_CONFIRM,
	"SELECT x.* FROM (SELECT o.id, o.order_no, o.product_name,"
	" o.enterprise_id, o.provider_id, o.submitted_at AS deadline,"
	" IF(o.submitted_at <= ?, ?, ?) AS threshold FROM orders o"
	" WHERE o.status = 'submitted' AND o.submitted_at > ?"
	" AND o.submitted_at <= ? AND o.confirmed_at IS NULL) x"
	" WHERE NOT EXISTS (SELECT 1 FROM"
	" reminders r WHERE r.subject = 'order' AND r.subject_id = x.id"
	" AND r.kind = ? AND r.threshold = x.threshold AND r.event_id = 0)"
	" ORDER BY x.deadline, x.id LIMIT ?"),
	/* ---- issue 13: the overdue stages' fold (overdue_fold.c) ---------- */
	/* kind: the stage's total, locked (026's triggers lock it first) */
	DB_LIB_STMT(DBS_OVERDUE_SWEPT_LOCK,
	"SELECT upto FROM overdue_swept WHERE kind = ? FOR UPDATE"),
	/* kind, upto: its minutes before upto, locked: their count and rows */
	DB_LIB_STMT(DBS_OVERDUE_MINUTES_SUM,
	"SELECT CAST(COALESCE(SUM(n), 0) AS SIGNED) AS n, COUNT(*) AS `rows`"
	" FROM overdue_minutes WHERE kind = ? AND at < ? FOR UPDATE"),
	/* their count, upto, kind */
	DB_LIB_STMT(DBS_OVERDUE_SWEPT_SET,
	"UPDATE overdue_swept SET n = n + ?, upto = ? WHERE kind = ?"),
	/* kind, upto: the minutes folded */
	DB_LIB_STMT(DBS_OVERDUE_MINUTES_DROP,
	"DELETE FROM overdue_minutes WHERE kind = ? AND at < ?"),
	/* ---- issue 13: the small totals' slots folded (slot_fold.c) ------ */
	/* Each table: LOCK every row no writer holds, in key order, as
	 * k1..k3 (text; NULL past its keys), slot, v1..v13 (0 past its
	 * values); ADD its values to a slot: values, keys, slot; DROP a
	 * slot: keys, slot (both by the primary key) */
	DB_LIB_STMT(DBS_FOLD_STATS_ORDERS_LOCK,
	"SELECT CAST(year AS CHAR) AS k1, category AS k2, month AS k3,"
	" slot, orders AS v1, subsidy AS v2, 0 AS v3, 0 AS v4, 0 AS v5, 0 AS"
	" v6, 0 AS v7, 0 AS v8, 0 AS v9, 0 AS v10, 0 AS v11, 0 AS v12, 0 AS"
	" v13 FROM stats_orders ORDER BY year, category, month, slot FOR"
	" UPDATE SKIP LOCKED"),
	DB_LIB_STMT(DBS_FOLD_STATS_ORDERS_ADD,
	"UPDATE stats_orders SET orders = orders + ?, subsidy = subsidy + ?"
	" WHERE year = ? AND category = ? AND month = ? AND slot = ?"),
	DB_LIB_STMT(DBS_FOLD_STATS_ORDERS_DROP,
	"DELETE FROM stats_orders WHERE year = ? AND category = ? AND month"
	" = ? AND slot = ?"),
	DB_LIB_STMT(DBS_FOLD_STATS_QUOTA_LOCK,
	"SELECT CAST(year AS CHAR) AS k1, CAST(tier AS CHAR) AS k2, NULL AS"
	" k3, slot, enterprises AS v1, cap AS v2, occupied AS v3, 0 AS v4, 0"
	" AS v5, 0 AS v6, 0 AS v7, 0 AS v8, 0 AS v9, 0 AS v10, 0 AS v11, 0"
	" AS v12, 0 AS v13 FROM stats_quota ORDER BY year, tier, slot FOR"
	" UPDATE SKIP LOCKED"),
	DB_LIB_STMT(DBS_FOLD_STATS_QUOTA_ADD,
	"UPDATE stats_quota SET enterprises = enterprises + ?, cap = cap +"
	" ?, occupied = occupied + ? WHERE year = ? AND tier = ? AND slot ="
	" ?"),
	DB_LIB_STMT(DBS_FOLD_STATS_QUOTA_DROP,
	"DELETE FROM stats_quota WHERE year = ? AND tier = ? AND slot = ?"),
	DB_LIB_STMT(DBS_FOLD_STATS_STAGES_LOCK,
	"SELECT CAST(year AS CHAR) AS k1, NULL AS k2, NULL AS k3, slot,"
	" orders AS v1, accept_n AS v2, accept_s AS v3, contract_n AS v4,"
	" contract_s AS v5, submit_n AS v6, submit_s AS v7, review_n AS v8,"
	" review_s AS v9, publish_n AS v10, publish_s AS v11, pay_n AS v12,"
	" pay_s AS v13 FROM stats_stages ORDER BY year, slot FOR UPDATE SKIP"
	" LOCKED"),
	DB_LIB_STMT(DBS_FOLD_STATS_STAGES_ADD,
	"UPDATE stats_stages SET orders = orders + ?, accept_n = accept_n +"
	" ?, accept_s = accept_s + ?, contract_n = contract_n + ?,"
	" contract_s = contract_s + ?, submit_n = submit_n + ?, submit_s ="
	" submit_s + ?, review_n = review_n + ?, review_s = review_s + ?,"
	" publish_n = publish_n + ?, publish_s = publish_s + ?, pay_n ="
	" pay_n + ?, pay_s = pay_s + ? WHERE year = ? AND slot = ?"),
	DB_LIB_STMT(DBS_FOLD_STATS_STAGES_DROP,
	"DELETE FROM stats_stages WHERE year = ? AND slot = ?"),
	DB_LIB_STMT(DBS_FOLD_CLAIM_COUNTS_LOCK,
	"SELECT status AS k1, NULL AS k2, NULL AS k3, slot, n AS v1, 0 AS"
	" v2, 0 AS v3, 0 AS v4, 0 AS v5, 0 AS v6, 0 AS v7, 0 AS v8, 0 AS v9,"
	" 0 AS v10, 0 AS v11, 0 AS v12, 0 AS v13 FROM claim_counts ORDER BY"
	" status, slot FOR UPDATE SKIP LOCKED"),
	DB_LIB_STMT(DBS_FOLD_CLAIM_COUNTS_ADD,
	"UPDATE claim_counts SET n = n + ? WHERE status = ? AND slot = ?"),
	DB_LIB_STMT(DBS_FOLD_CLAIM_COUNTS_DROP,
	"DELETE FROM claim_counts WHERE status = ? AND slot = ?"),
	DB_LIB_STMT(DBS_FOLD_CERT_COUNTS_LOCK,
	"SELECT status AS k1, kind AS k2, NULL AS k3, slot, n AS v1, 0 AS"
	" v2, 0 AS v3, 0 AS v4, 0 AS v5, 0 AS v6, 0 AS v7, 0 AS v8, 0 AS v9,"
	" 0 AS v10, 0 AS v11, 0 AS v12, 0 AS v13 FROM certification_counts"
	" ORDER BY status, kind, slot FOR UPDATE SKIP LOCKED"),
	DB_LIB_STMT(DBS_FOLD_CERT_COUNTS_ADD,
	"UPDATE certification_counts SET n = n + ? WHERE status = ? AND"
	" kind = ? AND slot = ?"),
	DB_LIB_STMT(DBS_FOLD_CERT_COUNTS_DROP,
	"DELETE FROM certification_counts WHERE status = ? AND kind = ? AND"
	" slot = ?"),
	DB_LIB_STMT(DBS_FOLD_APP_COUNTS_LOCK,
	"SELECT state AS k1, NULL AS k2, NULL AS k3, slot, n AS v1, 0 AS"
	" v2, 0 AS v3, 0 AS v4, 0 AS v5, 0 AS v6, 0 AS v7, 0 AS v8, 0 AS v9,"
	" 0 AS v10, 0 AS v11, 0 AS v12, 0 AS v13 FROM application_counts"
	" ORDER BY state, slot FOR UPDATE SKIP LOCKED"),
	DB_LIB_STMT(DBS_FOLD_APP_COUNTS_ADD,
	"UPDATE application_counts SET n = n + ? WHERE state = ? AND slot ="
	" ?"),
	DB_LIB_STMT(DBS_FOLD_APP_COUNTS_DROP,
	"DELETE FROM application_counts WHERE state = ? AND slot = ?"),
	DB_LIB_STMT(DBS_FOLD_AUDIT_COUNTS_LOCK,
	"SELECT entity AS k1, NULL AS k2, NULL AS k3, slot, n AS v1, 0 AS"
	" v2, 0 AS v3, 0 AS v4, 0 AS v5, 0 AS v6, 0 AS v7, 0 AS v8, 0 AS v9,"
	" 0 AS v10, 0 AS v11, 0 AS v12, 0 AS v13 FROM audit_counts ORDER BY"
	" entity, slot FOR UPDATE SKIP LOCKED"),
	DB_LIB_STMT(DBS_FOLD_AUDIT_COUNTS_ADD,
	"UPDATE audit_counts SET n = n + ? WHERE entity = ? AND slot = ?"),
	DB_LIB_STMT(DBS_FOLD_AUDIT_COUNTS_DROP,
	"DELETE FROM audit_counts WHERE entity = ? AND slot = ?"),
};

const struct db_stmts lib_stmts = { lib_sql, DBS__END - DB_LIB_BASE };
