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

#include "publicity.h"
#include "rules.h"

#define CACHE_SECONDS 1

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
 * paid_on (the first payment), file_sha256, prev_sha256, and (R7) the
 * totals told apart: published_amount (= total_amount, as signed),
 * withdrawn_count, withdrawn_amount, paid_count, paid_amount,
 * last_paid_on}], total, page, per_page}. */
int
pub_batch_list(struct req *r)
{
	struct db_res *res = NULL;
	int64_t page, per_page, total;
	json_t *items;
	int rc;

	if (query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	rc = db_pub_batches(r->db_ro, r->now, per_page, (page - 1) * per_page,
	    &res, &total);
	if (rc != DB_OK) {
		db_res_free(res);
		return http_db_error(r, rc);
	}
	items = json_array();
	for (size_t i = 0; i < res->nrows; i++)
		json_array_append_new(items, batch_row_json(res, i));
	rc = http_json_cached(r, page_json(items, total, page, per_page),
	    CACHE_SECONDS);
	db_res_free(res);
	return rc;
}

/* GET /api/publicity/batches/{id} → one published list (as in the list);
 * 404 for an unknown or unpublished batch. */
int
pub_batch_get(struct req *r)
{
	struct db_res *res = NULL;
	int rc = db_pub_batch(r->db_ro, r->ids[0], r->now, &res);
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
 * objection_status, withdrawn, unconfirmed (C2: approved without the
 * enterprise's confirmation), paid_on (null until paid, R7)}], total,
 * page, per_page}; q (≤ 50
 * characters) matches the provider or the product name. 404 for an
 * unknown or unpublished batch. One query when the whole list fits on
 * the first page (it asks for one row more than the page holds) or when
 * the page carries the total (q of one or two characters); a COUNT
 * otherwise.
 */
int
pub_item_list(struct req *r)
{
	struct db_rows items = { 0 };
	const struct pub_item_row *it;
	int64_t page, per_page, total = 0, carried;
	size_t n;
	const char *q;
	char *like;
	json_t *list;
	int rc;

	if (query_str_or_400(r, "q", 50, &q) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	like = q ? req_like_contains(r, q) : NULL;
	rc = db_pub_items(r->db_ro, r->ids[0], q, like, per_page + 1,
	    (page - 1) * per_page, &items, &carried);
	if (rc != DB_OK)
		return http_db_error(r, rc);
	n = items.n > (size_t)per_page ? (size_t)per_page : items.n;
	if (page == 1 && items.n > 0 && items.n <= (size_t)per_page)
		total = (int64_t)items.n;	/* the whole list */
	else if (carried >= 0)
		total = carried;		/* rows: the batch is public */
	else {
		/* a longer list or an empty page: the total, and whether
		 * the batch is public at all */
		rc = db_pub_items_count(r->db_ro, r->ids[0], q, like, &total);
		if (rc != DB_OK) {
			db_rows_free(&items);
			if (rc == DB_NOTFOUND)
				return http_error(r, 404, "not_found", NULL,
				    "公示批次不存在");
			return http_db_error(r, rc);
		}
	}
	list = json_array();
	it = items.v;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:s,"
		    "s:I,s:s,s:b,s:b,s:s?}", "id", (json_int_t)it[i].id,
		    "provider", it[i].provider, "product", it[i].product,
		    "category", it[i].category, "category_name",
		    pub_category_name(it[i].category), "amount",
		    (json_int_t)it[i].amount, "objection_status",
		    it[i].objection_status, "withdrawn", it[i].withdrawn,
		    "unconfirmed", it[i].unconfirmed, "paid_on", it[i].paid_on));
	db_rows_free(&items);
	return http_json_cached(r, page_json(list, total, page, per_page),
	    CACHE_SECONDS);
}
