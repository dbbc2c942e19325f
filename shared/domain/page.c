/*
 * page.c - the one list shape (see page.h).
 */
#include "page.h"

json_t *
page_json(json_t *items, int64_t total, int64_t page, int64_t per_page)
{
	return json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total",
	    (json_int_t)total, "page", (json_int_t)page, "per_page",
	    (json_int_t)per_page);
}
