/*
 * trail.c - the audit trail for the bureau (V3):
 *   GET /api/bureau/audit?entity=&id=&before=&page=   the append-only
 *       trail, newest first
 *
 * Every program appends to audit_log in the transaction of the change it
 * records (shared/domain/audit.c); this is the one place that reads it.
 */
#include "oversight.h"

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
 * GET /api/bureau/audit?entity=&id=&before=&page=&per_page= → newest
 * first: {items: [{id, at, actor_account_id, actor_login, actor_role,
 * action, entity, entity_id, before, after, request_id}], total, page,
 * per_page, next_before}. entity is e.g. order, publicity_batch,
 * publicity_item, feedback, recovery, violation, enterprise, provider,
 * product, spot_check; id needs entity. before (keyset paging, issue 13):
 * only records older than that id; next_before is the last item's id when
 * the page is full (null at the end), so the next page is ?before= it
 * instead of a deep page that counts past every newer record. total counts
 * every record of the filter (before aside).
 */
int
audit_list(struct req *r)
{
	struct db_res *res = NULL;
	int64_t id, before, page, per_page, total;
	const char *entity;
	json_t *items, *o;
	int rc;

	if (query_str_or_400(r, "entity", 32, &entity) < 0 ||
	    query_i64_or_400(r, "id", 1, INT64_MAX, 0, &id) < 0 ||
	    query_i64_or_400(r, "before", 1, INT64_MAX, 0, &before) < 0 ||
	    query_page_or_400(r, &page, &per_page) < 0)
		return r->status;
	if (id > 0 && entity == NULL)
		return http_error(r, 400, "invalid_query", "id",
		    "查询参数 id 须与 entity 一起使用");
	rc = db_audit(r->db, entity, id, before, per_page, (page - 1) * per_page,
	    &res, &total);
	if (rc != DB_OK) {
		db_res_free(res);
		return http_db_error(r, rc);
	}
	items = json_array();
	for (size_t i = 0; i < res->nrows; i++)
		json_array_append_new(items, audit_json(res, i));
	o = page_json(items, total, page, per_page);
	json_object_set_new(o, "next_before", res->nrows == (size_t)per_page ?
	    json_integer(db_i64(res, res->nrows - 1, db_col(res, "id"))) :
	    json_null());
	rc = http_json(r, 200, o);
	db_res_free(res);
	return rc;
}
