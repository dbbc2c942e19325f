/*
 * db.c - all SQL of the ordering program, by statement id, and one typed
 * function per statement (ordering.h). Rows are read into named structs
 * by column alias. The order state machine's shared SQL is in
 * shared/domain/lib_sql.c.
 */
#include <stdio.h>
#include <string.h>

#include "orders.h"
#include "ordering.h"

const struct db_stmt ordering_stmts[STMT__MAX] = {
	/* E1-E5 facts, the E7 tier and the last order contact: enterprise
	 * id */
	DB_STMT(STMT_ENTERPRISE_FACTS,
	"SELECT e.tier, e.size_class, e.beijing_registered, e.is_enterprise,"
	" e.credit_flagged, e.credit_list_until, e.barred_until, c.contact_name,"
	" c.contact_mobile FROM enterprises e"
	" LEFT JOIN enterprise_contacts c ON c.enterprise_id = e.id"
	" WHERE e.id = ?"),
	/* O2: product id (the round is compared in C with round_current) */
	DB_STMT(STMT_PRODUCT_FOR_ORDER,
	"SELECT p.id, p.provider_id, p.name, p.voucher_price, p.unit_subsidy,"
	" p.validity_days, p.listed, p.round_year,"
	" v.barred_until AS provider_barred_until,"
	" v.credit_flagged AS provider_credit_flagged"
	" FROM products p JOIN providers v ON v.id = p.provider_id"
	" WHERE p.id = ?"),
	/* the year's quota row (E7 cap), created on the first order:
	 * enterprise, year, cap */
	DB_STMT(STMT_QUOTA_ENSURE,
	"INSERT INTO enterprise_quota (enterprise_id, year, cap, occupied)"
	" VALUES (?, ?, ?, 0) ON DUPLICATE KEY UPDATE cap = cap"),
	/* O3: locks the quota row first (lock order: quota, then product):
	 * enterprise, year */
	DB_STMT(STMT_QUOTA_LOCK,
	"SELECT cap, occupied FROM enterprise_quota"
	" WHERE enterprise_id = ? AND year = ? FOR UPDATE"),
	/* the quota at now: now, now, enterprise, year */
	DB_STMT(STMT_QUOTA_EFFECTIVE,
	"SELECT q.cap, " QUOTA_EFFECTIVE_OCCUPIED("q") " AS occupied"
	" FROM enterprise_quota q WHERE q.enterprise_id = ? AND q.year = ?"),
	/* the enterprise's last order contact: enterprise, name, mobile, now */
	DB_STMT(STMT_CONTACT_SAVE,
	"INSERT INTO enterprise_contacts (enterprise_id, contact_name,"
	" contact_mobile, updated_at) VALUES (?, ?, ?, ?)"
	" ON DUPLICATE KEY UPDATE contact_name = VALUES(contact_name),"
	" contact_mobile = VALUES(contact_mobile),"
	" updated_at = VALUES(updated_at)"),
	/* an order's contact, for its enterprise only: order, enterprise */
	DB_STMT(STMT_ORDER_CONTACT,
	"SELECT contact_name, contact_mobile FROM orders"
	" WHERE id = ? AND enterprise_id = ?"),
	/* O3, P5: the hot guarded UPDATE — never below zero. Through the
	 * primary key only: the orders' foreign-key checks hold shared locks
	 * on the uq_products_id_provider entry, which this must not touch */
	DB_STMT(STMT_PRODUCT_TAKE_UNIT,
	"UPDATE products FORCE INDEX (PRIMARY)"
	" SET remaining_units = remaining_units - 1,"
	" units_sold = units_sold + 1"
	" WHERE id = ? AND remaining_units > 0 AND listed = 1"),
	/* struct order_new, in its order */
	DB_STMT(STMT_ORDER_INSERT,
	"INSERT INTO orders (order_no, enterprise_id, product_id, provider_id,"
	" year, status, product_name, voucher_price, validity_days,"
	" unit_subsidy, reserved, reserved_at_order, unit_held, ordered_at,"
	" accept_deadline, valid_until, updated_at, contact_name,"
	" contact_mobile) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?,"
	" 1, ?, ?, ?, ?, ?, ?)"),
	/* idempotency: account, key, request hash, now */
	DB_STMT(STMT_IDEM_INSERT,
	"INSERT INTO idempotency_keys (account_id, idem_key, request_hash,"
	" state, created_at) VALUES (?, ?, ?, 'running', ?)"),
	/* request hash, account, key */
	DB_STMT(STMT_IDEM_GET,
	"SELECT request_hash = ? AS same_request, state = 'done' AS done,"
	" response_status, response_body"
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
	/* account, key */
	DB_STMT(STMT_IDEM_DELETE,
	"DELETE FROM idempotency_keys WHERE account_id = ? AND idem_key = ?"
	" AND state = 'running'"),
	/* C1: now, now, id */
	DB_STMT(STMT_ORDER_CONFIRM,
	"UPDATE orders SET confirmed_at = ?, updated_at = ?"
	" WHERE id = ? AND confirmed_at IS NULL"),
	/* C1: struct evaluation, in its order */
	DB_STMT(STMT_EVALUATION_INSERT,
	"INSERT INTO evaluations (order_id, product_id, quality, timeliness,"
	" attitude, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
	/* C1: the product's public average (three aspects per evaluation):
	 * points, product */
	DB_STMT(STMT_PRODUCT_RATE,
	"UPDATE products SET rating_sum = rating_sum + ?,"
	" rating_count = rating_count + 3 WHERE id = ?"),
	/* R1: the commitment form's data: order id, enterprise id */
	DB_STMT(STMT_COMMITMENT,
	"SELECT e.name AS enterprise_name, e.uscc, e.size_class, o.order_no,"
	" o.ordered_at, o.product_name, v.name AS provider_name,"
	" o.voucher_price, o.unit_subsidy, o.valid_until"
	" FROM orders o JOIN enterprises e ON e.id = o.enterprise_id"
	" JOIN providers v ON v.id = o.provider_id"
	" WHERE o.id = ? AND o.enterprise_id = ?"),
};

/* ---- O1: the enterprise's facts ---------------------------------------- */

/* Copies a contact pair into c: both or neither. */
static void
contact_copy(struct order_contact *c, const char *name, const char *mobile)
{
	bool both = name != NULL && mobile != NULL;

	snprintf(c->name, sizeof(c->name), "%s", both ? name : "");
	snprintf(c->mobile, sizeof(c->mobile), "%s", both ? mobile : "");
}

struct enterprise_facts_sql {
	const char *tier;
	const char *size_class;
	bool        beijing_registered;
	bool        is_enterprise;
	bool        credit_flagged;
	int64_t     credit_list_until;      /* E14: ymd, 0 when not listed  */
	time_t      barred_until;
	const char *contact_name;
	const char *contact_mobile;
};

static const struct db_col enterprise_facts_cols[] = {
	DB_COL(struct enterprise_facts_sql, tier),
	DB_COL(struct enterprise_facts_sql, size_class),
	DB_COL(struct enterprise_facts_sql, beijing_registered),
	DB_COL(struct enterprise_facts_sql, is_enterprise),
	DB_COL(struct enterprise_facts_sql, credit_flagged),
	DB_COL(struct enterprise_facts_sql, credit_list_until),
	DB_COL(struct enterprise_facts_sql, barred_until),
	DB_COL(struct enterprise_facts_sql, contact_name),
	DB_COL(struct enterprise_facts_sql, contact_mobile),
};
static const struct db_rowmap enterprise_facts_map =
    DB_ROWMAP(struct enterprise_facts_sql, enterprise_facts_cols);

int
db_enterprise_facts(struct db *db, int64_t enterprise_id,
    struct enterprise_facts *out)
{
	struct enterprise_facts_sql row;
	struct db_res *keep = NULL;
	int rc = db_one(db, STMT_ENTERPRISE_FACTS,
	    DB_ARGS(DB_I64(enterprise_id)), &enterprise_facts_map, &row, &keep);

	memset(out, 0, sizeof(*out));
	out->tier = -1;
	if (rc == DB_OK) {
		out->tier = rule_tier_parse(row.tier);
		out->f.size_class = row.size_class == NULL ? -1 :
		    rule_size_parse(row.size_class);
		out->f.beijing_registered = row.beijing_registered;
		out->f.is_enterprise = row.is_enterprise;
		out->f.credit_flagged = row.credit_flagged;
		out->credit_list_until = row.credit_list_until;
		out->f.barred_until = row.barred_until;
		contact_copy(&out->last_contact, row.contact_name,
		    row.contact_mobile);
	}
	db_res_free(keep);
	return rc;
}

/* ---- O2: the product --------------------------------------------------- */

static const struct db_col product_for_order_cols[] = {
	DB_COL(struct product_for_order, id),
	DB_COL(struct product_for_order, provider_id),
	DB_COL(struct product_for_order, name),
	DB_COL(struct product_for_order, voucher_price),
	DB_COL(struct product_for_order, unit_subsidy),
	DB_COL(struct product_for_order, validity_days),
	DB_COL(struct product_for_order, listed),
	DB_COL(struct product_for_order, round_year),
	DB_COL(struct product_for_order, provider_barred_until),
	DB_COL(struct product_for_order, provider_credit_flagged),
};
static const struct db_rowmap product_for_order_map =
    DB_ROWMAP(struct product_for_order, product_for_order_cols);

int
db_product_for_order(struct db *db, int64_t product_id,
    struct product_for_order *out, struct db_res **keep)
{
	return db_one(db, STMT_PRODUCT_FOR_ORDER, DB_ARGS(DB_I64(product_id)),
	    &product_for_order_map, out, keep);
}

/* ---- O3: the quota ----------------------------------------------------- */

static const struct db_col quota_cols[] = {
	DB_COL(struct quota_row, cap),
	DB_COL(struct quota_row, occupied),
};
static const struct db_rowmap quota_map = DB_ROWMAP(struct quota_row,
    quota_cols);

int
db_quota_ensure(struct db *db, int64_t enterprise_id, int year, int64_t cap)
{
	return db_dml(db, STMT_QUOTA_ENSURE, DB_ARGS(DB_I64(enterprise_id),
	    DB_I64(year), DB_I64(cap)), NULL);
}

int
db_quota_lock(struct db *db, int64_t enterprise_id, int year,
    struct quota_row *out)
{
	return db_one(db, STMT_QUOTA_LOCK, DB_ARGS(DB_I64(enterprise_id),
	    DB_I64(year)), &quota_map, out, NULL);
}

int
db_quota_effective(struct db *db, int64_t enterprise_id, int year,
    time_t now, struct quota_row *out)
{
	return db_one(db, STMT_QUOTA_EFFECTIVE, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_I64(enterprise_id), DB_I64(year)), &quota_map,
	    out, NULL);
}

/* ---- O3, P5: the unit and the order ------------------------------------ */

int
db_product_take_unit(struct db *db, int64_t product_id)
{
	return db_dml(db, STMT_PRODUCT_TAKE_UNIT, DB_ARGS(DB_I64(product_id)),
	    NULL);
}

int
db_order_insert(struct db *db, const struct order_new *o, int64_t *id)
{
	uint64_t insert_id = 0;
	int rc = db_dml(db, STMT_ORDER_INSERT, DB_ARGS(
	    DB_STR(o->order_no), DB_I64(o->enterprise_id),
	    DB_I64(o->product_id), DB_I64(o->provider_id), DB_I64(o->year),
	    DB_STR(o->product_name), DB_I64(o->voucher_price),
	    DB_I64(o->validity_days), DB_I64(o->unit_subsidy),
	    DB_I64(o->reserved), DB_I64(o->reserved), DB_TIME(o->ordered_at),
	    DB_TIME(o->accept_deadline), DB_TIME(o->valid_until),
	    DB_TIME(o->ordered_at), DB_STR(o->contact_name),
	    DB_STR(o->contact_mobile)), &insert_id);

	*id = (int64_t)insert_id;
	return rc;
}

/* ---- the order contact ------------------------------------------------- */

int
db_contact_save(struct db *db, int64_t enterprise_id,
    const struct order_contact *c, time_t now)
{
	int rc = db_dml(db, STMT_CONTACT_SAVE, DB_ARGS(DB_I64(enterprise_id),
	    DB_STR(c->name), DB_STR(c->mobile), DB_TIME(now)), NULL);

	return rc == DB_NOTFOUND ? DB_OK : rc;	/* the same one again */
}

struct order_contact_sql {
	const char *contact_name;
	const char *contact_mobile;
};

static const struct db_col order_contact_cols[] = {
	DB_COL(struct order_contact_sql, contact_name),
	DB_COL(struct order_contact_sql, contact_mobile),
};
static const struct db_rowmap order_contact_map =
    DB_ROWMAP(struct order_contact_sql, order_contact_cols);

int
db_order_contact(struct db *db, int64_t order_id, int64_t enterprise_id,
    struct order_contact *out)
{
	struct order_contact_sql row;
	struct db_res *keep = NULL;
	int rc = db_one(db, STMT_ORDER_CONTACT, DB_ARGS(DB_I64(order_id),
	    DB_I64(enterprise_id)), &order_contact_map, &row, &keep);

	contact_copy(out, rc == DB_OK ? row.contact_name : NULL,
	    rc == DB_OK ? row.contact_mobile : NULL);
	db_res_free(keep);
	return rc;
}

/* ---- Idempotency-Key --------------------------------------------------- */

static const struct db_col idem_cols[] = {
	DB_COL(struct idem_row, same_request),
	DB_COL(struct idem_row, done),
	DB_COL(struct idem_row, response_status),
	DB_COL(struct idem_row, response_body),
};
static const struct db_rowmap idem_map = DB_ROWMAP(struct idem_row,
    idem_cols);

int
db_idem_insert(struct db *db, int64_t account_id, const char *key,
    const unsigned char hash[32], time_t now)
{
	return db_dml(db, STMT_IDEM_INSERT, DB_ARGS(DB_I64(account_id),
	    DB_STR(key), DB_BLOB(hash, 32), DB_TIME(now)), NULL);
}

int
db_idem_get(struct db *db, int64_t account_id, const char *key,
    const unsigned char hash[32], struct idem_row *out, struct db_res **keep)
{
	return db_one(db, STMT_IDEM_GET, DB_ARGS(DB_BLOB(hash, 32),
	    DB_I64(account_id), DB_STR(key)), &idem_map, out, keep);
}

int
db_idem_takeover(struct db *db, int64_t account_id, const char *key,
    const unsigned char hash[32], time_t now, time_t stale_before)
{
	return db_dml(db, STMT_IDEM_TAKEOVER, DB_ARGS(DB_BLOB(hash, 32),
	    DB_TIME(now), DB_I64(account_id), DB_STR(key),
	    DB_TIME(stale_before)), NULL);
}

int
db_idem_done(struct db *db, int64_t account_id, const char *key, int status,
    const char *body, time_t now)
{
	return db_dml(db, STMT_IDEM_DONE, DB_ARGS(DB_I64(status), DB_STR(body),
	    DB_TIME(now), DB_I64(account_id), DB_STR(key)), NULL);
}

int
db_idem_delete(struct db *db, int64_t account_id, const char *key)
{
	return db_dml(db, STMT_IDEM_DELETE, DB_ARGS(DB_I64(account_id),
	    DB_STR(key)), NULL);
}

/* ---- C1 ---------------------------------------------------------------- */

int
db_order_confirm(struct db *db, int64_t order_id, time_t now)
{
	return db_dml(db, STMT_ORDER_CONFIRM, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_I64(order_id)), NULL);
}

int
db_evaluation_insert(struct db *db, const struct evaluation *e)
{
	return db_dml(db, STMT_EVALUATION_INSERT, DB_ARGS(DB_I64(e->order_id),
	    DB_I64(e->product_id), DB_I64(e->quality), DB_I64(e->timeliness),
	    DB_I64(e->attitude), DB_STR(e->comment), DB_TIME(e->at)), NULL);
}

int
db_product_rate(struct db *db, int64_t product_id, int points)
{
	return db_dml(db, STMT_PRODUCT_RATE, DB_ARGS(DB_I64(points),
	    DB_I64(product_id)), NULL);
}

/* ---- R1 ---------------------------------------------------------------- */

static const struct db_col commitment_cols[] = {
	DB_COL(struct commitment_row, enterprise_name),
	DB_COL(struct commitment_row, uscc),
	DB_COL(struct commitment_row, size_class),
	DB_COL(struct commitment_row, order_no),
	DB_COL(struct commitment_row, ordered_at),
	DB_COL(struct commitment_row, product_name),
	DB_COL(struct commitment_row, provider_name),
	DB_COL(struct commitment_row, voucher_price),
	DB_COL(struct commitment_row, unit_subsidy),
	DB_COL(struct commitment_row, valid_until),
};
static const struct db_rowmap commitment_map =
    DB_ROWMAP(struct commitment_row, commitment_cols);

int
db_commitment(struct db *db, int64_t order_id, int64_t enterprise_id,
    struct commitment_row *out, struct db_res **keep)
{
	return db_one(db, STMT_COMMITMENT, DB_ARGS(DB_I64(order_id),
	    DB_I64(enterprise_id)), &commitment_map, out, keep);
}
