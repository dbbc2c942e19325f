/*
 * test_money.c - unit tests of shared/money.c: the exact yuan text <-> fen
 * conversion of rule M1, including every malformed form the parser must
 * refuse and the extremes of the formatter.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "money.h"

/* Parses NUL-terminated s; returns the fen, or -1 when refused. */
static int64_t
parse(const char *s)
{
	int64_t	 fen = -12345;

	if (money_parse_yuan(s, strlen(s), &fen) == -1) {
		/* A refused parse leaves *fen untouched. */
		CHECK_EQ(fen, -12345);
		return -1;
	}
	return fen;
}

TEST(test_M1_parse_whole_yuan)
{
	CHECK_EQ(parse("0"), 0);
	CHECK_EQ(parse("1"), 100);
	CHECK_EQ(parse("12"), 1200);
	CHECK_EQ(parse("20000"), 2000000);
	CHECK_EQ(parse("007"), 700);
}

TEST(test_M1_parse_one_and_two_decimals)
{
	CHECK_EQ(parse("12.3"), 1230);
	CHECK_EQ(parse("12.34"), 1234);
	CHECK_EQ(parse("0.01"), 1);
	CHECK_EQ(parse("0.1"), 10);
	CHECK_EQ(parse("0.00"), 0);
	CHECK_EQ(parse("0.0"), 0);
	CHECK_EQ(parse("50000.00"), 5000000);
	CHECK_EQ(parse("1234.50"), 123450);
}

TEST(test_M1_parse_empty_refused)
{
	int64_t	 fen = 7;

	CHECK_EQ(parse(""), -1);
	CHECK_EQ(money_parse_yuan(NULL, 0, &fen), -1);
	CHECK_EQ(fen, 7);
}

TEST(test_M1_parse_lone_or_dangling_point_refused)
{
	CHECK_EQ(parse("."), -1);
	CHECK_EQ(parse("1."), -1);
	CHECK_EQ(parse(".5"), -1);
	CHECK_EQ(parse(".50"), -1);
	CHECK_EQ(parse("1..5"), -1);
	CHECK_EQ(parse("1.2.3"), -1);
}

TEST(test_M1_parse_three_decimals_refused)
{
	CHECK_EQ(parse("1.234"), -1);
	CHECK_EQ(parse("1.000"), -1);
	CHECK_EQ(parse("0.001"), -1);
}

TEST(test_M1_parse_sign_refused)
{
	CHECK_EQ(parse("-1"), -1);
	CHECK_EQ(parse("+1"), -1);
	CHECK_EQ(parse("-0.01"), -1);
	CHECK_EQ(parse("1-"), -1);
}

TEST(test_M1_parse_spaces_refused)
{
	CHECK_EQ(parse(" 1"), -1);
	CHECK_EQ(parse("1 "), -1);
	CHECK_EQ(parse("1 000"), -1);
	CHECK_EQ(parse("1\n"), -1);
	CHECK_EQ(parse("\t1"), -1);
	CHECK_EQ(parse("1. 5"), -1);
}

TEST(test_M1_parse_exponent_and_separators_refused)
{
	CHECK_EQ(parse("1e3"), -1);
	CHECK_EQ(parse("1E3"), -1);
	CHECK_EQ(parse("1,000"), -1);
	CHECK_EQ(parse("1,5"), -1);
	CHECK_EQ(parse("1_000"), -1);
	CHECK_EQ(parse("0x10"), -1);
	CHECK_EQ(parse("inf"), -1);
	CHECK_EQ(parse("nan"), -1);
	CHECK_EQ(parse("1.5a"), -1);
	CHECK_EQ(parse("\xef\xbc\x91"), -1);	/* full-width digit one */
}

TEST(test_M1_parse_at_max_ok)
{
	CHECK_EQ(parse("100000000000"), MONEY_MAX_FEN);
	CHECK_EQ(parse("100000000000.00"), MONEY_MAX_FEN);
	CHECK_EQ(parse("99999999999.99"), MONEY_MAX_FEN - 1);
	CHECK_EQ(parse("000000000000000000000000000001"), 100);
}

TEST(test_M1_parse_overflow_past_max_refused)
{
	CHECK_EQ(parse("100000000000.01"), -1);
	CHECK_EQ(parse("100000000000.1"), -1);
	CHECK_EQ(parse("100000000001"), -1);
	CHECK_EQ(parse("92233720368547758.07"), -1);
	CHECK_EQ(parse("9223372036854775807"), -1);
	CHECK_EQ(parse("99999999999999999999999999999999"), -1);
}

TEST(test_M1_parse_reads_only_len_bytes)
{
	int64_t	 fen = 0;

	CHECK_EQ(money_parse_yuan("12.345", 5, &fen), 0);
	CHECK_EQ(fen, 1234);
	CHECK_EQ(money_parse_yuan("12.345", 3, &fen), -1);	/* "12." */
	CHECK_EQ(money_parse_yuan("7xyz", 1, &fen), 0);
	CHECK_EQ(fen, 700);
}

TEST(test_M1_parse_embedded_nul_refused)
{
	int64_t	 fen = 0;

	CHECK_EQ(money_parse_yuan("1\0" "2", 3, &fen), -1);
	CHECK_EQ(money_parse_yuan("1.\0", 3, &fen), -1);
}

/* Formats fen into a large buffer; checks the returned length. */
static void
check_format(int64_t fen, const char *want)
{
	char	 buf[64];
	int	 n;

	memset(buf, 'X', sizeof(buf));
	n = money_format_yuan(fen, buf, sizeof(buf));
	CHECK_STR(buf, want);
	CHECK_EQ(n, (long long)strlen(want));
}

TEST(test_M1_format_small_amounts)
{
	check_format(0, "0.00");
	check_format(5, "0.05");
	check_format(10, "0.10");
	check_format(99, "0.99");
	check_format(100, "1.00");
	check_format(123450, "1234.50");
	check_format(5000000, "50000.00");
}

TEST(test_M1_format_negative)
{
	check_format(-1, "-0.01");
	check_format(-100, "-1.00");
	check_format(-123456, "-1234.56");
}

TEST(test_M1_format_extremes)
{
	check_format(INT64_MIN, "-92233720368547758.08");
	check_format(INT64_MAX, "92233720368547758.07");
	check_format(MONEY_MAX_FEN, "100000000000.00");
}

TEST(test_M1_format_buffer_exactly_large_enough)
{
	char	 buf[6];

	CHECK_EQ(money_format_yuan(100, buf, 5), 4);
	CHECK_STR(buf, "1.00");
	CHECK_EQ(money_format_yuan(1000, buf, 6), 5);
	CHECK_STR(buf, "10.00");
}

TEST(test_M1_format_buffer_too_small_refused)
{
	char	 buf[32];

	CHECK_EQ(money_format_yuan(100, buf, 4), -1);
	CHECK_EQ(money_format_yuan(0, buf, 0), -1);
	CHECK_EQ(money_format_yuan(INT64_MIN, buf, 21), -1);
	CHECK_EQ(money_format_yuan(INT64_MIN, buf, 22), 21);
	CHECK_EQ(money_format_yuan(-1, buf, 5), -1);
}

TEST(test_M1_format_parse_round_trip)
{
	static const int64_t	 v[] = {
		0, 1, 9, 10, 99, 100, 101, 123456, 5000000, 16666667,
		MONEY_MAX_FEN - 1, MONEY_MAX_FEN
	};
	char			 buf[32];
	size_t			 i;
	int			 n;
	int64_t			 fen;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = money_format_yuan(v[i], buf, sizeof(buf));
		CHECK(n > 0);
		fen = -1;
		CHECK_EQ(money_parse_yuan(buf, (size_t)n, &fen), 0);
		CHECK_EQ(fen, v[i]);
	}
}

int
main(void)
{
	RUN(test_M1_parse_whole_yuan);
	RUN(test_M1_parse_one_and_two_decimals);
	RUN(test_M1_parse_empty_refused);
	RUN(test_M1_parse_lone_or_dangling_point_refused);
	RUN(test_M1_parse_three_decimals_refused);
	RUN(test_M1_parse_sign_refused);
	RUN(test_M1_parse_spaces_refused);
	RUN(test_M1_parse_exponent_and_separators_refused);
	RUN(test_M1_parse_at_max_ok);
	RUN(test_M1_parse_overflow_past_max_refused);
	RUN(test_M1_parse_reads_only_len_bytes);
	RUN(test_M1_parse_embedded_nul_refused);
	RUN(test_M1_format_small_amounts);
	RUN(test_M1_format_negative);
	RUN(test_M1_format_extremes);
	RUN(test_M1_format_buffer_exactly_large_enough);
	RUN(test_M1_format_buffer_too_small_refused);
	RUN(test_M1_format_parse_round_trip);
	return check_done();
}
