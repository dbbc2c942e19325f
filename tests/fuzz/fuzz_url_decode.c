/*
 * fuzz_url_decode.c - url_decode (shared/web/request.c), which decodes
 * every query name and value, against a plain reference decoder.
 *
 * Input: the raw bytes (as they stand between '&' and '=' in a query).
 * Checks: the result is NULL exactly when the reference finds a bad
 * escape, a NUL or invalid UTF-8; otherwise the same bytes, valid UTF-8
 * (utf8_valid of shared/base/buf.c), never longer than the input.
 */
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "parse.h"

static int
ref_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes into out (room for n bytes); returns the length or -1. */
static long
ref_decode(const uint8_t *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (n - i < 3 || ref_hex(s[i + 1]) < 0 ||
			    ref_hex(s[i + 2]) < 0)
				return -1;
			out[o++] = (char)(ref_hex(s[i + 1]) * 16 +
			    ref_hex(s[i + 2]));
			i += 2;
		} else
			out[o++] = s[i] == '+' ? ' ' : (char)s[i];
	}
	return (long)o;
}

/* Valid UTF-8 by the Unicode table of well-formed byte sequences
 * (no NUL, no overlongs, no surrogates, nothing past U+10FFFF). */
static bool
ref_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		unsigned char lo = 0x80, hi = 0xbf;
		size_t more;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			more = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			if (c == 0xe0)
				lo = 0xa0;
			if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			if (c == 0xf0)
				lo = 0x90;
			if (c == 0xf4)
				hi = 0x8f;
		} else
			return false;
		if (n - i <= more)
			return false;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= more; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xbf)
				return false;
		i += more + 1;
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_req f = { 0 };
	char *want = xmalloc(size + 1), *got;
	long wl;

	fuzz_setup();
	fuzz_req_begin(&f, NULL, 0);
	got = url_decode(&f.r, (const char *)data, size);
	wl = ref_decode(data, size, want);
	if (wl >= 0 && !ref_utf8((const unsigned char *)want, (size_t)wl))
		wl = -1;
	FUZZ_CHECK((got == NULL) == (wl < 0));
	if (got != NULL) {
		FUZZ_CHECK(strlen(got) == (size_t)wl && (size_t)wl <= size);
		FUZZ_CHECK(memcmp(got, want, (size_t)wl) == 0);
		FUZZ_CHECK(utf8_valid(got, strlen(got)));
	}
	fuzz_req_end(&f);
	free(want);
	return 0;
}
