/*
 * db.c - all SQL of the publicity program, by statement id (publicity.h),
 * and the typed functions the handlers call instead. The order state
 * machine's shared SQL is in shared/domain/lib_sql.c.
 *
 * Locks are always taken in one order: the chain head, then a batch, then
 * its items, then an order (then, through orders.c, the quota and the
 * product). Reads that feed a decision and are not locked are marked
 * "(plain read)": they only feed a choice that a locked row re-checks.
 * A withdrawal's trigger updates its batch's row after the item's (the
 * totals 019_publicity_totals.sql keeps), so what may withdraw an item
 * locks its batch first (STMT_ITEM_BATCH_LOCK), as a payment does.
 */
#include <string.h>

#include "orders.h"
#include "publicity.h"
#include "search.h"

/* R7: every total tells published, withdrawn and paid amounts apart
 * (the published ones are the signed file's and never change); the
 * withdrawn and paid ones are kept on the batch's row by its items'
 * trigger (019_publicity_totals.sql), in the withdrawing or paying
 * transaction. */
#define BATCH_TOTALS(b) \
	" " b ".total_amount AS published_amount," \
	" " b ".withdrawn_count, " b ".withdrawn_amount," \
	" " b ".paid_count, " b ".paid_amount, " b ".last_paid_on"

/* A batch as the public sees it; one param: now (in_period). */
#define PUB_BATCH_COLS \
	"id, seq, title, status, published_at, period_ends_at, period_days," \
	" (status = 'published' AND period_ends_at > ?) AS in_period," \
	" item_count, total_amount, paid_on, file_sha256, prev_sha256," \
	BATCH_TOTALS("publicity_batches")

/* A batch as the bureau sees it (no file bytes); one param: now. */
#define BATCH_COLS \
	PUB_BATCH_COLS ", signature, key_sha256, created_at, created_by," \
	" published_by, paid_at, paid_by"

#define FEEDBACK_COLS \
	"f.id, f.tracking_no, f.status, f.text, f.contact, f.note," \
	" f.created_at, f.decided_at, f.decided_by, f.client_ip, f.item_id," \
	" i.batch_id, i.order_id, i.provider_name AS provider," \
	" i.product_name AS product, i.amount, i.objection_status, i.withdrawn" \
	" FROM feedback f JOIN publicity_items i ON i.id = f.item_id"

/* issue 16 §3: a published batch for the open data, with the instant it
 * last changed (its records' primary key range, R7). No parameter. */
#define OD_BATCH_COLS \
	"b.id, b.title, b.published_at, b.period_ends_at, b.item_count," \
	" GREATEST(b.published_at, COALESCE((SELECT MAX(r.at)" \
	" FROM publicity_records r WHERE r.batch_id = b.id), b.published_at))" \
	" AS modified," BATCH_TOTALS("b")

const struct db_stmt publicity_stmts[STMT__MAX] = {
	/* ---- public reads ------------------------------------------------ */

	/* R5: now, limit, offset. Newest first along ix_batches_published
	 * (published_at, then the key: the order asked), no sort; drafts
	 * have no published_at and sort last, past the page */
	DB_STMT(STMT_PUB_BATCHES,
	"SELECT " PUB_BATCH_COLS " FROM publicity_batches"
	" FORCE INDEX (ix_batches_published)"
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
	" i.category, i.amount, i.objection_status, i.withdrawn, i.unconfirmed,"
	" DATE_FORMAT(i.paid_on, '%Y-%m-%d') AS paid_on"
	" FROM publicity_items i FORCE INDEX (ix_publicity_items_batch)"
	" JOIN publicity_batches b ON b.id = i.batch_id"
	" WHERE i.batch_id = ? AND b.status IN " PUB_VISIBLE
	" ORDER BY i.id LIMIT ? OFFSET ?"),
	/* q among a batch's items (issue 13): its own ~750 rows along
	 * ix_publicity_items_batch, each name pair tested with LIKE as the
	 * search index's text is (search.h: product, tab, provider; the same
	 * collation), a match in the product's name first. Bounded by the
	 * batch, not by how many texts of the whole index hold a common
	 * word: batch, like, q, limit, offset */
	DB_STMT(STMT_PUB_ITEMS_SEARCH,
	"SELECT i.id, i.provider_name AS provider, i.product_name AS product,"
	" i.category, i.amount, i.objection_status, i.withdrawn, i.unconfirmed,"
	" DATE_FORMAT(i.paid_on, '%Y-%m-%d') AS paid_on"
	" FROM publicity_batches b JOIN publicity_items i"
	" FORCE INDEX (ix_publicity_items_batch) ON i.batch_id = b.id"
	" WHERE b.id = ? AND b.status IN " PUB_VISIBLE
	" AND CONCAT(i.product_name, CHAR(9), i.provider_name) LIKE ?"
	" ORDER BY IF(LOCATE(?, i.product_name) > 0, 0, 1), i.id"
	" LIMIT ? OFFSET ?"),
	/* q of one or two characters: the batch's items holding it as a
	 * gram (publicity_item_grams, 019), read along its key in the
	 * list's order (a match in the product's name first, then by id),
	 * each row carrying their total (025's, uncorrelated: run once):
	 * batch, gram, batch, gram, limit, offset */
	DB_STMT(STMT_PUB_ITEMS_GRAM,
	"SELECT STRAIGHT_JOIN i.id, i.provider_name AS provider,"
	" i.product_name AS product, i.category, i.amount, i.objection_status,"
	" i.withdrawn, i.unconfirmed,"
	" DATE_FORMAT(i.paid_on, '%Y-%m-%d') AS paid_on,"
	" COALESCE((SELECT t.n FROM publicity_item_gram_counts t"
	" WHERE t.batch_id = ? AND t.gram = ?), 0) AS total"
	" FROM publicity_batches b JOIN publicity_item_grams x"
	" ON x.batch_id = b.id JOIN publicity_items i ON i.id = x.item_id"
	" WHERE b.id = ? AND b.status IN " PUB_VISIBLE " AND x.gram = ?"
	" ORDER BY x.rel, x.item_id LIMIT ? OFFSET ?"),
	/* its total, one row kept per batch and gram by
	 * 025_gram_counts.sql's triggers (none: no item holds it): gram,
	 * batch */
	DB_STMT(STMT_PUB_ITEMS_GRAM_COUNT,
	"SELECT COALESCE((SELECT x.n FROM publicity_item_gram_counts x"
	" WHERE x.batch_id = b.id AND x.gram = ?), 0) AS n"
	" FROM publicity_batches b WHERE b.id = ? AND b.status IN "
	PUB_VISIBLE),
	/* the total of a longer list (and whether the batch is public):
	 * batch */
	DB_STMT(STMT_PUB_ITEMS_COUNT,
	"SELECT (SELECT COUNT(*) FROM publicity_items i WHERE i.batch_id = b.id)"
	" AS n FROM publicity_batches b WHERE b.id = ? AND b.status IN "
	PUB_VISIBLE),
	/* the same of a search: like, batch */
	DB_STMT(STMT_PUB_ITEMS_SEARCH_COUNT,
	"SELECT (SELECT COUNT(*) FROM publicity_items i"
	" FORCE INDEX (ix_publicity_items_batch) WHERE i.batch_id = b.id"
	" AND CONCAT(i.product_name, CHAR(9), i.provider_name) LIKE ?)"
	" AS n FROM publicity_batches b WHERE b.id = ? AND b.status IN "
	PUB_VISIBLE),
	/* every item of a public batch (CSV): batch */
	DB_STMT(STMT_PUB_ITEMS_ALL,
	"SELECT i.id, i.provider_name AS provider, i.product_name AS product,"
	" i.category, i.amount, i.objection_status, i.withdrawn, i.unconfirmed,"
	" DATE_FORMAT(i.paid_on, '%Y-%m-%d') AS paid_on"
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

	/* ---- issue 16 §3: the open data --------------------------------- */

	/* the feed, newest first: limit, offset. Bounded by the page (the
	 * same index walk as STMT_PUB_BATCHES), each total by its batch's
	 * items (ix_publicity_items_batch) and records (primary key). */
	DB_STMT(STMT_OD_BATCHES,
	"SELECT " OD_BATCH_COLS " FROM publicity_batches b"
	" WHERE b.status IN " PUB_VISIBLE
	" ORDER BY b.published_at DESC, b.id DESC LIMIT ? OFFSET ?"),
	/* id */
	DB_STMT(STMT_OD_BATCH,
	"SELECT " OD_BATCH_COLS " FROM publicity_batches b"
	" WHERE b.id = ? AND b.status IN " PUB_VISIBLE),
	/* a package's grants: batch. Bounded by the batch's items (an index
	 * range of ix_publicity_items_batch, in id order: no sort); every
	 * join is by primary key. Never the order's enterprise. */
	DB_STMT(STMT_OD_GRANTS,
	"SELECT i.id, i.product_name AS product, i.provider_name AS provider,"
	" pv.uscc AS provider_uscc, i.category, p.round_year, i.amount,"
	" i.withdrawn, i.withdrawn_at, i.objection_status, i.unconfirmed,"
	" DATE_FORMAT(i.paid_on, '%Y-%m-%d') AS paid_on,"
	" GREATEST(b.published_at, COALESCE(i.withdrawn_at, b.published_at),"
	" COALESCE(pr.at, b.published_at)) AS modified"
	" FROM publicity_items i FORCE INDEX (ix_publicity_items_batch)"
	" JOIN publicity_batches b ON b.id = i.batch_id"
	" JOIN orders o ON o.id = i.order_id"
	" JOIN products p ON p.id = o.product_id"
	" JOIN providers pv ON pv.id = p.provider_id"
	" LEFT JOIN publicity_records pr ON pr.batch_id = i.batch_id"
	" AND pr.seq = i.paid_seq"
	" WHERE i.batch_id = ? AND b.status IN " PUB_VISIBLE
	" ORDER BY i.id"),

	/* ---- feedback -------------------------------------------------- */

	/* id */
	/* the batch of an item, before the item (the subquery's read is a
	 * plain one: an item never changes batch): item */
	DB_STMT(STMT_ITEM_BATCH_LOCK,
	"SELECT b.id FROM publicity_batches b WHERE b.id ="
	" (SELECT i.batch_id FROM publicity_items i WHERE i.id = ?) FOR UPDATE"),
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
	/* status x2, batch x2, status, batch: never both absent (then
	 * STMT_FEEDBACK_TOTAL), which the last condition states */
	DB_STMT(STMT_FEEDBACK_COUNT,
	"SELECT COUNT(*) FROM feedback f JOIN publicity_items i"
	" ON i.id = f.item_id"
	" WHERE (? IS NULL OR f.status = ?) AND (? IS NULL OR i.batch_id = ?)"
	" AND (? IS NOT NULL OR ? IS NOT NULL)"),
	/* every objection: the total kept by 007_counts_indexes.sql's trigger */
	DB_STMT(STMT_FEEDBACK_TOTAL,
	"SELECT n FROM row_counts WHERE name = 'feedback'"),
	/* id */
	DB_STMT(STMT_FEEDBACK_VIEW,
	"SELECT " FEEDBACK_COLS " WHERE f.id = ?"),
	/* R5: an upheld objection withdraws the item, R7: by its record:
	 * now, record, id */
	DB_STMT(STMT_ITEM_WITHDRAW,
	"UPDATE publicity_items SET withdrawn = 1, withdrawn_at = ?,"
	" withdrawn_seq = ? WHERE id = ? AND withdrawn = 0"),
	/* the claim of a withdrawn or revoked order: reason, now, now, order */
	DB_STMT(STMT_CLAIM_REJECT,
	"UPDATE redemption_claims SET status = 'rejected', decision = 'rejected',"
	" approved_amount = NULL, reason = ?,"
	" reviewed_at = COALESCE(reviewed_at, ?), updated_at = ?"
	" WHERE order_id = ? AND status IN ('submitted', 'approved')"),

	/* ---- batches ----------------------------------------------------- */

	/* (plain read) R5: approved claims in no batch, of parties not
	 * barred (V2), oldest approval first along (status, approved_at, id)
	 * (004_scale.sql): now, now, limit */
	DB_STMT(STMT_CLAIM_CANDIDATES,
	"SELECT STRAIGHT_JOIN o.id"
	" FROM orders o FORCE INDEX (ix_orders_approved)"
	" JOIN redemption_claims c ON c.order_id = o.id"
	" JOIN providers v ON v.id = o.provider_id"
	" JOIN enterprises e ON e.id = o.enterprise_id"
	" WHERE o.status = 'approved' AND c.status = 'approved'"
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
	"SELECT v.name AS provider, COALESCE(o.product_name, p.name) AS product,"
	" p.category, c.approved_amount AS amount, c.unconfirmed FROM orders o"
	" JOIN redemption_claims c ON c.order_id = o.id"
	" JOIN providers v ON v.id = o.provider_id"
	" JOIN products p ON p.id = o.product_id"
	" WHERE o.id = ? AND c.status = 'approved' AND c.approved_amount > 0"),
	/* batch, order, provider, product, category, amount, now */
	DB_STMT(STMT_ITEM_INSERT,
	"INSERT INTO publicity_items (batch_id, order_id, provider_name,"
	" product_name, category, amount, unconfirmed, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
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
	" FROM publicity_items i FORCE INDEX (ix_publicity_items_batch)"
	" JOIN orders o ON o.id = i.order_id"
	" JOIN enterprises e ON e.id = o.enterprise_id"
	" WHERE i.batch_id = ? ORDER BY i.id"),
	/* id */
	DB_STMT(STMT_BATCH_LOCK,
	"SELECT id, title, status, seq, published_at, period_ends_at, paid_on"
	" FROM publicity_batches WHERE id = ? FOR UPDATE"),
	/* batch; along (batch_id, id), not R7's (batch_id, *_seq) keys
	 * (018_scale_main.sql) */
	DB_STMT(STMT_ITEMS_LOCK,
	"SELECT id, order_id, amount, objection_status, withdrawn, paid_on,"
	" provider_name AS provider, product_name AS product, category,"
	" unconfirmed"
	" FROM publicity_items FORCE INDEX (ix_publicity_items_batch)"
	" WHERE batch_id = ? ORDER BY id FOR UPDATE"),
	/* a stale item of a draft batch: id, batch */
	DB_STMT(STMT_ITEM_DELETE,
	"DELETE FROM publicity_items WHERE id = ? AND batch_id = ?"),
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

	/* ---- R7: the records after a published list ------------------------ */

	/* record 0 and the published totals: id */
	DB_STMT(STMT_PUB_RECORD_HEAD,
	"SELECT file_json, signature, item_count, total_amount"
	" FROM publicity_batches WHERE id = ? AND status IN " PUB_VISIBLE
	" AND file_json IS NOT NULL"),
	/* batch */
	DB_STMT(STMT_PUB_RECORDS,
	"SELECT seq, kind, format, at,"
	" DATE_FORMAT(paid_on, '%Y-%m-%d') AS paid_on, reason"
	" FROM publicity_records WHERE batch_id = ? ORDER BY seq"),
	/* the items the records name: batch */
	DB_STMT(STMT_PUB_RECORD_ITEMS,
	"SELECT id, provider_name AS provider, product_name AS product, amount,"
	" withdrawn_seq, paid_seq"
	" FROM publicity_items FORCE INDEX (ix_publicity_items_batch)"
	" WHERE batch_id = ? AND (withdrawn_seq IS NOT NULL"
	" OR paid_seq IS NOT NULL) ORDER BY id"),
	/* (plain read; a taken number is a duplicate key, and the transaction
	 * runs again) the batch of a locked item not withdrawn, and the
	 * number of its next record: item */
	DB_STMT(STMT_RECORD_NEXT,
	"SELECT i.batch_id, COALESCE(MAX(r.seq), 0) + 1 AS seq"
	" FROM publicity_items i"
	" LEFT JOIN publicity_records r ON r.batch_id = i.batch_id"
	" WHERE i.id = ? AND i.withdrawn = 0 GROUP BY i.batch_id"),
	/* batch, seq, kind, at, paid_on, reason */
	DB_STMT(STMT_RECORD_INSERT,
	"INSERT INTO publicity_records (batch_id, seq, kind, format, at,"
	" paid_on, reason) VALUES (?, ?, ?, 1, ?, ?, ?)"),
};

/* A parameter binding SQL NULL for 0 (an absent id filter). */
static struct db_param
id_or_null(int64_t id)
{
	return id > 0 ? DB_I64(id) : DB_NULLP;
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

static int
insert_of(struct db *db, int id, const struct db_param *p, size_t n,
    int64_t *out)
{
	uint64_t insert_id = 0;
	int rc = db_exec(db, id, p, n, NULL, NULL, &insert_id);

	*out = (int64_t)insert_id;
	return rc;
}

static const struct db_col id_cols[] = {
	DB_COL(struct id_row, id),
};
static const struct db_rowmap id_map = DB_ROWMAP(struct id_row, id_cols);

/* ---- public reads ----------------------------------------------------- */

int
db_pub_batches(struct db *db, time_t now, int64_t limit, int64_t offset,
    struct db_res **rows, int64_t *total)
{
	int rc;

	*total = 0;
	rc = rows_of(db, STMT_PUB_BATCHES, DB_ARGS(DB_TIME(now), DB_I64(limit),
	    DB_I64(offset)), rows);
	if (rc == DB_OK)
		rc = db_scalar(db, STMT_PUB_BATCHES_COUNT, DB_NOARGS, total);
	return rc;
}

int
db_pub_batch(struct db *db, int64_t id, time_t now, struct db_res **row)
{
	return db_query(db, STMT_PUB_BATCH, DB_ARGS(DB_TIME(now), DB_I64(id)),
	    row);
}

#define PUB_ITEM_COLS \
	DB_COL(struct pub_item_row, id), \
	DB_COL(struct pub_item_row, provider), \
	DB_COL(struct pub_item_row, product), \
	DB_COL(struct pub_item_row, category), \
	DB_COL(struct pub_item_row, amount), \
	DB_COL(struct pub_item_row, objection_status), \
	DB_COL(struct pub_item_row, withdrawn), \
	DB_COL(struct pub_item_row, unconfirmed), \
	DB_COL(struct pub_item_row, paid_on)
static const struct db_col pub_item_cols[] = { PUB_ITEM_COLS };
static const struct db_rowmap pub_item_map = DB_ROWMAP(struct pub_item_row,
    pub_item_cols);

/* the same carrying the list's total (STMT_PUB_ITEMS_GRAM) */
static const struct db_col pub_item_total_cols[] = {
	PUB_ITEM_COLS,
	DB_COL(struct pub_item_row, total),
};
static const struct db_rowmap pub_item_total_map =
    DB_ROWMAP(struct pub_item_row, pub_item_total_cols);

/* Whether q is one gram of publicity_item_grams (search.h). */
static bool
is_gram(const char *q)
{
	struct search_key k;

	return search_key(q, &k) == 0 && search_key_is_query(&k, q);
}

int
db_pub_items(struct db *db, int64_t batch_id, const char *q, const char *like,
    int64_t limit, int64_t offset, struct db_rows *items, int64_t *total)
{
	const struct pub_item_row *it;
	int rc;

	*total = -1;
	if (q == NULL)
		return db_all(db, STMT_PUB_ITEMS, DB_ARGS(DB_I64(batch_id),
		    DB_I64(limit), DB_I64(offset)), &pub_item_map, items);
	if (!is_gram(q))
		return db_all(db, STMT_PUB_ITEMS_SEARCH, DB_ARGS(
		    DB_I64(batch_id), DB_STR(like), DB_STR(q), DB_I64(limit),
		    DB_I64(offset)), &pub_item_map, items);
	rc = db_all(db, STMT_PUB_ITEMS_GRAM, DB_ARGS(DB_I64(batch_id),
	    DB_STR(q), DB_I64(batch_id), DB_STR(q), DB_I64(limit),
	    DB_I64(offset)), &pub_item_total_map, items);
	it = items->v;
	if (rc == DB_OK && items->n > 0)
		*total = it[0].total;
	return rc;
}

int
db_pub_items_count(struct db *db, int64_t batch_id, const char *q,
    const char *like, int64_t *n)
{
	if (q == NULL)
		return db_scalar(db, STMT_PUB_ITEMS_COUNT,
		    DB_ARGS(DB_I64(batch_id)), n);
	if (is_gram(q))
		return db_scalar(db, STMT_PUB_ITEMS_GRAM_COUNT, DB_ARGS(
		    DB_STR(q), DB_I64(batch_id)), n);
	return db_scalar(db, STMT_PUB_ITEMS_SEARCH_COUNT, DB_ARGS(
	    DB_STR(like), DB_I64(batch_id)), n);
}

int
db_pub_items_all(struct db *db, int64_t batch_id, struct db_rows *items)
{
	return db_all(db, STMT_PUB_ITEMS_ALL, DB_ARGS(DB_I64(batch_id)),
	    &pub_item_map, items);
}

/* ---- issue 16 §3: the open data ---------------------------------------- */

static const struct db_col od_batch_cols[] = {
	DB_COL(struct od_batch_row, id),
	DB_COL(struct od_batch_row, title),
	DB_COL(struct od_batch_row, published_at),
	DB_COL(struct od_batch_row, period_ends_at),
	DB_COL(struct od_batch_row, modified),
	DB_COL(struct od_batch_row, item_count),
	DB_COL(struct od_batch_row, published_amount),
	DB_COL(struct od_batch_row, withdrawn_count),
	DB_COL(struct od_batch_row, withdrawn_amount),
	DB_COL(struct od_batch_row, paid_count),
	DB_COL(struct od_batch_row, paid_amount),
};
static const struct db_rowmap od_batch_map = DB_ROWMAP(struct od_batch_row,
    od_batch_cols);

int
db_od_batches(struct db *db, int64_t limit, int64_t offset,
    struct db_rows *rows, int64_t *total)
{
	int rc;

	*total = 0;
	rc = db_all(db, STMT_OD_BATCHES, DB_ARGS(DB_I64(limit),
	    DB_I64(offset)), &od_batch_map, rows);
	if (rc == DB_OK)
		rc = db_scalar(db, STMT_PUB_BATCHES_COUNT, DB_NOARGS, total);
	return rc;
}

int
db_od_batch(struct db *db, int64_t id, struct od_batch_row *out,
    struct db_res **keep)
{
	return db_one(db, STMT_OD_BATCH, DB_ARGS(DB_I64(id)), &od_batch_map,
	    out, keep);
}

static const struct db_col od_grant_cols[] = {
	DB_COL(struct od_grant_row, id),
	DB_COL(struct od_grant_row, product),
	DB_COL(struct od_grant_row, provider),
	DB_COL(struct od_grant_row, provider_uscc),
	DB_COL(struct od_grant_row, category),
	DB_COL(struct od_grant_row, round_year),
	DB_COL(struct od_grant_row, amount),
	DB_COL(struct od_grant_row, withdrawn),
	DB_COL(struct od_grant_row, withdrawn_at),
	DB_COL(struct od_grant_row, objection_status),
	DB_COL(struct od_grant_row, unconfirmed),
	DB_COL(struct od_grant_row, paid_on),
	DB_COL(struct od_grant_row, modified),
};
static const struct db_rowmap od_grant_map = DB_ROWMAP(struct od_grant_row,
    od_grant_cols);

int
db_od_grants(struct db *db, int64_t batch_id, struct db_rows *rows)
{
	return db_all(db, STMT_OD_GRANTS, DB_ARGS(DB_I64(batch_id)),
	    &od_grant_map, rows);
}

static const struct db_col pub_file_cols[] = {
	DB_COL(struct pub_file_row, file_json),
	DB_COL(struct pub_file_row, signature),
	DB_COL(struct pub_file_row, file_sha256),
};
static const struct db_rowmap pub_file_map = DB_ROWMAP(struct pub_file_row,
    pub_file_cols);

int
db_pub_file(struct db *db, int64_t id, struct pub_file_row *out,
    struct db_res **keep)
{
	return db_one(db, STMT_PUB_FILE, DB_ARGS(DB_I64(id)), &pub_file_map,
	    out, keep);
}

int
db_pub_feedback(struct db *db, const char *tracking_no, struct db_res **row)
{
	return db_query(db, STMT_PUB_FEEDBACK, DB_ARGS(DB_STR(tracking_no)),
	    row);
}

/* ---- feedback --------------------------------------------------------- */

static const struct db_col item_lock_cols[] = {
	DB_COL(struct item_lock_row, id),
	DB_COL(struct item_lock_row, batch_id),
	DB_COL(struct item_lock_row, order_id),
	DB_COL(struct item_lock_row, objection_status),
	DB_COL(struct item_lock_row, withdrawn),
};
static const struct db_rowmap item_lock_map = DB_ROWMAP(struct item_lock_row,
    item_lock_cols);

int
db_item_lock(struct db *db, int64_t id, struct item_lock_row *out,
    struct db_res **keep)
{
	return db_one(db, STMT_ITEM_LOCK, DB_ARGS(DB_I64(id)), &item_lock_map,
	    out, keep);
}

int
db_item_batch_lock(struct db *db, int64_t id)
{
	int64_t batch_id;

	return db_scalar(db, STMT_ITEM_BATCH_LOCK, DB_ARGS(DB_I64(id)),
	    &batch_id);
}

static const struct db_col batch_cols[] = {
	DB_COL(struct batch_row, id),
	DB_COL(struct batch_row, status),
	DB_COL(struct batch_row, period_ends_at),
};
static const struct db_rowmap batch_map = DB_ROWMAP(struct batch_row,
    batch_cols);

int
db_batch_get(struct db *db, int64_t id, struct batch_row *out,
    struct db_res **keep)
{
	return db_one(db, STMT_BATCH_GET, DB_ARGS(DB_I64(id)), &batch_map, out,
	    keep);
}

/* The width of feedback.client_ip. */
#define CLIENT_IP_MAX 45

int
db_feedback_insert(struct db *db, const struct feedback_new *f, int64_t *id)
{
	const char *ip = f->client_ip;

	return insert_of(db, STMT_FEEDBACK_INSERT, DB_ARGS(DB_I64(f->item_id),
	    DB_STR(f->tracking_no), DB_STR(f->text), DB_STR(f->contact),
	    DB_TIME(f->created_at), ip != NULL && *ip != '\0' ?
	    DB_STRN(ip, strnlen(ip, CLIENT_IP_MAX)) : DB_NULLP), id);
}

int
db_item_set_objection(struct db *db, int64_t item_id, const char *status)
{
	return db_dml(db, STMT_ITEM_SET_OBJECTION, DB_ARGS(DB_STR(status),
	    DB_I64(item_id)), NULL);
}

int
db_feedback_item(struct db *db, int64_t feedback_id, int64_t *item_id)
{
	return db_scalar(db, STMT_FEEDBACK_ITEM, DB_ARGS(DB_I64(feedback_id)),
	    item_id);
}

static const struct db_col feedback_lock_cols[] = {
	DB_COL(struct feedback_lock_row, status),
};
static const struct db_rowmap feedback_lock_map =
    DB_ROWMAP(struct feedback_lock_row, feedback_lock_cols);

int
db_feedback_lock(struct db *db, int64_t id, struct feedback_lock_row *out,
    struct db_res **keep)
{
	return db_one(db, STMT_FEEDBACK_LOCK, DB_ARGS(DB_I64(id)),
	    &feedback_lock_map, out, keep);
}

int
db_feedback_decide(struct db *db, int64_t id, const char *status,
    const char *note, time_t now, int64_t account_id)
{
	return db_dml(db, STMT_FEEDBACK_DECIDE, DB_ARGS(DB_STR(status),
	    DB_STR(note), DB_TIME(now), DB_I64(account_id), DB_I64(id)), NULL);
}

int
db_feedback_uphold_others(struct db *db, int64_t item_id, const char *note,
    time_t now, int64_t account_id)
{
	return db_exec(db, STMT_FEEDBACK_DECIDE_OTHERS, DB_ARGS(DB_STR(note),
	    DB_TIME(now), DB_I64(account_id), DB_I64(item_id)), NULL, NULL,
	    NULL);
}

int
db_feedback_open_count(struct db *db, int64_t item_id, int64_t *n)
{
	return db_scalar(db, STMT_FEEDBACK_OPEN_COUNT, DB_ARGS(DB_I64(item_id)),
	    n);
}

int
db_feedback_list(struct db *db, const char *status, int64_t batch_id,
    int64_t limit, int64_t offset, struct db_res **rows, int64_t *total)
{
	int rc;

	*total = 0;
	rc = rows_of(db, STMT_FEEDBACK_LIST, DB_ARGS(DB_STR(status),
	    DB_STR(status), id_or_null(batch_id), id_or_null(batch_id),
	    DB_I64(limit), DB_I64(offset)), rows);
	if (rc == DB_OK && status == NULL && batch_id <= 0)
		rc = db_scalar(db, STMT_FEEDBACK_TOTAL, NULL, 0, total);
	else if (rc == DB_OK)
		rc = db_scalar(db, STMT_FEEDBACK_COUNT, DB_ARGS(DB_STR(status),
		    DB_STR(status), id_or_null(batch_id), id_or_null(batch_id),
		    DB_STR(status), id_or_null(batch_id)), total);
	return rc;
}

int
db_feedback_view(struct db *db, int64_t id, struct db_res **row)
{
	return db_query(db, STMT_FEEDBACK_VIEW, DB_ARGS(DB_I64(id)), row);
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
	rc = db_exec(db, STMT_RECORD_INSERT, DB_ARGS(DB_I64(next.batch_id),
	    DB_I64(next.seq), DB_STR("withdrawal"), DB_TIME(now), DB_NULLP,
	    DB_STR("objection")), NULL, NULL, NULL);
	if (rc == DB_CONFLICT)
		return DB_RETRY;	/* another record took the number */
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

/* ---- batches ---------------------------------------------------------- */

int
db_claim_candidates(struct db *db, time_t now, int64_t limit,
    struct db_rows *orders)
{
	return db_all(db, STMT_CLAIM_CANDIDATES, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_I64(limit)), &id_map, orders);
}

int
db_batch_count_created(struct db *db, time_t from, time_t to, int64_t *n)
{
	return db_scalar(db, STMT_BATCH_YEAR_COUNT, DB_ARGS(DB_TIME(from),
	    DB_TIME(to)), n);
}

int
db_batch_insert(struct db *db, const char *title, time_t now,
    int64_t account_id, int64_t *id)
{
	return insert_of(db, STMT_BATCH_INSERT, DB_ARGS(DB_STR(title),
	    DB_TIME(now), DB_I64(account_id)), id);
}

static const struct db_col item_source_cols[] = {
	DB_COL(struct item_source_row, provider),
	DB_COL(struct item_source_row, product),
	DB_COL(struct item_source_row, category),
	DB_COL(struct item_source_row, amount),
	DB_COL(struct item_source_row, unconfirmed),
};
static const struct db_rowmap item_source_map =
    DB_ROWMAP(struct item_source_row, item_source_cols);

int
db_item_source(struct db *db, int64_t order_id, struct item_source_row *out,
    struct db_res **keep)
{
	return db_one(db, STMT_ITEM_SOURCE, DB_ARGS(DB_I64(order_id)),
	    &item_source_map, out, keep);
}

int
db_item_insert(struct db *db, int64_t batch_id, int64_t order_id,
    const struct item_source_row *src, time_t now)
{
	return db_exec(db, STMT_ITEM_INSERT, DB_ARGS(DB_I64(batch_id),
	    DB_I64(order_id), DB_STR(src->provider), DB_STR(src->product),
	    DB_STR(src->category), DB_I64(src->amount),
	    DB_I64(src->unconfirmed), DB_TIME(now)), NULL,
	    NULL, NULL);
}

int
db_batch_totals(struct db *db, int64_t batch_id, int64_t count, int64_t total)
{
	return db_dml(db, STMT_BATCH_TOTALS, DB_ARGS(DB_I64(count),
	    DB_I64(total), DB_I64(batch_id)), NULL);
}

int
db_batches(struct db *db, const char *status, time_t now, int64_t limit,
    int64_t offset, struct db_res **rows, int64_t *total)
{
	int rc;

	*total = 0;
	rc = rows_of(db, STMT_BATCHES, DB_ARGS(DB_TIME(now), DB_STR(status),
	    DB_STR(status), DB_I64(limit), DB_I64(offset)), rows);
	if (rc == DB_OK)
		rc = db_scalar(db, STMT_BATCHES_COUNT, DB_ARGS(DB_STR(status),
		    DB_STR(status)), total);
	return rc;
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

static const struct db_col batch_lock_cols[] = {
	DB_COL(struct batch_lock_row, title),
	DB_COL(struct batch_lock_row, status),
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

static const struct db_col publish_item_cols[] = {
	DB_COL(struct publish_item_row, id),
	DB_COL(struct publish_item_row, order_id),
	DB_COL(struct publish_item_row, amount),
	DB_COL(struct publish_item_row, provider),
	DB_COL(struct publish_item_row, product),
	DB_COL(struct publish_item_row, category),
	DB_COL(struct publish_item_row, unconfirmed),
};
static const struct db_rowmap publish_item_map =
    DB_ROWMAP(struct publish_item_row, publish_item_cols);

int
db_batch_items_lock(struct db *db, int64_t batch_id, struct db_rows *items)
{
	return db_all(db, STMT_ITEMS_LOCK, DB_ARGS(DB_I64(batch_id)),
	    &publish_item_map, items);
}

int
db_item_delete(struct db *db, int64_t item_id, int64_t batch_id)
{
	return db_dml(db, STMT_ITEM_DELETE, DB_ARGS(DB_I64(item_id),
	    DB_I64(batch_id)), NULL);
}

static const struct db_col chain_cols[] = {
	DB_COL(struct chain_row, head_sha256),
	DB_COL(struct chain_row, length),
};
static const struct db_rowmap chain_map = DB_ROWMAP(struct chain_row,
    chain_cols);

int
db_chain_lock(struct db *db, struct chain_row *out, struct db_res **keep)
{
	return db_one(db, STMT_CHAIN_LOCK, DB_NOARGS, &chain_map, out, keep);
}

int
db_chain_advance(struct db *db, int64_t head_batch_id, const char *sha,
    int64_t length, time_t now)
{
	return db_dml(db, STMT_CHAIN_ADVANCE, DB_ARGS(DB_I64(head_batch_id),
	    DB_STR(sha), DB_I64(length), DB_TIME(now)), NULL);
}

int
db_batch_publish(struct db *db, int64_t id, const struct batch_publish *p)
{
	return db_dml(db, STMT_BATCH_PUBLISH, DB_ARGS(DB_I64(p->seq),
	    DB_TIME(p->published_at), DB_I64(p->published_by),
	    DB_TIME(p->period_ends_at), DB_I64(p->period_days),
	    DB_I64(p->item_count), DB_I64(p->total_amount),
	    DB_STR(p->file_json), DB_STR(p->file_sha256),
	    DB_STR(p->prev_sha256), DB_STR(p->signature),
	    DB_STR(p->key_sha256), DB_I64(id)), NULL);
}

int
db_order_publicized_at(struct db *db, int64_t order_id, time_t now)
{
	return db_dml(db, STMT_ORDER_PUBLICIZED_AT, DB_ARGS(DB_TIME(now),
	    DB_TIME(now), DB_I64(order_id)), NULL);
}

/* ---- R7: the records after a published list ------------------------------ */

static const struct db_col record_head_cols[] = {
	DB_COL(struct record_head_row, file_json),
	DB_COL(struct record_head_row, signature),
	DB_COL(struct record_head_row, item_count),
	DB_COL(struct record_head_row, total_amount),
};
static const struct db_rowmap record_head_map =
    DB_ROWMAP(struct record_head_row, record_head_cols);

int
db_pub_record_head(struct db *db, int64_t batch_id,
    struct record_head_row *out, struct db_res **keep)
{
	return db_one(db, STMT_PUB_RECORD_HEAD, DB_ARGS(DB_I64(batch_id)),
	    &record_head_map, out, keep);
}

static const struct db_col record_cols[] = {
	DB_COL(struct record_row, seq),
	DB_COL(struct record_row, kind),
	DB_COL(struct record_row, format),
	DB_COL(struct record_row, at),
	DB_COL(struct record_row, paid_on),
	DB_COL(struct record_row, reason),
};
static const struct db_rowmap record_map = DB_ROWMAP(struct record_row,
    record_cols);

int
db_pub_records(struct db *db, int64_t batch_id, struct db_rows *rows)
{
	return db_all(db, STMT_PUB_RECORDS, DB_ARGS(DB_I64(batch_id)),
	    &record_map, rows);
}

static const struct db_col record_item_cols[] = {
	DB_COL(struct record_item_row, id),
	DB_COL(struct record_item_row, provider),
	DB_COL(struct record_item_row, product),
	DB_COL(struct record_item_row, amount),
	DB_COL(struct record_item_row, withdrawn_seq),
	DB_COL(struct record_item_row, paid_seq),
};
static const struct db_rowmap record_item_map =
    DB_ROWMAP(struct record_item_row, record_item_cols);

int
db_pub_record_items(struct db *db, int64_t batch_id, struct db_rows *rows)
{
	return db_all(db, STMT_PUB_RECORD_ITEMS, DB_ARGS(DB_I64(batch_id)),
	    &record_item_map, rows);
}
