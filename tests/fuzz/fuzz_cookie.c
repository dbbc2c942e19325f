/*
 * fuzz_cookie.c - the Cookie header (shared/web/request.c: req_cookie,
 * which finds the session cookie of every logged-in browser request).
 *
 * Input: the raw HTTP_COOKIE param (cut at a NUL).
 * Checks: a value found is a request-owned string that is a part of the
 * header, directly after "<name>=", and holds no ';'.
 */
#include <string.h>

#include "fuzz.h"
#include "session.h"

static const char *const names[] = { AUTH_COOKIE, "a", "voucher", "" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_req f = { 0 };
	const char *header;

	fuzz_setup();
	fuzz_param(&f, "REQUEST_METHOD", "GET", 3);
	fuzz_param(&f, "HTTP_COOKIE", data, size);
	fuzz_req_begin(&f, NULL, 0);
	header = req_param(&f.r, "HTTP_COOKIE");
	FUZZ_CHECK(header != NULL);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = req_cookie(&f.r, names[i]);
		size_t nl = strlen(names[i]);
		char *pair;

		if (v == NULL)
			continue;
		FUZZ_CHECK(strchr(v, ';') == NULL);
		pair = xmalloc(nl + strlen(v) + 2);
		memcpy(pair, names[i], nl);
		pair[nl] = '=';
		strcpy(pair + nl + 1, v);
		FUZZ_CHECK(strstr(header, pair) != NULL);
		free(pair);
	}
	fuzz_req_end(&f);
	return 0;
}
