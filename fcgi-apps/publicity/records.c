/*
 * records.c - the records chained after a published list (R7), public, no
 * login, on the read-only connection:
 *   GET /api/publicity/batches/{id}/records               the chain
 *   GET /api/publicity/batches/{id}/records/{n}.json      record n's bytes
 *   GET /api/publicity/batches/{id}/records/{n}.json.sig  their signature
 *
 * A published list never changes (its file is record 0). Each later event
 * of the batch - the withdrawal of one item (an upheld objection, a
 * violation) or a payment - is record 1, 2, … in the order it was
 * committed: the program that owns the event writes its facts, once, in
 * the event's transaction (publicity_records, and the item's withdrawn_seq
 * or paid_seq; no database user may change them). This file builds each
 * record's bytes from those facts alone, in format 1, which never changes:
 *
 *   {"format":"voucher-publicity-record/1","batch_id":B,"seq":n,
 *    "kind":"withdrawal"|"payment","prev_sha256":"<SHA-256 of record n-1's
 *    exact bytes>","at":"<the event, ISO UTC>",
 *    "reason":"objection"|"violation" (a withdrawal) | "paid_on":"YYYY-MM-DD"
 *    (a payment),"items":[{"id","provider","product","amount"}] (by item
 *    id),"count":k,"amount":fen,"totals":{"published":{"count","amount"},
 *    "withdrawn":{…},"paid":{…}} (as of this record)}
 *
 * compact JSON, keys in that order, UTF-8 unescaped. The same facts give
 * the same bytes, and Ed25519 is deterministic, so the record is signed on
 * read with the publicity key and re-reading it gives the same bytes and
 * the same signature; record 0's signature is the one stored at publish.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "publicity.h"
#include "sha256.h"

#define RECORD_FORMAT "voucher-publicity-record/1"
#define CACHE_SECONDS 1

/* One record of the chain as built. */
struct built {
	char   *bytes;		/* owned, NUL-terminated JSON             */
	char    sha[65];	/* SHA-256 hex of bytes                   */
	json_t *doc;		/* record n >= 1: its document; else NULL */
};

/* The chain of a batch: record 0 (the file) and every later record. */
struct chain {
	struct db_res          *head_keep;
	struct record_head_row  head;
	struct built           *v;
	size_t                  n;
};

static void
chain_free(struct chain *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].bytes);
		json_decref(c->v[i].doc);
	}
	free(c->v);
	db_res_free(c->head_keep);
	memset(c, 0, sizeof(*c));
}

static json_t *
count_amount(int64_t count, int64_t amount)
{
	return json_pack("{s:I,s:I}", "count", (json_int_t)count, "amount",
	    (json_int_t)amount);
}

/* Record rec's document (format 1) after the record whose SHA-256 is
 * prev: its items and the totals as of it. New reference; NULL for an
 * unknown format. */
static json_t *
record_doc(int64_t batch_id, const struct record_row *rec, const char *prev,
    const struct db_rows *items, const struct record_head_row *head)
{
	const struct record_item_row *it = items->v;
	bool payment = strcmp(rec->kind, "payment") == 0;
	int64_t n = 0, sum = 0, wn = 0, wsum = 0, pn = 0, psum = 0;
	json_t *list, *d;
	char at[21];

	if (rec->format != 1)
		return NULL;
	list = json_array();
	for (size_t i = 0; i < items->n; i++) {
		int64_t mine = payment ? it[i].paid_seq : it[i].withdrawn_seq;

		if (it[i].withdrawn_seq > 0 && it[i].withdrawn_seq <= rec->seq) {
			wn++;
			wsum += it[i].amount;
		}
		if (it[i].paid_seq > 0 && it[i].paid_seq <= rec->seq) {
			pn++;
			psum += it[i].amount;
		}
		if (mine != rec->seq)
			continue;
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:I}",
		    "id", (json_int_t)it[i].id, "provider", it[i].provider,
		    "product", it[i].product, "amount",
		    (json_int_t)it[i].amount));
		n++;
		sum += it[i].amount;
	}
	clock_format_iso8601(rec->at, at);
	d = json_pack("{s:s,s:I,s:I,s:s,s:s,s:s}", "format", RECORD_FORMAT,
	    "batch_id", (json_int_t)batch_id, "seq", (json_int_t)rec->seq,
	    "kind", rec->kind, "prev_sha256", prev, "at", at);
	if (payment)
		json_object_set_new(d, "paid_on",
		    json_string(rec->paid_on ? rec->paid_on : ""));
	else
		json_object_set_new(d, "reason",
		    json_string(rec->reason ? rec->reason : ""));
	json_object_set_new(d, "items", list);
	json_object_set_new(d, "count", json_integer(n));
	json_object_set_new(d, "amount", json_integer(sum));
	json_object_set_new(d, "totals", json_pack("{s:o,s:o,s:o}",
	    "published", count_amount(head->item_count, head->total_amount),
	    "withdrawn", count_amount(wn, wsum), "paid",
	    count_amount(pn, psum)));
	return d;
}

/* Loads and builds the chain of published batch id into *c (freed by
 * chain_free whatever the result). Returns DB_OK, DB_NOTFOUND (unknown or
 * unpublished), a database error, or DB_ERROR (logged) when a record
 * cannot be built. The records are read before the items, and an item
 * names a record only in the record's own commit, so every record read
 * finds its items. */
static int
chain_load(struct req *r, int64_t batch_id, struct chain *c)
{
	struct db_rows recs = { 0 }, items = { 0 };
	const struct record_row *rec;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = db_pub_record_head(r->db_ro, batch_id, &c->head, &c->head_keep);
	if (rc == DB_OK)
		rc = db_pub_records(r->db_ro, batch_id, &recs);
	if (rc == DB_OK && recs.n > 0)
		rc = db_pub_record_items(r->db_ro, batch_id, &items);
	if (rc != DB_OK)
		goto done;
	c->v = xcalloc(recs.n + 1, sizeof(*c->v));
	c->v[0].bytes = xstrdup(c->head.file_json);
	sha256_hex(c->v[0].bytes, strlen(c->v[0].bytes), c->v[0].sha);
	c->n = 1;
	rec = recs.v;
	for (size_t i = 0; i < recs.n; i++, c->n++) {
		struct built *b = &c->v[c->n];

		if (rec[i].seq != (int64_t)c->n) {
			log_msg(LOG_ERROR, r->rid, "batch %lld: record %lld "
			    "where %zu was due", (long long)batch_id,
			    (long long)rec[i].seq, c->n);
			rc = DB_ERROR;
			goto done;
		}
		b->doc = record_doc(batch_id, &rec[i], c->v[c->n - 1].sha,
		    &items, &c->head);
		if (b->doc == NULL ||
		    (b->bytes = json_dumps(b->doc, JSON_COMPACT)) == NULL) {
			log_msg(LOG_ERROR, r->rid, "batch %lld: record %lld of "
			    "format %lld cannot be built", (long long)batch_id,
			    (long long)rec[i].seq, (long long)rec[i].format);
			rc = DB_ERROR;
			goto done;
		}
		sha256_hex(b->bytes, strlen(b->bytes), b->sha);
	}
done:
	db_rows_free(&recs);
	db_rows_free(&items);
	return rc;
}

/* Writes 404 or the database error of a failed chain_load. */
static int
chain_error(struct req *r, int rc)
{
	if (rc == DB_NOTFOUND)
		return http_error(r, 404, "not_found", NULL,
		    "公示批次不存在或未发布");
	return http_db_error(r, rc);
}

/* The record number of the path ("0", "12"); -1 when it is not one. */
static int64_t
record_number(const struct req *r)
{
	const char *s = r->nsegs > 0 ? r->segs[0] : "";
	size_t len = strlen(s);
	int64_t v = 0;

	if (len == 0 || len > 9 || (s[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * GET /api/publicity/batches/{id}/records → {batch_id, items: [{seq, kind
 * (published, withdrawal, payment), at, prev_sha256, sha256, count,
 * amount, totals {published, withdrawn, paid: {count, amount}}, reason
 * (a withdrawal) or paid_on (a payment), items (a record after the list:
 * its items), json, sig (the paths of its bytes and signature)}], total}
 * in record order, record 0 being the published file. Not paged: a batch
 * has one record per withdrawn item and one per payment. 404 for an
 * unknown or unpublished batch.
 */
int
pub_record_list(struct req *r)
{
	struct chain c;
	json_t *list, *o, *file;
	char path[96], sig[100];
	int rc;

	if ((rc = chain_load(r, r->ids[0], &c)) != DB_OK) {
		chain_free(&c);
		return chain_error(r, rc);
	}
	list = json_array();
	file = json_loads(c.head.file_json, 0, NULL);
	o = json_pack("{s:I,s:s,s:O?,s:O?,s:s,s:I,s:I}", "seq", (json_int_t)0,
	    "kind", "published", "at", json_object_get(file, "published_at"),
	    "prev_sha256", json_object_get(file, "prev_sha256"), "sha256",
	    c.v[0].sha, "count", (json_int_t)c.head.item_count, "amount",
	    (json_int_t)c.head.total_amount);
	json_decref(file);
	json_object_set_new(o, "totals", json_pack("{s:o,s:o,s:o}",
	    "published", count_amount(c.head.item_count,
	    c.head.total_amount), "withdrawn", count_amount(0, 0), "paid",
	    count_amount(0, 0)));
	json_array_append_new(list, o);
	for (size_t i = 1; i < c.n; i++) {
		o = json_deep_copy(c.v[i].doc);
		json_object_del(o, "format");
		json_object_del(o, "batch_id");
		json_object_set_new(o, "sha256", json_string(c.v[i].sha));
		json_array_append_new(list, o);
	}
	for (size_t i = 0; i < c.n; i++) {
		o = json_array_get(list, i);
		snprintf(path, sizeof(path),
		    "/api/publicity/batches/%lld/records/%zu.json",
		    (long long)r->ids[0], i);
		snprintf(sig, sizeof(sig), "%s.sig", path);
		json_object_set_new(o, "json", json_string(path));
		json_object_set_new(o, "sig", json_string(sig));
	}
	o = json_pack("{s:I,s:o,s:I}", "batch_id", (json_int_t)r->ids[0],
	    "items", list, "total", (json_int_t)c.n);
	chain_free(&c);
	return http_json_cached(r, o, CACHE_SECONDS);
}

/* Loads the chain and picks record n of the path into *b; writes the
 * error and returns -1. */
static int
record_or_404(struct req *r, struct chain *c, const struct built **b)
{
	int64_t n = record_number(r);
	int rc;

	if (n < 0) {
		memset(c, 0, sizeof(*c));
		http_error(r, 404, "not_found", NULL, "记录不存在");
		return -1;
	}
	if ((rc = chain_load(r, r->ids[0], c)) != DB_OK) {
		chain_error(r, rc);
		return -1;
	}
	if ((uint64_t)n >= c->n) {
		http_error(r, 404, "not_found", NULL, "记录不存在");
		return -1;
	}
	*b = &c->v[n];
	return 0;
}

/* GET /api/publicity/batches/{id}/records/{n}.json → the record's exact
 * bytes (record 0: the published file), X-Content-SHA256 and a strong
 * ETag of their SHA-256. 404 for an unknown batch or record. */
int
pub_record_json(struct req *r)
{
	const struct built *b;
	struct chain c;

	if (record_or_404(r, &c, &b) == 0) {
		http_body(r, 200, "application/json; charset=utf-8", b->bytes,
		    strlen(b->bytes));
		http_header(r, "X-Content-SHA256", "%s", b->sha);
		http_header(r, "Content-Disposition", "inline; filename="
		    "\"publicity-batch-%lld-record-%s.json\"",
		    (long long)r->ids[0], r->segs[0]);
		pub_etag_or_304(r, b->sha);
	}
	chain_free(&c);
	return r->status;
}

/* GET /api/publicity/batches/{id}/records/{n}.json.sig → the base64
 * Ed25519 signature of exactly the record's bytes and a newline: record
 * 0's as stored at publish, a later record's made now with the publicity
 * key (the same bytes, the same signature). 404; 503
 * signing_key_unavailable. */
int
pub_record_sig(struct req *r)
{
	const struct built *b;
	struct chain c;
	char sig[SIGN_B64_LEN + 1], key_sha[65];
	struct buf out = { 0 };

	if (record_or_404(r, &c, &b) < 0) {
		chain_free(&c);
		return r->status;
	}
	if (b == &c.v[0])
		buf_printf(&out, "%s\n", c.head.signature);
	else if (sign_ed25519(b->bytes, strlen(b->bytes), sig, key_sha) == 0)
		buf_printf(&out, "%s\n", sig);
	else {
		chain_free(&c);
		return http_error(r, 503, "signing_key_unavailable", NULL,
		    "公示签名密钥不可用");
	}
	http_body(r, 200, "text/plain; charset=us-ascii", out.p, out.len);
	buf_free(&out);
	pub_etag_or_304(r, b->sha);
	chain_free(&c);
	return r->status;
}
