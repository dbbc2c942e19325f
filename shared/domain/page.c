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

json_t *
page_list(struct db *db, int list_id, const struct db_param *lp, size_t nlp,
    int count_id, const struct db_param *cp, size_t ncp, int64_t page,
    int64_t per_page, page_row_fn row_json, int *rc)
{
	struct db_param *p = xcalloc(nlp + 2, sizeof(*p));
	struct db_res *res = NULL;
	json_t *items = NULL;
	int64_t total = 0;

	if (nlp > 0)
		memcpy(p, lp, nlp * sizeof(*p));
	p[nlp] = DB_I64(per_page);
	p[nlp + 1] = DB_I64((page - 1) * per_page);
	*rc = db_exec(db, list_id, p, nlp + 2, &res, NULL, NULL);
	free(p);
	if (*rc == DB_OK)
		*rc = db_scalar(db, count_id, cp, ncp, &total);
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
