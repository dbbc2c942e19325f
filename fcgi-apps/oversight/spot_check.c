/*
 * spot_check.c - the bureau's spot checks (V3, guide 7.3):
 *   POST /api/bureau/spot-check?n=&year=     a new random sample of n
 *        orders (contracted or later), recorded
 *   GET  /api/bureau/spot-check[?page=]      the samples drawn, newest
 *        first; ?sample=ID reads one back (a GET never draws: issue 15)
 *   POST /api/bureau/spot-check/{id} {result: ok|issue, note?}
 *
 * The sample is drawn in C with OpenSSL's CSPRNG (no party can predict or
 * steer it), uniformly without replacement.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "audit.h"
#include "buf.h"
#include "oversight.h"

#define TX_NOT_FOUND     (DB_APP + 1)
#define TX_RANDOM_FAILED (DB_APP + 2)
#define SAMPLE_MAX       100
#define SAMPLE_DEFAULT   10

/* A uniform random integer in [0, n) (n > 0) from the CSPRNG, without
 * modulo bias; -1 if the CSPRNG failed. */
static int64_t
random_below(uint64_t n)
{
	uint64_t v, limit = UINT64_MAX - UINT64_MAX % n;

	do {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			return -1;
	} while (v >= limit);
	return (int64_t)(v % n);
}

struct sample_tx {
	struct req *r;
	int64_t     n, year;
	char        sample_id[19];	/* out: "SC" + 16 hex */
	size_t      population;		/* out */
	json_t     *orders;		/* out */
};

static int
sample_tx(struct db *db, void *arg)
{
	struct sample_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct db_rows cand = { 0 };
	unsigned char rnd[8];
	int64_t *ids = NULL;
	size_t k;
	json_t *after;
	int rc;

	json_array_clear(t->orders);
	t->population = 0;
	rc = db_spot_candidates(db, r->now, t->year, &cand);
	if (rc != DB_OK)
		goto done;
	t->population = cand.n;
	if (cand.n == 0)
		goto done;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		rc = TX_RANDOM_FAILED;
		goto done;
	}
	memcpy(t->sample_id, "SC", 2);
	hex_encode(rnd, sizeof(rnd), t->sample_id + 2);
	/* a partial Fisher-Yates shuffle: the first k are the sample */
	ids = xcalloc(cand.n, sizeof(*ids));
	for (size_t i = 0; i < cand.n; i++)
		ids[i] = ((const struct id_row *)cand.v)[i].id;
	k = (size_t)t->n < cand.n ? (size_t)t->n : cand.n;
	for (size_t i = 0; i < k; i++) {
		int64_t j = random_below(cand.n - i), tmp;

		if (j < 0) {
			rc = TX_RANDOM_FAILED;
			goto done;
		}
		tmp = ids[i];
		ids[i] = ids[i + (size_t)j];
		ids[i + (size_t)j] = tmp;
		rc = db_spot_insert(db, t->sample_id, ids[i], r->now,
		    r->sess.account_id);
		if (rc != DB_OK)
			goto done;
		json_array_append_new(t->orders, json_integer(ids[i]));
	}
	after = json_pack("{s:s,s:I,s:I,s:O}", "sample_id", t->sample_id, "n",
	    (json_int_t)k, "population", (json_int_t)t->population, "orders",
	    t->orders);
	rc = audit_record(db, &a, "spot_check.sample", "spot_check", 0, NULL,
	    after);
	json_decref(after);
done:
	free(ids);
	db_rows_free(&cand);
	return rc;
}

/* Replies status with sample id's rows. */
static int
reply_sample(struct req *r, const char *sample_id, int64_t population,
    int status)
{
	struct db_res *res = NULL;
	json_t *o, *items;
	int rc = db_spot_sample(r->db, sample_id, r->now, &res);

	if (rc != DB_OK) {
		db_res_free(res);
		return http_db_error(r, rc);
	}
	if (res->nrows == 0) {
		db_res_free(res);
		return http_error(r, 404, "not_found", NULL, "抽查批次不存在");
	}
	items = db_rows_json(res);
	o = json_pack("{s:s,s:O,s:I,s:o}", "sample_id", sample_id,
	    "sampled_at", json_object_get(json_array_get(items, 0),
	    "sampled_at"), "n", (json_int_t)res->nrows, "items", items);
	if (population >= 0)
		json_object_set_new(o, "population", json_integer(population));
	db_res_free(res);
	return http_json(r, status, o);
}

/*
 * GET /api/bureau/spot-check?page=&per_page= → 200 {items: [{sample_id,
 * sampled_at, n, checked, issues}], total, page, per_page}: the samples
 * drawn, newest first, with how many of their orders were checked and
 * found with an issue. GET ?sample=SC… → one recorded sample (404
 * unknown). Reads only.
 */
int
spot_check_list(struct req *r)
{
	struct db_res *res = NULL;
	const char *sample;
	int64_t page, per_page, total;
	int rc;

	if (query_str_or_400(r, "sample", 18, &sample) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	if (sample != NULL)
		return reply_sample(r, sample, -1, 200);
	rc = db_spot_samples(r->db, per_page, (page - 1) * per_page, &res,
	    &total);
	if (rc != DB_OK) {
		db_res_free(res);
		return http_db_error(r, rc);
	}
	rc = http_json(r, 200, page_json(db_rows_json(res), total, page,
	    per_page));
	db_res_free(res);
	return rc;
}

/*
 * POST /api/bureau/spot-check?n=&year= → 201 a new random sample of n
 * (1-100, default 10) orders that are contracted or later (submitted,
 * approved, publicized, paid, refunded), optionally of one year, recorded
 * in spot_checks under a new sample_id: {sample_id, sampled_at, n,
 * population, items: [{check_id, result, order_id, order_no,
 * order_status, enterprise_name, enterprise_uscc, provider_name,
 * product_name, contract_no, contract_amount, subsidy, approved_amount,
 * …}]}; an empty population gives 200 {sample_id: null, n: 0, items:
 * []}. The body, if any, is ignored (the page posts {}).
 */
int
spot_check_sample(struct req *r)
{
	struct sample_tx t = { .r = r };
	int rc;

	if (query_i64_or_400(r, "n", 1, SAMPLE_MAX, SAMPLE_DEFAULT, &t.n) < 0 ||
	    query_i64_or_400(r, "year", 2000, 2100, 0, &t.year) < 0)
		return r->status;
	t.orders = json_array();
	rc = db_tx(r->db, sample_tx, &t);
	json_decref(t.orders);
	if (rc == TX_RANDOM_FAILED)
		return http_error(r, 500, "internal", NULL, "内部错误");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	if (t.population == 0)
		return http_json(r, 200, json_pack("{s:n,s:i,s:i,s:[]}",
		    "sample_id", "n", 0, "population", 0, "items"));
	return reply_sample(r, t.sample_id, (int64_t)t.population, 201);
}

static const char *const results[] = { "ok", "issue", NULL };

struct result_tx {
	struct req               *r;
	const struct field_value *v;
};

enum { SR_RESULT, SR_NOTE, SR__MAX };

static const struct field result_fields[SR__MAX] = {
	[SR_RESULT] = { "result", FIELD_ENUM, true, 0, 0, results },
	[SR_NOTE]   = { "note", FIELD_TEXT, false, 0, 1000, NULL },
};

static int
result_tx(struct db *db, void *arg)
{
	struct result_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct spot_lock_row check;
	struct db_res *keep = NULL;
	const struct field_value *v = t->v;
	const char *note = v[SR_NOTE].present && *v[SR_NOTE].s ?
	    v[SR_NOTE].s : NULL;
	json_t *before, *after;
	int rc;

	rc = db_spot_lock(db, r->ids[0], &check, &keep);
	if (rc != DB_OK) {
		db_res_free(keep);
		return rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
	}
	before = json_pack("{s:s}", "result", check.result);
	after = json_pack("{s:s,s:s?,s:s,s:I}", "result", v[SR_RESULT].s,
	    "note", note, "sample_id", check.sample_id, "order_id",
	    (json_int_t)check.order_id);
	db_res_free(keep);
	rc = db_spot_result(db, r->ids[0], v[SR_RESULT].s, note, r->now,
	    r->sess.account_id);
	if (rc == DB_OK)
		rc = audit_record(db, &a, "spot_check.result", "spot_check",
		    r->ids[0], before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

/* POST /api/bureau/spot-check/{check_id} {result: ok|issue, note?
 * (≤ 1000)} → 200 {id, result}: the outcome of one sampled order's check
 * (may be corrected later; every change is audited). 404 unknown. */
int
spot_check_result(struct req *r)
{
	struct field_value v[SR__MAX];
	struct result_tx t = { .r = r, .v = v };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, result_fields, SR__MAX, v) < 0)
		return r->status;
	rc = db_tx(r->db, result_tx, &t);
	if (rc == TX_NOT_FOUND)
		return http_error(r, 404, "not_found", NULL, "抽查记录不存在");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	return http_json(r, 200, json_pack("{s:I,s:s}", "id",
	    (json_int_t)r->ids[0], "result", v[SR_RESULT].s));
}
