/*
 * db.c - all SQL of the provider program, by statement id, and one typed
 * function per statement (provider.h). Rows are read into named structs
 * by column alias.
 */
#include "evaluation.h"
#include "provider.h"

const struct db_stmt provider_stmts[STMT__MAX] = {
	/* O4: now, now, id */
	DB_STMT(STMT_ORDER_ACCEPTED,
	"UPDATE orders SET accepted_at = ?, updated_at = ? WHERE id = ?"),
	/* O8/O9: struct contract_new, in its order */
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
	/* O8: id, provider */
	DB_STMT(STMT_REFERENCE,
	"SELECT order_no, ordered_at, product_name"
	" FROM orders WHERE id = ? AND provider_id = ?"),
	/* the enterprise's order contact, for the order's provider only:
	 * id, provider */
	DB_STMT(STMT_ORDER_CONTACT,
	"SELECT contact_name, contact_mobile"
	" FROM orders WHERE id = ? AND provider_id = ?"),
	/* R6, for a locked order: contract amount, the subsidy actually paid
	 * (listed amount, else approved amount, else the contract's subsidy),
	 * refunded so far, recovery due from refunds and from anything: id */
	DB_STMT(STMT_REFUND_FIGURES,
	"SELECT c.amount AS contract_amount,"
	" COALESCE(pi.amount, cl.approved_amount, o.subsidy, 0)"
	" AS paid_subsidy,"
	" (SELECT COALESCE(SUM(f.amount), 0) FROM refunds f"
	" WHERE f.order_id = o.id) AS refunded,"
	" (SELECT COALESCE(SUM(x.amount_due), 0) FROM recoveries x"
	" WHERE x.order_id = o.id AND x.refund_id IS NOT NULL) AS refund_due,"
	" (SELECT COALESCE(SUM(x.amount_due), 0) FROM recoveries x"
	" WHERE x.order_id = o.id) AS all_due"
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
	/* C1 ratings of the provider's products (issue 11): provider,
	 * product x2, limit, offset; newest first along
	 * ix_evaluations_provider or _product (018_scale_main.sql:
	 * e.provider_id is the order's provider) */
	DB_STMT(STMT_EVALS,
	"SELECT STRAIGHT_JOIN e.order_id, o.order_no, e.product_id,"
	" p.name AS product_name, e.quality, e.timeliness, e.attitude,"
	" e.comment, e.created_at"
	" FROM evaluations e JOIN products p ON p.id = e.product_id"
	" JOIN orders o ON o.id = e.order_id"
	" WHERE e.provider_id = ? AND (? IS NULL OR e.product_id = ?)"
	" ORDER BY e.created_at DESC, e.order_id DESC LIMIT ? OFFSET ?"),
	/* provider, product x2 */
	DB_STMT(STMT_EVALS_COUNT,
	"SELECT COUNT(*) FROM evaluations e"
	" WHERE e.provider_id = ? AND (? IS NULL OR e.product_id = ?)"),
	/* provider, product x2: the provider's products (ix_products_provider,
	 * a few tens at most), each one's ratings by ix_evaluations_product,
	 * grouped in id order */
	DB_STMT(STMT_EVALS_BY_PRODUCT,
	"SELECT STRAIGHT_JOIN p.id AS product_id, p.name AS product_name,"
	" COUNT(*) AS n, SUM(e.quality) AS quality,"
	" SUM(e.timeliness) AS timeliness, SUM(e.attitude) AS attitude"
	" FROM products p FORCE INDEX (ix_products_provider)"
	" JOIN evaluations e ON e.product_id = p.id"
	" WHERE p.provider_id = ? AND (? IS NULL OR p.id = ?)"
	" GROUP BY p.id ORDER BY p.id"),
};

/* A DATE parameter from y*10000 + m*100 + d. */
static struct db_param
date_param(int64_t ymd)
{
	return DB_DATE(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

int
db_order_accepted(struct db *db, int64_t order_id, time_t now)
{
	return db_dml(db, STMT_ORDER_ACCEPTED, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_I64(order_id)), NULL);
}

int
db_contract_upsert(struct db *db, const struct contract_new *c)
{
	return db_dml(db, STMT_CONTRACT_UPSERT, DB_ARGS(DB_I64(c->order_id),
	    DB_STR(c->contract_no), date_param(c->signed_on),
	    date_param(c->service_start_on), DB_I64(c->amount),
	    DB_I64(c->period_months), DB_I64(c->base), DB_I64(c->subsidy),
	    DB_I64(c->self_paid), DB_TIME(c->at), DB_I64(c->account_id)), NULL);
}

int
db_order_contracted(struct db *db, int64_t order_id, int64_t subsidy,
    time_t now)
{
	return db_dml(db, STMT_ORDER_CONTRACTED, DB_ARGS(DB_I64(subsidy),
	    DB_I64(subsidy), DB_TIME(now), DB_TIME(now), DB_I64(order_id)),
	    NULL);
}

static const struct db_col reference_cols[] = {
	DB_COL(struct order_reference, order_no),
	DB_COL(struct order_reference, ordered_at),
	DB_COL(struct order_reference, product_name),
};
static const struct db_rowmap reference_map =
    DB_ROWMAP(struct order_reference, reference_cols);

int
db_order_reference(struct db *db, int64_t order_id, int64_t provider_id,
    struct order_reference *out, struct db_res **keep)
{
	return db_one(db, STMT_REFERENCE, DB_ARGS(DB_I64(order_id),
	    DB_I64(provider_id)), &reference_map, out, keep);
}

static const struct db_col order_contact_cols[] = {
	DB_COL(struct order_contact_row, contact_name),
	DB_COL(struct order_contact_row, contact_mobile),
};
static const struct db_rowmap order_contact_map =
    DB_ROWMAP(struct order_contact_row, order_contact_cols);

int
db_order_contact(struct db *db, int64_t order_id, int64_t provider_id,
    struct order_contact_row *out, struct db_res **keep)
{
	return db_one(db, STMT_ORDER_CONTACT, DB_ARGS(DB_I64(order_id),
	    DB_I64(provider_id)), &order_contact_map, out, keep);
}

static const struct db_col refund_figures_cols[] = {
	DB_COL(struct refund_figures, contract_amount),
	DB_COL(struct refund_figures, paid_subsidy),
	DB_COL(struct refund_figures, refunded),
	DB_COL(struct refund_figures, refund_due),
	DB_COL(struct refund_figures, all_due),
};
static const struct db_rowmap refund_figures_map =
    DB_ROWMAP(struct refund_figures, refund_figures_cols);

int
db_refund_figures(struct db *db, int64_t order_id, struct refund_figures *out)
{
	return db_one(db, STMT_REFUND_FIGURES, DB_ARGS(DB_I64(order_id)),
	    &refund_figures_map, out, NULL);
}

int
db_refund_insert(struct db *db, const struct refund_new *f, int64_t *id)
{
	uint64_t insert_id = 0;
	int rc = db_dml(db, STMT_REFUND_INSERT, DB_ARGS(DB_I64(f->order_id),
	    DB_STR(f->kind), DB_I64(f->amount), DB_STR(f->reason),
	    DB_TIME(f->at), DB_I64(f->account_id)), &insert_id);

	*id = (int64_t)insert_id;
	return rc;
}

int
db_recovery_insert(struct db *db, int64_t order_id, int64_t refund_id,
    int64_t amount_due, time_t now, int64_t *id)
{
	uint64_t insert_id = 0;
	int rc = db_dml(db, STMT_REFUND_RECOVERY, DB_ARGS(DB_I64(order_id),
	    DB_I64(refund_id), DB_I64(amount_due), DB_TIME(now), DB_TIME(now)),
	    &insert_id);

	*id = (int64_t)insert_id;
	return rc;
}

/* ---- C1 ratings (issue 11) --------------------------------------------- */

static struct db_param
product_or_null(int64_t id)
{
	return id > 0 ? DB_I64(id) : DB_NULLP;
}

json_t *
db_evaluations(struct db *db, int64_t provider_id, int64_t product_id,
    int64_t page, int64_t per_page, int *rc)
{
	return page_list(db, STMT_EVALS, DB_ARGS(DB_I64(provider_id),
	    product_or_null(product_id), product_or_null(product_id)),
	    STMT_EVALS_COUNT, DB_ARGS(DB_I64(provider_id),
	    product_or_null(product_id), product_or_null(product_id)), page,
	    per_page, NULL, rc);
}

int
db_evaluations_by_product(struct db *db, int64_t provider_id,
    int64_t product_id, struct db_rows *by_product)
{
	return db_all(db, STMT_EVALS_BY_PRODUCT, DB_ARGS(DB_I64(provider_id),
	    product_or_null(product_id), product_or_null(product_id)),
	    &evaluation_product_map, by_product);
}
