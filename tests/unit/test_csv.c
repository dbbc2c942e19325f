/*
 * test_csv.c - the bureau's list files (E11, E14): UTF-8 with and without
 * a byte-order mark, GB18030 (Excel's GBK), other encodings refused with
 * the line they were found on; RFC 4180 rows with the line each starts on.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "csv.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

/* "北京" in GB18030 (= GBK): B1 B1 BE A9. */
#define GB_BEIJING "\xb1\xb1\xbe\xa9"

static char *
decode(const char *in, size_t n, const char *declared, enum csv_error *e,
    enum csv_charset *used, size_t *line)
{
	char *out = NULL;
	size_t len;

	*e = csv_decode(in, n, declared, &out, &len, used, line);
	return out;
}

TEST(test_E11_csv_utf8_without_bom)
{
	const char s[] = "uscc,name\n91110108MA01X,北京\n";
	enum csv_error e;
	enum csv_charset used;
	size_t line;
	char *out = decode(s, sizeof(s) - 1, NULL, &e, &used, &line);

	CHECK_EQ(e, CSV_OK);
	CHECK_EQ(used, CSV_UTF8);
	CHECK_STR(out, s);
	free(out);
}

TEST(test_E11_csv_utf8_bom_removed)
{
	const char s[] = "\xef\xbb\xbf" "统一社会信用代码,名称\n";
	enum csv_error e;
	enum csv_charset used;
	size_t line;
	char *out = decode(s, sizeof(s) - 1, NULL, &e, &used, &line);

	CHECK_EQ(e, CSV_OK);
	CHECK_EQ(used, CSV_UTF8);
	CHECK_STR(out, "统一社会信用代码,名称\n");
	free(out);
}

TEST(test_E11_csv_gb18030_detected_and_decoded)
{
	const char s[] = "a,b\nx," GB_BEIJING "\n";
	enum csv_error e;
	enum csv_charset used;
	size_t line;
	char *out = decode(s, sizeof(s) - 1, NULL, &e, &used, &line);

	CHECK_EQ(e, CSV_OK);
	CHECK_EQ(used, CSV_GB18030);
	CHECK_STR(out, "a,b\nx,北京\n");
	free(out);
	/* declared by the request */
	out = decode(s, sizeof(s) - 1, "GBK", &e, &used, &line);
	CHECK_EQ(e, CSV_OK);
	CHECK_EQ(used, CSV_GB18030);
	CHECK_STR(out, "a,b\nx,北京\n");
	free(out);
}

TEST(test_E11_csv_other_encodings_refused_with_line)
{
	/* Latin-1 "é," on line 3: neither UTF-8 nor GB18030 */
	const char latin[] = "a,b\nc,d\ncaf\xe9,x\n";
	const char utf16[] = "\xff\xfe" "a\0,\0b\0";
	const char nul[] = "a,b\nc\0d\n";
	const char bad_utf8_declared[] = "a\nb\n" GB_BEIJING "\n";
	enum csv_error e;
	enum csv_charset used;
	size_t line;
	char *out;

	out = decode(latin, sizeof(latin) - 1, NULL, &e, &used, &line);
	CHECK(out == NULL);
	CHECK_EQ(e, CSV_BAD_ENCODING);
	CHECK_EQ(line, 3);
	out = decode(utf16, sizeof(utf16) - 1, NULL, &e, &used, &line);
	CHECK(out == NULL);
	CHECK_EQ(e, CSV_UNSUPPORTED);
	CHECK_EQ(line, 1);
	out = decode(nul, sizeof(nul) - 1, NULL, &e, &used, &line);
	CHECK(out == NULL);
	CHECK_EQ(e, CSV_NUL);
	CHECK_EQ(line, 2);
	out = decode(bad_utf8_declared, sizeof(bad_utf8_declared) - 1,
	    "utf-8", &e, &used, &line);
	CHECK(out == NULL);
	CHECK_EQ(e, CSV_BAD_ENCODING);
	CHECK_EQ(line, 3);
	out = decode("a", 1, "iso-8859-1", &e, &used, &line);
	CHECK(out == NULL);
	CHECK_EQ(e, CSV_UNSUPPORTED);
	CHECK(csv_error_text(CSV_BAD_ENCODING)[0] != '\0');
}

TEST(test_E11_csv_overlong_and_surrogate_utf8_not_utf8)
{
	/* an overlong "/" and a UTF-8 surrogate: not UTF-8, and not
	 * GB18030 either */
	const char overlong[] = "\xc0\xaf\n";
	enum csv_error e;
	enum csv_charset used;
	size_t line;

	CHECK(decode(overlong, 3, "utf-8", &e, &used, &line) == NULL);
	CHECK_EQ(e, CSV_BAD_ENCODING);
	CHECK(decode("\xed\xa0\x80", 3, "utf-8", &e, &used, &line) == NULL);
	CHECK_EQ(e, CSV_BAD_ENCODING);
}

TEST(test_E11_csv_rows_fields_and_lines)
{
	const char s[] = "uscc,name\r\n"
	    "\r\n"
	    "  A1 , \"北京, 有限公司\"\r\n"
	    "B2,\"say \"\"hi\"\"\"\n"
	    "C3,\"two\nlines\"\n"
	    "D4,last";
	struct csv_rows rows;
	size_t line;

	CHECK_EQ(csv_parse(s, sizeof(s) - 1, &rows, &line), CSV_OK);
	CHECK_EQ(rows.n, 5);
	if (rows.n == 5) {
		CHECK_EQ(rows.v[0].line, 1);
		CHECK_EQ(rows.v[1].line, 3);	/* the blank line 2 skipped */
		CHECK_EQ(rows.v[1].nfields, 2);
		CHECK_STR(rows.v[1].fields[0], "A1");
		CHECK_STR(rows.v[1].fields[1], "北京, 有限公司");
		CHECK_STR(rows.v[2].fields[1], "say \"hi\"");
		CHECK_EQ(rows.v[3].line, 5);
		CHECK_STR(rows.v[3].fields[1], "two\nlines");
		CHECK_EQ(rows.v[4].line, 7);
		CHECK_STR(rows.v[4].fields[1], "last");
	}
	csv_rows_free(&rows);
}

TEST(test_E11_csv_bad_quotes_refused_with_line)
{
	struct csv_rows rows;
	size_t line;

	CHECK_EQ(csv_parse("a,b\nc,\"open\n", 12, &rows, &line), CSV_BAD_QUOTE);
	CHECK_EQ(line, 2);
	CHECK_EQ(rows.n, 0);
	CHECK_EQ(csv_parse("a,b\n\"x\"y,z\n", 11, &rows, &line), CSV_BAD_QUOTE);
	CHECK_EQ(line, 2);
}

TEST(test_E11_csv_empty_file_has_no_rows)
{
	struct csv_rows rows;
	size_t line;

	CHECK_EQ(csv_parse("", 0, &rows, &line), CSV_OK);
	CHECK_EQ(rows.n, 0);
	CHECK_EQ(csv_parse("\n\r\n\n", 4, &rows, &line), CSV_OK);
	CHECK_EQ(rows.n, 0);
}

static void *
decode_gb18030_in_thread(void *arg)
{
	const char s[] = "a,b\nx," GB_BEIJING "\n";
	enum csv_error e;
	enum csv_charset used;
	size_t line;
	char *out = decode(s, sizeof(s) - 1, NULL, &e, &used, &line);

	*(int *)arg = e == CSV_OK && used == CSV_GB18030;
	free(out);
	return NULL;
}

/* A worker thread that decoded a GB18030 list and ended leaves nothing
 * behind (its converter is closed: once one was kept per thread and never
 * closed, which LeakSanitizer found at the programs' stop). */
TEST(test_E11_csv_decoding_thread_leaves_nothing_behind)
{
	pthread_t t;
	int ok = 0;

	CHECK_EQ(pthread_create(&t, NULL, decode_gb18030_in_thread, &ok), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK(ok);
#if defined(__SANITIZE_ADDRESS__)
	CHECK_EQ(__lsan_do_recoverable_leak_check(), 0);
#endif
}

int
main(void)
{
	RUN(test_E11_csv_utf8_without_bom);
	RUN(test_E11_csv_utf8_bom_removed);
	RUN(test_E11_csv_gb18030_detected_and_decoded);
	RUN(test_E11_csv_other_encodings_refused_with_line);
	RUN(test_E11_csv_overlong_and_surrogate_utf8_not_utf8);
	RUN(test_E11_csv_rows_fields_and_lines);
	RUN(test_E11_csv_bad_quotes_refused_with_line);
	RUN(test_E11_csv_empty_file_has_no_rows);
	RUN(test_E11_csv_decoding_thread_leaves_nothing_behind);
	return check_done();
}
