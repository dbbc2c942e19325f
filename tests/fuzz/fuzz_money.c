/*
 * fuzz_money.c - the decimal yuan parser (shared/base/money.c:
 * money_parse_yuan, rule M1: the only way money enters from text)
 * against a reference of its grammar, and its round trip through
 * money_format_yuan.
 *
 * Input: the raw text.
 * Checks: accepted exactly when the text is digits, optionally '.' and
 * one or two digits, at most MONEY_MAX_FEN; the value is exact; the
 * formatted amount parses back to the same fen.
 */
#include <string.h>

#include "fuzz.h"
#include "money.h"

/* The reference: grammar first, then the value in 128 bits. */
static bool
ref_parse(const uint8_t *s, size_t n, int64_t *fen)
{
	size_t i = 0;
	unsigned __int128 v = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9') {
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > (unsigned __int128)MONEY_MAX_FEN)
			v = (unsigned __int128)MONEY_MAX_FEN + 1;	/* saturate */
		i++;
	}
	if (i == 0)
		return false;
	v *= 100;
	if (i < n) {
		if (s[i] != '.' || n - i - 1 < 1 || n - i - 1 > 2)
			return false;
		for (size_t k = i + 1; k < n; k++) {
			if (s[k] < '0' || s[k] > '9')
				return false;
			v += (unsigned)(s[k] - '0') * (k == i + 1 ? 10u : 1u);
		}
	}
	if (v > (unsigned __int128)MONEY_MAX_FEN)
		return false;
	*fen = (int64_t)v;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t got = -1, want = -1, back = -1;
	bool ok = money_parse_yuan((const char *)data, size, &got) == 0;
	char text[32];
	int n;

	FUZZ_CHECK(ok == ref_parse(data, size, &want));
	if (!ok)
		return 0;
	FUZZ_CHECK(got == want && got >= 0 && got <= MONEY_MAX_FEN);
	n = money_format_yuan(got, text, sizeof(text));
	FUZZ_CHECK(n > 0);
	FUZZ_CHECK(money_parse_yuan(text, (size_t)n, &back) == 0 &&
	    back == got);
	return 0;
}
