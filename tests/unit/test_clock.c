/*
 * test_clock.c - unit tests of shared/clock.c: the injectable clock of
 * rule T2 (clock file read at every call, fallback to the real clock) and
 * the UTC / Asia/Shanghai time handling of rule T1.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "clock.h"

#define T_2024_03_01_0800	((time_t)1709280000)

/* Parses s; returns the instant, or -1 (then checks *out untouched). */
static time_t
parse(const char *s)
{
	time_t	 t = 12345;

	if (clock_parse_iso8601(s, &t) == -1) {
		CHECK_EQ(t, 12345);
		return -1;
	}
	return t;
}

/* T1: parsing */

TEST(test_T1_parse_utc_instant)
{
	CHECK_EQ(parse("2024-03-01T08:00:00Z"), T_2024_03_01_0800);
	CHECK_EQ(parse("1970-01-01T00:00:00Z"), 0);
	CHECK_EQ(parse("2000-02-29T12:34:56Z"), 951827696);
	CHECK_EQ(parse("9999-12-31T23:59:59Z"), 253402300799LL);
}

TEST(test_T1_parse_accepted_variants)
{
	CHECK_EQ(parse("2024-03-01 08:00:00Z"), T_2024_03_01_0800);
	CHECK_EQ(parse("2024-03-01T08:00:00+00:00"), T_2024_03_01_0800);
	CHECK_EQ(parse("2024-03-01T08:00:00.123456Z"), T_2024_03_01_0800);
	CHECK_EQ(parse("2024-03-01T08:00:00.999999Z"), T_2024_03_01_0800);
	CHECK_EQ(parse("2024-03-01T08:00:00.5Z"), T_2024_03_01_0800);
	CHECK_EQ(parse("2024-03-01 08:00:00.123+00:00"), T_2024_03_01_0800);
	CHECK_EQ(parse("2024-03-01T08:00:00.123456789Z"), T_2024_03_01_0800);
}

TEST(test_T1_parse_leap_day_2024_valid)
{
	CHECK_EQ(parse("2024-02-29T00:00:00Z"), 1709164800);
	CHECK_EQ(parse("2024-02-29T23:59:59Z"), 1709251199);
	CHECK_EQ(parse("2000-02-29T00:00:00Z"), 951782400);
}

TEST(test_T1_parse_leap_day_2023_invalid)
{
	CHECK_EQ(parse("2023-02-29T00:00:00Z"), -1);
	CHECK_EQ(parse("2100-02-29T00:00:00Z"), -1);	/* century */
	CHECK_EQ(parse("2024-02-30T00:00:00Z"), -1);
}

TEST(test_T1_parse_24_00_invalid)
{
	CHECK_EQ(parse("2024-03-01T24:00:00Z"), -1);
	CHECK_EQ(parse("2024-03-01T23:60:00Z"), -1);
	CHECK_EQ(parse("2024-03-01T23:59:60Z"), -1);	/* no leap second */
}

TEST(test_T1_parse_bad_dates_invalid)
{
	CHECK_EQ(parse("2024-00-01T00:00:00Z"), -1);
	CHECK_EQ(parse("2024-13-01T00:00:00Z"), -1);
	CHECK_EQ(parse("2024-01-00T00:00:00Z"), -1);
	CHECK_EQ(parse("2024-01-32T00:00:00Z"), -1);
	CHECK_EQ(parse("2024-04-31T00:00:00Z"), -1);
	CHECK_EQ(parse("1969-12-31T23:59:59Z"), -1);
	CHECK_EQ(parse("2024-3-01T00:00:00Z"), -1);
	CHECK_EQ(parse("24-03-01T00:00:00Z"), -1);
	CHECK_EQ(parse("+2024-03-01T00:00:00Z"), -1);
}

TEST(test_T1_parse_zone_required_and_utc_only)
{
	CHECK_EQ(parse("2024-03-01T08:00:00"), -1);
	CHECK_EQ(parse("2024-03-01 08:00:00"), -1);
	CHECK_EQ(parse("2024-03-01T08:00:00z"), -1);
	CHECK_EQ(parse("2024-03-01T16:00:00+08:00"), -1);
	CHECK_EQ(parse("2024-03-01T08:00:00-00:00"), -1);
	CHECK_EQ(parse("2024-03-01T08:00:00+00"), -1);
}

TEST(test_T1_parse_malformed_invalid)
{
	time_t	 t = 5;

	CHECK_EQ(parse(""), -1);
	CHECK_EQ(parse("2024-03-01"), -1);
	CHECK_EQ(parse("2024-03-01T"), -1);
	CHECK_EQ(parse("2024-03-01T08:00Z"), -1);
	CHECK_EQ(parse("2024-03-01T8:00:00Z"), -1);
	CHECK_EQ(parse("2024-03-01X08:00:00Z"), -1);
	CHECK_EQ(parse("2024-03-01T08:00:00.Z"), -1);
	CHECK_EQ(parse("2024-03-01T08:00:00.1234567890Z"), -1);
	CHECK_EQ(parse("2024-03-01T08:00:00Z "), -1);
	CHECK_EQ(parse(" 2024-03-01T08:00:00Z"), -1);
	CHECK_EQ(parse("2024-03-01T08:00:00ZZ"), -1);
	CHECK_EQ(parse("2024-03-01T08:00:00Z\n"), -1);
	CHECK_EQ(parse("2024/03/01T08:00:00Z"), -1);
	CHECK_EQ(parse("2024-03-01T08:00:0aZ"), -1);
	CHECK_EQ(clock_parse_iso8601(NULL, &t), -1);
	CHECK_EQ(t, 5);
}

/* T1: formatting */

TEST(test_T1_format_iso8601)
{
	char	 buf[21];

	clock_format_iso8601(T_2024_03_01_0800, buf);
	CHECK_STR(buf, "2024-03-01T08:00:00Z");
	clock_format_iso8601(0, buf);
	CHECK_STR(buf, "1970-01-01T00:00:00Z");
	clock_format_iso8601(-1, buf);
	CHECK_STR(buf, "1969-12-31T23:59:59Z");
	clock_format_iso8601(1709251199, buf);
	CHECK_STR(buf, "2024-02-29T23:59:59Z");
}

TEST(test_T1_format_sql)
{
	char	 buf[20];

	clock_format_sql(T_2024_03_01_0800, buf);
	CHECK_STR(buf, "2024-03-01 08:00:00");
	clock_format_sql(253402300799LL, buf);
	CHECK_STR(buf, "9999-12-31 23:59:59");
}

TEST(test_T1_format_out_of_range_clamped)
{
	char	 buf[21];

	clock_format_iso8601((time_t)INT64_MAX, buf);
	CHECK_STR(buf, "9999-12-31T23:59:59Z");
	clock_format_iso8601((time_t)INT64_MIN, buf);
	CHECK_STR(buf, "0000-01-01T00:00:00Z");
}

TEST(test_T1_format_parse_round_trip)
{
	static const char *const	 v[] = {
		"1970-01-01T00:00:00Z", "2024-02-29T12:00:01Z",
		"2024-12-31T23:59:59Z", "2025-01-01T00:00:00Z",
		"2038-01-19T03:14:08Z", "2100-03-01T00:00:00Z",
		"9999-12-31T23:59:59Z",
	};
	char				 buf[21];
	size_t				 i;
	time_t				 t;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CHECK_EQ(clock_parse_iso8601(v[i], &t), 0);
		clock_format_iso8601(t, buf);
		CHECK_STR(buf, v[i]);
	}
}

TEST(test_T1_format_parse_round_trip_every_day)
{
	char	 buf[21];
	long	 day;
	time_t	 t, back;
	int	 bad = 0;

	/* Every day of 1970..2200, then every 7th to 9999, at 12:34:56. */
	for (day = 0; day <= 2932896; day += day < 84000 ? 1 : 7) {
		t = (time_t)day * 86400 + 45296;
		clock_format_iso8601(t, buf);
		if (clock_parse_iso8601(buf, &back) != 0 || back != t)
			bad++;
	}
	CHECK_EQ(bad, 0);
}

/* T1: calendar dates */

TEST(test_T1_days_from_civil)
{
	CHECK_EQ(clock_days_from_civil(1970, 1, 1), 0);
	CHECK_EQ(clock_days_from_civil(1969, 12, 31), -1);
	CHECK_EQ(clock_days_from_civil(2000, 3, 1), 11017);
	CHECK_EQ(clock_days_from_civil(2024, 2, 29), 19782);
	CHECK_EQ(clock_days_from_civil(2024, 3, 1), 19783);
	CHECK_EQ(clock_days_from_civil(1, 1, 1), -719162);
	CHECK_EQ(clock_days_from_civil(9999, 12, 31), 2932896);
}

TEST(test_T1_parse_date)
{
	int	 y = 0, m = 0, d = 0;

	CHECK_EQ(clock_parse_date("2024-02-29", &y, &m, &d), 0);
	CHECK_EQ(y, 2024);
	CHECK_EQ(m, 2);
	CHECK_EQ(d, 29);
	CHECK_EQ(clock_parse_date("1970-01-01", &y, &m, &d), 0);
	CHECK_EQ(clock_parse_date("9999-12-31", &y, &m, &d), 0);
	CHECK_EQ(y, 9999);
}

TEST(test_T1_parse_date_invalid)
{
	int	 y = 1, m = 2, d = 3;

	CHECK_EQ(clock_parse_date("2023-02-29", &y, &m, &d), -1);
	CHECK_EQ(clock_parse_date("1969-12-31", &y, &m, &d), -1);
	CHECK_EQ(clock_parse_date("10000-01-01", &y, &m, &d), -1);
	CHECK_EQ(clock_parse_date("2024-06-31", &y, &m, &d), -1);
	CHECK_EQ(clock_parse_date("2024-2-29", &y, &m, &d), -1);
	CHECK_EQ(clock_parse_date("2024-02-29 ", &y, &m, &d), -1);
	CHECK_EQ(clock_parse_date("2024-02-29T00:00:00Z", &y, &m, &d), -1);
	CHECK_EQ(clock_parse_date("2024/02/29", &y, &m, &d), -1);
	CHECK_EQ(clock_parse_date("", &y, &m, &d), -1);
	CHECK_EQ(clock_parse_date(NULL, &y, &m, &d), -1);
	CHECK_EQ(y, 1);
	CHECK_EQ(m, 2);
	CHECK_EQ(d, 3);
}

/* T1: Asia/Shanghai */

TEST(test_T1_shanghai_date_before_midnight_is_same_day)
{
	int	 y, m, d;

	/* 2024-12-31T15:59:59Z is 23:59:59 in Shanghai. */
	clock_shanghai_date(1735660799, &y, &m, &d);
	CHECK_EQ(y, 2024);
	CHECK_EQ(m, 12);
	CHECK_EQ(d, 31);
	CHECK_EQ(clock_shanghai_year(1735660799), 2024);
}

TEST(test_T1_shanghai_date_at_16_00_utc_is_next_day_and_year)
{
	int	 y, m, d;

	/* 2024-12-31T16:00:00Z is 2025-01-01 00:00:00 in Shanghai. */
	clock_shanghai_date(1735660800, &y, &m, &d);
	CHECK_EQ(y, 2025);
	CHECK_EQ(m, 1);
	CHECK_EQ(d, 1);
	CHECK_EQ(clock_shanghai_year(1735660800), 2025);
}

TEST(test_T1_shanghai_date_leap_day_and_epoch)
{
	int	 y, m, d;

	/* 2024-02-28T16:00:00Z is 2024-02-29 in Shanghai. */
	clock_shanghai_date(1709164800 - 8 * 3600, &y, &m, &d);
	CHECK_EQ(y, 2024);
	CHECK_EQ(m, 2);
	CHECK_EQ(d, 29);
	/* 1969-12-31T23:59:59Z is already 1970-01-01 in Shanghai. */
	clock_shanghai_date(-1, &y, &m, &d);
	CHECK_EQ(y, 1970);
	CHECK_EQ(m, 1);
	CHECK_EQ(d, 1);
	clock_shanghai_date(-8 * 3600 - 1, &y, &m, &d);
	CHECK_EQ(y, 1969);
	CHECK_EQ(d, 31);
	CHECK_EQ(clock_shanghai_year((time_t)INT64_MAX), 9999);
}

/* T2: the clock file */

/* A temporary clock file holding content; path receives its name. */
static int
clock_file_make(char path[64], const char *content)
{
	int	 fd;
	size_t	 len = strlen(content);

	strcpy(path, "/tmp/voucher-clock-XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if (write(fd, content, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

/* Replaces the content of the clock file at path. */
static int
clock_file_write(const char *path, const char *content)
{
	FILE	*f;
	int	 rc;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	rc = fputs(content, f) < 0 ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* True when t is the real clock within a few seconds. */
static int
is_real_now(time_t t)
{
	time_t	 now = time(NULL);

	return t >= now - 5 && t <= now + 5;
}

TEST(test_T2_no_clock_file_is_real_time)
{
	clock_set_file(NULL);
	CHECK(is_real_now(clock_now()));
	clock_set_file("");
	CHECK(is_real_now(clock_now()));
}

TEST(test_T2_clock_file_overrides_now)
{
	char	 path[64];

	if (clock_file_make(path, "2024-03-01T08:00:00Z") == -1) {
		CHECK(!"cannot create a temporary clock file");
		return;
	}
	clock_set_file(path);
	CHECK_EQ(clock_now(), T_2024_03_01_0800);
	clock_set_file(NULL);
	unlink(path);
}

TEST(test_T2_clock_file_reread_at_every_call)
{
	char	 path[64];

	if (clock_file_make(path, "2024-03-01T08:00:00Z\n") == -1) {
		CHECK(!"cannot create a temporary clock file");
		return;
	}
	clock_set_file(path);
	CHECK_EQ(clock_now(), T_2024_03_01_0800);
	/* Advance 48 hours (O4) without waiting. */
	CHECK_EQ(clock_file_write(path, "2024-03-03T08:00:00Z\n"), 0);
	CHECK_EQ(clock_now(), T_2024_03_01_0800 + 48 * 3600);
	clock_set_file(NULL);
	unlink(path);
}

TEST(test_T2_clock_file_path_copied)
{
	char	 path[64], copy[64];

	if (clock_file_make(path, "2024-03-01T08:00:00Z") == -1) {
		CHECK(!"cannot create a temporary clock file");
		return;
	}
	strcpy(copy, path);
	clock_set_file(copy);
	memset(copy, 0, sizeof(copy));	/* the caller's string may go */
	CHECK_EQ(clock_now(), T_2024_03_01_0800);
	clock_set_file(NULL);
	unlink(path);
}

TEST(test_T2_clock_file_trailing_whitespace_ok)
{
	char	 path[64];

	if (clock_file_make(path, "2024-03-01 08:00:00.25+00:00\r\n\n") == -1) {
		CHECK(!"cannot create a temporary clock file");
		return;
	}
	clock_set_file(path);
	CHECK_EQ(clock_now(), T_2024_03_01_0800);
	clock_set_file(NULL);
	unlink(path);
}

TEST(test_T2_missing_clock_file_falls_back_to_real_time)
{
	clock_set_file("/nonexistent/voucher-clock-file");
	CHECK(is_real_now(clock_now()));
	clock_set_file(NULL);
}

TEST(test_T2_malformed_clock_file_falls_back_to_real_time)
{
	static const char *const	 bad[] = {
		"", "\n", "tomorrow", "2024-02-30T00:00:00Z",
		"2024-03-01T08:00:00", " 2024-03-01T08:00:00Z",
		"2024-03-01T08:00:00Z trailing",
		"2024-03-01T08:00:00Z                                   "
		    "                                              x",
	};
	char				 path[64];
	size_t				 i;

	if (clock_file_make(path, "") == -1) {
		CHECK(!"cannot create a temporary clock file");
		return;
	}
	clock_set_file(path);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(clock_file_write(path, bad[i]), 0);
		CHECK(is_real_now(clock_now()));
	}
	clock_set_file(NULL);
	unlink(path);
}

TEST(test_T2_directory_as_clock_file_falls_back_to_real_time)
{
	clock_set_file("/tmp");
	CHECK(is_real_now(clock_now()));
	clock_set_file(NULL);
}

#define CLOCK_THREADS	8
#define CLOCK_CALLS	200

/* Calls clock_now() repeatedly; counts the answers that are not T. */
static void *
clock_thread(void *arg)
{
	int	*wrong = arg;
	int	 i;

	for (i = 0; i < CLOCK_CALLS; i++)
		if (clock_now() != T_2024_03_01_0800)
			(*wrong)++;
	return NULL;
}

TEST(test_T2_clock_file_read_from_many_threads)
{
	pthread_t	 th[CLOCK_THREADS];
	int		 wrong[CLOCK_THREADS] = { 0 };
	char		 path[64];
	int		 i, started = 0;

	if (clock_file_make(path, "2024-03-01T08:00:00Z\n") == -1) {
		CHECK(!"cannot create a temporary clock file");
		return;
	}
	clock_set_file(path);
	for (i = 0; i < CLOCK_THREADS; i++)
		if (pthread_create(&th[i], NULL, clock_thread, &wrong[i]) == 0)
			started++;
		else
			break;
	CHECK_EQ(started, CLOCK_THREADS);
	for (i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		CHECK_EQ(wrong[i], 0);
	}
	clock_set_file(NULL);
	unlink(path);
}

int
main(void)
{
	RUN(test_T1_parse_utc_instant);
	RUN(test_T1_parse_accepted_variants);
	RUN(test_T1_parse_leap_day_2024_valid);
	RUN(test_T1_parse_leap_day_2023_invalid);
	RUN(test_T1_parse_24_00_invalid);
	RUN(test_T1_parse_bad_dates_invalid);
	RUN(test_T1_parse_zone_required_and_utc_only);
	RUN(test_T1_parse_malformed_invalid);
	RUN(test_T1_format_iso8601);
	RUN(test_T1_format_sql);
	RUN(test_T1_format_out_of_range_clamped);
	RUN(test_T1_format_parse_round_trip);
	RUN(test_T1_format_parse_round_trip_every_day);
	RUN(test_T1_days_from_civil);
	RUN(test_T1_parse_date);
	RUN(test_T1_parse_date_invalid);
	RUN(test_T1_shanghai_date_before_midnight_is_same_day);
	RUN(test_T1_shanghai_date_at_16_00_utc_is_next_day_and_year);
	RUN(test_T1_shanghai_date_leap_day_and_epoch);
	RUN(test_T2_no_clock_file_is_real_time);
	RUN(test_T2_clock_file_overrides_now);
	RUN(test_T2_clock_file_reread_at_every_call);
	RUN(test_T2_clock_file_path_copied);
	RUN(test_T2_clock_file_trailing_whitespace_ok);
	RUN(test_T2_missing_clock_file_falls_back_to_real_time);
	RUN(test_T2_malformed_clock_file_falls_back_to_real_time);
	RUN(test_T2_directory_as_clock_file_falls_back_to_real_time);
	RUN(test_T2_clock_file_read_from_many_threads);
	return check_done();
}
