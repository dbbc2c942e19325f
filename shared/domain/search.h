/*
 * search.h - the search index for Chinese text (004_scale.sql, issue #13):
 * every searchable text once in search_texts, each one- and two-character
 * substring of it in search_grams, kept by triggers in the writing
 * transaction. A query of one or two characters is one key of the index;
 * a longer one is the texts holding both its first and its last bigram,
 * checked with LIKE on those texts only. Relevance: a match in the text's
 * first part (a product's own name, before its provider's) ranks first.
 *
 * A statement joins SEARCH_FROM to its table on search_text_id = st.id,
 * adds SEARCH_WHERE (params: the key's g1, g2, then the LIKE pattern of
 * the whole query) and orders by SEARCH_RELEVANCE first (param: the
 * query), then its own sort.
 */
#ifndef VOUCHER_SEARCH_H
#define VOUCHER_SEARCH_H

#include <stdbool.h>

#define SEARCH_FROM \
	" search_grams g1 JOIN search_grams g2 ON g2.text_id = g1.text_id" \
	" JOIN search_texts st ON st.id = g1.text_id"

#define SEARCH_WHERE \
	" g1.gram = ? AND g2.gram = ? AND st.text LIKE ?"

/* 0 for a match in the text's first part, 1 otherwise (ascending). */
#define SEARCH_RELEVANCE \
	" IF(LOCATE(?, SUBSTRING_INDEX(st.text, CHAR(9), 1)) > 0, 0, 1)"

/* The two grams a query is looked up by: its first one or two characters
 * and its last one or two (the same gram for a query of one or two). */
struct search_key {
	char g1[9];
	char g2[9];
};

/* Fills k from q (valid UTF-8, at least one character). Returns 0, or -1
 * when q is empty or not valid UTF-8. */
int search_key(const char *q, struct search_key *k);

/* Whether q is its key k's one gram (a query of one or two characters),
 * so that holding the gram is holding q and a gram table answers it
 * alone. Not when q holds a space or a tab: grams compare padded, and a
 * tab separates a text's parts; such a query goes by LIKE. */
bool search_key_is_query(const struct search_key *k, const char *q);

/* Whether q (valid UTF-8) is one to max characters without a space or a
 * tab: a gram of a table that keeps longer grams than search_grams (the
 * catalog's product_grams keeps up to four, 024_catalog_long_grams.sql). */
bool search_is_gram(const char *q, size_t max);

#endif
