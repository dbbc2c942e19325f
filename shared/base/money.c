/*
 * money.c - exact conversion between decimal yuan text and int64 fen
 * (rule M1; see money.h). Integer arithmetic only, never floating point:
 * the only way money enters the system from text is money_parse_yuan().
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "money.h"

/* "-92233720368547758.08" is 21 characters: the longest output. */
#define MONEY_FORMAT_MAX	24

/* M1: "12", "12.3", "12.34"; nothing else; at most MONEY_MAX_FEN. */
int
money_parse_yuan(const char *s, size_t len, int64_t *fen)
{
	size_t	 i, nfrac;
	int64_t	 yuan, cents;

	if (s == NULL || len == 0 || fen == NULL)
		return -1;

	/* Integer part: at least one digit, bounded as it is read. */
	yuan = 0;
	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		yuan = yuan * 10 + (s[i] - '0');
		if (yuan > MONEY_MAX_FEN / 100)
			return -1;
	}
	if (i == 0)
		return -1;

	/* Optional fraction: '.' then one or two digits, and the end. */
	cents = 0;
	if (i < len) {
		if (s[i] != '.')
			return -1;
		i++;
		for (nfrac = 0; i < len && nfrac < 2 &&
		    s[i] >= '0' && s[i] <= '9'; i++, nfrac++)
			cents = cents * 10 + (s[i] - '0');
		if (nfrac == 0 || i != len)
			return -1;
		if (nfrac == 1)
			cents *= 10;
	}

	if (yuan > (MONEY_MAX_FEN - cents) / 100)
		return -1;
	*fen = yuan * 100 + cents;
	return 0;
}

/* M1: [-]yuan.ff; the magnitude is taken unsigned so INT64_MIN works. */
int
money_format_yuan(int64_t fen, char *buf, size_t n)
{
	char		 tmp[MONEY_FORMAT_MAX];
	uint64_t	 mag, yuan;
	size_t		 len, i;

	mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	yuan = mag / 100;

	/* Build right to left: two decimals, the point, the yuan digits. */
	i = sizeof(tmp);
	tmp[--i] = '\0';
	tmp[--i] = (char)('0' + mag % 10);
	tmp[--i] = (char)('0' + mag / 10 % 10);
	tmp[--i] = '.';
	do {
		tmp[--i] = (char)('0' + yuan % 10);
		yuan /= 10;
	} while (yuan > 0);
	if (fen < 0)
		tmp[--i] = '-';

	len = sizeof(tmp) - 1 - i;
	if (buf == NULL || n < len + 1)
		return -1;
	memcpy(buf, tmp + i, len + 1);
	return (int)len;
}
