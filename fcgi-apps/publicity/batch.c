/*
 * batch.c - the bureau's publicity batches (R5):
 *   POST /api/bureau/batches {title?}          gather the approved claims
 *                                              in no batch into a draft
 *   GET  /api/bureau/batches?status=&page=     every batch, drafts too
 *   GET  /api/bureau/batches/{id}              one, with its items
 *   POST /api/bureau/batches/{id}/publish {period_days?}   default 7
 *   POST /api/bureau/batches/{id}/pay {paid_on}
 *
 * Publishing builds the list file once, signs it (sign.c) and links it to
 * the previously published file (prev_sha256); those exact bytes are kept
 * and served for ever. It moves each item's order approved → publicized.
 * Paying, after the period, moves publicized → paid for every item with
 * no open objection, not withdrawn, whose provider and enterprise are not
 * barred (V2); the others stay publicized and a later pay of the same
 * batch pays those that became payable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "orders.h"
#include "publicity.h"
#include "sha256.h"

#define TX_NOT_FOUND       (DB_APP + 1)
#define TX_NOTHING         (DB_APP + 2)
#define TX_NOT_DRAFT       (DB_APP + 3)
#define TX_NOT_PUBLISHED   (DB_APP + 4)
#define TX_PERIOD          (DB_APP + 5)
#define TX_BAD_PAID_ON     (DB_APP + 6)
#define TX_NO_KEY          (DB_APP + 7)

#define BATCH_MAX_ITEMS     2000	/* per batch; the rest go to the next */
#define PERIOD_DAYS_DEFAULT 7		/* R5 decision */
#define PERIOD_DAYS_MAX     90

#define FILE_FORMAT "bj-sme-voucher-publicity/1"

/* The JSON body, or an empty object when the request has none (the
 * fields of these routes are all optional). NULL after a 4xx. */
static json_t *
optional_json_or_4xx(struct req *r)
{
	const char *cl = req_param(r, "CONTENT_LENGTH");

	if (cl == NULL || *cl == '\0' || strcmp(cl, "0") == 0) {
		r->body = json_object();
		return r->body;
	}
	return req_json_or_4xx(r);
}

/* The bureau's view of batch id with its items; NULL with *rc set. */
static json_t *
batch_view(struct db *db, int64_t id, time_t now, int *rc)
{
	struct db_res *res = NULL, *items = NULL;
	json_t *o = NULL;

	*rc = db_query(db, STMT_BATCH_VIEW, DB_ARGS(DB_TIME(now),
	    DB_I64(id)), &res);
	if (*rc == DB_OK)
		*rc = db_exec(db, STMT_BATCH_ITEMS, DB_ARGS(
		    DB_I64(id)), &items, NULL, NULL);
	if (*rc == DB_OK) {
		o = batch_row_json(res, 0);
		json_object_set_new(o, "items", db_rows_json(items));
	}
	db_res_free(res);
	db_res_free(items);
	return o;
}

static int
reply_batch(struct req *r, int status, int64_t id)
{
	int rc;
	json_t *o = batch_view(r->db, id, r->now, &rc);

	if (o == NULL)
		return rc == DB_NOTFOUND ?
		    http_error(r, 404, "not_found", NULL, "公示批次不存在") :
		    http_db_error(r, rc);
	return http_json(r, status, o);
}

/* ---- create ------------------------------------------------------- */

struct create_tx {
	struct req *r;
	const char *title;
	int64_t     batch_id;	/* out */
};

static int
create_tx(struct db *db, void *arg)
{
	struct create_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct db_res *cand = NULL, *src = NULL;
	int64_t count = 0, total = 0;
	uint64_t id = 0;
	json_t *orders = json_array(), *after;
	int rc;

	t->batch_id = 0;
	rc = db_exec(db, STMT_CLAIM_CANDIDATES, DB_ARGS(
	    DB_TIME(r->now), DB_TIME(r->now), DB_I64(BATCH_MAX_ITEMS)),
	    &cand, NULL, NULL);
	if (rc != DB_OK)
		goto done;
	if (cand->nrows == 0) {
		rc = TX_NOTHING;
		goto done;
	}
	rc = db_exec(db, STMT_BATCH_INSERT, DB_ARGS(
	    DB_STR(t->title), DB_TIME(r->now), DB_I64(r->sess.account_id)),
	    NULL, NULL, &id);
	if (rc != DB_OK)
		goto done;
	t->batch_id = (int64_t)id;
	for (size_t i = 0; i < cand->nrows; i++) {
		struct order_row o;

		if ((rc = order_lock(db, db_i64(cand, i, 0), &o)) != DB_OK)
			goto done;
		if (o.status != ORDER_APPROVED)
			continue;	/* moved on since the plain read */
		rc = db_query(db, STMT_ITEM_SOURCE, DB_ARGS(
		    DB_I64(o.id)), &src);
		if (rc == DB_NOTFOUND) {
			db_res_free(src);
			src = NULL;
			continue;
		}
		if (rc == DB_OK)
			rc = db_exec(db, STMT_ITEM_INSERT, DB_ARGS(
			    DB_I64(t->batch_id), DB_I64(o.id),
			    DB_STR(db_str(src, 0, 0)), DB_STR(db_str(src, 0, 1)),
			    DB_STR(db_str(src, 0, 2)), DB_I64(db_i64(src, 0, 3)),
			    DB_TIME(r->now)), NULL, NULL, NULL);
		if (rc == DB_CONFLICT)
			rc = DB_RETRY;	/* a concurrent batch took it */
		if (rc != DB_OK)
			goto done;
		count++;
		total += db_i64(src, 0, 3);
		json_array_append_new(orders, json_integer(o.id));
		db_res_free(src);
		src = NULL;
	}
	if (count == 0) {
		rc = TX_NOTHING;
		goto done;
	}
	rc = db_dml(db, STMT_BATCH_TOTALS, DB_ARGS(DB_I64(count),
	    DB_I64(total), DB_I64(t->batch_id)), NULL);
	if (rc == DB_OK) {
		after = json_pack("{s:s,s:s,s:I,s:I,s:O}", "status", "draft",
		    "title", t->title, "item_count", (json_int_t)count,
		    "total_amount", (json_int_t)total, "orders", orders);
		rc = audit_record(db, &a, "batch.create", "publicity_batch",
		    t->batch_id, NULL, after);
		json_decref(after);
	}
done:
	json_decref(orders);
	db_res_free(cand);
	db_res_free(src);
	return rc;
}

/*
 * POST /api/bureau/batches {title? (1-200)} → 201 the new draft batch
 * with its items: every approved claim (R4) not yet in a batch, of a
 * provider and enterprise not barred (V2), oldest approval first, at most
 * 2000. 409 nothing_to_batch when there is none.
 */
int
batch_create(struct req *r)
{
	static const struct field fields[] = {
		{ "title", FIELD_STRING, false, 1, 200, NULL },
	};
	struct create_tx t = { .r = r };
	struct field_value v[1];
	char title[128];
	json_t *body;
	int rc;

	if ((body = optional_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, fields, 1, v) < 0)
		return r->status;
	if (v[0].present)
		t.title = v[0].s;
	else {
		/* 北京市中小企业服务券兑付公示（2024年第3批） */
		int year = clock_shanghai_year(r->now);
		time_t from = (time_t)clock_days_from_civil(year, 1, 1) * 86400 -
		    CLOCK_SHANGHAI_OFFSET;
		time_t to = (time_t)clock_days_from_civil(year + 1, 1, 1) *
		    86400 - CLOCK_SHANGHAI_OFFSET;
		struct db_res *cnt = NULL;

		rc = db_query(r->db, STMT_BATCH_YEAR_COUNT, DB_ARGS(
		    DB_TIME(from), DB_TIME(to)), &cnt);
		if (rc != DB_OK) {
			db_res_free(cnt);
			return http_db_error(r, rc);
		}
		snprintf(title, sizeof(title), "北京市中小企业服务券兑付公示"
		    "（%d年第%lld批）", year, (long long)db_i64(cnt, 0, 0) + 1);
		db_res_free(cnt);
		t.title = title;
	}
	switch ((rc = db_tx(r->db, create_tx, &t))) {
	case DB_OK:
		return reply_batch(r, 201, t.batch_id);
	case TX_NOTHING:
		return http_error(r, 409, "nothing_to_batch", NULL,
		    "没有待公示的初审通过申请（规则 R5）");
	default:
		return http_db_error(r, rc);
	}
}

static const char *const batch_statuses[] = { "draft", "published", "paid",
    NULL };

/* GET /api/bureau/batches?status=&page=&per_page= → every batch, newest
 * first, without items: {items, total, page, per_page}. */
int
batch_list(struct req *r)
{
	struct db_res *res = NULL, *cnt = NULL;
	int64_t page, per_page;
	const char *status;
	json_t *items;
	int rc;

	if (query_enum_or_400(r, "status", batch_statuses, NULL, &status) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	rc = db_exec(r->db, STMT_BATCHES, DB_ARGS(DB_TIME(r->now),
	    DB_STR(status), DB_STR(status), DB_I64(per_page),
	    DB_I64((page - 1) * per_page)), &res, NULL, NULL);
	if (rc == DB_OK)
		rc = db_query(r->db, STMT_BATCHES_COUNT, DB_ARGS(
		    DB_STR(status), DB_STR(status)), &cnt);
	if (rc != DB_OK) {
		db_res_free(res);
		db_res_free(cnt);
		return http_db_error(r, rc);
	}
	items = json_array();
	for (size_t i = 0; i < res->nrows; i++)
		json_array_append_new(items, batch_row_json(res, i));
	rc = http_json(r, 200, page_json(items, db_i64(cnt, 0, 0), page,
	    per_page));
	db_res_free(res);
	db_res_free(cnt);
	return rc;
}

/* GET /api/bureau/batches/{id} → the batch with signature, key and every
 * item: {…, items: [{id, order_id, order_no, order_status,
 * enterprise_name, provider, product, category, amount, objection_status,
 * withdrawn, withdrawn_at, paid_on, open_feedback}]}. */
int
batch_get(struct req *r)
{
	return reply_batch(r, 200, r->ids[0]);
}

/* ---- publish ------------------------------------------------------ */

struct publish_tx {
	struct req *r;
	int64_t     period_days;
	bool        empty;		/* out: every item was stale */
	int64_t     dropped;		/* out */
};

/* Whether an order's provider or enterprise is barred at now (V2). */
static int
order_barred(struct db *db, int64_t order_id, time_t now, const char **who)
{
	struct db_res *res = NULL;
	int rc = db_query(db, STMT_ORDER_BARS, DB_ARGS(
	    DB_TIME(now), DB_TIME(now), DB_I64(order_id)), &res);

	*who = NULL;
	if (rc == DB_OK) {
		if (db_i64(res, 0, 0) != 0)
			*who = "provider_barred";
		else if (db_i64(res, 0, 1) != 0)
			*who = "enterprise_barred";
	}
	db_res_free(res);
	return rc;
}

/* Builds the list file: the exact bytes that are signed and kept. */
static char *
file_build(int64_t batch_id, int64_t seq, const char *title, time_t now,
    int64_t days, const char *prev, const char *key_sha256, json_t *items,
    int64_t count, int64_t total)
{
	char pub[21], ends[21];
	json_t *f;
	char *s;

	clock_format_iso8601(now, pub);
	clock_format_iso8601(now + (time_t)days * 86400, ends);
	f = json_pack("{s:s,s:I,s:I,s:s,s:s,s:s,s:I,s:s?,s:s,s:s,s:s,s:O,s:I,"
	    "s:I}", "format", FILE_FORMAT, "batch_id", (json_int_t)batch_id,
	    "seq", (json_int_t)seq, "title", title, "published_at", pub,
	    "period_ends_at", ends, "period_days", (json_int_t)days,
	    "prev_sha256", prev, "key_sha256", key_sha256, "currency", "CNY",
	    "amount_unit", "fen", "items", items, "item_count",
	    (json_int_t)count, "total_amount", (json_int_t)total);
	if (f == NULL)
		return NULL;
	s = json_dumps(f, JSON_COMPACT);
	json_decref(f);
	return s;
}

static int
publish_tx(struct db *db, void *arg)
{
	struct publish_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct db_res *chain = NULL, *batch = NULL, *items = NULL;
	int64_t count = 0, total = 0, seq;
	const char *prev, *barred;
	char sha[65], key_sha[65], sig[SIGN_B64_LEN + 1], reason[160];
	json_t *list = json_array(), *after;
	char *file = NULL;
	int rc;

	t->empty = false;
	t->dropped = 0;
	/* lock order: the chain head, the batch, its items, each order */
	rc = db_query(db, STMT_CHAIN_LOCK, NULL, 0, &chain);
	if (rc == DB_NOTFOUND)
		rc = DB_ERROR;	/* 002_publicity.sql inserts the row */
	if (rc == DB_OK)
		rc = db_query(db, STMT_BATCH_LOCK, DB_ARGS(
		    DB_I64(r->ids[0])), &batch);
	if (rc != DB_OK) {
		rc = rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
		goto done;
	}
	if (strcmp(db_str(batch, 0, 2), "draft") != 0) {
		rc = TX_NOT_DRAFT;
		goto done;
	}
	rc = db_exec(db, STMT_ITEMS_LOCK, DB_ARGS(
	    DB_I64(r->ids[0])), &items, NULL, NULL);
	if (rc != DB_OK)
		goto done;
	seq = db_i64(chain, 0, 2) + 1;
	snprintf(reason, sizeof(reason), "列入第 %lld 号公示（规则 R5）",
	    (long long)seq);
	for (size_t i = 0; i < items->nrows; i++) {
		struct order_row o;
		int64_t item_id = db_i64(items, i, 0);

		if ((rc = order_lock(db, db_i64(items, i, 1), &o)) != DB_OK ||
		    (rc = order_barred(db, o.id, r->now, &barred)) != DB_OK)
			goto done;
		if (o.status != ORDER_APPROVED || barred != NULL) {
			/* stale since the batch was made: out of the list */
			rc = db_dml(db, STMT_ITEM_DELETE, DB_ARGS(
			    DB_I64(item_id), DB_I64(r->ids[0])), NULL);
			if (rc == DB_OK) {
				after = json_pack("{s:I,s:I,s:s}", "item_id",
				    (json_int_t)item_id, "order_id",
				    (json_int_t)o.id, "reason", barred ? barred :
				    order_status_name(o.status));
				rc = audit_record(db, &a, "batch.drop_item",
				    "publicity_batch", r->ids[0], NULL, after);
				json_decref(after);
			}
			if (rc != DB_OK)
				goto done;
			t->dropped++;
			continue;
		}
		rc = order_transition(db, &a, &o, ORDER_PUBLICIZED, reason);
		if (rc == DB_OK)
			rc = db_dml(db, STMT_ORDER_PUBLICIZED_AT,
			    DB_ARGS(DB_TIME(r->now),
			    DB_TIME(r->now), DB_I64(o.id)), NULL);
		if (rc != DB_OK)
			goto done;
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:I}",
		    "id", (json_int_t)item_id, "provider",
		    db_str(items, i, 6), "product", db_str(items, i, 7),
		    "category", db_str(items, i, 8), "amount",
		    (json_int_t)db_i64(items, i, 2)));
		count++;
		total += db_i64(items, i, 2);
	}
	if (count == 0) {
		t->empty = true;	/* commit the drops, publish nothing */
		rc = db_dml(db, STMT_BATCH_TOTALS, DB_ARGS(
		    DB_I64(0), DB_I64(0), DB_I64(r->ids[0])), NULL);
		goto done;
	}
	prev = db_str(chain, 0, 1);	/* NULL for the first file */
	/* the fingerprint of the signing key goes into the file */
	if (sign_key_id(key_sha) < 0) {
		rc = TX_NO_KEY;
		goto done;
	}
	file = file_build(r->ids[0], seq, db_str(batch, 0, 1), r->now,
	    t->period_days, prev, key_sha, list, count, total);
	if (file == NULL) {
		rc = DB_ERROR;
		goto done;
	}
	sha256_hex(file, strlen(file), sha);
	if (sign_ed25519(file, strlen(file), sig, key_sha) < 0) {
		rc = TX_NO_KEY;
		goto done;
	}
	rc = db_dml(db, STMT_BATCH_PUBLISH, DB_ARGS(DB_I64(seq),
	    DB_TIME(r->now), DB_I64(r->sess.account_id),
	    DB_TIME(r->now + (time_t)t->period_days * 86400),
	    DB_I64(t->period_days), DB_I64(count), DB_I64(total),
	    DB_STR(file), DB_STR(sha), DB_STR(prev), DB_STR(sig),
	    DB_STR(key_sha), DB_I64(r->ids[0])), NULL);
	if (rc == DB_CONFLICT)
		rc = DB_RETRY;	/* UNIQUE(prev_sha256/seq): lost a race */
	if (rc == DB_OK)
		rc = db_dml(db, STMT_CHAIN_ADVANCE, DB_ARGS(
		    DB_I64(r->ids[0]), DB_STR(sha), DB_I64(seq),
		    DB_TIME(r->now)), NULL);
	if (rc == DB_OK) {
		after = json_pack("{s:s,s:I,s:s,s:s?,s:I,s:I,s:I,s:I}",
		    "status", "published", "seq", (json_int_t)seq,
		    "file_sha256", sha, "prev_sha256", prev, "period_days",
		    (json_int_t)t->period_days, "item_count", (json_int_t)count,
		    "total_amount", (json_int_t)total, "dropped",
		    (json_int_t)t->dropped);
		rc = audit_record(db, &a, "batch.publish", "publicity_batch",
		    r->ids[0], NULL, after);
		json_decref(after);
	}
done:
	free(file);
	json_decref(list);
	db_res_free(chain);
	db_res_free(batch);
	db_res_free(items);
	return rc;
}

/*
 * POST /api/bureau/batches/{id}/publish {period_days? (1-90, default 7)}
 * → 200 the published batch. Items whose order is no longer approved, or
 * whose provider or enterprise has been barred since (V2), are dropped
 * first. 404 unknown; 409 not_draft, batch_empty (every item was stale);
 * 503 signing_key_unavailable.
 */
int
batch_publish(struct req *r)
{
	static const struct field fields[] = {
		{ "period_days", FIELD_INT, false, 1, PERIOD_DAYS_MAX, NULL },
	};
	struct publish_tx t = { .r = r };
	struct field_value v[1];
	json_t *body;
	int rc;

	if ((body = optional_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, fields, 1, v) < 0)
		return r->status;
	t.period_days = v[0].present ? v[0].i : PERIOD_DAYS_DEFAULT;
	switch ((rc = db_tx(r->db, publish_tx, &t))) {
	case DB_OK:
		if (t.empty)
			return http_error(r, 409, "batch_empty", NULL,
			    "批次中的申请均已失效（订单状态变化或当事方被取消资格），"
			    "未发布");
		return reply_batch(r, 200, r->ids[0]);
	case TX_NOT_FOUND:
		return http_error(r, 404, "not_found", NULL, "公示批次不存在");
	case TX_NOT_DRAFT:
		return http_error(r, 409, "not_draft", NULL,
		    "只有草稿批次可以发布");
	case TX_NO_KEY:
		return http_error(r, 503, "signing_key_unavailable", NULL,
		    "公示签名密钥不可用，无法发布");
	default:
		return http_db_error(r, rc);
	}
}

/* ---- pay ------------------------------------------------------------ */

struct pay_tx {
	struct req *r;
	int64_t     paid_on;		/* y*10000 + m*100 + d */
	int         py, pm, pd;
	json_t     *paid, *skipped;	/* out */
	int64_t     count, amount;	/* out */
	bool        first;		/* out: the batch became paid */
};

static void
skip(struct pay_tx *t, int64_t item, int64_t order, const char *why)
{
	json_array_append_new(t->skipped, json_pack("{s:I,s:I,s:s}", "item_id",
	    (json_int_t)item, "order_id", (json_int_t)order, "reason", why));
}

static int
pay_tx(struct db *db, void *arg)
{
	struct pay_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct db_res *batch = NULL, *items = NULL;
	const char *barred;
	char reason[160];
	json_t *after;
	int rc;

	json_array_clear(t->paid);
	json_array_clear(t->skipped);
	t->count = t->amount = 0;
	t->first = false;
	rc = db_query(db, STMT_BATCH_LOCK, DB_ARGS(
	    DB_I64(r->ids[0])), &batch);
	if (rc != DB_OK) {
		rc = rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
		goto done;
	}
	if (strcmp(db_str(batch, 0, 2), "draft") == 0) {
		rc = TX_NOT_PUBLISHED;
		goto done;
	}
	/* R5: only after the publicity period */
	if (r->now < (time_t)db_i64(batch, 0, 5)) {
		rc = TX_PERIOD;
		goto done;
	}
	/* paid on a date from the end of the period to today (T1) */
	if (t->paid_on < pub_date_of((time_t)db_i64(batch, 0, 5)) ||
	    t->paid_on > pub_date_of(r->now)) {
		rc = TX_BAD_PAID_ON;
		goto done;
	}
	rc = db_exec(db, STMT_ITEMS_LOCK, DB_ARGS(
	    DB_I64(r->ids[0])), &items, NULL, NULL);
	if (rc != DB_OK)
		goto done;
	snprintf(reason, sizeof(reason), "公示期满，兑付日期 %04d-%02d-%02d"
	    "（规则 R5）", t->py, t->pm, t->pd);
	for (size_t i = 0; i < items->nrows; i++) {
		int64_t item_id = db_i64(items, i, 0), amount = db_i64(items, i, 2);
		struct order_row o;

		if (!db_isnull(items, i, 5))
			continue;			/* paid before */
		if (db_i64(items, i, 4) != 0) {
			skip(t, item_id, db_i64(items, i, 1), "withdrawn");
			continue;
		}
		if (strcmp(db_str(items, i, 3), "open") == 0) {
			skip(t, item_id, db_i64(items, i, 1), "open_objection");
			continue;
		}
		if ((rc = order_lock(db, db_i64(items, i, 1), &o)) != DB_OK ||
		    (rc = order_barred(db, o.id, r->now, &barred)) != DB_OK)
			goto done;
		if (o.status != ORDER_PUBLICIZED) {
			skip(t, item_id, o.id, order_status_name(o.status));
			continue;
		}
		if (barred != NULL) {			/* V2 */
			skip(t, item_id, o.id, barred);
			continue;
		}
		rc = order_transition(db, &a, &o, ORDER_PAID, reason);
		if (rc == DB_OK)
			rc = db_dml(db, STMT_ORDER_PAID_AT, DB_ARGS(
			    DB_TIME(r->now), DB_TIME(r->now), DB_I64(o.id)),
			    NULL);
		if (rc == DB_OK)
			rc = db_dml(db, STMT_ITEM_PAID, DB_ARGS(
			    DB_DATE(t->py, t->pm, t->pd), DB_I64(item_id)),
			    NULL);
		if (rc != DB_OK)
			goto done;
		json_array_append_new(t->paid, json_pack("{s:I,s:I,s:I}",
		    "item_id", (json_int_t)item_id, "order_id",
		    (json_int_t)o.id, "amount", (json_int_t)amount));
		t->count++;
		t->amount += amount;
	}
	if (t->count == 0) {
		rc = TX_NOTHING;
		goto done;
	}
	if (strcmp(db_str(batch, 0, 2), "published") == 0) {
		rc = db_dml(db, STMT_BATCH_PAID, DB_ARGS(
		    DB_DATE(t->py, t->pm, t->pd), DB_TIME(r->now),
		    DB_I64(r->sess.account_id), DB_I64(r->ids[0])), NULL);
		t->first = true;
	}
	if (rc == DB_OK) {
		char date[11];

		snprintf(date, sizeof(date), "%04d-%02d-%02d", t->py, t->pm,
		    t->pd);
		after = json_pack("{s:s,s:s,s:I,s:I,s:O}", "status", "paid",
		    "paid_on", date, "paid_count", (json_int_t)t->count,
		    "paid_amount", (json_int_t)t->amount, "skipped", t->skipped);
		rc = audit_record(db, &a, "batch.pay", "publicity_batch",
		    r->ids[0], NULL, after);
		json_decref(after);
	}
done:
	db_res_free(batch);
	db_res_free(items);
	return rc;
}

/*
 * POST /api/bureau/batches/{id}/pay {paid_on: "YYYY-MM-DD"} → 200 {batch,
 * paid: [{item_id, order_id, amount}], skipped: [{item_id, order_id,
 * reason: open_objection|withdrawn|provider_barred|enterprise_barred|
 * <order status>}], paid_count, paid_amount}. Only after the publicity
 * period; paid_on from the period's last day to today (Asia/Shanghai).
 * The batch becomes paid at its first payment; calling again pays the
 * items that became payable since. 404 unknown; 409 not_published,
 * publicity_period_not_over, nothing_to_pay; 422 invalid_paid_on.
 */
int
batch_pay(struct req *r)
{
	static const struct field fields[] = {
		{ "paid_on", FIELD_DATE, true, 0, 0, NULL },
	};
	struct field_value v[1];
	struct pay_tx t = { .r = r };
	json_t *body, *b, *o;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, fields, 1, v) < 0)
		return r->status;
	t.paid_on = v[0].i;
	t.py = v[0].y;
	t.pm = v[0].m;
	t.pd = v[0].d;
	t.paid = json_array();
	t.skipped = json_array();
	rc = db_tx(r->db, pay_tx, &t);
	switch (rc) {
	case DB_OK:
		break;
	case TX_NOT_FOUND:
		rc = http_error(r, 404, "not_found", NULL, "公示批次不存在");
		goto done;
	case TX_NOT_PUBLISHED:
		rc = http_error(r, 409, "not_published", NULL,
		    "批次尚未发布公示");
		goto done;
	case TX_PERIOD:
		rc = http_error(r, 409, "publicity_period_not_over", NULL,
		    "公示期未满，不能兑付（规则 R5）");
		goto done;
	case TX_BAD_PAID_ON:
		rc = http_error(r, 422, "invalid_paid_on", "paid_on",
		    "兑付日期须在公示期满之日至今天之间");
		goto done;
	case TX_NOTHING:
		rc = http_error(r, 409, "nothing_to_pay", NULL,
		    "没有可兑付的公示项目（%zu 项因异议未决、撤回或取消资格暂缓）",
		    json_array_size(t.skipped));
		goto done;
	default:
		rc = http_db_error(r, rc);
		goto done;
	}
	if ((b = batch_view(r->db, r->ids[0], r->now, &rc)) == NULL) {
		rc = http_db_error(r, rc);
		goto done;
	}
	o = json_pack("{s:o,s:O,s:O,s:I,s:I}", "batch", b, "paid", t.paid,
	    "skipped", t.skipped, "paid_count", (json_int_t)t.count,
	    "paid_amount", (json_int_t)t.amount);
	rc = http_json(r, 200, o);
done:
	json_decref(t.paid);
	json_decref(t.skipped);
	return rc;
}
