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
search_key_is_query(const struct search_key *k, const char *q)
{
	return k->g1[0] != '\0' && strcmp(k->g1, q) == 0 &&
	    strcmp(k->g2, q) == 0 && strpbrk(q, " \t") == NULL;
}

bool
search_is_gram(const char *q, size_t max)
{
	size_t n = 0;

	if (q == NULL || *q == '\0' || strpbrk(q, " \t") != NULL)
		return false;
	for (; *q != '\0'; q++)	/* characters: bytes but continuations */
		if (((unsigned char)*q & 0xC0) != 0x80 && ++n > max)
			return false;
	return true;
}
