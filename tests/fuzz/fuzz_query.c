/*
 * fuzz_query.c - the query string (shared/web/request.c: query_parse
 * through req_query and the query_*_or_400 helpers handlers use).
 *
 * Input: the raw QUERY_STRING (cut at a NUL, as a FastCGI param is).
 * Checks: a value found is valid UTF-8; a helper that refuses wrote a
 * 400 naming the parameter; one that accepts returns a value within its
 * bounds or the default.
 */
#include <string.h>

#include "buf.h"
#include "fuzz.h"

static const char *const names[] = {
	"page", "per_page", "q", "category", "sort", "status", "inline", "",
};

static const char *const sorts[] = { "new", "price", "-price", NULL };

/* After a refusal: a 400 reply with a body. */
static void
check_refused(struct fuzz_req *f)
{
	FUZZ_CHECK(f->r.status == 400 && f->r.out.len > 0);
	f->r.status = 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_req f = { 0 };
	int64_t v, page, per_page;
	const char *s;

	fuzz_setup();
	fuzz_param(&f, "REQUEST_METHOD", "GET", 3);
	fuzz_param(&f, "DOCUMENT_URI", "/api/products", 13);
	fuzz_param(&f, "QUERY_STRING", data, size);
	fuzz_req_begin(&f, NULL, 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		s = req_query(&f.r, names[i]);
		if (s != NULL)
			FUZZ_CHECK(utf8_valid(s, strlen(s)));
	}
	if (query_i64_or_400(&f.r, "category", 1, 12, 0, &v) < 0)
		check_refused(&f);
	else
		FUZZ_CHECK(v == 0 || (v >= 1 && v <= 12));
	if (query_str_or_400(&f.r, "q", 50, &s) < 0)
		check_refused(&f);
	else if (s != NULL)
		FUZZ_CHECK(*s != '\0' && utf8_len(s) <= 50);
	if (query_enum_or_400(&f.r, "sort", sorts, "new", &s) < 0)
		check_refused(&f);
	else
		FUZZ_CHECK(strcmp(s, "new") == 0 || strcmp(s, "price") == 0 ||
		    strcmp(s, "-price") == 0);
	if (query_page_or_400(&f.r, &page, &per_page) < 0)
		check_refused(&f);
	else
		FUZZ_CHECK(page >= 1 && page <= 100000 && per_page >= 1 &&
		    per_page <= 100);
	FUZZ_CHECK(f.r.nquery <= 64);
	fuzz_req_end(&f);
	return 0;
}
