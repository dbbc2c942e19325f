/*
 * oversight.c - the bureau's spot checks and the audit trail (V3):
 *   GET  /api/bureau/spot-check?n=&year=     a new random sample of n
 *        orders (contracted or later), recorded; ?sample=ID reads one back
 *   POST /api/bureau/spot-check/{id} {result: ok|issue, note?}
 *   GET  /api/bureau/audit?entity=&id=&page= the append-only trail,
 *        newest first
 *
 * The sample is drawn in C with OpenSSL's CSPRNG (no party can predict or
 * steer it), uniformly without replacement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "audit.h"
#include "db.h"
#include "publicity.h"

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
	struct db_res *res = NULL;
	unsigned char rnd[8];
	int64_t *ids = NULL;
	size_t k;
	json_t *after;
	int rc;

	json_array_clear(t->orders);
	t->population = 0;
	rc = db_exec(db, STMT_SPOT_CANDIDATES, DB_ARGS(
	    DB_TIME(r->now), t->year > 0 ? DB_I64(t->year) : DB_NULLP,
	    t->year > 0 ? DB_I64(t->year) : DB_NULLP), &res, NULL, NULL);
	if (rc != DB_OK)
		goto done;
	t->population = res->nrows;
	if (res->nrows == 0)
		goto done;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		rc = TX_RANDOM_FAILED;
		goto done;
	}
	memcpy(t->sample_id, "SC", 2);
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(t->sample_id + 2 + 2 * i, 3, "%02x", rnd[i]);
	/* a partial Fisher-Yates shuffle: the first k are the sample */
	ids = xcalloc(res->nrows, sizeof(*ids));
	for (size_t i = 0; i < res->nrows; i++)
		ids[i] = db_i64(res, i, 0);
	k = (size_t)t->n < res->nrows ? (size_t)t->n : res->nrows;
	for (size_t i = 0; i < k; i++) {
		int64_t j = random_below(res->nrows - i), tmp;

		if (j < 0) {
			rc = TX_RANDOM_FAILED;
			goto done;
		}
		tmp = ids[i];
		ids[i] = ids[i + (size_t)j];
		ids[i + (size_t)j] = tmp;
		rc = db_exec(db, STMT_SPOT_INSERT, DB_ARGS(
		    DB_STR(t->sample_id), DB_I64(ids[i]), DB_TIME(r->now),
		    DB_I64(r->sess.account_id)), NULL, NULL, NULL);
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
	db_res_free(res);
	return rc;
}

/* Replies with sample id's rows. */
static int
reply_sample(struct req *r, const char *sample_id, int64_t population)
{
	struct db_res *res = NULL;
	json_t *o, *items;
	int rc = db_exec(r->db, STMT_SPOT_SAMPLE, DB_ARGS(
	    DB_TIME(r->now), DB_TIME(r->now), DB_STR(sample_id)), &res,
	    NULL, NULL);

	if (rc != DB_OK)
		return http_db_error(r, rc);
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
	return http_json(r, 200, o);
}

/*
 * GET /api/bureau/spot-check?n=&year= → 200 a new random sample of n
 * (1-100, default 10) orders that are contracted or later (submitted,
 * approved, publicized, paid, refunded), optionally of one year, recorded
 * in spot_checks under a new sample_id: {sample_id, sampled_at, n,
 * population, items: [{check_id, result, order_id, order_no,
 * order_status, enterprise_name, enterprise_uscc, provider_name,
 * product_name, contract_no, contract_amount, subsidy, approved_amount,
 * …}]}; an empty population gives {sample_id: null, n: 0, items: []}.
 * GET ?sample=SC… reads a recorded sample back (404 unknown).
 */
int
spot_check_sample(struct req *r)
{
	struct sample_tx t = { .r = r };
	const char *sample;
	int rc;

	if (query_str_or_400(r, "sample", 18, &sample) < 0 ||
	    query_i64_or_400(r, "n", 1, SAMPLE_MAX, SAMPLE_DEFAULT, &t.n) < 0 ||
	    query_i64_or_400(r, "year", 2000, 2100, 0, &t.year) < 0)
		return r->status;
	if (sample != NULL)
		return reply_sample(r, sample, -1);
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
	return reply_sample(r, t.sample_id, (int64_t)t.population);
}

static const char *const results[] = { "ok", "issue", NULL };

struct result_tx {
	struct req               *r;
	const struct field_value *v;
};

static int
result_tx(struct db *db, void *arg)
{
	struct result_tx *t = arg;
	struct req *r = t->r;
	struct actor a = actor_of(r);
	struct db_res *res = NULL;
	const char *note = t->v[1].present && *t->v[1].s ? t->v[1].s : NULL;
	json_t *before, *after;
	int rc;

	rc = db_query(db, STMT_SPOT_LOCK, DB_ARGS(
	    DB_I64(r->ids[0])), &res);
	if (rc != DB_OK) {
		db_res_free(res);
		return rc == DB_NOTFOUND ? TX_NOT_FOUND : rc;
	}
	before = json_pack("{s:s}", "result", db_str(res, 0, 3));
	after = json_pack("{s:s,s:s?,s:s,s:I}", "result", t->v[0].s, "note",
	    note, "sample_id", db_str(res, 0, 1), "order_id",
	    (json_int_t)db_i64(res, 0, 2));
	db_res_free(res);
	rc = db_dml(db, STMT_SPOT_RESULT, DB_ARGS(
	    DB_STR(t->v[0].s), DB_STR(note), DB_TIME(r->now),
	    DB_I64(r->sess.account_id), DB_I64(r->ids[0])), NULL);
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
	static const struct field fields[] = {
		{ "result", FIELD_ENUM, true, 0, 0, results },
		{ "note", FIELD_TEXT, false, 0, 1000, NULL },
	};
	struct field_value v[2];
	struct result_tx t = { .r = r, .v = v };
	json_t *body;
	int rc;

	if ((body = req_json_or_4xx(r)) == NULL ||
	    req_fields_or_400(r, body, fields, 2, v) < 0)
		return r->status;
	rc = db_tx(r->db, result_tx, &t);
	if (rc == TX_NOT_FOUND)
		return http_error(r, 404, "not_found", NULL, "抽查记录不存在");
	if (rc != DB_OK)
		return http_db_error(r, rc);
	return http_json(r, 200, json_pack("{s:I,s:s}", "id",
	    (json_int_t)r->ids[0], "result", v[0].s));
}

/* An audit row with before/after parsed back into JSON. */
static json_t *
audit_json(const struct db_res *res, size_t row)
{
	static const char *const cols[][2] = { { "before_json", "before" },
	    { "after_json", "after" } };
	json_t *o = db_row_json(res, row);

	for (size_t i = 0; i < 2; i++) {
		json_t *raw = json_object_get(o, cols[i][0]);
		const char *s = json_string_value(raw);
		json_t *j = s ? json_loads(s, JSON_DECODE_ANY, NULL) : NULL;

		json_object_set_new(o, cols[i][1], j ? j : json_incref(raw));
		json_object_del(o, cols[i][0]);
	}
	return o;
}

/*
 * GET /api/bureau/audit?entity=&id=&page=&per_page= → newest first:
 * {items: [{id, at, actor_account_id, actor_login, actor_role, action,
 * entity, entity_id, before, after, request_id}], total, page, per_page}.
 * entity is e.g. order, publicity_batch, publicity_item, feedback,
 * recovery, violation, enterprise, provider, product, spot_check; id
 * needs entity.
 */
int
audit_list(struct req *r)
{
	struct db_res *res = NULL, *cnt = NULL;
	int64_t id, page, per_page;
	const char *entity;
	json_t *items;
	int rc;

	if (query_str_or_400(r, "entity", 32, &entity) < 0 ||
	    query_i64_or_400(r, "id", 1, INT64_MAX, 0, &id) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	if (id > 0 && entity == NULL)
		return http_error(r, 400, "invalid_query", "id",
		    "查询参数 id 须与 entity 一起使用");
	if (entity == NULL) {
		rc = db_exec(r->db, STMT_AUDIT_ALL, DB_ARGS(
		    DB_I64(per_page), DB_I64((page - 1) * per_page)), &res,
		    NULL, NULL);
		if (rc == DB_OK)
			rc = db_query(r->db, STMT_AUDIT_ALL_COUNT, NULL, 0, &cnt);
	} else if (id == 0) {
		rc = db_exec(r->db, STMT_AUDIT_ENTITY, DB_ARGS(
		    DB_STR(entity), DB_I64(per_page),
		    DB_I64((page - 1) * per_page)), &res, NULL, NULL);
		if (rc == DB_OK)
			rc = db_query(r->db, STMT_AUDIT_ENTITY_COUNT,
			    DB_ARGS(DB_STR(entity)), &cnt);
	} else {
		rc = db_exec(r->db, STMT_AUDIT_ENTITY_ID, DB_ARGS(
		    DB_STR(entity), DB_I64(id), DB_I64(per_page),
		    DB_I64((page - 1) * per_page)), &res, NULL, NULL);
		if (rc == DB_OK)
			rc = db_query(r->db, STMT_AUDIT_ENTITY_ID_COUNT,
			    DB_ARGS(DB_STR(entity), DB_I64(id)),
			    &cnt);
	}
	if (rc != DB_OK) {
		db_res_free(res);
		db_res_free(cnt);
		return http_db_error(r, rc);
	}
	items = json_array();
	for (size_t i = 0; i < res->nrows; i++)
		json_array_append_new(items, audit_json(res, i));
	rc = http_json(r, 200, page_json(items, db_i64(cnt, 0, 0), page,
	    per_page));
	db_res_free(res);
	db_res_free(cnt);
	return rc;
}
