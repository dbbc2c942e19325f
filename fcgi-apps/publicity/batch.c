/*
 * batch.c - the bureau's publicity batches (R5):
 *   POST /api/bureau/batches {title?}          gather the approved claims
 *                                              in no batch into a draft
 *   GET  /api/bureau/batches?status=&page=     every batch, drafts too
 *   GET  /api/bureau/batches/{id}              one, with its items
 *   POST /api/bureau/batches/{id}/publish {period_days?}   default 7
 *
 * Publishing builds the list file once, signs it (sign.c) and links it to
 * the previously published file (prev_sha256); those exact bytes are kept
 * and served for ever. It moves each item's order approved → publicized.
 * Paying a batch after its period (POST /api/bureau/batches/{id}/pay) is
 * the oversight program's: this public-facing program cannot write
 * payments (sql/grants.sql).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "orders.h"
#include "parties.h"
#include "publicity.h"
#include "sha256.h"

#define TX_NOT_FOUND       (DB_APP + 1)
#define TX_NOTHING         (DB_APP + 2)
#define TX_NOT_DRAFT       (DB_APP + 3)
#define TX_NO_KEY          (DB_APP + 4)

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

	*rc = db_batch_view(db, id, now, &res, &items);
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

/* Lists one approved order in the new batch if it still is approved
 * once locked; *listed tells whether it was, *amount its amount. */
static int
create_item(struct db *db, struct create_tx *t, int64_t order_id,
    bool *listed, int64_t *amount)
{
	struct order_row o;
	struct item_source_row src;
	struct db_res *keep = NULL;
	int rc;

	*listed = false;
	if ((rc = order_lock(db, order_id, &o)) != DB_OK)
		return rc;
	if (o.status != ORDER_APPROVED)
		return DB_OK;	/* moved on since the plain read */
	rc = db_item_source(db, o.id, &src, &keep);
	if (rc == DB_NOTFOUND) {
		db_res_free(keep);
		return DB_OK;
	}
	if (rc == DB_OK)
		rc = db_item_insert(db, t->batch_id, o.id, &src, t->r->now);
	if (rc == DB_CONFLICT)
		rc = DB_RETRY;	/* a concurrent batch took it */
	if (rc == DB_OK) {
		*listed = true;
		*amount = src.amount;
	}
	db_res_free(keep);
	return rc;
}

static int
create_tx(struct db *db, void *arg)
{
	struct create_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct db_rows cand = { 0 };
	int64_t count = 0, total = 0;
	json_t *orders = json_array(), *after;
	int rc;

	t->batch_id = 0;
	rc = db_claim_candidates(db, r->now, BATCH_MAX_ITEMS, &cand);
	if (rc != DB_OK)
		goto done;
	if (cand.n == 0) {
		rc = TX_NOTHING;
		goto done;
	}
	rc = db_batch_insert(db, t->title, r->now, r->sess.account_id,
	    &t->batch_id);
	if (rc != DB_OK)
		goto done;
	for (size_t i = 0; i < cand.n; i++) {
		int64_t order_id = ((const struct id_row *)cand.v)[i].id;
		int64_t amount = 0;
		bool listed;

		if ((rc = create_item(db, t, order_id, &listed, &amount)) !=
		    DB_OK)
			goto done;
		if (!listed)
			continue;
		count++;
		total += amount;
		json_array_append_new(orders, json_integer(order_id));
	}
	if (count == 0) {
		rc = TX_NOTHING;
		goto done;
	}
	rc = db_batch_totals(db, t->batch_id, count, total);
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
	db_rows_free(&cand);
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
		int64_t n;

		rc = db_batch_count_created(r->db, from, to, &n);
		if (rc != DB_OK)
			return http_db_error(r, rc);
		snprintf(title, sizeof(title), "北京市中小企业服务券兑付公示"
		    "（%d年第%lld批）", year, (long long)n + 1);
		t.title = title;
	}
	switch ((rc = db_tx(r->db, create_tx, &t))) {
	case DB_OK:
		return reply_batch(r, 201, t.batch_id);
	case TX_NOTHING:
		return http_error(r, 409, "nothing_to_batch", NULL,
		    "没有待公示的初审通过申请");
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
	struct db_res *res = NULL;
	int64_t page, per_page, total;
	const char *status;
	json_t *items;
	int rc;

	if (query_enum_or_400(r, "status", batch_statuses, NULL, &status) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	rc = db_batches(r->db, status, r->now, per_page, (page - 1) * per_page,
	    &res, &total);
	if (rc != DB_OK) {
		db_res_free(res);
		return http_db_error(r, rc);
	}
	items = json_array();
	for (size_t i = 0; i < res->nrows; i++)
		json_array_append_new(items, batch_row_json(res, i));
	rc = http_json(r, 200, page_json(items, total, page, per_page));
	db_res_free(res);
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

/* Whether an order's provider or enterprise is barred at now (V2): *who
 * is the reason code, or NULL. */
static int
order_barred(struct db *db, int64_t order_id, time_t now, const char **who)
{
	bool provider, enterprise;
	int rc = party_order_barred(db, order_id, now, &provider, &enterprise);

	*who = provider ? "provider_barred" : enterprise ?
	    "enterprise_barred" : NULL;
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

/* Drops a stale item (its order moved on, or a party was barred since
 * the batch was made) from the draft batch, audited. */
static int
drop_item(struct db *db, struct publish_tx *t, const struct actor *a,
    int64_t item_id, const struct order_row *o, const char *why)
{
	json_t *after;
	int rc;

	rc = db_item_delete(db, item_id, t->r->ids[0]);
	if (rc != DB_OK)
		return rc;
	after = json_pack("{s:I,s:I,s:s}", "item_id", (json_int_t)item_id,
	    "order_id", (json_int_t)o->id, "reason", why);
	rc = audit_record(db, a, "batch.drop_item", "publicity_batch",
	    t->r->ids[0], NULL, after);
	json_decref(after);
	if (rc == DB_OK)
		t->dropped++;
	return rc;
}

static int
publish_tx(struct db *db, void *arg)
{
	struct publish_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct chain_row chain;
	struct batch_lock_row batch;
	struct db_res *chain_keep = NULL, *batch_keep = NULL;
	struct db_rows items = { 0 };
	struct batch_publish p;
	int64_t count = 0, total = 0, seq;
	const char *barred;
	char sha[65], key_sha[65], sig[SIGN_B64_LEN + 1], reason[160];
	json_t *list = json_array(), *after;
	char *file = NULL;
	int rc;

	t->empty = false;
	t->dropped = 0;
	/* lock order: the chain head, the batch, its items, each order */
	rc = db_chain_lock(db, &chain, &chain_keep);
	if (rc == DB_NOTFOUND)
		rc = DB_ERROR;	/* 002_publicity.sql inserts the row */
	if (rc == DB_OK)
		rc = db_batch_lock(db, r->ids[0], &batch, &batch_keep);
	if (rc != DB_OK) {
		rc = rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
		goto done;
	}
	if (strcmp(batch.status, "draft") != 0) {
		rc = TX_NOT_DRAFT;
		goto done;
	}
	if ((rc = db_batch_items_lock(db, r->ids[0], &items)) != DB_OK)
		goto done;
	seq = chain.length + 1;
	snprintf(reason, sizeof(reason), "列入第 %lld 号公示",
	    (long long)seq);
	for (size_t i = 0; i < items.n; i++) {
		const struct publish_item_row *it =
		    &((const struct publish_item_row *)items.v)[i];
		struct order_row o;
		json_t *item;

		if ((rc = order_lock(db, it->order_id, &o)) != DB_OK ||
		    (rc = order_barred(db, o.id, r->now, &barred)) != DB_OK)
			goto done;
		if (o.status != ORDER_APPROVED || barred != NULL) {
			/* stale since the batch was made: out of the list */
			rc = drop_item(db, t, &a, it->id, &o, barred ? barred :
			    order_status_name(o.status));
			if (rc != DB_OK)
				goto done;
			continue;
		}
		rc = order_transition(db, &a, &o, ORDER_PUBLICIZED, reason);
		if (rc == DB_OK)
			rc = db_order_publicized_at(db, o.id, r->now);
		if (rc != DB_OK)
			goto done;
		item = json_pack("{s:I,s:s,s:s,s:s,s:I}", "id",
		    (json_int_t)it->id, "provider", it->provider, "product",
		    it->product, "category", it->category, "amount",
		    (json_int_t)it->amount);
		/* C2: approved without the enterprise's confirmation (the
		 * key only then: earlier files keep their shape) */
		if (it->unconfirmed)
			json_object_set_new(item, "unconfirmed", json_true());
		json_array_append_new(list, item);
		count++;
		total += it->amount;
	}
	if (count == 0) {
		t->empty = true;	/* commit the drops, publish nothing */
		rc = db_batch_totals(db, r->ids[0], 0, 0);
		goto done;
	}
	/* the fingerprint of the signing key goes into the file; prev is
	 * NULL for the first file */
	if (sign_key_id(key_sha) < 0) {
		rc = TX_NO_KEY;
		goto done;
	}
	file = file_build(r->ids[0], seq, batch.title, r->now,
	    t->period_days, chain.head_sha256, key_sha, list, count, total);
	if (file == NULL) {
		rc = DB_ERROR;
		goto done;
	}
	sha256_hex(file, strlen(file), sha);
	if (sign_ed25519(file, strlen(file), sig, key_sha) < 0) {
		rc = TX_NO_KEY;
		goto done;
	}
	p = (struct batch_publish){
		.seq = seq,
		.published_at = r->now,
		.published_by = r->sess.account_id,
		.period_ends_at = r->now + (time_t)t->period_days * 86400,
		.period_days = t->period_days,
		.item_count = count,
		.total_amount = total,
		.file_json = file,
		.file_sha256 = sha,
		.prev_sha256 = chain.head_sha256,
		.signature = sig,
		.key_sha256 = key_sha,
	};
	rc = db_batch_publish(db, r->ids[0], &p);
	if (rc == DB_CONFLICT)
		rc = DB_RETRY;	/* UNIQUE(prev_sha256/seq): lost a race */
	if (rc == DB_OK)
		rc = db_chain_advance(db, r->ids[0], sha, seq, r->now);
	if (rc == DB_OK) {
		after = json_pack("{s:s,s:I,s:s,s:s?,s:I,s:I,s:I,s:I}",
		    "status", "published", "seq", (json_int_t)seq,
		    "file_sha256", sha, "prev_sha256", chain.head_sha256,
		    "period_days", (json_int_t)t->period_days, "item_count",
		    (json_int_t)count, "total_amount", (json_int_t)total,
		    "dropped", (json_int_t)t->dropped);
		rc = audit_record(db, &a, "batch.publish", "publicity_batch",
		    r->ids[0], NULL, after);
		json_decref(after);
	}
done:
	free(file);
	json_decref(list);
	db_rows_free(&items);
	db_res_free(chain_keep);
	db_res_free(batch_keep);
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
