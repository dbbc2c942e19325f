/*
 * evaluation.c - what enterprises said of the provider's services (C1,
 * issue 11):
 *   GET /api/provider/evaluations?product_id=&page=&per_page=
 * every rating of the provider's own products, with the order it rates
 * (the provider's own), and the averages per product and aspect.
 */
#include "evaluation.h"
#include "provider.h"

/*
 * GET /api/provider/evaluations → 200 {items: [{order_id, order_no,
 * product_id, product_name, quality, timeliness, attitude, comment,
 * created_at}], total, page, per_page, by_product: [{product_id,
 * product_name, count, quality: {average, count}, timeliness, attitude}]},
 * newest first; product_id narrows both to one product (another
 * provider's product has none). 400 naming a bad parameter.
 */
int
evaluation_list(struct req *r)
{
	struct db_rows by = { 0 };
	int64_t product_id, page, per_page;
	json_t *o, *arr;
	int rc = DB_OK;

	if (query_i64_or_400(r, "product_id", 1, INT64_MAX, 0,
	    &product_id) < 0 || query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	o = db_evaluations(r->db, r->sess.provider_id, product_id, page,
	    per_page, &rc);
	if (o == NULL)
		return http_db_error(r, rc);
	rc = db_evaluations_by_product(r->db, r->sess.provider_id, product_id,
	    &by);
	if (rc != DB_OK) {
		json_decref(o);
		return http_db_error(r, rc);
	}
	arr = evaluation_by_product_json(&by, false);
	db_rows_free(&by);
	json_object_set_new(o, "by_product", arr);
	return http_json(r, 200, o);
}
