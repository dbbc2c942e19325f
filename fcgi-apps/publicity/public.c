/*
 * public.c - the public publicity lists (R5), no login, on the read-only
 * connection, cacheable (ETag + max-age=1, and nginx's micro-cache in
 * front of the list and the items):
 *   GET /api/publicity/batches             published lists, newest first
 *   GET /api/publicity/batches/{id}        one of them
 *   GET /api/publicity/batches/{id}/items  its items: provider, product,
 *                                          category, amount and objection
 *                                          status; never enterprise data
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "publicity.h"
#include "rules.h"

#define CACHE_SECONDS 1

bool
pub_barred(const struct db_res *res, size_t row, size_t col, time_t now)
{
	return !db_isnull(res, row, col) && db_i64(res, row, col) > now;
}

int64_t
pub_date_of(time_t t)
{
	int y, m, d;

	clock_shanghai_date(t, &y, &m, &d);
	return (int64_t)y * 10000 + m * 100 + d;
}

/* A batch row as JSON, with in_period as a boolean. New reference. */
json_t *
batch_row_json(const struct db_res *res, size_t row)
{
	json_t *o = db_row_json(res, row);
	json_t *ip = json_object_get(o, "in_period");

	json_object_set_new(o, "in_period", json_boolean(json_is_integer(ip) &&
	    json_integer_value(ip) != 0));
	return o;
}

/* GET /api/publicity/batches?page=&per_page= → the published lists,
 * newest first: {items: [{id, seq, title, status, published_at,
 * period_ends_at, period_days, in_period, item_count, total_amount,
 * paid_on, file_sha256, prev_sha256}], total, page, per_page}. */
int
pub_batch_list(struct req *r)
{
	struct db_res *res = NULL, *cnt = NULL;
	int64_t page, per_page;
	json_t *items;
	int rc;

	if (query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	rc = db_exec(r->db_ro, STMT_PUB_BATCHES, DB_ARGS(
	    DB_TIME(r->now), DB_I64(per_page), DB_I64((page - 1) * per_page)), &res, NULL, NULL);
	if (rc == DB_OK)
		rc = db_query(r->db_ro, STMT_PUB_BATCHES_COUNT, NULL, 0, &cnt);
	if (rc != DB_OK) {
		db_res_free(res);
		db_res_free(cnt);
		return http_db_error(r, rc);
	}
	items = json_array();
	for (size_t i = 0; i < res->nrows; i++)
		json_array_append_new(items, batch_row_json(res, i));
	rc = http_json_cached(r, page_json(items, db_i64(cnt, 0, 0), page,
	    per_page), CACHE_SECONDS);
	db_res_free(res);
	db_res_free(cnt);
	return rc;
}

/* GET /api/publicity/batches/{id} → one published list (as in the list);
 * 404 for an unknown or unpublished batch. */
int
pub_batch_get(struct req *r)
{
	struct db_res *res = NULL;
	int rc = db_query(r->db_ro, STMT_PUB_BATCH, DB_ARGS(
	    DB_TIME(r->now), DB_I64(r->ids[0])), &res);
	json_t *o;

	if (rc != DB_OK) {
		db_res_free(res);	/* an empty result on DB_NOTFOUND */
		return rc == DB_NOTFOUND ?
		    http_error(r, 404, "not_found", NULL, "公示批次不存在") :
		    http_db_error(r, rc);
	}
	o = batch_row_json(res, 0);
	db_res_free(res);
	return http_json_cached(r, o, CACHE_SECONDS);
}

const char *
pub_category_name(const char *code)
{
	const char *name = rule_category_name(code);

	return name != NULL ? name : code;
}

/*
 * GET /api/publicity/batches/{id}/items?q=&page=&per_page= → {items:
 * [{id, provider, product, category, category_name, amount,
 * objection_status, withdrawn}], total, page, per_page}; q (≤ 50
 * characters) matches the provider or the product name. 404 for an
 * unknown or unpublished batch. One query when the whole list fits on
 * the first page (it asks for one row more than the page holds); a
 * COUNT otherwise.
 */
int
pub_item_list(struct req *r)
{
	struct db_res *res = NULL;
	int64_t page, per_page, total = 0;
	size_t n;
	const char *q;
	char *like;
	json_t *items;
	int rc;

	if (query_str_or_400(r, "q", 50, &q) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	like = q ? req_like_contains(r, q) : NULL;
	rc = db_exec(r->db_ro, STMT_PUB_ITEMS, DB_ARGS(
	    DB_I64(r->ids[0]), DB_STR(q), DB_STR(like), DB_STR(like),
	    DB_I64(per_page + 1), DB_I64((page - 1) * per_page)), &res,
	    NULL, NULL);
	if (rc != DB_OK)
		return http_db_error(r, rc);
	n = res->nrows > (size_t)per_page ? (size_t)per_page : res->nrows;
	if (page == 1 && res->nrows > 0 && res->nrows <= (size_t)per_page)
		total = (int64_t)res->nrows;	/* the whole list */
	else {
		/* a longer list or an empty page: the total, and whether
		 * the batch is public at all */
		struct db_res *cnt = NULL;

		rc = db_query(r->db_ro, STMT_PUB_ITEMS_COUNT, DB_ARGS(
		    DB_STR(q), DB_STR(like), DB_STR(like), DB_I64(r->ids[0])), &cnt);
		if (rc == DB_OK)
			total = db_i64(cnt, 0, 0);
		db_res_free(cnt);
		if (rc != DB_OK) {
			db_res_free(res);
			if (rc == DB_NOTFOUND)
				return http_error(r, 404, "not_found", NULL,
				    "公示批次不存在");
			return http_db_error(r, rc);
		}
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:s,"
		    "s:I,s:s,s:b}", "id", (json_int_t)db_i64(res, i, 0),
		    "provider", db_str(res, i, 1), "product", db_str(res, i, 2),
		    "category", db_str(res, i, 3), "category_name",
		    pub_category_name(db_str(res, i, 3)), "amount",
		    (json_int_t)db_i64(res, i, 4), "objection_status",
		    db_str(res, i, 5), "withdrawn", db_i64(res, i, 6) != 0));
	db_res_free(res);
	return http_json_cached(r, page_json(items, total, page,
	    per_page), CACHE_SECONDS);
}
