/*
 * page.c - the one list shape (see page.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "page.h"

json_t *
page_json(json_t *items, int64_t total, int64_t page, int64_t per_page)
{
	return json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total",
	    (json_int_t)total, "page", (json_int_t)page, "per_page",
	    (json_int_t)per_page);
}

/* Runs list_id with lp, LIMIT and OFFSET into *res, and its total into
 * *total: a short first page is the whole list and its length the total;
 * else the page's own PAGE_TOTAL_COL when carried and the page has rows;
 * else count_id with cp. *col is the carried column's index (-1: none). */
static int
page_query(struct db *db, int list_id, const struct db_param *lp, size_t nlp,
    int count_id, const struct db_param *cp, size_t ncp, int64_t page,
    int64_t per_page, bool carried, struct db_res **res, int64_t *total,
    int *col)
{
	struct db_param *p = xcalloc(nlp + 2, sizeof(*p));
	int rc;

	*total = 0;
	*col = -1;
	if (nlp > 0)
		memcpy(p, lp, nlp * sizeof(*p));
	p[nlp] = DB_I64(per_page);
	p[nlp + 1] = DB_I64((page - 1) * per_page);
	rc = db_exec(db, list_id, p, nlp + 2, res, NULL, NULL);
	free(p);
	if (rc != DB_OK)
		return rc;
	if (carried && (*col = db_col_find(*res, PAGE_TOTAL_COL)) < 0) {
		log_msg(LOG_ERROR, NULL, "page: %s: no column " PAGE_TOTAL_COL,
		    db_stmt_name(db, list_id));
		return DB_ERROR;
	}
	if (page == 1 && (*res)->nrows < (size_t)per_page) {
		*total = (int64_t)(*res)->nrows;
		return DB_OK;
	}
	if (carried && (*res)->nrows > 0) {
		const struct db_val *v = db_val(*res, 0, (size_t)*col);

		*total = v->null ? 0 : v->i;
		return DB_OK;
	}
	return db_scalar(db, count_id, cp, ncp, total);
}

static json_t *
page_items(struct db *db, int list_id, const struct db_param *lp, size_t nlp,
    int count_id, const struct db_param *cp, size_t ncp, int64_t page,
    int64_t per_page, bool carried, page_row_fn row_json, int *rc)
{
	struct db_res *res = NULL;
	json_t *items = NULL;
	int64_t total;
	int col;

	*rc = page_query(db, list_id, lp, nlp, count_id, cp, ncp, page,
	    per_page, carried, &res, &total, &col);
	if (*rc == DB_OK) {
		items = json_array();
		for (size_t i = 0; i < res->nrows; i++) {
			json_t *o = row_json ? row_json(res, i) :
			    db_row_json(res, i);

			if (col >= 0)
				json_object_del(o, PAGE_TOTAL_COL);
			json_array_append_new(items, o);
		}
		items = page_json(items, total, page, per_page);
	}
	db_res_free(res);
	return items;
}

json_t *
page_list(struct db *db, int list_id, const struct db_param *lp, size_t nlp,
    int count_id, const struct db_param *cp, size_t ncp, int64_t page,
    int64_t per_page, page_row_fn row_json, int *rc)
{
	return page_items(db, list_id, lp, nlp, count_id, cp, ncp, page,
	    per_page, false, row_json, rc);
}

json_t *
page_list_total(struct db *db, int list_id, const struct db_param *lp,
    size_t nlp, int count_id, const struct db_param *cp, size_t ncp,
    int64_t page, int64_t per_page, page_row_fn row_json, int *rc)
{
	return page_items(db, list_id, lp, nlp, count_id, cp, ncp, page,
	    per_page, true, row_json, rc);
}

static json_t *
page_rows(struct db *db, int list_id, const struct db_param *lp, size_t nlp,
    int count_id, const struct db_param *cp, size_t ncp, int64_t page,
    int64_t per_page, bool carried, const struct db_rowmap *map,
    page_rowmap_fn row_json, void *ctx, int *rc)
{
	struct db_res *res = NULL;
	json_t *items = NULL;
	void *row = NULL;
	int64_t total;
	int col;

	*rc = page_query(db, list_id, lp, nlp, count_id, cp, ncp, page,
	    per_page, carried, &res, &total, &col);
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

json_t *
page_list_rows(struct db *db, int list_id, const struct db_param *lp,
    size_t nlp, int count_id, const struct db_param *cp, size_t ncp,
    int64_t page, int64_t per_page, const struct db_rowmap *map,
    page_rowmap_fn row_json, void *ctx, int *rc)
{
	return page_rows(db, list_id, lp, nlp, count_id, cp, ncp, page,
	    per_page, false, map, row_json, ctx, rc);
}

json_t *
page_list_rows_total(struct db *db, int list_id, const struct db_param *lp,
    size_t nlp, int count_id, const struct db_param *cp, size_t ncp,
    int64_t page, int64_t per_page, const struct db_rowmap *map,
    page_rowmap_fn row_json, void *ctx, int *rc)
{
	return page_rows(db, list_id, lp, nlp, count_id, cp, ncp, page,
	    per_page, true, map, row_json, ctx, rc);
}
