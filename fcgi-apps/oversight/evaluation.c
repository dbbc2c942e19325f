/*
 * evaluation.c - what enterprises said of the services (C1, issue 11),
 * for the bureau, per provider:
 *   GET /api/bureau/evaluations?provider_id=&product_id=&page=&per_page=
 * every rating with its order, enterprise, provider and product, and the
 * averages per product and aspect.
 */
#include "evaluation.h"
#include "oversight.h"

/*
 * GET /api/bureau/evaluations → 200 {items: [{order_id, order_no,
 * enterprise_id, enterprise_name, provider_id, provider_name,
 * product_id, product_name, quality, timeliness, attitude, comment,
 * created_at}], total, page, per_page, by_product: [{product_id,
 * product_name, provider_id, provider_name, count, quality: {average,
 * count}, timeliness, attitude}]}, newest first; provider_id and
 * product_id narrow both. 400 naming a bad parameter.
 */
int
evaluation_list(struct req *r)
{
	struct db_rows by = { 0 };
	int64_t provider_id, product_id, page, per_page;
	json_t *o, *arr;
	int rc = DB_OK;

	if (query_i64_or_400(r, "provider_id", 1, INT64_MAX, 0,
	    &provider_id) < 0 ||
	    query_i64_or_400(r, "product_id", 1, INT64_MAX, 0,
	    &product_id) < 0 || query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	o = db_evaluations(r->db, provider_id, product_id, page, per_page,
	    &rc);
	if (o == NULL)
		return http_db_error(r, rc);
	rc = db_evaluations_by_product(r->db, provider_id, product_id, &by);
	if (rc != DB_OK) {
		json_decref(o);
		return http_db_error(r, rc);
	}
	arr = evaluation_by_product_json(&by, true);
	db_rows_free(&by);
	json_object_set_new(o, "by_product", arr);
	return http_json(r, 200, o);
}
