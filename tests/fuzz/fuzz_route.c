/*
 * fuzz_route.c - route matching (shared/web/route.c): the request path,
 * from nginx's DOCUMENT_URI or (without it) REQUEST_URI, against every
 * pattern of the programs' route tables, and the id parser on its own.
 *
 * Input: the first byte picks the param (even: DOCUMENT_URI, odd:
 * REQUEST_URI with its query); the rest is the path.
 * Checks: captures are within REQ_MAX_CAPTURES, ids are positive and
 * agree with strtoll, string captures are non-empty and hold no '/'.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"

/* Every pattern of fcgi-apps/<program>/main.c, and the built-ins. */
static const char *const patterns[] = {
	"/api/applications", "/api/applications/{id}",
	"/api/applications/{id}/attachments",
	"/api/applications/{id}/attachments/{s}",
	"/api/applications/{id}/submit", "/api/bureau/audit",
	"/api/bureau/batches", "/api/bureau/batches/{id}",
	"/api/bureau/batches/{id}/pay", "/api/bureau/batches/{id}/publish",
	"/api/bureau/enterprises", "/api/bureau/enterprises/{id}",
	"/api/bureau/feedback", "/api/bureau/feedback/{id}",
	"/api/bureau/products", "/api/bureau/products/{id}",
	"/api/bureau/providers", "/api/bureau/providers/{id}",
	"/api/bureau/recoveries", "/api/bureau/recoveries/{id}",
	"/api/bureau/spot-check", "/api/bureau/spot-check/{id}",
	"/api/bureau/stats", "/api/bureau/violations",
	"/api/bureau/violations/{id}", "/api/categories", "/api/me",
	"/api/orders", "/api/orders/{id}", "/api/orders/{id}/cancel",
	"/api/orders/{id}/commitment", "/api/orders/{id}/confirm",
	"/api/products", "/api/products/{id}", "/api/provider/orders",
	"/api/provider/orders/{id}", "/api/provider/orders/{id}/accept",
	"/api/provider/orders/{id}/contract",
	"/api/provider/orders/{id}/decline",
	"/api/provider/orders/{id}/reference",
	"/api/provider/orders/{id}/refund", "/api/publicity/batches",
	"/api/publicity/batches/{id}", "/api/publicity/batches/{id}.csv",
	"/api/publicity/batches/{id}.json",
	"/api/publicity/batches/{id}.json.sig",
	"/api/publicity/batches/{id}/items", "/api/publicity/feedback/{s}",
	"/api/publicity/items/{id}/feedback", "/api/publicity/key",
	"/api/quote", "/api/redemptions/{id}",
	"/api/redemptions/{id}/files/{s}", "/api/redemptions/{id}/submit",
	"/api/review/applications", "/api/review/applications/{id}",
	"/api/review/claims", "/api/review/claims/{id}", "/api/session",
	"/healthz", "/metrics",
	/* shapes no program uses today but the matcher supports */
	"/{s}", "/x/{s}.txt", "/{id}/{id}/{id}/{id}/{id}",
};

/* The id parser's contract, checked against strtoll. */
static void
check_id(const char *s, size_t n)
{
	int64_t v = -1;
	bool ok = route_parse_id(s, n, &v), want = n >= 1 && n <= 18 &&
	    s[0] != '0';
	char digits[19];

	for (size_t i = 0; want && i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			want = false;
	FUZZ_CHECK(ok == want);
	if (ok) {
		memcpy(digits, s, n);
		digits[n] = '\0';
		FUZZ_CHECK(v == strtoll(digits, NULL, 10) && v > 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_req f = { 0 };

	fuzz_setup();
	if (size == 0)
		return 0;
	check_id((const char *)data + 1, size - 1 < 20 ? size - 1 : 20);
	fuzz_param(&f, "REQUEST_METHOD", "GET", 3);
	fuzz_param(&f, (data[0] & 1) ? "REQUEST_URI" : "DOCUMENT_URI",
	    data + 1, size - 1);
	fuzz_req_begin(&f, NULL, 0);
	FUZZ_CHECK(f.r.path != NULL);
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		if (!route_match(&f.r, patterns[i], f.r.path))
			continue;
		FUZZ_CHECK(f.r.nids <= REQ_MAX_CAPTURES &&
		    f.r.nsegs <= REQ_MAX_CAPTURES);
		for (size_t k = 0; k < f.r.nids; k++)
			FUZZ_CHECK(f.r.ids[k] > 0);
		for (size_t k = 0; k < f.r.nsegs; k++)
			FUZZ_CHECK(f.r.segs[k][0] != '\0' &&
			    strchr(f.r.segs[k], '/') == NULL);
	}
	fuzz_req_end(&f);
	return 0;
}
