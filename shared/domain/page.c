/*
 * page.c - the one list shape (see page.h).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "page.h"

json_t *
page_json(json_t *items, int64_t total, int64_t page, int64_t per_page)
{
	return json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total",
	    (json_int_t)total, "page", (json_int_t)page, "per_page",
	    (json_int_t)per_page);
}

/* Runs list_id with lp, LIMIT and OFFSET into *res, and count_id with cp
 * into *total, except when the first page is short: then it is the whole
 * list and its length the total. */
static int
page_query(struct db *db, int list_id, const struct db_param *lp, size_t nlp,
    int count_id, const struct db_param *cp, size_t ncp, int64_t page,
    int64_t per_page, struct db_res **res, int64_t *total)
{
	struct db_param *p = xcalloc(nlp + 2, sizeof(*p));
	int rc;

	*total = 0;
	if (nlp > 0)
		memcpy(p, lp, nlp * sizeof(*p));
	p[nlp] = DB_I64(per_page);
	p[nlp + 1] = DB_I64((page - 1) * per_page);
	rc = db_exec(db, list_id, p, nlp + 2, res, NULL, NULL);
	free(p);
	if (rc != DB_OK)
		return rc;
	if (page == 1 && (*res)->nrows < (size_t)per_page) {
		*total = (int64_t)(*res)->nrows;
		return DB_OK;
	}
	return db_scalar(db, count_id, cp, ncp, total);
}

json_t *
page_list(struct db *db, int list_id, const struct db_param *lp, size_t nlp,
    int count_id, const struct db_param *cp, size_t ncp, int64_t page,
    int64_t per_page, page_row_fn row_json, int *rc)
{
	struct db_res *res = NULL;
	json_t *items = NULL;
	int64_t total;

	*rc = page_query(db, list_id, lp, nlp, count_id, cp, ncp, page,
	    per_page, &res, &total);
	if (*rc == DB_OK) {
		items = json_array();
		for (size_t i = 0; i < res->nrows; i++)
			json_array_append_new(items, row_json ?
			    row_json(res, i) : db_row_json(res, i));
		items = page_json(items, total, page, per_page);
	}
	db_res_free(res);
	return items;
}

json_t *
page_list_rows(struct db *db, int list_id, const struct db_param *lp,
    size_t nlp, int count_id, const struct db_param *cp, size_t ncp,
    int64_t page, int64_t per_page, const struct db_rowmap *map,
    page_rowmap_fn row_json, void *ctx, int *rc)
{
	struct db_res *res = NULL;
	json_t *items = NULL;
	void *row = NULL;
	int64_t total;

	*rc = page_query(db, list_id, lp, nlp, count_id, cp, ncp, page,
	    per_page, &res, &total);
	if (*rc == DB_OK) {
		row = xmalloc(map->size);
		items = json_array();
	}
	for (size_t i = 0; *rc == DB_OK && i < res->nrows; i++)
		if ((*rc = db_res_row(res, i, map, row)) == DB_OK)
			json_array_append_new(items, row_json(ctx, row));
	if (*rc == DB_OK)
		items = page_json(items, total, page, per_page);
	else {
		json_decref(items);
		items = NULL;
	}
	free(row);
	db_res_free(res);
	return items;
}
