/*
 * test_search.c - the keys of the search index (shared/domain/search.c):
 * a query of one or two characters is its own key; a longer one is looked
 * up by its first and its last two characters (issue #13); characters are
 * UTF-8 characters, never bytes.
 */
#include "check.h"
#include "search.h"

TEST(test_search_one_character_is_its_own_key)
{
	struct search_key k;

	CHECK_EQ(search_key("云", &k), 0);
	CHECK_STR(k.g1, "云");
	CHECK_STR(k.g2, "云");
}

TEST(test_search_two_characters_are_one_bigram)
{
	struct search_key k;

	CHECK_EQ(search_key("服务", &k), 0);
	CHECK_STR(k.g1, "服务");
	CHECK_STR(k.g2, "服务");
}

TEST(test_search_three_and_four_characters_first_and_last_bigram)
{
	struct search_key k;

	CHECK_EQ(search_key("数字化", &k), 0);
	CHECK_STR(k.g1, "数字");
	CHECK_STR(k.g2, "字化");
	CHECK_EQ(search_key("知识产权", &k), 0);
	CHECK_STR(k.g1, "知识");
	CHECK_STR(k.g2, "产权");
}

TEST(test_search_mixed_widths_count_characters)
{
	struct search_key k;

	CHECK_EQ(search_key("a云b", &k), 0);
	CHECK_STR(k.g1, "a云");
	CHECK_STR(k.g2, "云b");
	CHECK_EQ(search_key("ERP实施服务", &k), 0);
	CHECK_STR(k.g1, "ER");
	CHECK_STR(k.g2, "服务");
	CHECK_EQ(search_key("\xf0\x9f\x98\x80\xf0\x9f\x98\x81", &k), 0);	/* two 4-byte */
	CHECK_STR(k.g1, "\xf0\x9f\x98\x80\xf0\x9f\x98\x81");
}

TEST(test_search_empty_or_invalid_refused)
{
	struct search_key k;

	CHECK_EQ(search_key("", &k), -1);
	CHECK_EQ(search_key(NULL, &k), -1);
	CHECK_EQ(search_key("\xe4\xba", &k), -1);	/* a cut character */
}

/* The gram tables answer a query of one or two characters alone; a
 * longer one, or one holding a space or a tab, goes by LIKE (P1's search
 * and the public lists', issue 13). */
/* product_grams (024) keeps grams of up to four characters, none holding
 * a space or a tab. */
TEST(test_search_is_gram_counts_characters)
{
	CHECK(search_is_gram("云", 4));
	CHECK(search_is_gram("数字化", 4));
	CHECK(search_is_gram("知识产权", 4));
	CHECK(!search_is_gram("知识产权代", 4));
	CHECK(search_is_gram("abcd", 4));
	CHECK(!search_is_gram("abcde", 4));
	CHECK(!search_is_gram("数字化", 2));
	CHECK(!search_is_gram("数 字", 4));
	CHECK(!search_is_gram("数\t", 4));
	CHECK(!search_is_gram("", 4));
	CHECK(!search_is_gram(NULL, 4));
}

TEST(test_search_key_is_query_only_for_one_gram)
{
	struct search_key k;

	CHECK_EQ(search_key("云", &k), 0);
	CHECK(search_key_is_query(&k, "云"));
	CHECK_EQ(search_key("服务", &k), 0);
	CHECK(search_key_is_query(&k, "服务"));
	CHECK_EQ(search_key("数字化", &k), 0);
	CHECK(!search_key_is_query(&k, "数字化"));
	CHECK_EQ(search_key("云 ", &k), 0);
	CHECK(!search_key_is_query(&k, "云 "));
	CHECK_EQ(search_key("\t", &k), 0);
	CHECK(!search_key_is_query(&k, "\t"));
	CHECK_EQ(search_key("", &k), -1);
	CHECK(!search_key_is_query(&k, ""));
}

int
main(void)
{
	RUN(test_search_one_character_is_its_own_key);
	RUN(test_search_two_characters_are_one_bigram);
	RUN(test_search_three_and_four_characters_first_and_last_bigram);
	RUN(test_search_mixed_widths_count_characters);
	RUN(test_search_empty_or_invalid_refused);
	RUN(test_search_key_is_query_only_for_one_gram);
	RUN(test_search_is_gram_counts_characters);
	return check_done();
}
