/*
 * search.c - the keys of the search index (see search.h).
 */
#include <string.h>

#include "buf.h"
#include "search.h"

/* Bytes of the UTF-8 character that starts with byte c. */
static size_t
utf8_width(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	return 4;
}

int
search_key(const char *q, struct search_key *k)
{
	size_t len = q ? strlen(q) : 0, i = 0, n = 0, end2 = 0, prev = 0,
	    cur = 0;

	memset(k, 0, sizeof(*k));
	if (len == 0 || !utf8_valid(q, len))
		return -1;
	/* end2: the end of the second character; prev, cur: the starts of
	 * the last two */
	while (i < len) {
		prev = cur;
		cur = i;
		i += utf8_width((unsigned char)q[i]);
		if (++n == 2)
			end2 = i;
	}
	if (n <= 2) {
		memcpy(k->g1, q, len);
		memcpy(k->g2, q, len);
	} else {
		memcpy(k->g1, q, end2);
		memcpy(k->g2, q + prev, len - prev);
	}
	return 0;
}

bool
search_is_gram(const char *q, size_t max)
{
	return q != NULL && *q != '\0' && strpbrk(q, " \t") == NULL &&
	    utf8_len(q) <= max;
}

bool
search_key_is_query(const struct search_key *k, const char *q)
{
	/* the key's one gram (search_grams keeps up to two characters) */
	return k->g1[0] != '\0' && search_is_gram(q, 2);
}
